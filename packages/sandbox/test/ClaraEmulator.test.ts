import { assert, describe, it } from "@effect/vitest"
import { Agent, fetch } from "@effect/platform-node/Undici"
import { Effect, Either, Exit, Scope, TestClock } from "effect"
import { type ClaraEmulatorOptions, startClaraEmulator } from "../src/ClaraEmulator.js"
import { generateScenario } from "../src/ScenarioGenerator.js"
import { type CertifiedKey, makeTestPki, makeUntrustedClient } from "../src/TestPki.js"

const scenario = generateScenario({ seed: 11, size: 45 })
const SECRET = "emulator-test-secret"

interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

const mtlsAgent = (ca: string, client?: CertifiedKey) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      new Agent({ connect: client ? { ca, cert: client.certificate, key: client.privateKey } : { ca } })
    ),
    (agent) => Effect.promise(() => agent.close())
  )

interface SendInit {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

const send = (agent: Agent, url: string, init: SendInit = {}) =>
  Effect.tryPromise(async (): Promise<Reply> => {
    const response = await fetch(url, { ...init, dispatcher: agent })
    const text = await response.text()
    const isJson = response.headers.get("content-type")?.includes("json") ?? false
    return { status: response.status, headers: response.headers, text, json: isJson ? JSON.parse(text) : undefined }
  })

/** A running emulator, an mTLS agent for it, and helpers for the token and authorised GETs. */
const setup = (options: Partial<ClaraEmulatorOptions> = {}) =>
  Effect.gen(function*() {
    const pki = yield* makeTestPki({ clientId: "sandbox-test" })
    const emulator = yield* startClaraEmulator({ scenario, pki, clientSecret: SECRET, ...options })
    const agent = yield* mtlsAgent(pki.caCertificate, pki.client)
    const tokenRequest = (secret = SECRET, body = "grant_type=client_credentials") =>
      send(agent, `${emulator.baseUrl}/oauth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${emulator.clientId}:${secret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded"
        },
        body
      })
    const token = Effect.map(tokenRequest(), (r) => r.json.access_token as string)
    const get = (path: string, bearer?: string, headers: Record<string, string> = {}) =>
      send(agent, path.startsWith("https:") ? path : `${emulator.baseUrl}${path}`, {
        headers: bearer === undefined ? headers : { ...headers, authorization: `Bearer ${bearer}` }
      })
    return { pki, emulator, agent, tokenRequest, token, get }
  })

const sorted = [...scenario.transactions].sort((a, b) =>
  a.operationDate === b.operationDate ? a.uuid.localeCompare(b.uuid) : a.operationDate!.localeCompare(b.operationDate!)
)
const invoiced = scenario.groundTruth.links.find((l) => scenario.invoices[l.transactionUuid] !== undefined)!
const tipped = Object.entries(scenario.extractedDocuments).find(([, docs]) => docs.some((d) => d.type === "RECEIPT"))!

describe("ClaraEmulator", () => {
  it.scoped("issues bearer tokens for good client credentials only", () =>
    Effect.gen(function*() {
      const { emulator, tokenRequest } = yield* setup()
      assert.strictEqual(emulator.clientId, "sandbox-test")
      const ok = yield* tokenRequest()
      assert.strictEqual(ok.status, 200)
      assert.strictEqual(ok.json.token_type, "Bearer")
      assert.strictEqual(ok.json.expires_in, 3600)
      assert.isAbove(ok.json.access_token.length, 20)
      const bad = yield* tokenRequest("wrong")
      assert.strictEqual(bad.status, 401)
      assert.strictEqual(bad.json.error, "access_denied")
      const grant = yield* tokenRequest(SECRET, "grant_type=password")
      assert.strictEqual(grant.status, 400)
    }))

  it.scoped("pages through every transaction in (operationDate, uuid) order", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const bearer = yield* token
      const first = yield* get("/api/v3/transactions", bearer)
      assert.strictEqual(first.json.size, 20)
      assert.strictEqual(first.json.number, 0)
      const seen: Array<string> = []
      for (let page = 0; page < 7; page++) {
        const reply = yield* get(`/api/v3/transactions?page=${page}&size=7`, bearer)
        assert.strictEqual(reply.json.totalElements, 45)
        assert.strictEqual(reply.json.totalPages, 7)
        assert.strictEqual(reply.json.last, page === 6)
        assert.strictEqual(reply.json.first, page === 0)
        assert.strictEqual(reply.json.numberOfElements, reply.json.content.length)
        seen.push(...reply.json.content.map((t: { uuid: string }) => t.uuid))
      }
      assert.deepStrictEqual(seen, sorted.map((t) => t.uuid))
      const past = yield* get("/api/v3/transactions?page=9&size=7", bearer)
      assert.isTrue(past.json.empty)
    }))

  it.scoped("filters by operation, accounting and last-update date ranges", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const bearer = yield* token
      const byOperation = yield* get(
        "/api/v3/transactions?size=100&operationDateRangeStart=2025-01-10&operationDateRangeEnd=2025-01-20",
        bearer
      )
      const expected = sorted.filter((t) => t.operationDate! >= "2025-01-10" && t.operationDate! <= "2025-01-20")
      assert.isAbove(expected.length, 0)
      assert.deepStrictEqual(byOperation.json.content.map((t: { uuid: string }) => t.uuid), expected.map((t) => t.uuid))
      const byAccounting = yield* get("/api/v3/transactions?size=100&accountingDateRangeStart=2025-01-25", bearer)
      for (const t of byAccounting.json.content) assert.isTrue(t.accountingDate >= "2025-01-25")
      const byUpdate = yield* get("/api/v3/transactions?size=100&lastUpdateDateRangeEnd=2025-01-05", bearer)
      assert.strictEqual(
        byUpdate.json.totalElements,
        sorted.filter((t) => t.lastUpdateDate!.slice(0, 10) <= "2025-01-05").length
      )
    }))

  it.scoped("rejects bad query parameters with 400 VALIDATION_ERROR", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const bearer = yield* token
      const queries = [
        "size=101",
        "size=0",
        "page=-1",
        "operationDateRangeStart=2025-1-5",
        "accountingDateRangeEnd=2025-02-30"
      ]
      for (const query of queries) {
        const reply = yield* get(`/api/v3/transactions?${query}`, bearer)
        assert.strictEqual(reply.status, 400, query)
        assert.strictEqual(reply.json.code, "VALIDATION_ERROR", query)
        assert.isString(reply.json.message)
      }
    }))

  it.scoped("answers 401 without a valid, unexpired token", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const none = yield* get("/api/v3/transactions")
      assert.strictEqual(none.status, 401)
      assert.deepStrictEqual(none.json, { message: "Unauthorized", code: "UNAUTHORIZED" })
      assert.strictEqual((yield* get("/api/v3/transactions", "not-a-token")).status, 401)
      const bearer = yield* token
      assert.strictEqual((yield* get("/api/v3/transactions", bearer)).status, 200)
      yield* TestClock.adjust("3601 seconds")
      assert.strictEqual((yield* get("/api/v3/transactions", bearer)).status, 401)
    }))

  it.scoped("answers 404 for an unknown transaction or route, and 403 for a foreign tax identifier", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const bearer = yield* token
      const unknown = yield* get("/api/v3/transactions/00000000-0000-4000-8000-000000000000", bearer)
      assert.strictEqual(unknown.status, 404)
      assert.deepStrictEqual(unknown.json, { message: "Transaction not found", code: "NOT_FOUND" })
      assert.strictEqual((yield* get("/api/v3/nothing-here", bearer)).status, 404)
      const one = yield* get(`/api/v3/transactions/${sorted[0]!.uuid}`, bearer)
      assert.deepStrictEqual(one.json, sorted[0])
      const foreign = yield* get("/api/v3/transactions", bearer, { "x-tax-identifier": "AAA010101AAA" })
      assert.strictEqual(foreign.status, 403)
      assert.strictEqual(foreign.json.code, "FORBIDDEN")
      const own = yield* get("/api/v3/transactions", bearer, { "x-tax-identifier": scenario.company.rfc })
      assert.strictEqual(own.status, 200)
    }))

  it.scoped("serves invoice XML through signed links that refuse tampering and expiry", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const bearer = yield* token
      const reply = yield* get(`/api/v3/transactions/${invoiced.transactionUuid}/invoices`, bearer)
      assert.strictEqual(reply.json.transactionUuid, invoiced.transactionUuid)
      const expected = scenario.invoices[invoiced.transactionUuid]!
      assert.lengthOf(reply.json.invoices, expected.length)
      const invoice = reply.json.invoices[0]
      assert.strictEqual(invoice.invoiceId, expected[0]!.cfdiUuid)
      assert.match(invoice.download.urlExpiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/)
      const xml = yield* get(invoice.download.url)
      assert.strictEqual(xml.status, 200)
      assert.strictEqual(xml.text, new TextDecoder().decode(expected[0]!.xml.bytes))
      const tampered = yield* get(invoice.download.url.replace(/X-Amz-Signature=(.)/, (_: string, c: string) =>
        `X-Amz-Signature=${c === "0" ? "1" : "0"}`))
      assert.strictEqual(tampered.status, 403)
      const otherUrl = invoice.download.url.replace(expected[0]!.cfdiUuid, "00000000-0000-4000-8000-000000000000")
      const otherFile = yield* get(otherUrl)
      assert.strictEqual(otherFile.status, 403)
      yield* TestClock.adjust("12 hours")
      assert.strictEqual((yield* get(invoice.download.url)).status, 403)
    }))

  it.scoped("lists extracted documents as a Spring page and receipts as attachments", () =>
    Effect.gen(function*() {
      const { get, token } = yield* setup()
      const bearer = yield* token
      const [transactionUuid, documents] = tipped
      const page = yield* get(`/api/v3/transactions/${transactionUuid}/extracted-documents`, bearer)
      assert.strictEqual(page.json.totalElements, documents.length)
      assert.deepStrictEqual(page.json.content, documents)
      const receipts = yield* get(`/api/v3/transactions/${transactionUuid}/extracted-documents?type=RECEIPT`, bearer)
      assert.isTrue(receipts.json.content.every((d: { type: string }) => d.type === "RECEIPT"))
      const attachments = yield* get(`/api/v3/transactions/${transactionUuid}/documents`, bearer)
      assert.strictEqual(attachments.json.transactionUuid, transactionUuid)
      const file = yield* get(attachments.json.attachments[0].download.url)
      assert.strictEqual(file.status, 200)
      assert.include(file.text, "Propina")
      const none = yield* get(`/api/v3/transactions/${scenario.groundTruth.notSubject[0]}/documents`, bearer)
      assert.deepStrictEqual(none.json.attachments, [])
    }))

  it.scoped("injects 429 with Retry-After on every Nth API request", () =>
    Effect.gen(function*() {
      const { emulator, get, token } = yield* setup({ faults: { rateLimitEvery: 3 } })
      const bearer = yield* token
      const statuses: Array<number> = []
      for (let i = 0; i < 6; i++) {
        const reply = yield* get("/api/v3/transactions?size=1", bearer)
        statuses.push(reply.status)
        if (reply.status === 429) assert.strictEqual(reply.headers.get("retry-after"), "1")
      }
      assert.deepStrictEqual(statuses, [200, 200, 429, 200, 200, 429])
      assert.deepStrictEqual(emulator.requests().map((r) => r.status), [200, ...statuses])
      assert.deepStrictEqual(emulator.requests()[1], {
        method: "GET",
        path: "/api/v3/transactions",
        query: "size=1",
        status: 200
      })
    }))

  it.scoped("refuses TLS connections without a client certificate or with one from another CA", () =>
    Effect.gen(function*() {
      const { emulator, pki } = yield* setup()
      const anonymous = yield* mtlsAgent(pki.caCertificate)
      const noCert = yield* Effect.either(send(anonymous, `${emulator.baseUrl}/api/v3/transactions`))
      assert.isTrue(Either.isLeft(noCert))
      const untrusted = yield* makeUntrustedClient({ clientId: "sandbox-test" })
      const stranger = yield* mtlsAgent(pki.caCertificate, untrusted.client)
      const wrongCa = yield* Effect.either(send(stranger, `${emulator.baseUrl}/oauth/token`, { method: "POST" }))
      assert.isTrue(Either.isLeft(wrongCa))
      assert.lengthOf(emulator.requests(), 0)
    }))

  it.scoped("fails with EmulatorError when the port is taken", () =>
    Effect.gen(function*() {
      const { emulator, pki } = yield* setup()
      const error = yield* Effect.flip(startClaraEmulator({ scenario, pki, port: emulator.port }))
      assert.strictEqual(error._tag, "EmulatorError")
      assert.include(error.message, String(emulator.port))
    }))

  it.effect("stops listening when its scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { emulator, get } = yield* setup().pipe(Scope.extend(scope))
      assert.strictEqual((yield* get("/oauth/token")).status, 404)
      yield* Scope.close(scope, Exit.void)
      const pki = yield* makeTestPki()
      const after = yield* Effect.scoped(
        Effect.flatMap(
          mtlsAgent(pki.caCertificate, pki.client),
          (agent) => Effect.either(send(agent, `${emulator.baseUrl}/`))
        )
      )
      assert.isTrue(Either.isLeft(after))
    }))
})
