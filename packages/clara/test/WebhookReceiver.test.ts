import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import type { ClaraWebhookEvent } from "../src/webhooks/ClaraWebhookEvent.js"
import type { ClaraWebhookError } from "../src/webhooks/WebhookError.js"
import { makeWebhookReceiver } from "../src/webhooks/WebhookReceiver.js"
import { hmacSha256Timestamped, signHmacSha256Timestamped } from "../src/webhooks/WebhookSignature.js"

const SECRET = Redacted.make("whsec_test_0123456789")
/** TestClock time of the tests: 2025-03-01T00:00:00Z. */
const NOW_SECONDS = Date.UTC(2025, 2, 1) / 1000

/** A receiver collecting what it accepts and what it refuses. */
const receiver = (options: { readonly signed?: boolean; readonly failHandler?: boolean } = {}) => {
  const events: Array<ClaraWebhookEvent> = []
  const rejected: Array<ClaraWebhookError> = []
  const app = makeWebhookReceiver({
    handle: (event) =>
      options.failHandler === true ? Effect.fail("ledger unavailable" as const) : Effect.sync(() => events.push(event)),
    ...(options.signed === true ? { verifier: hmacSha256Timestamped({ secret: SECRET }) } : {}),
    onRejected: (error) => Effect.sync(() => rejected.push(error))
  })
  /** Runs one delivery through the app under the test's Clock; the status and body text. */
  const deliver = (body: string, headers: Record<string, string> = {}, method = "POST") =>
    Effect.gen(function*() {
      const request = new Request("http://127.0.0.1/hooks/clara", {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(method === "GET" ? {} : { body })
      })
      const response = yield* Effect.provideService(
        app,
        HttpServerRequest.HttpServerRequest,
        HttpServerRequest.fromWeb(request)
      )
      const web = HttpServerResponse.toWeb(response)
      return { status: web.status, text: yield* Effect.promise(() => web.text()) }
    })
  return { events, rejected, deliver }
}

const creation = JSON.stringify({
  event: "CARD_CREATION_REQUEST_CREATED",
  id: "evt-1",
  data: { requestId: "req-9", batchId: "batch-3", cardUuid: "card-7", status: "CREATED" }
})

describe("WebhookReceiver", () => {
  it.effect("decodes the documented events into typed values (no verification by default)", () =>
    Effect.gen(function*() {
      const r = receiver()
      assert.strictEqual((yield* r.deliver(creation)).status, 204)
      const paid = JSON.stringify({ event: "PAYMENT_PAID", data: { uuid: "pay-1", amount: 10.5 } })
      assert.strictEqual((yield* r.deliver(paid)).status, 204)
      const error = JSON.stringify({ event: "CARD_CREATION_REQUEST_ERROR", data: { uuid: "c-2", errorMessage: "user inactive" } })
      assert.strictEqual((yield* r.deliver(error)).status, 204)
      const [created, payment, failed] = r.events
      assert.strictEqual(created?._tag, "CardCreationRequestCreated")
      if (created?._tag === "CardCreationRequestCreated") {
        assert.deepStrictEqual([created.requestId, created.batchId, created.cardUuid, created.deliveryId], [
          "req-9",
          "batch-3",
          "card-7",
          "evt-1"
        ])
      }
      assert.strictEqual(payment?._tag === "PaymentPaid" ? payment.paymentUuid : "", "pay-1")
      assert.strictEqual(failed?._tag === "CardCreationRequestError" ? failed.errorMessage : "", "user inactive")
    }))

  it.effect("keeps an unknown event as UnknownClaraEvent with its name and payload", () =>
    Effect.gen(function*() {
      const r = receiver()
      const body = JSON.stringify({ event: "CARD_LOCK_REQUEST_UPDATED", data: { uuid: "c-1", locked: true } })
      assert.strictEqual((yield* r.deliver(body)).status, 204)
      assert.strictEqual((yield* r.deliver(JSON.stringify({ something: "else" }))).status, 204)
      const [lock, nameless] = r.events
      assert.strictEqual(lock?._tag, "UnknownClaraEvent")
      assert.strictEqual(lock?.name, "CARD_LOCK_REQUEST_UPDATED")
      assert.strictEqual(lock?.data["locked"], true)
      assert.strictEqual(nameless?._tag, "UnknownClaraEvent")
      assert.isUndefined(nameless?.name)
    }))

  it.effect("answers 400 to a body that is not JSON or not an object, and never calls the handler", () =>
    Effect.gen(function*() {
      const r = receiver()
      const bad = yield* r.deliver("{\"event\": \"PAYMENT_PAID\"")
      assert.strictEqual(bad.status, 400)
      assert.strictEqual((yield* r.deliver("[1,2]")).status, 400)
      assert.strictEqual((yield* r.deliver("GET", {}, "GET")).status, 405)
      assert.strictEqual(r.events.length, 0)
      assert.deepStrictEqual(r.rejected.map((e) => e.reason), ["BadJson", "BadJson"])
    }))

  it.effect("answers 500 when the handler fails, so the sender may retry", () =>
    Effect.gen(function*() {
      const r = receiver({ failHandler: true })
      assert.strictEqual((yield* r.deliver(creation)).status, 500)
    }))

  it.effect("with the opt-in HMAC verifier: accepts a valid signature within the replay window", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_SECONDS * 1000)
      const r = receiver({ signed: true })
      const header = signHmacSha256Timestamped(SECRET, creation, NOW_SECONDS - 120)
      assert.strictEqual((yield* r.deliver(creation, { "x-clara-signature": header })).status, 204)
      // several v1 values (secret rotation): one matching is enough
      const rotated = `${header.split(",")[0]},v1=${"ab".repeat(32)},${header.split(",")[1]}`
      assert.strictEqual((yield* r.deliver(creation, { "x-clara-signature": rotated })).status, 204)
      assert.strictEqual(r.events.length, 2)
    }))

  it.effect("with the verifier: refuses a missing, malformed, wrong or tampered signature with 401", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_SECONDS * 1000)
      const r = receiver({ signed: true })
      const valid = signHmacSha256Timestamped(SECRET, creation, NOW_SECONDS)
      const otherSecret = signHmacSha256Timestamped(Redacted.make("another secret"), creation, NOW_SECONDS)
      const tampered = creation.replace("card-7", "card-8")
      const results = [
        yield* r.deliver(creation),
        yield* r.deliver(creation, { "x-clara-signature": "v1=abc" }),
        yield* r.deliver(creation, { "x-clara-signature": otherSecret }),
        yield* r.deliver(tampered, { "x-clara-signature": valid })
      ]
      assert.deepStrictEqual(results.map((x) => x.status), [401, 401, 401, 401])
      assert.deepStrictEqual(r.rejected.map((e) => e.reason), [
        "MissingSignature",
        "MalformedSignature",
        "BadSignature",
        "BadSignature"
      ])
      assert.strictEqual(r.events.length, 0)
      for (const x of results) assert.notInclude(x.text, Redacted.value(SECRET))
    }))

  it.effect("with the verifier: refuses a replay outside the window, following the effect Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_SECONDS * 1000)
      const r = receiver({ signed: true })
      const header = signHmacSha256Timestamped(SECRET, creation, NOW_SECONDS)
      assert.strictEqual((yield* r.deliver(creation, { "x-clara-signature": header })).status, 204)
      yield* TestClock.adjust("301 seconds")
      assert.strictEqual((yield* r.deliver(creation, { "x-clara-signature": header })).status, 401)
      const early = signHmacSha256Timestamped(SECRET, creation, NOW_SECONDS + 301 + 301)
      assert.strictEqual((yield* r.deliver(creation, { "x-clara-signature": early })).status, 401)
      assert.deepStrictEqual(r.rejected.map((e) => e.reason), ["Expired", "Expired"])
      assert.strictEqual(r.events.length, 1)
    }))

  it("runs from a plain web handler (HttpApp.toWebHandler)", async () => {
    const seen: Array<string> = []
    const handler = HttpApp.toWebHandler(
      makeWebhookReceiver({ handle: (event) => Effect.sync(() => seen.push(event._tag)) })
    )
    const response = await handler(new Request("http://localhost/", { method: "POST", body: creation }))
    assert.strictEqual(response.status, 204)
    assert.deepStrictEqual(seen, ["CardCreationRequestCreated"])
  })
})
