import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"
import * as NetSuiteAdapter from "../src/NetSuiteAdapter.js"
import { retryAfterMs } from "../src/NetSuiteClient.js"
import { catalogMapping, decoded, harness, manyPostings, mxnPosting } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const tooMany = JSON.stringify({
  title: "Too Many Requests",
  status: 429,
  "o:errorDetails": [{ detail: "Concurrent request limit exceeded. Request blocked.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED" }]
})

describe("429 handling (erp.md §1.8)", () => {
  it("reads Retry-After as delta seconds or an HTTP date", () => {
    assert.strictEqual(retryAfterMs("7", 0), 7000)
    assert.strictEqual(retryAfterMs("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000)
    assert.isUndefined(retryAfterMs(undefined, 0))
    assert.isUndefined(retryAfterMs("soon", 0))
  })

  it.effect("waits exactly Retry-After before the next attempt (TestClock)", () =>
    Effect.gen(function*() {
      const times: Array<number> = []
      const fake = HttpClient.make((request) =>
        Effect.map(TestClock.currentTimeMillis, (now) => {
          times.push(now)
          const response = times.length < 3 ?
            new Response(tooMany, { status: 429, headers: { "retry-after": "7", "content-type": "application/json" } }) :
            new Response(null, { status: 204, headers: { location: "https://fake.example/services/rest/record/v1/journalEntry/77" } })
          return HttpClientResponse.fromWeb(request, response)
        })
      )
      const adapter = yield* NetSuiteAdapter.make(decoded({
        accountId: "1234567",
        baseUrl: "https://fake.example",
        auth: { method: "tba", consumerKey: "ck", consumerSecret: "cs", tokenId: "tk", tokenSecret: "ts" },
        mapping: catalogMapping
      })).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, fake)))
      const plan = adapter.plan(mxnPosting())
      if (!plan.ok) return assert.fail("plan refused")
      const fiber = yield* Effect.fork(adapter.postEach([plan]))
      yield* TestClock.adjust("6999 millis")
      assert.deepStrictEqual(times, [0])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(times, [0, 7000])
      yield* TestClock.adjust("7 seconds")
      const [result] = yield* Fiber.join(fiber)
      assert.deepStrictEqual(times, [0, 7000, 14000])
      assert.strictEqual(result?.status === "posted" && result.ref.internalId, "77")
    }))

  it.effect("gives up after maxAttempts with RATE_LIMITED, not applied, retryable", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = HttpClient.make((request) =>
        Effect.sync(() => {
          calls++
          return HttpClientResponse.fromWeb(request, new Response(tooMany, { status: 429 }))
        })
      )
      const adapter = yield* NetSuiteAdapter.make(decoded({
        accountId: "1234567",
        baseUrl: "https://fake.example",
        auth: { method: "tba", consumerKey: "ck", consumerSecret: "cs", tokenId: "tk", tokenSecret: "ts" },
        maxAttempts: 3,
        backoffBaseMs: 100,
        mapping: catalogMapping
      })).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, fake)))
      const plan = adapter.plan(mxnPosting())
      if (!plan.ok) return assert.fail("plan refused")
      const fiber = yield* Effect.fork(adapter.post([plan], { idempotencyKey: "k" }))
      yield* TestClock.adjust("1 minute")
      const result = yield* Fiber.join(fiber)
      assert.strictEqual(calls, 3)
      // the one document is refused with its own error: nothing posted
      if (result.status !== "posted") return assert.fail(`expected per-document results, got ${result.status}`)
      assert.deepStrictEqual(result.refs, [])
      const error = result.refused?.[0]?.error
      if (error === undefined) return assert.fail("expected a refused document")
      assert.deepStrictEqual(result.refused?.map((r) => r.externalKey), [plan.externalKey])
      assert.deepStrictEqual(
        [error.kind, error.outcome, error.retryable, error.upstreamCode],
        ["RATE_LIMITED", "not_applied", true, "CONCURRENCY_LIMIT_EXCEEDED"]
      )
    }))

  it.live("against an emulator limited to 1 request in flight, 4 concurrent posters all get through", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness({ concurrencyLimit: 1, latencyMs: 5 })
      const adapter = yield* build("tba", { concurrency: 4, maxAttempts: 20, backoffBaseMs: 5 })
      const plans = manyPostings(40, "limit").map((doc) => adapter.plan(doc)).flatMap((p) => (p.ok ? [p] : []))
      const results = yield* adapter.postEach(plans)
      assert.isAbove(emulator.stats().rateLimited, 0)
      assert.strictEqual(emulator.peakInFlight(), 1)
      assert.strictEqual(results.filter((r) => r.status === "posted").length, 40)
      assert.strictEqual(emulator.records().length, 40)
    })))

  it.live("the per-account semaphore keeps requests in flight at or below the configured concurrency", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness({ concurrencyLimit: 10, latencyMs: 5 })
      const adapter = yield* build("tba", { concurrency: 3 })
      const plans = manyPostings(30, "sem").map((doc) => adapter.plan(doc)).flatMap((p) => (p.ok ? [p] : []))
      yield* adapter.postEach(plans)
      assert.strictEqual(emulator.stats().rateLimited, 0)
      assert.isAtMost(emulator.peakInFlight(), 3)
      assert.isAtLeast(emulator.peakInFlight(), 2)
    })))
})
