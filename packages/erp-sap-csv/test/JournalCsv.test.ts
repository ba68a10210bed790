import { createHash } from "node:crypto"
import { JournalLine, PostingDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { BigDecimal, Either } from "effect"
import type { CsvColumn, CsvLayout } from "../src/CsvLayout.js"
import { encodeManifest } from "../src/CsvExport.js"
import { genericJeV1 } from "../src/GenericJeV1.js"
import { renderJournalCsv } from "../src/JournalCsv.js"
import { columnsOf, mapColumns } from "./support/Layouts.js"
import { fxPosting, mxnPosting } from "./support/Postings.js"

const options = { tenant: "acme", runDate: "2026-02-05", sequence: 1 }

// Written by hand from erp.md §5.3: BOM, CRLF after every record, RFC 4180 quotes only where needed.
const GOLDEN = "\uFEFF" + [
  "DOC_KEY,BUKRS,BLART,BLDAT,BUDAT,WAERS,KURSF,XBLNR,BKTXT,LINE_NO,BSCHL,HKONT,LIFNR,WRBTR,SHKZG,MWSKZ,KOSTL,PRCTR,ZUONR,SGTXT,CFDI_UUID,RFC_EMISOR",
  "rcn_0001,MX01,SA,20260201,20260203,MXN,17.25000,77,TDC 2026-02,1,40,601.84,,1725.00,S,V1,,,0b1c2d3e4f5a4b6c8d,\"UUID 9C8B7A65-4321-4DCB-A987-6543210FEDCB É \"\"B\"\", C\",9C8B7A65-4321-4DCB-A987-6543210FEDCB,XEXX010101000",
  "rcn_0001,MX01,SA,20260201,20260203,MXN,17.25000,77,TDC 2026-02,2,40,118.01,,276.00,S,V1,,,0b1c2d3e4f5a4b6c8d,\"UUID 9C8B7A65-4321-4DCB-A987-6543210FEDCB É \"\"B\"\", C\",9C8B7A65-4321-4DCB-A987-6543210FEDCB,XEXX010101000",
  "rcn_0001,MX01,SA,20260201,20260203,MXN,17.25000,77,TDC 2026-02,3,40,701.01,,9.00,S,,,,0b1c2d3e4f5a4b6c8d,\"UUID 9C8B7A65-4321-4DCB-A987-6543210FEDCB É \"\"B\"\", C\",9C8B7A65-4321-4DCB-A987-6543210FEDCB,XEXX010101000",
  "rcn_0001,MX01,SA,20260201,20260203,MXN,17.25000,77,TDC 2026-02,4,50,205.06,,2010.00,H,,,,0b1c2d3e4f5a4b6c8d,\"UUID 9C8B7A65-4321-4DCB-A987-6543210FEDCB É \"\"B\"\", C\",9C8B7A65-4321-4DCB-A987-6543210FEDCB,XEXX010101000",
  "rcn_0002,MX01,SA,20260114,20260115,MXN,,A-1001,TDC ****1234 2026-01,1,40,601.84,,1000.00,S,V1,,,7f3c1a2e5b6d4e8f9a,UUID 4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B Office D,4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B,ODE950101AB1",
  "rcn_0002,MX01,SA,20260114,20260115,MXN,,A-1001,TDC ****1234 2026-01,2,40,118.01,,160.00,S,V1,,,7f3c1a2e5b6d4e8f9a,UUID 4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B Office D,4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B,ODE950101AB1",
  "rcn_0002,MX01,SA,20260114,20260115,MXN,,A-1001,TDC ****1234 2026-01,3,50,205.06,,1160.00,H,,,,7f3c1a2e5b6d4e8f9a,UUID 4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B Office D,4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B,ODE950101AB1"
].map((row) => `${row}\r\n`).join("")

const render = (...args: Parameters<typeof renderJournalCsv>) => {
  const result = renderJournalCsv(...args)
  if (Either.isLeft(result)) return assert.fail(`unexpected ${result.left.message}`)
  return result.right
}

const withColumn = (name: string, patch: Partial<CsvColumn>): CsvLayout =>
  mapColumns(genericJeV1, (c) => (c.name === name ? { ...c, ...patch } : c))

describe("renderJournalCsv (generic-je-v1)", () => {
  it("writes the golden bytes: BOM, CRLF, rows by DOC_KEY then LINE_NO", () => {
    const exported = render([mxnPosting(), fxPosting()], options)
    const [file] = exported.files
    assert.strictEqual(file?.name, "rcn_acme_20260205_001.csv")
    const bytes = file!.bytes
    assert.deepStrictEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf])
    assert.strictEqual(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), GOLDEN)
  })

  it("is deterministic whatever the input order", () => {
    const a = render([mxnPosting(), fxPosting()], options).files[0]!
    const b = render([fxPosting(), mxnPosting()], options).files[0]!
    assert.deepStrictEqual(a.bytes, b.bytes)
    assert.strictEqual(a.sha256, b.sha256)
  })

  it("round-trips through csv-parse with every column and balanced documents", () => {
    const docs = [
      mxnPosting(),
      fxPosting(),
      mxnPosting({ externalKey: "rcn_0003", memo: "m", sourceId: "tx-3", cardLastFour: "9876" })
    ]
    const file = render(docs, options).files[0]!
    const records: Array<Record<string, string>> = parse(Buffer.from(file.bytes), { bom: true, columns: true })
    assert.strictEqual(records.length, 10)
    assert.strictEqual(file.rows, 10)
    assert.deepStrictEqual(Object.keys(records[0]!), columnsOf(genericJeV1).map((c) => c.name))
    const byKey = new Map(docs.map((doc) => [doc.externalKey, doc]))
    const sums = new Map<string, { S: BigDecimal.BigDecimal; H: BigDecimal.BigDecimal }>()
    for (const record of records) {
      const doc = byKey.get(record.DOC_KEY!)!
      const line = doc.lines[Number(record.LINE_NO) - 1]!
      assert.strictEqual(record.BUKRS, "MX01")
      assert.strictEqual(record.BLART, "SA")
      assert.strictEqual(record.BLDAT, doc.documentDate.replaceAll("-", ""))
      assert.strictEqual(record.BUDAT, doc.postingDate.replaceAll("-", ""))
      assert.strictEqual(record.WAERS, doc.currency)
      assert.strictEqual(record.KURSF, doc.exchangeRate === undefined ? "" : "17.25000")
      assert.strictEqual(record.HKONT, line.account)
      assert.strictEqual(record.BSCHL, line.side === "debit" ? "40" : "50")
      assert.strictEqual(record.SHKZG, line.side === "debit" ? "S" : "H")
      assert.isTrue(BigDecimal.equals(BigDecimal.unsafeFromString(record.WRBTR!), line.amount))
      assert.match(record.WRBTR!, /^\d+\.\d{2}$/)
      assert.strictEqual(record.MWSKZ, line.taxCode ?? "")
      assert.strictEqual(record.LIFNR, "")
      assert.strictEqual(record.CFDI_UUID, line.cfdiUuid)
      assert.strictEqual(record.RFC_EMISOR, doc.cfdis[0]?.rfcEmisor)
      assert.isAtMost(record.SGTXT!.length, 50)
      assert.isTrue(record.SGTXT!.startsWith(`UUID ${line.cfdiUuid}`))
      assert.isAtMost(record.ZUONR!.length, 18)
      assert.isAtMost(record.BKTXT!.length, 25)
      const sum = sums.get(record.DOC_KEY!) ?? { S: BigDecimal.fromBigInt(0n), H: BigDecimal.fromBigInt(0n) }
      const side = record.SHKZG as "S" | "H"
      const amount = BigDecimal.unsafeFromString(record.WRBTR!)
      sums.set(record.DOC_KEY!, { ...sum, [side]: BigDecimal.sum(sum[side], amount) })
    }
    assert.strictEqual(records.find((r) => r.DOC_KEY === "rcn_0003")?.BKTXT, "TDC ****9876 2026-01")
    assert.strictEqual(records.find((r) => r.DOC_KEY === "rcn_0003")?.ZUONR, "tx3")
    assert.strictEqual(sums.size, 3)
    for (const { H, S } of sums.values()) assert.isTrue(BigDecimal.equals(S, H))
  })

  it("sums the manifest and hashes the exact bytes", () => {
    const exported = render([mxnPosting(), fxPosting()], options)
    const file = exported.files[0]!
    const sha = createHash("sha256").update(Buffer.from(GOLDEN, "utf8")).digest("hex")
    assert.strictEqual(file.sha256, sha)
    assert.deepStrictEqual(exported.manifest, {
      layout: { id: "generic-je-v1", version: 1 },
      files: [
        { name: "rcn_acme_20260205_001.csv", rows: 7, sha256: sha, debitTotal: "3170.00", creditTotal: "3170.00" }
      ],
      totals: { rows: 7, debit: "3170.00", credit: "3170.00" },
      documents: ["rcn_0001", "rcn_0002"]
    })
    assert.strictEqual(exported.manifestName, "rcn_acme_20260205_001.manifest.json")
    const manifestJson = JSON.parse(new TextDecoder().decode(encodeManifest(exported.manifest)))
    assert.deepStrictEqual(manifestJson, exported.manifest)
  })

  it("fails an over-long value when the column says fail, naming document, line and column", () => {
    const longAccount = mxnPosting({
      lines: mxnPosting().lines.map((l, i) => (i === 0 ? new JournalLine({ ...l, account: "60184000001" }) : l))
    })
    const result = renderJournalCsv([longAccount], options)
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.code, "CSV_FIELD_TOO_LONG")
      assert.strictEqual(result.left.kind, "VALIDATION")
      assert.strictEqual(result.left.fieldPath, "lines[0].HKONT")
      assert.include(result.left.userMessage, "rcn_0002")
      assert.include(result.left.userMessage, "line 1")
      assert.include(result.left.userMessage, "over the 10 allowed")
    }
    const strictLayout = withColumn("SGTXT", { onOverflow: "fail" })
    const strictSgtxt = renderJournalCsv([mxnPosting()], { ...options, layout: strictLayout })
    assert.strictEqual(Either.isLeft(strictSgtxt) ? strictSgtxt.left.code : "", "CSV_FIELD_TOO_LONG")
  })

  it("truncates by code points when the column says truncate", () => {
    const layout = withColumn("BKTXT", { maxLength: 6 })
    const file = render([mxnPosting({ cardLastFour: "1234" })], { ...options, layout }).files[0]!
    const records: Array<Record<string, string>> = parse(Buffer.from(file.bytes), { bom: true, columns: true })
    assert.strictEqual(records[0]?.BKTXT, "TDC **")
    const sgtxt = withColumn("SGTXT", { maxLength: 43 })
    const fx = render([fxPosting()], { ...options, layout: sgtxt }).files[0]!
    const fxRecords: Array<Record<string, string>> = parse(Buffer.from(fx.bytes), { bom: true, columns: true })
    assert.strictEqual(fxRecords[0]?.SGTXT, "UUID 9C8B7A65-4321-4DCB-A987-6543210FEDCB É")
  })

  it("refuses a missing company code, an unbalanced document, a duplicate key and a bad tenant", () => {
    const code = (r: ReturnType<typeof renderJournalCsv>) => (Either.isLeft(r) ? r.left.code : "none")
    const { companyCode: _omitted, ...withoutCompany } = mxnPosting()
    assert.strictEqual(code(renderJournalCsv([new PostingDocument(withoutCompany)], options)), "CSV_FIELD_REQUIRED")
    const unbalanced = mxnPosting({ lines: mxnPosting().lines.slice(0, 2) })
    assert.strictEqual(code(renderJournalCsv([unbalanced], options)), "POSTING_UNBALANCED")
    // a negative or sub-cent line would be written as another number than the manifest counts
    const [expense, iva, card] = mxnPosting().lines
    const negative = mxnPosting({
      lines: [expense!, new JournalLine({ ...iva!, amount: BigDecimal.negate(iva!.amount) }), card!]
    })
    assert.strictEqual(code(renderJournalCsv([negative], options)), "INVALID_LINE_AMOUNT")
    const subCent = mxnPosting({
      lines: [
        new JournalLine({ ...expense!, amount: BigDecimal.sum(expense!.amount, BigDecimal.unsafeFromString("0.005")) }),
        new JournalLine({ ...iva!, amount: BigDecimal.subtract(iva!.amount, BigDecimal.unsafeFromString("0.005")) }),
        card!
      ]
    })
    assert.strictEqual(code(renderJournalCsv([subCent], options)), "INVALID_LINE_AMOUNT")
    assert.strictEqual(code(renderJournalCsv([mxnPosting(), mxnPosting()], options)), "DUPLICATE_DOC_KEY")
    assert.strictEqual(code(renderJournalCsv([mxnPosting()], { ...options, tenant: "ac me" })), "INVALID_TENANT")
    assert.strictEqual(code(renderJournalCsv([mxnPosting()], { ...options, sequence: 1000 })), "INVALID_SEQUENCE")
    const badDate = renderJournalCsv([mxnPosting()], { ...options, runDate: "2026-02-30" })
    assert.strictEqual(code(badDate), "INVALID_RUN_DATE")
  })

  it("writes a header-only file for an empty batch", () => {
    const exported = render([], options)
    assert.strictEqual(exported.files[0]?.rows, 0)
    assert.strictEqual(exported.manifest.totals.debit, "0.00")
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(exported.files[0]!.bytes)
    assert.strictEqual(text, `${GOLDEN.split("\r\n")[0]}\r\n`)
  })
})
