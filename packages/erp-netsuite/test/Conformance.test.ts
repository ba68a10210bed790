import { conformanceCheckNames, conformanceChecks } from "@clara-recon/erp"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Either } from "effect"
import { configInput, fxPosting, harness, mxnPosting } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

describe("NetSuite adapter conformance", () => {
  for (const method of ["tba", "m2m"] as const) {
    it.live(`passes every check of the ERP conformance kit with ${method === "tba" ? "TBA" : "OAuth 2.0 M2M"}`, () =>
      Effect.scoped(Effect.gen(function*() {
        const { adapter: build, emulator, secrets } = yield* harness()
        const adapter = yield* build(method)
        const config = configInput(emulator, secrets, method)
        const checks = conformanceChecks(adapter, { documents: [mxnPosting(), fxPosting()], config })
        assert.deepStrictEqual(checks.map((c) => c.name), [...conformanceCheckNames])
        for (const check of checks) {
          const result = yield* Effect.either(check.run)
          assert.isTrue(Either.isRight(result), Either.isLeft(result) ? result.left.message : "")
        }
        const counts = emulator.countByExternalId()
        assert.deepStrictEqual([...counts.entries()].sort(), [["rcn_ns_0001", 1], ["rcn_ns_0002", 1]])
        assert.strictEqual(emulator.stats().authFailures, 0)
      })))
  }
})
