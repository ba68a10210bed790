/**
 * The collection of a large invoices folder on worker threads gives the same documents, digests, exceptions and
 * store writes as on the main thread: 1,100 generated CFDI (seeded), a damaged one, a duplicate UUID in another file,
 * identical bytes under two paths and a file that is not XML; a later collection takes the cached documents, for
 * touched and renamed files too.
 */
import { assert, describe, it } from "@effect/vitest"
import { randomCfdiCorpus } from "@clara-recon/cfdi"
import { fiscalDocumentJson } from "@clara-recon/domain"
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beginFolderRead, collectDocuments } from "../src/Collect.js"
import { ReconStore } from "../src/ReconStore.js"
import { sqliteBackend } from "./StoreBackends.js"

const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "collect-workers-"))
  const corpus = randomCfdiCorpus(11, 1100)
  corpus.forEach((file, i) => {
    const sub = join(dir, String(i % 10))
    if (i < 10) mkdirSync(sub)
    writeFileSync(join(sub, file.name), file.xml)
  })
  writeFileSync(join(dir, "damaged.xml"), corpus[0]!.xml.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, ""))
  writeFileSync(join(dir, "same-uuid.xml"), corpus[1]!.xml.replace("?>", "?><!-- sent twice -->"))
  writeFileSync(join(dir, "copy.xml"), corpus[2]!.xml)
  writeFileSync(join(dir, "notes.xml"), "not xml at all")
  return dir
}

/** What a collection gave, as comparable text. */
const collect = (dir: string, cfdiWorkers: number) =>
  Effect.scoped(Effect.gen(function*() {
    const folders = yield* beginFolderRead({ invoiceDirs: [dir], cfdiWorkers })
    const result = yield* collectDocuments({ wire: new Map(), folders })
    if (result._tag !== "Collected") return assert.fail("expected a collection")
    return {
      documents: result.documents.map(fiscalDocumentJson),
      exceptions: result.exceptions.map((e) => `${e.code} ${e.subtype ?? ""} ${e.location ?? ""} ${e.message}`),
      inputsKey: result.inputsKey,
      parsed: result.parsed,
      cache: [...result.writes.cache.entries()].sort(),
      fileIndex: result.writes.fileIndex.map((r) => `${r.path} ${r.sha256}`).sort(),
      index: result.writes.fileIndex
    }
  }))

describe("collect on worker threads", () => {
  it.scoped("gives what the main thread gives, refusals and duplicates included", () =>
    Effect.gen(function*() {
      const dir = folder()
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true })))
      const here = yield* collect(dir, 1)
      const workers = yield* collect(dir, 2)
      assert.deepStrictEqual(workers, here)
      assert.strictEqual(here.fileIndex.length, 1104) // every file read, the refused ones included
      assert.deepStrictEqual(here.exceptions.map((e) => e.split(" ").slice(0, 2).join(" ")).sort(), [
        "DUPLICATE_CFDI ",
        "INVALID_DOCUMENT MissingTimbre",
        "INVALID_DOCUMENT NotXml"
      ])
      assert.strictEqual(here.documents.length, 1100)
      // the copy is one document with two sources
      const twoFiles = (json: string) => (json.match(/"kind":"file"/g) ?? []).length === 2
      assert.isTrue(here.documents.some((json) => json.includes(join(dir, "copy.xml")) && twoFiles(json)))

      assert.strictEqual(here.parsed, 1104)

      // once the parse cache holds them, a new collection takes the cached documents and gives the same: each file
      // is hashed, and only the two refused files (never cached) are parsed again
      const store = yield* ReconStore
      yield* store.cacheCfdi(here.cache.map(([sha256, json]) => ({ sha256, json })))
      const again = yield* collect(dir, 2)
      assert.deepStrictEqual(again.documents, here.documents)
      assert.deepStrictEqual(again.cache, [])
      assert.strictEqual(again.parsed, 2)

      // the same files under another folder name (renamed, copied, moved): new paths, cached bytes, not parsed again
      const renamed = `${dir}-renamed`
      cpSync(dir, renamed, { recursive: true })
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(renamed, { recursive: true })))
      for (const workers of [2, 1]) {
        const moved = yield* collect(renamed, workers)
        assert.deepStrictEqual(moved.documents, here.documents.map((json) => json.replaceAll(dir, renamed)))
        assert.deepStrictEqual(moved.exceptions, here.exceptions.map((e) => e.replaceAll(dir, renamed)))
        assert.strictEqual(moved.parsed, 2)
      }

      // with the file index too, files touched since (new mtime, same bytes) are hashed, not parsed again
      yield* store.saveFileIndex(again.index)
      const later = new Date(Date.parse("2030-01-01T00:00:00Z"))
      for (const row of again.index) utimesSync(row.path, later, later)
      for (const workers of [2, 1]) {
        const touched = yield* collect(dir, workers)
        assert.deepStrictEqual(touched.documents, here.documents)
        assert.deepStrictEqual(touched.exceptions, here.exceptions)
        assert.strictEqual(touched.parsed, 2, "only the two refused files (never cached) are parsed again")
      }
    }).pipe(Effect.provide(Layer.merge(sqliteBackend.fresh(), NodeContext.layer))), 120_000)
})
