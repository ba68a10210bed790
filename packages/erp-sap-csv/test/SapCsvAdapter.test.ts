import { CardTransaction, FiscalDocument, money, Party, TaxTotals } from "@clara-recon/domain"
import { buildPosting, defaultMapping, ErpAdapter, makeRegistry, type Planned } from "@clara-recon/erp"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { BigDecimal, Effect, Either, Option, TestClock } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import type { DocumentRows } from "../src/DocumentRows.js"
import { directoryLedger, memoryLedger } from "../src/ExportLedger.js"
import { genericJeV1 } from "../src/GenericJeV1.js"
import * as SapCsvAdapter from "../src/SapCsvAdapter.js"
import { mapColumns } from "./support/Layouts.js"
import { fxPosting, mxnPosting } from "./support/Postings.js"
import { tempDirectory } from "./support/TempDirectory.js"

const adapter = SapCsvAdapter.make({ tenant: "acme" })

const tempDir = () => tempDirectory("sap-csv-ledger-")

const planned = (doc: ReturnType<typeof mxnPosting>): Planned<DocumentRows> => {
  const plan = adapter.plan(doc)
  if (!plan.ok) return assert.fail(plan.errors.map((e) => e.message).join("; "))
  return plan
}

describe("SapCsvAdapter", () => {
  it("plans a document: rows as payload and a fingerprint of them", () => {
    const plan = planned(mxnPosting())
    assert.strictEqual(plan.payload.files[0]?.[0]?.length, 3)
    assert.deepStrictEqual(plan.fingerprint.totals, { debit: "1160.00", credit: "1160.00" })
    assert.strictEqual(plan.fingerprint.lineCount, 3)
    assert.strictEqual(plan.fingerprint.date, "2026-01-15")
    assert.match(plan.fingerprint.hash, /^[0-9a-f]{64}$/)
    assert.strictEqual(planned(mxnPosting()).fingerprint.hash, plan.fingerprint.hash)
    assert.notStrictEqual(planned(fxPosting()).fingerprint.hash, plan.fingerprint.hash)
  })

  it("rejects a document with every problem at once", () => {
    const bad = mxnPosting({ externalKey: "bad key!", lines: mxnPosting().lines.slice(0, 2) })
    const badLayout = SapCsvAdapter.make({
      tenant: "acme",
      layout: mapColumns(genericJeV1, (c) =>
        c.name === "DOC_KEY" ? { name: "X", source: "line.amount", format: { kind: "date", pattern: "YYYYMMDD" } } : c
      )
    })
    const plan = adapter.plan(bad)
    assert.isFalse(plan.ok)
    if (!plan.ok) assert.deepStrictEqual(plan.errors.map((e) => e.code), ["INVALID_EXTERNAL_KEY", "POSTING_UNBALANCED"])
    const layoutPlan = badLayout.plan(mxnPosting())
    assert.isFalse(layoutPlan.ok)
    if (!layoutPlan.ok) {
      assert.strictEqual(layoutPlan.errors.length, 3)
      assert.strictEqual(layoutPlan.errors[0]?.kind, "CONFIG")
      assert.strictEqual(layoutPlan.errors[0]?.code, "CSV_LAYOUT_INVALID")
    }
  })

  it.effect("posts by returning the CSV and its manifest as artifacts, dated by the clock in Mexico City", () =>
    Effect.gen(function*() {
      const adapter = SapCsvAdapter.make({ tenant: "acme" })
      yield* TestClock.setTime(Date.UTC(2026, 1, 6, 3, 0)) // 2026-02-05 21:00 in Mexico City
      const result = yield* adapter.post([planned(mxnPosting()), planned(fxPosting())], { idempotencyKey: "batch-1" })
      assert.strictEqual(result.status, "exported")
      if (result.status !== "exported") return
      assert.deepStrictEqual(result.artifacts.map((a) => a.name), [
        "rcn_acme_20260205_001.csv",
        "rcn_acme_20260205_001.manifest.json"
      ])
      const [csv, manifest] = result.artifacts
      const parsed = JSON.parse(new TextDecoder().decode(manifest!.bytes))
      assert.strictEqual(parsed.files[0].sha256, csv!.sha256)
      assert.deepStrictEqual(parsed.documents, ["rcn_0001", "rcn_0002"])
      assert.strictEqual(parsed.idempotencyKey, "batch-1")
      assert.deepStrictEqual(Object.keys(parsed.fingerprints), ["rcn_0001", "rcn_0002"])
      assert.strictEqual(parsed.fingerprints.rcn_0002.hash, planned(mxnPosting()).fingerprint.hash)
      const again = yield* adapter.post([planned(fxPosting()), planned(mxnPosting())], {
        idempotencyKey: "batch-1",
        runDate: "2026-02-05",
        sequence: 1
      })
      assert.deepStrictEqual(again.status === "exported" ? again.artifacts : [], result.artifacts)
    }))

  it.effect("reports a batch it cannot assemble as failed, not applied", () =>
    Effect.gen(function*() {
      const adapter = SapCsvAdapter.make({ tenant: "acme" })
      const result = yield* adapter.post([planned(mxnPosting()), planned(mxnPosting())], {
        idempotencyKey: "batch-2",
        runDate: "2026-02-05",
        sequence: 2
      })
      assert.strictEqual(result.status, "failed")
      if (result.status === "failed") {
        assert.strictEqual(result.error.code, "DUPLICATE_DOC_KEY")
        assert.strictEqual(result.error.outcome, "not_applied")
      }
    }))

  it.effect("is provided under the ErpAdapter tag and found by the registry", () =>
    Effect.gen(function*() {
      const provided = yield* ErpAdapter
      assert.strictEqual(provided.manifest.id, "sap-csv")
      assert.deepStrictEqual(provided.manifest.capabilities, ["export.file", "readBack"])
      const found = yield* makeRegistry([provided]).get("sap-csv")
      assert.strictEqual(found, provided)
    }).pipe(Effect.provide(SapCsvAdapter.layer({ tenant: "acme" }))))

  it.effect("exports what the posting builder builds, balanced per DOC_KEY after parsing", () =>
    Effect.gen(function*() {
      const tx = (uuid: string, amount: string) =>
        new CardTransaction({
          uuid,
          type: amount.startsWith("-") ? "REFUND" : "PURCHASE",
          status: "AUTHORIZED",
          descriptor: "A;\"B\"\nC",
          amount: money(amount, "MXN"),
          operationDate: "2026-01-20",
          cardLastFour: "4321",
          hasInvoice: true,
          hasExtractedDocuments: false
        })
      const doc = new FiscalDocument({
        id: "11111111-2222-4333-8444-555555555555",
        kind: "CFDI",
        country: "MX",
        issueDate: "2026-01-19",
        folio: "F-000123456789012345",
        issuer: new Party({ taxId: "PAP010101AAA" }),
        receiver: new Party({}),
        currency: "MXN",
        subTotal: BigDecimal.unsafeFromString("10000.00"),
        total: BigDecimal.unsafeFromString("9533.33"),
        taxes: new TaxTotals({
          ivaTransferred: BigDecimal.unsafeFromString("1600.00"),
          ivaWithheld: BigDecimal.unsafeFromString("1066.67"),
          isrWithheld: BigDecimal.unsafeFromString("1000.00")
        }),
        relations: [],
        claraTransactionUuids: [],
        sources: []
      })
      const postings = [tx("aaaa-1", "9533.35"), tx("bbbb-2", "-9533.33")].map((t) =>
        Either.getOrThrow(buildPosting({ tenant: "acme", transaction: t, document: doc, mapping: defaultMapping }))
      )
      const options = { idempotencyKey: "k", runDate: "2026-01-31", sequence: 3 }
      const adapter = SapCsvAdapter.make({ tenant: "acme" })
      const result = yield* adapter.post(postings.map(planned), options)
      if (result.status !== "exported") return assert.fail(result.status)
      assert.strictEqual(result.artifacts[0]?.name, "rcn_acme_20260131_003.csv")
      const bytes = Buffer.from(result.artifacts[0]!.bytes)
      const records: Array<Record<string, string>> = parse(bytes, { bom: true, columns: true })
      assert.strictEqual(records.length, 11)
      assert.isTrue(records.every((r) => r.XBLNR === "F-00012345678901" && r.SGTXT === `UUID ${doc.id} A;"B" C`))
      for (const key of new Set(records.map((r) => r.DOC_KEY))) {
        const total = (side: string) =>
          records
            .filter((r) => r.DOC_KEY === key && r.SHKZG === side)
            .reduce((acc, r) => BigDecimal.sum(acc, BigDecimal.unsafeFromString(r.WRBTR!)), BigDecimal.fromBigInt(0n))
        assert.isTrue(BigDecimal.equals(total("S"), total("H")), `balanced ${key}`)
      }
    }))

  it.scoped("writes into the output directory, finds and verifies what it exported, and never exports a key twice", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const first = SapCsvAdapter.make({ tenant: "acme", outputDirectory: dir })
      assert.isTrue(Option.isNone(yield* first.find("rcn_0002")))
      const result = yield* first.post([planned(mxnPosting())], { idempotencyKey: "b1", runDate: "2026-02-05" })
      if (result.status !== "exported") return assert.fail(result.status)
      const names = (yield* Effect.promise(() => fs.readdir(dir))).sort()
      assert.deepStrictEqual(names, ["rcn_acme_20260205_001.csv", "rcn_acme_20260205_001.manifest.json"])
      for (const a of result.artifacts) {
        assert.deepStrictEqual(new Uint8Array(yield* Effect.promise(() => fs.readFile(path.join(dir, a.name)))), a.bytes)
      }
      // A new process (a new adapter on the same folder) reads the ledger from the manifests.
      const second = SapCsvAdapter.make({ tenant: "acme", outputDirectory: dir })
      const ref = yield* second.find("rcn_0002")
      if (Option.isNone(ref)) return assert.fail("rcn_0002 not found after export")
      assert.strictEqual(ref.value.internalId, "rcn_acme_20260205_001.manifest.json")
      const expected = planned(mxnPosting()).fingerprint
      assert.deepStrictEqual(yield* second.verify(ref.value, expected), { status: "match", ref: ref.value })
      const wrong = yield* second.verify(ref.value, { ...expected, totals: { debit: "1.00", credit: "1.00" } })
      assert.strictEqual(wrong.status, "mismatch")
      // Replay under the same key: the stored artifacts, nothing new written.
      const replay = yield* second.post([planned(mxnPosting())], { idempotencyKey: "b1", runDate: "2026-03-01" })
      assert.deepStrictEqual(replay, result)
      // Under another key with a new document: only the new one is exported.
      const more = yield* second.post([planned(mxnPosting()), planned(fxPosting())], {
        idempotencyKey: "b2",
        runDate: "2026-02-05",
        sequence: 2
      })
      if (more.status !== "exported") return assert.fail(more.status)
      const manifest = JSON.parse(new TextDecoder().decode(more.artifacts[1]!.bytes))
      assert.deepStrictEqual(manifest.documents, ["rcn_0001"])
      assert.strictEqual((yield* Effect.promise(() => fs.readdir(dir))).length, 4)
      // A file edited after export makes verify report a mismatch naming it.
      yield* Effect.promise(() => fs.appendFile(path.join(dir, "rcn_acme_20260205_001.csv"), "x"))
      const edited = yield* second.verify(ref.value, expected)
      assert.deepStrictEqual(edited.status === "mismatch" ? edited.differences : [], [
        "file rcn_acme_20260205_001.csv changed since it was exported"
      ])
      yield* Effect.promise(() => fs.rm(path.join(dir, "rcn_acme_20260205_002.manifest.json")))
      const gone = yield* SapCsvAdapter.make({ tenant: "acme", outputDirectory: dir }).find("rcn_0001")
      assert.isTrue(Option.isNone(gone))
    }))

  it.scoped("hands out its entries as a snapshot that later commits leave as it was (both ledgers)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      for (const ledger of [memoryLedger(), directoryLedger(dir)]) {
        const adapter = SapCsvAdapter.make({ tenant: "acme", ledger })
        assert.strictEqual((yield* ledger.entries).size, 0)
        yield* adapter.post([planned(mxnPosting())], { idempotencyKey: "b1", runDate: "2026-02-05" })
        const before = yield* ledger.entries
        assert.deepStrictEqual([...before.keys()], ["rcn_0002"])
        assert.strictEqual(before.get("rcn_0002")?.manifestName, "rcn_acme_20260205_001.manifest.json")
        assert.strictEqual(before.get("rcn_0002")?.idempotencyKey, "b1")
        yield* adapter.post([planned(fxPosting())], { idempotencyKey: "b2", runDate: "2026-02-05", sequence: 2 })
        assert.deepStrictEqual([...before.keys()], ["rcn_0002"])
        const after = yield* ledger.entries
        assert.deepStrictEqual([...after.keys()].sort(), ["rcn_0001", "rcn_0002"])
        assert.strictEqual(after.get("rcn_0001")?.manifestName, "rcn_acme_20260205_002.manifest.json")
      }
    }))

  it.scoped("numbers a second batch of the day after the first, and never overwrites a file it did not write", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const adapter = SapCsvAdapter.make({ tenant: "acme", outputDirectory: dir })
      yield* adapter.post([planned(mxnPosting())], { idempotencyKey: "b1", runDate: "2026-02-05" })
      // another run of the same day asks for sequence 1 again: the batch takes 002
      const second = yield* adapter.post([planned(fxPosting())], { idempotencyKey: "b2", runDate: "2026-02-05" })
      const names = second.status === "exported" ? second.artifacts.map((a) => a.name) : []
      assert.deepStrictEqual(names, ["rcn_acme_20260205_002.csv", "rcn_acme_20260205_002.manifest.json"])
      // a file someone else put where the next batch would go is refused, not replaced
      yield* Effect.promise(() => fs.writeFile(path.join(dir, "rcn_acme_20260205_003.csv"), "not ours"))
      const third = [planned(mxnPosting({ externalKey: "rcn_0003" }))]
      const clash = yield* Effect.flip(adapter.post(third, { idempotencyKey: "b3", runDate: "2026-02-05" }))
      assert.strictEqual(clash.code, "EXPORT_FILE_CONFLICT")
      assert.strictEqual(clash.outcome, "not_applied")
      assert.isTrue(Option.isNone(yield* adapter.find("rcn_0003")))
    }))

  it.scoped("checks the output directory and the layout in checkConnection", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      const ok = yield* SapCsvAdapter.make({ tenant: "acme", outputDirectory: dir }).checkConnection()
      assert.deepStrictEqual(ok, { ok: true, identity: `layout generic-je-v1 v1 -> ${dir}`, warnings: [] })
      // a folder not made yet is fine when its parent takes it: the first export makes it
      const later = yield* SapCsvAdapter.make({ tenant: "acme", outputDirectory: path.join(dir, "out", "sap") })
        .checkConnection()
      assert.deepStrictEqual(
        [later.ok, later.warnings.map((w) => w.code)],
        [true, ["OUTPUT_DIRECTORY_MADE_ON_FIRST_EXPORT"]]
      )
      yield* Effect.promise(() => fs.writeFile(path.join(dir, "file"), ""))
      const missing = yield* SapCsvAdapter.make({ tenant: "acme", outputDirectory: path.join(dir, "file", "out") })
        .checkConnection()
      assert.isFalse(missing.ok)
      assert.strictEqual(missing.error?.code, "OUTPUT_DIRECTORY_UNUSABLE")
      const memory = yield* SapCsvAdapter.make({ tenant: "acme" }).checkConnection()
      assert.deepStrictEqual([memory.ok, memory.warnings.map((w) => w.code)], [true, ["LEDGER_IN_MEMORY"]])
      const twoAlike = { ...genericJeV1, files: [genericJeV1.files[0], genericJeV1.files[0]] } as const
      const bad = yield* SapCsvAdapter.make({ tenant: "acme", layout: twoAlike }).checkConnection()
      assert.deepStrictEqual([bad.ok, bad.error?.code], [false, "CSV_LAYOUT_INVALID"])
      const catalog = yield* SapCsvAdapter.make({ tenant: "acme" }).discover()
      assert.deepStrictEqual(catalog.accounts, [])
    }))
})
