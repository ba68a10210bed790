/**
 * The emulator's transaction pages are kept serialised (`internal/PageCache.ts`): a page read again must be the same
 * bytes as the page's JSON, per filter, and a write (comment) must show on the next read of a page already served.
 */
import { assert, describe, it } from "@effect/vitest"
import { Agent, fetch } from "@effect/platform-node/Undici"
import { Effect } from "effect"
import { startClaraEmulator } from "../src/ClaraEmulator.js"
import { generateScenario } from "../src/ScenarioGenerator.js"
import { makeTestPki } from "../src/TestPki.js"

const scenario = generateScenario({ seed: 23, size: 40 })
const SECRET = "pages-test-secret"

const sorted = [...scenario.transactions].sort((a, b) =>
  (a.operationDate ?? "").localeCompare(b.operationDate ?? "") || a.uuid.localeCompare(b.uuid)
)

/** The Spring page of `items` as the emulator documents it (clara-api.md §3.1). */
const springPage = <A>(items: ReadonlyArray<A>, page: number, size: number) => {
  const content = items.slice(page * size, (page + 1) * size)
  const totalPages = Math.ceil(items.length / size)
  return {
    content,
    totalElements: items.length,
    totalPages,
    size,
    number: page,
    first: page === 0,
    last: page >= totalPages - 1,
    numberOfElements: content.length,
    empty: content.length === 0
  }
}

const setup = Effect.gen(function*() {
  const pki = yield* makeTestPki({ clientId: "pages-test" })
  const emulator = yield* startClaraEmulator({ scenario, pki, clientSecret: SECRET })
  const agent = yield* Effect.acquireRelease(
    Effect.sync(() =>
      new Agent({ connect: { ca: pki.caCertificate, cert: pki.client.certificate, key: pki.client.privateKey } })
    ),
    (a) => Effect.promise(() => a.close())
  )
  const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    Effect.promise(async () => {
      const response = await fetch(`${emulator.baseUrl}${path}`, { ...init, dispatcher: agent })
      return { status: response.status, type: response.headers.get("content-type"), text: await response.text() }
    })
  const token = yield* call("/oauth/token", {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${emulator.clientId}:${SECRET}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded"
    },
    body: "grant_type=client_credentials"
  })
  const bearer = JSON.parse(token.text).access_token as string
  const authorized = (path: string, init: { method?: string; body?: string } = {}) =>
    call(path, { ...init, headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" } })
  return { authorized }
})

describe("ClaraEmulator transaction pages", () => {
  it.scoped("serves every page, again and again, as exactly the page's JSON", () =>
    Effect.gen(function*() {
      const { authorized } = yield* setup
      for (const round of [1, 2]) {
        for (let page = 0; page < 4; page++) {
          const reply = yield* authorized(`/api/v3/transactions?page=${page}&size=12`)
          assert.strictEqual(reply.status, 200, `round ${round} page ${page}`)
          assert.strictEqual(reply.type, "application/json")
          assert.strictEqual(reply.text, JSON.stringify(springPage(sorted, page, 12)), `round ${round} page ${page}`)
        }
      }
      // the same page number under a filter is another page
      const from = sorted[10]!.operationDate!
      const filtered = sorted.filter((t) => t.operationDate! >= from)
      for (const round of [1, 2]) {
        const reply = yield* authorized(`/api/v3/transactions?page=1&size=12&operationDateRangeStart=${from}`)
        assert.strictEqual(reply.text, JSON.stringify(springPage(filtered, 1, 12)), `filtered round ${round}`)
      }
    }))

  it.scoped("shows a comment set or removed after the page was served", () =>
    Effect.gen(function*() {
      const { authorized } = yield* setup
      const page = "/api/v3/transactions?page=1&size=10"
      const target = sorted[13]!
      const commentOf = (text: string) =>
        JSON.parse(text).content.find((t: { uuid: string }) => t.uuid === target.uuid).comment as unknown
      const before = yield* authorized(page)
      assert.strictEqual(commentOf(before.text), target.comment)
      const set = yield* authorized(`/api/v3/transactions/${target.uuid}/comment`, {
        method: "POST",
        body: JSON.stringify({ comment: "viaje a Monterrey" })
      })
      assert.strictEqual(set.status, 201)
      assert.strictEqual(commentOf((yield* authorized(page)).text), "viaje a Monterrey")
      const removed = yield* authorized(`/api/v3/transactions/${target.uuid}/comment`, { method: "DELETE" })
      assert.strictEqual(removed.status, 204)
      assert.isNull(commentOf((yield* authorized(page)).text))
      // the other pages are unchanged
      const other = yield* authorized("/api/v3/transactions?page=0&size=10")
      assert.strictEqual(other.text, JSON.stringify(springPage(sorted, 0, 10)))
    }))
})
