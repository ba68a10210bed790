import { ErpAdapter, makeModuleRegistry } from "@clara-recon/erp"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { manifest, netsuiteAdapterModule } from "../src/NetSuiteAdapter.js"
import { catalogMapping } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const secretFields = (schema: any, path = ""): Array<string> =>
  Object.entries(schema.properties ?? {}).flatMap(([name, field]: [string, any]) =>
    field["x-secret"] === true ? [`${path}${name}`] : secretFields(field, `${path}${name}.`)
  )

describe("netsuiteAdapterModule", () => {
  it("declares its capabilities and marks every credential x-secret", () => {
    assert.strictEqual(manifest.id, "netsuite")
    assert.includeMembers([...manifest.capabilities], ["post.journalEntry", "post.creditCardCharge", "post.vendorBill", "lookup.vendorByTaxId", "readBack"])
    assert.deepStrictEqual(secretFields(manifest.configSchema), [
      "auth.privateKey",
      "auth.consumerKey",
      "auth.consumerSecret",
      "auth.tokenId",
      "auth.tokenSecret"
    ])
    assert.strictEqual(manifest.limits?.defaultConcurrency, 2)
  })

  it.effect("registers by id; an invalid configuration fails the layer with a CONFIG ErpError", () =>
    Effect.gen(function*() {
      const registry = makeModuleRegistry([netsuiteAdapterModule])
      assert.deepStrictEqual(registry.ids, ["netsuite"])
      const bad = yield* registry.layer("netsuite", { accountId: "1234567", auth: { method: "tba" }, mapping: {} })
      const exit = yield* Effect.exit(Layer.build(bad).pipe(Effect.scoped))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const text = JSON.stringify(exit.cause)
        assert.include(text, "NETSUITE_CONFIG_INVALID")
        // the user's message names the field, never its value
        assert.include(text, "\"userMessage\":\"The NetSuite configuration is invalid: auth.consumerKey is missing\"")
      }
    }))

  it.effect("a valid configuration builds an adapter over fetch with the defaults applied", () =>
    Effect.gen(function*() {
      const layer = netsuiteAdapterModule.layer({
        accountId: "1234567_sb1",
        auth: { method: "tba", consumerKey: "a", consumerSecret: "b", tokenId: "c", tokenSecret: "d" },
        mapping: catalogMapping
      })
      const adapter = yield* Effect.scoped(Effect.provide(ErpAdapter, layer))
      assert.strictEqual(adapter.manifest.id, "netsuite")
      const plan = adapter.plan((yield* Effect.promise(() => import("./support/Harness.js"))).mxnPosting())
      assert.isTrue(plan.ok)
    }))
})
