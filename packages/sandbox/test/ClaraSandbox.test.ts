import { ClaraClient, ClaraConfig } from "@clara-recon/clara"
import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Stream } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { sandboxClaraSettings, startSandbox } from "../src/ClaraSandbox.js"
import { generateScenario } from "../src/ScenarioGenerator.js"
import { tempDirectory } from "./support/TempDirectory.js"

const tempDir = tempDirectory("clara-sandbox-")

describe("startSandbox", () => {
  it.scoped("writes the PKI and the generated invoices, and serves the scenario", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sandbox = yield* startSandbox({ seed: 4, size: 30, dir })
      assert.match(sandbox.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
      assert.lengthOf(sandbox.scenario.transactions, 30)
      for (const file of [sandbox.cert, sandbox.key, sandbox.ca]) assert.isTrue(path.isAbsolute(file))
      const key = yield* Effect.promise(() => fs.stat(sandbox.key))
      assert.strictEqual(key.mode & 0o777, 0o600)
      assert.include(yield* Effect.promise(() => fs.readFile(sandbox.cert, "utf8")), "BEGIN CERTIFICATE")
      const written = yield* Effect.promise(() => fs.readdir(sandbox.invoicesDir))
      assert.sameMembers(written, sandbox.scenario.folderCfdis.map((f) => f.name))
    }))

  it.scoped("builds the scenario from an invoices folder, read recursively", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const invoicesDir = path.join(dir, "mine")
      const nested = path.join(invoicesDir, "2025", "01")
      yield* Effect.promise(() => fs.mkdir(nested, { recursive: true }))
      const source = generateScenario({ seed: 8, size: 40 })
      for (const file of source.folderCfdis) {
        yield* Effect.promise(() => fs.writeFile(path.join(nested, file.name), file.bytes))
      }
      yield* Effect.promise(() => fs.writeFile(path.join(invoicesDir, "notes.txt"), "not an invoice"))
      const sandbox = yield* startSandbox({ seed: 8, invoicesDir, dir: path.join(dir, "pki") })
      assert.strictEqual(sandbox.invoicesDir, invoicesDir)
      assert.lengthOf(sandbox.scenario.folderCfdis, source.folderCfdis.length)
      assert.isAbove(sandbox.scenario.groundTruth.links.length, 0)
    }))

  it.scopedLive("serves the real ClaraClient over mutual TLS, through a 429", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const sandbox = yield* startSandbox({ seed: 21, size: 45, dir, faults: { rateLimitEvery: 3 } })
      const settings = sandboxClaraSettings(sandbox)
      const layer = ClaraClient.layerMtls.pipe(
        Layer.provide(Layer.succeed(ClaraConfig, settings)),
        Layer.provide(NodeFileSystem.layer)
      )
      const client = Context.get(yield* Layer.build(layer), ClaraClient)
      const items = Chunk.toReadonlyArray(yield* Stream.runCollect(client.transactions.list({ pageSize: 20 })))
      assert.lengthOf(items, 45)
      assert.isTrue(items.every((item) => item._tag === "Ok"))
      assert.include(sandbox.emulator.requests().map((r) => r.status), 429)
      const link = sandbox.scenario.groundTruth.links.find((l) => sandbox.scenario.invoices[l.transactionUuid])!
      const [invoice] = yield* client.transactions.invoices(link.transactionUuid)
      assert.strictEqual(invoice?._tag, "Ok")
      if (invoice?._tag !== "Ok") return
      assert.strictEqual(invoice.value.invoiceId, link.cfdiUuid)
      const bytes = yield* client.download(invoice.value.download!.url)
      assert.deepStrictEqual(bytes, sandbox.scenario.invoices[link.transactionUuid]![0]!.xml.bytes)
    }))
})
