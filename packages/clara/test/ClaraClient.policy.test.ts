/**
 * Transport policy under `TestClock`: backoff growth, the per-client rate limit, list pages fetched ahead in parallel
 * (order and stop rules kept), bare-array lists, per-call `X-Tax-Identifier`, and decode failures with the path of
 * the bad field and a masked sample.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Fiber, Layer, Stream, TestClock } from "effect"
import { ClaraClient } from "../src/ClaraClient.js"
import { ClaraConfig, type ClaraSettingsInput } from "../src/ClaraConfig.js"
import { partitionItems } from "../src/ClaraItem.js"
import { fakeClara, json, type Seen, testSettings, tokenEndpoint, wireTransaction } from "./FakeClara.js"

const TX = "/api/v3/transactions"

describe("ClaraClient backoff and rate limit", () => {
  it.effect("backs off exponentially with jitter: 250-500 ms, then 500-1000 ms, then 1-2 s", () => {
    const token = tokenEndpoint()
    let n = 0
    const fake = fakeClara((request) =>
      request.path === "/oauth/token" ? token.handle() : n++ < 3 ? json({}, 503) : json(wireTransaction("tx-1"))
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* ClaraClient).transactions.get("tx-1"))
      const callsAt = function*(millis: number) {
        yield* TestClock.setTime(millis)
        return fake.calls(`${TX}/tx-1`)
      }
      assert.strictEqual(yield* callsAt(249), 1)
      assert.strictEqual(yield* callsAt(500), 2)
      assert.strictEqual(yield* callsAt(749), 2)
      assert.strictEqual(yield* callsAt(1500), 3)
      assert.strictEqual(yield* callsAt(1749), 3)
      assert.strictEqual(yield* callsAt(3500), 4)
      assert.strictEqual((yield* Fiber.join(fiber)).uuid, "tx-1")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("starts at most rateLimit requests per second (the token request included)", () => {
    const token = tokenEndpoint()
    const fake = fakeClara(
      (request) => request.path === "/oauth/token" ? token.handle() : json(wireTransaction(request.path.split("/").pop()!)),
      { rateLimit: 2 }
    )
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const fiber = yield* Effect.fork(
        Effect.forEach(["a", "b", "c", "d", "e", "f"], (id) => client.transactions.get(id), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust(Duration.millis(250))
      assert.strictEqual(fake.seen.length, 2)
      yield* TestClock.adjust(Duration.seconds(1))
      assert.strictEqual(fake.seen.length, 4)
      yield* TestClock.adjust(Duration.seconds(2))
      assert.strictEqual((yield* Fiber.join(fiber)).length, 6)
      assert.strictEqual(fake.seen.length, 7)
    }).pipe(Effect.provide(fake.layer))
  })
})

/** A Clara fake whose answers take 100 ms (effect clock), tracking the most requests in flight at once. */
const slowPages = (totalPages: number, sizes: (page: number) => number, overrides: Partial<ClaraSettingsInput> = {}) => {
  const token = tokenEndpoint()
  let inFlight = 0
  const stats = { maxInFlight: 0, pages: [] as Array<number> }
  const http = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      if (url.pathname === "/oauth/token") return HttpClientResponse.fromWeb(request, token.handle())
      const page = Number(url.searchParams.get("page"))
      stats.pages.push(page)
      inFlight += 1
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight)
      yield* Effect.sleep(Duration.millis(100))
      inFlight -= 1
      const content = Array.from({ length: sizes(page) }, (_, i) => wireTransaction(`tx-${page}-${i}`))
      return HttpClientResponse.fromWeb(request, json({ content, number: page, size: 2, totalPages }))
    })
  )
  const layer = ClaraClient.layer.pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, http)),
    Layer.provide(ClaraConfig.layer(testSettings(overrides)))
  )
  return { layer, stats }
}

const listUuids = Effect.flatMap(ClaraClient, (client) =>
  Effect.map(
    Stream.runCollect(client.transactions.list({ pageSize: 2 })),
    (items) => partitionItems(Chunk.toReadonlyArray(items)).values.map((t) => t.uuid)
  ))

describe("ClaraClient list streams fetch pages ahead", () => {
  it.effect("keeps page order with up to maxConcurrency pages in flight", () => {
    const fake = slowPages(10, () => 2, { maxConcurrency: 4 })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listUuids)
      yield* TestClock.adjust(Duration.seconds(5))
      const uuids = yield* Fiber.join(fiber)
      assert.deepStrictEqual(uuids, Array.from({ length: 20 }, (_, i) => `tx-${Math.floor(i / 2)}-${i % 2}`))
      assert.strictEqual(fake.stats.maxInFlight, 4)
      assert.deepStrictEqual([...fake.stats.pages].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("asks for the first maxConcurrency transaction pages at once, and drops those past a shorter list", () => {
    // 2 pages: the first round asks for pages 0-3 before page 0 tells the count; pages 2 and 3 come back empty
    const fake = slowPages(2, (page) => (page < 2 ? 2 : 0), { maxConcurrency: 4 })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listUuids)
      yield* TestClock.adjust(Duration.millis(100))
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["tx-0-0", "tx-0-1", "tx-1-0", "tx-1-1"])
      assert.deepStrictEqual([...fake.stats.pages].sort((a, b) => a - b), [0, 1, 2, 3])
      assert.strictEqual(fake.stats.maxInFlight, 4)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("still stops on a short page met among the pages fetched ahead", () => {
    const fake = slowPages(10, (page) => (page === 3 ? 1 : 2), { maxConcurrency: 4 })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listUuids)
      yield* TestClock.adjust(Duration.seconds(5))
      const uuids = yield* Fiber.join(fiber)
      assert.deepStrictEqual(uuids.at(-1), "tx-3-0")
      assert.strictEqual(uuids.length, 7)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("reads one page at a time with maxConcurrency 1", () => {
    const fake = slowPages(5, () => 2, { maxConcurrency: 1 })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(listUuids)
      yield* TestClock.adjust(Duration.seconds(5))
      assert.strictEqual((yield* Fiber.join(fiber)).length, 10)
      assert.strictEqual(fake.stats.maxInFlight, 1)
      assert.deepStrictEqual(fake.stats.pages, [0, 1, 2, 3, 4])
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("ClaraClient shapes, headers and decode failures", () => {
  const served = (answer: (request: Seen) => Response, overrides: Partial<ClaraSettingsInput> = {}) => {
    const token = tokenEndpoint()
    return fakeClara((request) => (request.path === "/oauth/token" ? token.handle() : answer(request)), overrides)
  }

  it.effect("reads a list answered as a bare array as the whole list, and as a Spring page", () => {
    const fake = served((request) =>
      request.path === "/api/v2/groups"
        ? json([{ uuid: "g-1", name: "Ventas" }, { uuid: "g-2", name: "Ops", extra: { unknown: true } }])
        : json({ content: [{ uuid: "g-3" }], number: 0, size: 20, totalPages: 1 })
    )
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const groups = partitionItems(Chunk.toReadonlyArray(yield* Stream.runCollect(client.v2.groups.list())))
      assert.deepStrictEqual(groups.values.map((g) => g.uuid), ["g-1", "g-2"])
      assert.strictEqual(fake.calls("/api/v2/groups"), 1)
      const users = yield* client.v1.users.page()
      assert.deepStrictEqual(partitionItems(users.items).values.map((u) => u.uuid), ["g-3"])
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("names the bad field's path and masks long digit runs in the sample; the page survives", () => {
    const fake = served(() =>
      json([{ uuid: "l-1", name: "ok" }, { uuid: "l-2", name: 5555444433331111 }, { uuid: "l-3" }])
    )
    return Effect.gen(function*() {
      const page = yield* (yield* ClaraClient).v2.labels.page()
      const { errors, values } = partitionItems(page.items)
      assert.deepStrictEqual(values.map((l) => l.uuid), ["l-1", "l-3"])
      assert.strictEqual(errors.length, 1)
      assert.strictEqual(errors[0]!.path, "[1].name")
      assert.strictEqual(errors[0]!.sample, "************1111")
      assert.include(errors[0]!.record ?? "", "uuid l-2")
      assert.notInclude(errors[0]!.message, "5555444433331111")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("sends X-Tax-Identifier per call through withTaxIdentifier, never on the token request", () => {
    const fake = served(() => json(wireTransaction("tx-1")), { taxIdentifier: "AAA010101AAA" })
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      yield* client.transactions.get("tx-1")
      yield* client.withTaxIdentifier("BBB020202BBB").transactions.get("tx-1")
      yield* client.withTaxIdentifier("CCC030303CCC").withTaxIdentifier("DDD040404DDD").cards.get("c-1").pipe(Effect.ignore)
      const sent = fake.seen.filter((s) => s.path !== "/oauth/token").map((s) => s.headers["x-tax-identifier"])
      assert.deepStrictEqual(sent, ["AAA010101AAA", "BBB020202BBB", "DDD040404DDD"])
      assert.isUndefined(fake.seen.find((s) => s.path === "/oauth/token")!.headers["x-tax-identifier"])
      assert.strictEqual(fake.calls("/oauth/token"), 1)
    }).pipe(Effect.provide(fake.layer))
  })
})
