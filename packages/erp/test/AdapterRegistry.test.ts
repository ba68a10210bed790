import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import {
  AdapterLoadError,
  loadAdapterModule,
  loadModuleRegistry,
  makeModuleRegistry,
  makeRegistry,
  UnknownAdapter
} from "../src/AdapterRegistry.js"
import { ErpAdapter } from "../src/ErpAdapter.js"

const fake = (id: string, displayName = id): ErpAdapter => ({
  manifest: {
    id,
    version: "0.0.1",
    displayName,
    capabilities: ["post.journalEntry"],
    configSchema: { type: "object", properties: { token: { type: "string", "x-secret": true } } },
    mappingSchema: { type: "object" }
  },
  checkConnection: () => Effect.succeed({ ok: true, warnings: [] }),
  discover: () => Effect.die("unused"),
  find: () => Effect.succeed(Option.none()),
  verify: () => Effect.succeed({ status: "missing" }),
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

describe("module registry", () => {
  const example = path.join(import.meta.dirname, "support", "MemoryLedgerAdapter.ts")

  it.effect("loads a third-party module by file path and builds its adapter from config", () =>
    Effect.gen(function*() {
      const module = yield* loadAdapterModule(path.relative(process.cwd(), example))
      assert.strictEqual(module.manifest.id, "memory-ledger")
      const registry = yield* loadModuleRegistry([], [example])
      assert.deepStrictEqual(registry.ids, ["memory-ledger"])
      const layer = yield* registry.layer("memory-ledger", { ledger: "acme", auth: { token: "t" } })
      const check = yield* Effect.flatMap(ErpAdapter, (adapter) => adapter.checkConnection()).pipe(
        Effect.provide(layer)
      )
      assert.deepStrictEqual(check, { ok: true, identity: "ledger acme", warnings: [] })
    }))

  it.effect("keeps built-in modules ahead of third-party ones and names unknown ids", () =>
    Effect.gen(function*() {
      const builtIn = { manifest: fake("memory-ledger", "ours").manifest, layer: () => Layer.succeed(ErpAdapter, fake("memory-ledger", "ours")) }
      const registry = yield* loadModuleRegistry([builtIn], [example])
      assert.strictEqual((yield* registry.module("memory-ledger")).manifest.displayName, "ours")
      assert.deepStrictEqual(registry.manifests.map((m) => m.id), ["memory-ledger"])
      const unknown = yield* Effect.flip(registry.layer("sage", {}))
      assert.deepStrictEqual(unknown, new UnknownAdapter({ id: "sage", known: ["memory-ledger"] }))
      assert.strictEqual(makeModuleRegistry([]).ids.length, 0)
    }))

  it.scoped("fails with a typed AdapterLoadError for a missing package or a module without manifest and layer", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(loadAdapterModule("@clara-recon/no-such-adapter"))
      assert.instanceOf(missing, AdapterLoadError)
      assert.strictEqual(missing.specifier, "@clara-recon/no-such-adapter")
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "erp-module-"))),
        (d) => Effect.promise(() => fs.rm(d, { recursive: true, force: true }))
      )
      const file = path.join(dir, "not-an-adapter.mjs")
      yield* Effect.promise(() => fs.writeFile(file, "export const manifest = { id: 'x', version: '1' }\n"))
      const bad = yield* Effect.flip(loadAdapterModule(file))
      assert.strictEqual(bad.reason, "its manifest lacks the string field(s) displayName")
    }))
})
