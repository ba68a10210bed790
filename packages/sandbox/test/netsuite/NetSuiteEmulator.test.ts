import { Agent, fetch } from "@effect/platform-node/Undici"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect } from "effect"
import { createHmac } from "node:crypto"
import OAuth from "oauth-1.0a"
import { type NetSuiteEmulatorOptions, startNetSuiteEmulator } from "../../src/netsuite/NetSuiteEmulator.js"
import { makeTestPki } from "../../src/TestPki.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const TBA = { consumerKey: "ck-test", consumerSecret: "cs-test", tokenId: "tk-test", tokenSecret: "ts-test" }

/** An emulator and a TBA-signing HTTPS client for it (signed with the oauth-1.0a library, not the emulator's code). */
const setup = (options: Omit<NetSuiteEmulatorOptions, "pki" | "tba"> = {}) =>
  Effect.gen(function*() {
    const pki = yield* makeTestPki()
    const emulator = yield* startNetSuiteEmulator({ pki, tba: [TBA], ...options })
    const agent = yield* Effect.acquireRelease(
      Effect.sync(() => new Agent({ connect: { ca: pki.caCertificate } })),
      (a) => Effect.promise(() => a.destroy())
    )
    let counter = 0
    const sign = (method: string, url: string, tamper?: { secret?: string; realm?: string; nonce?: string }) => {
      const oauth = new OAuth({
        consumer: { key: TBA.consumerKey, secret: tamper?.secret ?? TBA.consumerSecret },
        signature_method: "HMAC-SHA256",
        hash_function: (base, key) => createHmac("sha256", key).update(base).digest("base64"),
        realm: tamper?.realm ?? emulator.realm
      })
      const u = new URL(url)
      const data = Object.fromEntries(u.searchParams)
      const nonce = tamper?.nonce ?? `nonce${String(++counter).padStart(6, "0")}`
      const protocol = {
        oauth_consumer_key: TBA.consumerKey,
        oauth_nonce: nonce,
        oauth_signature_method: "HMAC-SHA256",
        oauth_timestamp: Math.floor(Date.now() / 1000),
        oauth_token: TBA.tokenId,
        oauth_version: "1.0"
      }
      const signature = oauth.getSignature({ url: `${u.origin}${u.pathname}`, method, data }, TBA.tokenSecret, { ...protocol })
      return oauth.toHeader({ ...protocol, oauth_signature: signature }).Authorization
    }
    const send = (
      method: string,
      path: string,
      init: { body?: unknown; headers?: Record<string, string>; tamper?: Parameters<typeof sign>[2] } = {}
    ) =>
      Effect.promise(async () => {
        const url = `${emulator.baseUrl}${path}`
        const response = await fetch(url, {
          method,
          dispatcher: agent,
          headers: {
            authorization: sign(method, url, init.tamper),
            "content-type": "application/json",
            ...init.headers
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
        })
        const text = await response.text()
        return { status: response.status, headers: response.headers, json: text === "" ? undefined : JSON.parse(text) }
      })
    return { emulator, send, agent }
  })

const journal = (externalId: string, overrides: Record<string, unknown> = {}) => ({
  externalId,
  subsidiary: { id: "3" },
  currency: { id: "2" },
  tranDate: "2026-01-15",
  memo: "test",
  line: {
    items: [
      { account: { id: "601" }, debit: 100.1, entity: { id: "2001" } },
      { account: { id: "118" }, debit: 16.02 },
      { account: { id: "245" }, credit: 116.12 }
    ]
  },
  ...overrides
})

const JE = "/services/rest/record/v1/journalEntry"

describe("NetSuite emulator", () => {
  it.scoped("checks TBA signatures: query parameters signed, wrong secret, wrong realm and replayed nonce refused", () =>
    Effect.gen(function*() {
      const { emulator, send } = yield* setup()
      const ok = yield* send("GET", `${JE}/eid:nothing?expandSubResources=true&fields=id%20memo`)
      assert.strictEqual(ok.status, 404)
      assert.strictEqual(ok.json["o:errorDetails"][0]["o:errorCode"], "NONEXISTENT_ID")
      const codes = []
      for (const tamper of [{ secret: "wrong" }, { realm: "1234567" }]) {
        const r = yield* send("GET", `${JE}/1`, { tamper })
        codes.push([r.status, r.json["o:errorDetails"][0]["o:errorCode"]])
      }
      yield* send("GET", `${JE}/1`, { tamper: { nonce: "replayed01" } })
      const replay = yield* send("GET", `${JE}/1`, { tamper: { nonce: "replayed01" } })
      codes.push([replay.status, replay.json["o:errorDetails"][0]["o:errorCode"]])
      assert.deepStrictEqual(codes, [[401, "INVALID_LOGIN"], [401, "INVALID_LOGIN"], [401, "INVALID_LOGIN"]])
      assert.strictEqual(emulator.stats().authFailures, 3)
    }))

  it.scoped("creates with 204 + Location, reads by id and eid:, refuses a duplicate externalId", () =>
    Effect.gen(function*() {
      const { emulator, send } = yield* setup()
      const created = yield* send("POST", JE, { body: journal("rcn_a") })
      assert.strictEqual(created.status, 204)
      const location = created.headers.get("location") ?? ""
      assert.match(location, new RegExp(`^${emulator.baseUrl}${JE}/\\d+$`))
      const id = location.split("/").pop()
      const byId = yield* send("GET", `${JE}/${id}?expandSubResources=true`)
      assert.strictEqual(byId.json.id, id)
      assert.deepStrictEqual(byId.json.line.items.map((l: any) => l.debit ?? -l.credit), [100.1, 16.02, -116.12])
      const byEid = yield* send("GET", `${JE}/eid:rcn_a`)
      assert.strictEqual(byEid.json.id, id)
      assert.deepStrictEqual(Object.keys(byEid.json.line), ["links"])
      const duplicate = yield* send("POST", JE, { body: journal("rcn_a") })
      assert.strictEqual(duplicate.status, 400)
      assert.match(duplicate.json["o:errorDetails"][0].detail, /already exists/)
      assert.strictEqual(emulator.records().length, 1)
      assert.strictEqual(emulator.countByExternalId().get("rcn_a"), 1)
    }))

  it.scoped("validates: balance to the cent, references per subsidiary, closed period, unknown fields, externalId", () =>
    Effect.gen(function*() {
      const { emulator, send } = yield* setup()
      const errorsOf = (r: { json: any }) =>
        r.json["o:errorDetails"].map((d: any) => [d["o:errorCode"], d["o:errorPath"]])
      const unbalanced = yield* send("POST", JE, {
        body: journal("rcn_b", { line: { items: [{ account: { id: "601" }, debit: 10.01 }, { account: { id: "245" }, credit: 10 }] } })
      })
      assert.deepStrictEqual(errorsOf(unbalanced), [["USER_ERROR", "line.items"]])
      const references = yield* send("POST", JE, {
        body: journal("rcn_c", {
          line: {
            items: [
              { account: { id: "910" }, debit: 5 },
              { account: { id: "999" }, debit: 5, entity: { id: "424242" } },
              { account: { id: "245" }, credit: 10 }
            ]
          }
        })
      })
      assert.deepStrictEqual(errorsOf(references), [
        ["INVALID_KEY_OR_REF", "line.items[0].account"],
        ["INVALID_KEY_OR_REF", "line.items[1].account"],
        ["INVALID_KEY_OR_REF", "line.items[1].entity"]
      ])
      assert.match(references.json["o:errorDetails"][0].detail, /reference key 910 for subsidiary 3/)
      const closed = yield* send("POST", JE, { body: journal("rcn_d", { tranDate: "2025-12-31" }) })
      assert.deepStrictEqual(errorsOf(closed), [["USER_ERROR", "tranDate"]])
      assert.match(closed.json["o:errorDetails"][0].detail, /accounting period Dec 2025 is closed/)
      const strict = yield* send("POST", JE, {
        body: journal("rcn e", { colour: "red" }),
        headers: { "x-netsuite-propertynamevalidation": "Error" }
      })
      assert.deepStrictEqual(errorsOf(strict), [["INVALID_CONTENT", "colour"], ["INVALID_CONTENT", "externalId"]])
      const lenient = yield* send("POST", JE, { body: journal("rcn_f", { colour: "red" }) })
      assert.strictEqual(lenient.status, 204)
      assert.strictEqual(emulator.records().length, 1)
    }))

  it.scoped("SuiteQL: Prefer transient, limit and offset rules, WHERE on externalid, paging", () =>
    Effect.gen(function*() {
      const { emulator, send } = yield* setup()
      yield* send("POST", JE, { body: journal("rcn_q1") })
      yield* send("POST", JE, { body: journal("rcn_q'2") }).pipe(Effect.ignore)
      const q = (query: string, params = "limit=5&offset=0", prefer = "transient") =>
        send("POST", `/services/rest/query/v1/suiteql?${params}`, { body: { q: query }, headers: { prefer } })
      assert.strictEqual((yield* q("SELECT id FROM vendor", "limit=5&offset=0", "")).status, 400)
      assert.strictEqual((yield* q("SELECT id FROM vendor", "limit=5&offset=3")).status, 400)
      assert.strictEqual((yield* q("SELECT id FROM vendor", "limit=1001&offset=0")).status, 400)
      assert.strictEqual((yield* q("SELECT nope FROM vendor")).status, 400)
      const found = yield* q("SELECT id, type FROM transaction WHERE externalid = 'rcn_q1' AND type = 'Journal'")
      assert.deepStrictEqual(found.json.items.map((i: any) => i.type), ["Journal"])
      const page2 = yield* q("SELECT id FROM vendor ORDER BY id", "limit=5&offset=5")
      assert.deepStrictEqual(
        [page2.json.count, page2.json.offset, page2.json.hasMore, page2.json.totalResults],
        [5, 5, true, emulator.catalog.vendors.length]
      )
      assert.deepStrictEqual(page2.json.items.map((i: any) => i.id), emulator.catalog.vendors.slice(5, 10).map((v) => v.id))
    }))

  it.scoped("answers 429 with o:errorDetails beyond the concurrency limit", () =>
    Effect.gen(function*() {
      const { emulator, send } = yield* setup({ concurrencyLimit: 1, latencyMs: 50, retryAfterSeconds: 2 })
      const replies = yield* Effect.all(
        Array.from({ length: 4 }, (_, i) => send("GET", `${JE}/eid:x${i}`)),
        { concurrency: "unbounded" }
      )
      const limited = replies.filter((r) => r.status === 429)
      assert.isAbove(limited.length, 0)
      assert.strictEqual(limited[0]!.headers.get("retry-after"), "2")
      assert.strictEqual(limited[0]!.json["o:errorDetails"][0]["o:errorCode"], "CONCURRENCY_LIMIT_EXCEEDED")
      assert.strictEqual(emulator.stats().rateLimited, limited.length)
    }))

  it.scoped("chaos: commits then drops the connection, or commits then answers 500", () =>
    Effect.gen(function*() {
      const { emulator, send } = yield* setup({ chaos: { seed: 9, dropAfterCommit: 0.5, errorAfterCommit: 0.5 } })
      const outcomes: Array<string> = []
      for (let i = 0; i < 6; i++) {
        const exit = yield* Effect.exit(send("POST", JE, { body: journal(`rcn_chaos_${i}`) }))
        outcomes.push(exit._tag === "Failure" ? "dropped" : String(exit.value.status))
      }
      const stats = emulator.stats()
      assert.strictEqual(outcomes.filter((o) => o === "dropped").length, stats.droppedAfterCommit)
      assert.strictEqual(outcomes.filter((o) => o === "500").length, stats.errorsAfterCommit)
      assert.strictEqual(stats.droppedAfterCommit + stats.errorsAfterCommit, 6)
      assert.isAbove(stats.droppedAfterCommit, 0)
      assert.isAbove(stats.errorsAfterCommit, 0)
      assert.strictEqual(emulator.records().length, 6)
    }))
})
