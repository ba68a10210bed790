/**
 * Transport policies of the real client over HTTPS + mutual TLS against the emulator's fault injection: one token for
 * concurrent calls, token expiry mid-stream, 429 / 5xx / reset / truncated body retried on reads but not on writes,
 * timeouts, per-call `X-Tax-Identifier`, and typed transport errors for a missing or untrusted client certificate.
 */
import { ClaraClient, ClaraConfig, mtlsDispatcher } from "@clara-recon/clara"
import { NodeHttpClient } from "@effect/platform-node"
import { Agent } from "@effect/platform-node/Undici"
import { assert, describe, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Redacted } from "effect"
import { makeUntrustedClient } from "../src/TestPki.js"
import { connected, values } from "./support/Connected.js"

const TX = "/api/v3/transactions"
const fast = { retryBaseDelay: Duration.millis(5) }

describe("Clara transport policy over mutual TLS", () => {
  it.scopedLive("fetches one token for 20 concurrent calls", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(41)
      const uuids = sandbox.scenario.transactions.slice(0, 20).map((t) => t.uuid)
      const got = yield* Effect.forEach(uuids, (uuid) => client.transactions.get(uuid), { concurrency: "unbounded" })
      assert.deepStrictEqual(got.map((t) => t.uuid), uuids)
      const requests = sandbox.emulator.requests()
      assert.strictEqual(requests.filter((r) => r.path === "/oauth/token").length, 1)
      assert.strictEqual(requests.filter((r) => r.path.startsWith(`${TX}/`)).length, 20)
    }))

  it.scopedLive("refreshes an expired token once in the middle of a stream and carries on", () =>
    Effect.gen(function*() {
      const faults = { rules: [{ route: `GET ${TX}`, fault: { kind: "expireToken" as const }, after: 2, times: 1 }] }
      const { client, sandbox } = yield* connected(42, { faults, size: 50 }, { maxConcurrency: 1 })
      const all = yield* values(client.transactions.list({ pageSize: 10 }))
      assert.strictEqual(all.length, 50)
      const requests = sandbox.emulator.requests()
      assert.strictEqual(requests.filter((r) => r.path === "/oauth/token").length, 2)
      assert.deepStrictEqual(requests.filter((r) => r.path === TX).map((r) => r.status), [200, 200, 401, 200, 200, 200])
    }))

  it.scopedLive("retries a read after 429 (Retry-After), 503, a reset connection and a truncated body", () =>
    Effect.gen(function*() {
      const faults = {
        rules: [
          { route: `GET ${TX}/*`, fault: { kind: "status" as const, status: 429, retryAfterSeconds: 1 }, times: 1 },
          { route: `GET ${TX}/*`, fault: { kind: "status" as const, status: 503 }, times: 1 },
          { route: `GET ${TX}/*`, fault: { kind: "reset" as const }, times: 1 },
          { route: `GET ${TX}/*`, fault: { kind: "truncate" as const }, times: 1 }
        ]
      }
      const { client, sandbox } = yield* connected(43, { faults }, { ...fast, retryTimes: 4 })
      const uuid = sandbox.scenario.transactions[0]!.uuid
      assert.strictEqual((yield* client.transactions.get(uuid)).uuid, uuid)
      const statuses = sandbox.emulator.requests().filter((r) => r.path === `${TX}/${uuid}`).map((r) => r.status)
      assert.deepStrictEqual(statuses, [429, 503, 599, 598, 200])
    }))

  it.scopedLive("does not resend a write after a 503 or a reset connection", () =>
    Effect.gen(function*() {
      const faults = {
        rules: [
          { route: "POST */comment", fault: { kind: "status" as const, status: 503 }, times: 1 },
          { route: "POST */comment", fault: { kind: "reset" as const }, times: 1 }
        ]
      }
      const { client, sandbox } = yield* connected(44, { faults }, fast)
      const uuid = sandbox.scenario.transactions[0]!.uuid
      const first = yield* Effect.flip(client.transactions.comment(uuid, "uno"))
      assert.strictEqual(first._tag, "ClaraServerError")
      const second = yield* Effect.flip(client.transactions.comment(uuid, "dos"))
      assert.strictEqual(second._tag, "ClaraTransportError")
      assert.strictEqual(second._tag === "ClaraTransportError" ? second.kind : "", "ConnectionClosed")
      yield* client.transactions.comment(uuid, "tres")
      const statuses = sandbox.emulator.requests().filter((r) => r.path === `${TX}/${uuid}/comment`).map((r) => r.status)
      assert.deepStrictEqual(statuses, [503, 599, 201])
      assert.strictEqual((yield* client.transactions.get(uuid)).comment, "tres")
    }))

  it.scopedLive("gives up on a 5xx that persists, hitting a seeded share of the requests", () =>
    Effect.gen(function*() {
      const faults = { seed: 7, rules: [{ route: `GET ${TX}/*`, fault: { kind: "status" as const, status: 502 }, rate: 0.5 }] }
      const { client, sandbox } = yield* connected(45, { faults }, { ...fast, retryTimes: 0 })
      const outcomes = yield* Effect.forEach(
        sandbox.scenario.transactions.slice(0, 20),
        (t) => Effect.map(Effect.either(client.transactions.get(t.uuid)), (e) => e._tag),
        { concurrency: 1 }
      )
      const failed = outcomes.filter((o) => o === "Left").length
      assert.isAbove(failed, 3)
      assert.isBelow(failed, 17)
      // same seed, same order: same faults
      const again = yield* connected(45, { faults }, { ...fast, retryTimes: 0 })
      const replay = yield* Effect.forEach(
        again.sandbox.scenario.transactions.slice(0, 20),
        (t) => Effect.map(Effect.either(again.client.transactions.get(t.uuid)), (e) => e._tag),
        { concurrency: 1 }
      )
      assert.deepStrictEqual(replay, outcomes)
    }))

  it.scopedLive("times out a response slowed beyond the request timeout", () =>
    Effect.gen(function*() {
      const faults = { rules: [{ route: `GET ${TX}/*`, fault: { kind: "latency" as const, millis: 1_500 } }] }
      const { client, sandbox } = yield* connected(46, { faults }, { requestTimeout: Duration.millis(200), retryTimes: 0 })
      const error = yield* Effect.flip(client.transactions.get(sandbox.scenario.transactions[0]!.uuid))
      assert.strictEqual(error._tag, "ClaraTimeoutError")
    }))

  it.scopedLive("sends X-Tax-Identifier per call with withTaxIdentifier", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(47)
      const uuid = sandbox.scenario.transactions[0]!.uuid
      const own = client.withTaxIdentifier(sandbox.scenario.company.rfc)
      assert.strictEqual((yield* own.transactions.get(uuid)).uuid, uuid)
      const other = yield* Effect.flip(client.withTaxIdentifier("XAXX010101000").transactions.get(uuid))
      assert.strictEqual(other._tag, "ClaraForbiddenError")
      assert.include(other.message, "XAXX010101000")
      const blank = yield* Effect.flip(client.withTaxIdentifier(" ").users.list().pipe(values))
      assert.strictEqual(blank._tag === "ClaraBadRequestError" ? blank.field : "", "taxIdentifier")
      // the bound clients share the token
      assert.strictEqual(sandbox.emulator.requests().filter((r) => r.path === "/oauth/token").length, 1)
    }))

  it.scopedLive("fails with a typed transport error without a client certificate or with an untrusted one", () =>
    Effect.gen(function*() {
      const { sandbox, settings } = yield* connected(48)
      const ca = sandbox.ca
      const caPem = yield* Effect.promise(() => import("node:fs/promises").then((fs) => fs.readFile(ca, "utf8")))
      const untrusted = yield* makeUntrustedClient()
      const clientOver = (dispatcher: Layer.Layer<NodeHttpClient.Dispatcher>) =>
        Effect.map(
          Layer.build(
            ClaraClient.layer.pipe(
              Layer.provide(NodeHttpClient.layerUndiciWithoutDispatcher.pipe(Layer.provide(dispatcher))),
              Layer.provide(Layer.succeed(ClaraConfig, { ...settings, retryTimes: 0 }))
            )
          ),
          (context) => Context.get(context, ClaraClient)
        )
      const anonymous = yield* clientOver(
        Layer.scoped(
          NodeHttpClient.Dispatcher,
          Effect.acquireRelease(
            Effect.sync(() => new Agent({ connect: { ca: caPem } })),
            (agent) => Effect.promise(() => agent.destroy())
          )
        )
      )
      const stranger = yield* clientOver(
        mtlsDispatcher({ cert: untrusted.client.certificate, key: Redacted.make(untrusted.client.privateKey), ca: caPem })
      )
      for (const client of [anonymous, stranger]) {
        const error = yield* Effect.flip(client.users.page())
        assert.strictEqual(error._tag, "ClaraTransportError")
        assert.include(["ConnectionClosed", "Tls"], error._tag === "ClaraTransportError" ? error.kind : "")
        assert.strictEqual(error._tag === "ClaraTransportError" ? error.endpoint : "", "POST /oauth/token")
      }
      assert.lengthOf(sandbox.emulator.requests(), 0)
    }))
})
