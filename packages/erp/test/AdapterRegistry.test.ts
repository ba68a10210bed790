import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeRegistry, UnknownAdapter } from "../src/AdapterRegistry.js"
import type { ErpAdapter } from "../src/ErpAdapter.js"

const fake = (id: string, displayName = id): ErpAdapter => ({
  manifest: {
    id,
    version: "0.0.1",
    displayName,
    capabilities: ["post.journalEntry"],
    configSchema: { type: "object", properties: { token: { type: "string", "x-secret": true } } },
    mappingSchema: { type: "object" }
  },
  plan: (document) => ({ ok: false, externalKey: document.externalKey, document, errors: [], warnings: [] }),
  post: () => Effect.succeed({ status: "posted", refs: [] })
})

describe("makeRegistry", () => {
  it.effect("returns a registered adapter by id; the first of a duplicate id wins", () =>
    Effect.gen(function*() {
      const registry = makeRegistry([fake("sap-csv"), fake("netsuite", "first"), fake("netsuite", "second")])
      assert.deepStrictEqual(registry.ids, ["netsuite", "sap-csv"])
      const adapter = yield* registry.get("netsuite")
      assert.strictEqual(adapter.manifest.displayName, "first")
    }))

  it.effect("fails with a typed UnknownAdapter naming the known ids", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(makeRegistry([fake("sap-csv")]).get("quickbooks"))
      assert.instanceOf(error, UnknownAdapter)
      assert.strictEqual(error._tag, "UnknownAdapter")
      assert.strictEqual(error.id, "quickbooks")
      assert.deepStrictEqual(error.known, ["sap-csv"])
      assert.include(error.message, "sap-csv")
    }))
})
