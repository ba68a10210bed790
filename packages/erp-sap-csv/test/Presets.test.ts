import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { BigDecimal, Either } from "effect"
import * as iconv from "iconv-lite"
import type { CsvExport } from "../src/CsvExport.js"
import { layoutById, layoutIds } from "../src/Layouts.js"
import { renderJournalCsv } from "../src/JournalCsv.js"
import { mapColumns } from "./support/Layouts.js"
import { fxPosting, mxnPosting } from "./support/Postings.js"

const options = { tenant: "acme", runDate: "2026-02-05", sequence: 1 }
const FX_TEXT = "\"UUID 9C8B7A65-4321-4DCB-A987-6543210FEDCB É \"\"B\"\", C\""
const MXN_TEXT = "UUID 4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B Office D"
const crlf = (rows: ReadonlyArray<string>) => rows.map((row) => `${row}\r\n`).join("")

const layout = (id: string) => Either.getOrThrowWith(layoutById(id), (e) => assert.fail(e.message))
const exportWith = (id: string): CsvExport =>
  Either.getOrThrowWith(
    renderJournalCsv([mxnPosting(), fxPosting()], { ...options, layout: layout(id) }),
    (e) => assert.fail(e.message)
  )
const zero = BigDecimal.fromBigInt(0n)
const amount = (cell: string | undefined) =>
  cell === undefined || cell === "" ? zero : BigDecimal.unsafeFromString(cell)

/** Σ debit and Σ credit per document key, from parsed records. */
const sums = (records: ReadonlyArray<{ key: string; debit: string | undefined; credit: string | undefined }>) => {
  const byKey = new Map<string, { debit: BigDecimal.BigDecimal; credit: BigDecimal.BigDecimal }>()
  for (const r of records) {
    const sum = byKey.get(r.key) ?? { debit: zero, credit: zero }
    byKey.set(r.key, {
      debit: BigDecimal.sum(sum.debit, amount(r.debit)),
      credit: BigDecimal.sum(sum.credit, amount(r.credit))
    })
  }
  return byKey
}
const assertBalanced = (byKey: ReturnType<typeof sums>, expected: Record<string, string>) => {
  assert.deepStrictEqual([...byKey.keys()].sort(), Object.keys(expected).sort())
  for (const [key, { credit, debit }] of byKey) {
    assert.isTrue(BigDecimal.equals(debit, credit), `balanced ${key}`)
    assert.isTrue(BigDecimal.equals(debit, BigDecimal.unsafeFromString(expected[key]!)), `total ${key}`)
  }
}

describe("layoutById", () => {
  it("selects every shipped preset by id and refuses an unknown id with a typed error", () => {
    assert.deepStrictEqual(layoutIds, ["generic-je-v1", "s4-f2548", "b1-dtw-je", "fi-bapi-flat"])
    for (const id of layoutIds) assert.strictEqual(layout(id).id, id)
    const unknown = layoutById("quickbooks-iif")
    assert.isTrue(Either.isLeft(unknown))
    if (Either.isLeft(unknown)) {
      assert.strictEqual(unknown.left._tag, "ErpError")
      assert.strictEqual(unknown.left.kind, "CONFIG")
      assert.strictEqual(unknown.left.code, "UNKNOWN_CSV_LAYOUT")
      assert.include(unknown.left.userMessage, "\"quickbooks-iif\"")
      assert.include(unknown.left.userMessage, "b1-dtw-je")
    }
  })
})

describe("s4-f2548", () => {
  // erp.md §2.1: per document a Header block and a Line Items block, each marker, technical names, descriptions.
  const headerBlock = [
    "Header",
    "BUKRS,BLART,BLDAT,BUDAT,MONAT,BKTXT,WAERS,KURSF_EXT,XBLNR",
    "Company Code,Journal Entry Type,Journal Entry Date,Posting Date,Fiscal Period,Document Header Text," +
    "Transaction Currency,Exchange Rate,Reference"
  ]
  const linesBlock = [
    "Line Items",
    "BUKRS,HKONT,WRSOL,WRHAB,SGTXT,KOSTL,PRCTR,MWSKZ,ZUONR",
    "Company Code,G/L Account,Debit Amount in Transaction Currency,Credit Amount in Transaction Currency,Item Text," +
    "Cost Center,Profit Center,Tax Code,Assignment"
  ]
  const GOLDEN = "\uFEFF" + crlf([
    ...headerBlock,
    "MX01,SA,20260201,20260203,02,TDC 2026-02,MXN,17.25000,77",
    ...linesBlock,
    `MX01,601.84,1725.00,,${FX_TEXT},,,V1,0b1c2d3e4f5a4b6c8d`,
    `MX01,118.01,276.00,,${FX_TEXT},,,V1,0b1c2d3e4f5a4b6c8d`,
    `MX01,701.01,9.00,,${FX_TEXT},,,,0b1c2d3e4f5a4b6c8d`,
    `MX01,205.06,,2010.00,${FX_TEXT},,,,0b1c2d3e4f5a4b6c8d`,
    ...headerBlock,
    "MX01,SA,20260114,20260115,01,TDC ****1234 2026-01,MXN,,A-1001",
    ...linesBlock,
    `MX01,601.84,1000.00,,${MXN_TEXT},,,V1,7f3c1a2e5b6d4e8f9a`,
    `MX01,118.01,160.00,,${MXN_TEXT},,,V1,7f3c1a2e5b6d4e8f9a`,
    `MX01,205.06,,1160.00,${MXN_TEXT},,,,7f3c1a2e5b6d4e8f9a`
  ])

  it("writes the golden bytes", () => {
    const { files, manifest } = exportWith("s4-f2548")
    assert.deepStrictEqual(files.map((f) => [f.name, f.rows]), [["rcn_acme_20260205_001.csv", 9]])
    assert.deepStrictEqual([...files[0]!.bytes], [...new TextEncoder().encode(GOLDEN)])
    assert.deepStrictEqual(manifest.layout, { id: "s4-f2548", version: 2 })
  })

  it("round-trips through csv-parse: each Line Items block balances WRSOL against WRHAB", () => {
    const rows: Array<Array<string>> = parse(Buffer.from(exportWith("s4-f2548").files[0]!.bytes), {
      bom: true,
      relax_column_count: true
    })
    const records: Array<{ key: string; debit: string | undefined; credit: string | undefined }> = []
    let key = ""
    let names: Array<string> = []
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      if (row[0] === "Header" || row[0] === "Line Items") {
        names = rows[i + 1]!
        i += 2
        continue
      }
      const record = Object.fromEntries(names.map((name, c) => [name, row[c]]))
      if (names.includes("BLDAT")) key = `${record.BUKRS}/${record.BLDAT}/${record.XBLNR}`
      else records.push({ key, debit: record.WRSOL, credit: record.WRHAB })
    }
    assertBalanced(sums(records), { "MX01/20260201/77": "2010.00", "MX01/20260114/A-1001": "1160.00" })
  })
})

describe("b1-dtw-je", () => {
  const HEADER = crlf([
    "RecordKey\tReferenceDate\tTaxDate\tDueDate\tMemo\tReference",
    "JdtNum\tRefDate\tTaxDate\tDueDate\tMemo\tRef1",
    "1\t20260203\t20260201\t20260203\tfx\t77",
    "2\t20260115\t20260114\t20260115\tOffice Depot | CFDI 4A1B2C3D-0000-4E5F-8A9B-0C1D2E\tA-1001"
  ])
  const fxUuid = "9C8B7A65-4321-4DCB-A987-6543210FEDCB"
  const mxnUuid = "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"
  const LINES = crlf([
    "ParentKey\tLineNum\tAccountCode\tShortName\tDebit\tCredit\tLineMemo\tReference1\tCostingCode",
    "JdtNum\tLine_ID\tAccount\tShortName\tDebit\tCredit\tLineMemo\tRef1\tProfitCode",
    `1\t0\t601.84\t601.84\t1725.00\t\t${FX_TEXT}\t${fxUuid}\t`,
    `1\t1\t118.01\t118.01\t276.00\t\t${FX_TEXT}\t${fxUuid}\t`,
    `1\t2\t701.01\t701.01\t9.00\t\t${FX_TEXT}\t${fxUuid}\t`,
    `1\t3\t205.06\t205.06\t\t2010.00\t${FX_TEXT}\t${fxUuid}\t`,
    `2\t0\t601.84\t601.84\t1000.00\t\t${MXN_TEXT}\t${mxnUuid}\t`,
    `2\t1\t118.01\t118.01\t160.00\t\t${MXN_TEXT}\t${mxnUuid}\t`,
    `2\t2\t205.06\t205.06\t\t1160.00\t${MXN_TEXT}\t${mxnUuid}\t`
  ])
  // Windows-1252: every character here is ASCII except É, which is the single byte C9.
  const cp1252 = (text: string) => [...text].map((ch) => ch.charCodeAt(0))

  it("writes the golden bytes: two tab-delimited Windows-1252 files with two header rows each", () => {
    const { files, manifest } = exportWith("b1-dtw-je")
    assert.deepStrictEqual(files.map((f) => [f.name, f.rows]), [
      ["rcn_acme_20260205_001_header.txt", 2],
      ["rcn_acme_20260205_001_lines.txt", 7]
    ])
    assert.deepStrictEqual([...files[0]!.bytes], cp1252(HEADER))
    assert.deepStrictEqual([...files[1]!.bytes], cp1252(LINES))
    assert.include([...files[1]!.bytes], 0xc9)
    assert.deepStrictEqual(manifest.files.map((f) => f.sha256), files.map((f) => f.sha256))
    assert.deepStrictEqual(manifest.totals, { rows: 9, debit: "3170.00", credit: "3170.00" })
  })

  it("round-trips through csv-parse: every ParentKey has a header and balances Debit against Credit", () => {
    const [header, lines] = exportWith("b1-dtw-je").files.map((f) => {
      const text = iconv.decode(Buffer.from(f.bytes), "cp1252")
      const records: Array<Record<string, string>> = parse(text, { delimiter: "\t", columns: true })
      return records.slice(1) // the second header row (database names)
    })
    const memoByKey = new Map(header!.map((r) => [r.RecordKey!, r.Memo!]))
    assert.deepStrictEqual([...memoByKey.keys()], ["1", "2"])
    assert.isTrue(lines!.every((r) => memoByKey.has(r.ParentKey!)))
    assert.include(lines![0]!.LineMemo!, "É \"B\", C")
    assertBalanced(sums(lines!.map((r) => ({ key: r.ParentKey!, debit: r.Debit, credit: r.Credit }))), {
      "1": "2010.00",
      "2": "1160.00"
    })
  })
})

describe("fi-bapi-flat", () => {
  const head = (key: string, bldat: string, budat: string, monat: string, xblnr: string, bktxt: string) =>
    `${key},MX01,SA,${bldat},${budat},${monat},MXN,${xblnr},${bktxt},,`
  const fx = head("rcn_0001", "20260201", "20260203", "02", "77", "TDC 2026-02")
  const mxn = head("rcn_0002", "20260114", "20260115", "01", "A-1001", "TDC ****1234 2026-01")
  const GOLDEN = crlf([
    "ID_ACCDOC,BUKRS,BLART,BLDAT,BUDAT,MONAT,WAERS,XBLNR,BKTXT,KUNNR,LIFNR,HKONT,WRBTR,SGTXT,ZUONR,MWSKZ,KOSTL",
    `${fx},601.84,1725.00,${FX_TEXT},0b1c2d3e4f5a4b6c8d,V1,`,
    `${fx},118.01,276.00,${FX_TEXT},0b1c2d3e4f5a4b6c8d,V1,`,
    `${fx},701.01,9.00,${FX_TEXT},0b1c2d3e4f5a4b6c8d,,`,
    `${fx},205.06,-2010.00,${FX_TEXT},0b1c2d3e4f5a4b6c8d,,`,
    `${mxn},601.84,1000.00,${MXN_TEXT},7f3c1a2e5b6d4e8f9a,V1,`,
    `${mxn},118.01,160.00,${MXN_TEXT},7f3c1a2e5b6d4e8f9a,V1,`,
    `${mxn},205.06,-1160.00,${MXN_TEXT},7f3c1a2e5b6d4e8f9a,,`
  ])

  it("writes the golden bytes: UTF-8 without BOM, signed WRBTR", () => {
    const { files } = exportWith("fi-bapi-flat")
    assert.deepStrictEqual(files.map((f) => [f.name, f.rows]), [["rcn_acme_20260205_001.csv", 7]])
    assert.deepStrictEqual([...files[0]!.bytes], [...new TextEncoder().encode(GOLDEN)])
  })

  it("round-trips through csv-parse: signed WRBTR sums to zero per ID_ACCDOC", () => {
    const records: Array<Record<string, string>> = parse(Buffer.from(exportWith("fi-bapi-flat").files[0]!.bytes), {
      columns: true
    })
    const signed = records.map((r) => ({
      key: r.ID_ACCDOC!,
      debit: r.WRBTR!.startsWith("-") ? undefined : r.WRBTR,
      credit: r.WRBTR!.startsWith("-") ? r.WRBTR!.slice(1) : undefined
    }))
    assertBalanced(sums(signed), { rcn_0001: "2010.00", rcn_0002: "1160.00" })
  })
})

describe("sections", () => {
  it("refuses a per-line source in a per-document section as a layout error naming the header record", () => {
    const dtw = layout("b1-dtw-je")
    const [headerFile, linesFile] = dtw.files
    const [section] = headerFile.sections
    const broken = {
      ...dtw,
      files: [
        {
          ...headerFile,
          sections: [{ ...section, columns: [{ ...section.columns[0], source: "line.amount" as const }] }]
        },
        ...(linesFile === undefined ? [] : [linesFile])
      ] as const
    }
    const result = renderJournalCsv([mxnPosting()], { ...options, layout: broken })
    assert.strictEqual(Either.isLeft(result) ? result.left.code : "none", "CSV_LAYOUT_INVALID")
    assert.include(Either.isLeft(result) ? result.left.userMessage : "", "header record")
    assert.strictEqual(Either.isLeft(result) ? result.left.fieldPath : "", "header.RecordKey")
  })

  it("refuses a layout whose files would share a name", () => {
    const generic = layout("generic-je-v1")
    const twice = { ...generic, files: [generic.files[0], generic.files[0]] as const }
    const result = renderJournalCsv([mxnPosting()], { ...options, layout: twice })
    assert.strictEqual(Either.isLeft(result) ? result.left.code : "none", "LAYOUT_INVALID")
    const identity = mapColumns(generic, (c) => c)
    assert.isTrue(Either.isRight(renderJournalCsv([mxnPosting()], { ...options, layout: identity })))
  })
})
