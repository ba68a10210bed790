import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schema } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { join } from "node:path"
import { randomCfdiCorpus } from "../src/CfdiCorpus.js"
import { readCfdiFileDocument, readCfdiFileReport } from "../src/CfdiFile.js"
import { FiscalDocument } from "@clara-recon/domain"
import { readCfdi } from "../src/CfdiReader.js"
import { toFiscalDocument } from "../src/CfdiToDomain.js"
import { makeCfdiReaderPool } from "../src/CfdiReaderPool.js"
import { digestSetHas, makeDigestSet } from "../src/DigestSet.js"

/**
 * A folder of 300 generated CFDI (seeded), every 25th one damaged (a changed Total, a removed timbre, cut short), plus
 * a path that is a folder and one that does not exist: the paths in a shuffled (seeded) order. Removed with its scope.
 */
const folder = Effect.acquireRelease(Effect.sync(() => writeFolder()), ({ dir }) =>
  Effect.sync(() => rmSync(dir, { recursive: true })))

const writeFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), "cfdi-pool-"))
  const paths = randomCfdiCorpus(7, 300).map((file, i) => {
    const damaged = i % 25 !== 0 ? file.xml : [
      file.xml.replace(/ Total="([0-9.]+)"/, ' Total="1$1"'),
      file.xml.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, ""),
      file.xml.slice(0, file.xml.length / 2)
    ][(i / 25) % 3]!
    const path = join(dir, file.name)
    writeFileSync(path, damaged)
    return path
  })
  mkdirSync(join(dir, "not-a-file.xml"))
  paths.push(join(dir, "not-a-file.xml"), join(dir, "missing.xml"))
  let state = 42
  for (let i = paths.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648
    const j = state % (i + 1)
    ;[paths[i], paths[j]] = [paths[j]!, paths[i]!]
  }
  return { dir, paths }
}

describe("CfdiReaderPool", () => {
  it.scoped("reports each file in the given order, the same on 2 worker threads as on this thread", () =>
    Effect.gen(function*() {
      const { paths } = yield* folder
      const expected = paths.map((path) => readCfdiFileReport(path))
      const pool = yield* makeCfdiReaderPool({ workers: 2 })
      assert.strictEqual(pool.workers, 2)
      const reports = yield* pool.reports(paths)
      assert.deepStrictEqual(reports, expected)
      // the fixture holds reads with findings, each kind of refusal, and unreadable paths
      const statuses = new Set(reports.map((r) => r.status === "read" ? `read:${r.errors.length > 0}` : r.reason))
      assert.deepStrictEqual([...statuses].sort(), ["MissingTimbre", "NotXml", "Unreadable", "read:false", "read:true"])
      // a second call on the same warm pool, on a part of the list
      assert.deepStrictEqual(yield* pool.reports(paths.slice(10, 40)), expected.slice(10, 40))
      assert.deepStrictEqual(yield* pool.reports([]), [])
    }))

  it.scoped("gives each file's digest and FiscalDocument JSON in order, the same on 2 worker threads", () =>
    Effect.gen(function*() {
      const { paths } = yield* folder
      const expected = paths.map((path) => readCfdiFileDocument(path))
      const pool = yield* makeCfdiReaderPool({ workers: 2 })
      const documents = yield* pool.documents(paths)
      assert.deepStrictEqual(documents, expected)
      const read = documents.flatMap((d) => d.status === "read" ? [d] : [])
      assert.strictEqual(read.length, paths.length - 2 - 12 + 4) // the changed Totals still read
      // the JSON decodes to the document the reader maps the same bytes to, with the file and digest as its source
      const first = read[0]!
      const decoded = Schema.decodeUnknownSync(FiscalDocument)(JSON.parse(first.json))
      const cfdi = readCfdi(readFileSync(first.path), { path: first.path })
      assert.isTrue(cfdi._tag === "Right")
      if (cfdi._tag !== "Right") return
      assert.deepStrictEqual(decoded.sources.map((s) => [s.kind, s.location, s.sha256]), [
        ["file", first.path, first.sha256]
      ])
      assert.strictEqual(decoded.id, toFiscalDocument(cfdi.right, decoded.sources[0]!).id)
      const refused = documents.filter((d) => d.status === "refused")
      const reasons = new Set(refused.map((d) => d.status === "refused" ? d.reason : ""))
      assert.deepStrictEqual([...reasons].sort(), ["MissingTimbre", "NotXml", "Unreadable"])
    }))

  it.scoped("answers `known` for a file whose digest is cached, on 2 worker threads as on this thread", () =>
    Effect.gen(function*() {
      const { paths } = yield* folder
      const first = paths.map((path) => readCfdiFileDocument(path))
      const read = first.flatMap((d) => d.status === "read" ? [d] : [])
      // the cache holds every other document; the digests are shared with the workers, never copied
      const cachedDigests = read.filter((_, i) => i % 2 === 0).map((d) => d.sha256)
      const cached = makeDigestSet(cachedDigests)
      assert.instanceOf(cached.records.buffer, SharedArrayBuffer)
      const expected = first.map((d) =>
        d.status === "read" && cachedDigests.includes(d.sha256)
          ? { path: d.path, status: "known" as const, sha256: d.sha256 }
          : d
      )
      assert.deepStrictEqual(paths.map((path) => readCfdiFileDocument(path, {}, cached)), expected)
      const pool = yield* makeCfdiReaderPool({ workers: 2 })
      assert.deepStrictEqual(yield* pool.documents(paths, cached), expected)
      assert.strictEqual(expected.filter((d) => d.status === "known").length, cachedDigests.length)
    }))

  it.scoped("drops the answers of an interrupted call: the next call on the same pool gets only its own", () =>
    Effect.gen(function*() {
      const { paths } = yield* folder
      const expected = paths.map((path) => readCfdiFileReport(path))
      const pool = yield* makeCfdiReaderPool({ workers: 2 })
      // every chunk of the first call is posted at once; interrupted, its answers still come back afterwards
      const first = yield* Effect.fork(pool.documents(paths))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(first)
      assert.deepStrictEqual(yield* pool.reports(paths), expected)
      assert.deepStrictEqual(yield* pool.reports(paths.slice(5, 50)), expected.slice(5, 50))
    }))

  it("keeps a set of SHA-256 digests, sorted, each once, in shared memory", () => {
    const digest = (n: number) => n.toString(16).padStart(64, "0")
    const hexes = [digest(5), digest(255), digest(1), digest(5), "f".repeat(64), "not a digest", "A".repeat(64)]
    const set = makeDigestSet(hexes)
    // the duplicate and the two non-digests (upper-case hex is not what sha256Hex writes) are left out
    assert.strictEqual(set.size, 4)
    assert.strictEqual(set.records.byteLength, 4 * 32)
    for (const hex of [digest(1), digest(5), digest(255), "f".repeat(64)]) assert.isTrue(digestSetHas(set, hex), hex)
    for (const hex of [digest(0), digest(2), digest(256), "e".repeat(64), "not a digest", ""]) {
      assert.isFalse(digestSetHas(set, hex), hex)
    }
    assert.isFalse(digestSetHas(makeDigestSet([]), digest(1)))
    // digests already in ascending order (a query ordered by key) are taken as they are: the same records
    const ascending = makeDigestSet([digest(1), digest(5), digest(255), "f".repeat(64)])
    assert.deepStrictEqual(ascending, set)
  })

  it("refuses an unreadable path as Unreadable, naming it", () => {
    const report = readCfdiFileReport(join(tmpdir(), "clara-recon-no-such-file.xml"))
    assert.strictEqual(report.status, "refused")
    if (report.status !== "refused") return
    assert.strictEqual(report.reason, "Unreadable")
    assert.include(report.message, "clara-recon-no-such-file.xml: cannot be read:")
  })

  it.scoped("starts two workers per core by default (one parses while the other waits for the disk), at most 8", () =>
    Effect.gen(function*() {
      const pool = yield* makeCfdiReaderPool()
      assert.strictEqual(pool.workers, Math.min(8, 2 * availableParallelism()))
      assert.deepStrictEqual(yield* pool.reports([]), [])
    }))

  it.scoped("passes the reader's limits to the workers", () =>
    Effect.gen(function*() {
      const { paths } = yield* folder
      const pool = yield* makeCfdiReaderPool({ workers: 2, maxBytes: 100 })
      const reports = yield* pool.reports(paths)
      const tooLargeOrUnreadable = (r: (typeof reports)[number]) =>
        r.status === "refused" && (r.reason === "TooLarge" || r.reason === "Unreadable")
      assert.isTrue(reports.every(tooLargeOrUnreadable))
      assert.isTrue(reports.some((r) => r.status === "refused" && r.reason === "TooLarge"))
    }))
})
