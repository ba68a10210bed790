import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import type { CsvLayout } from "../src/CsvLayout.js"
import { renderJournalCsv } from "../src/JournalCsv.js"
import { mxnPosting } from "./support/Postings.js"

const options = { tenant: "acme", runDate: "2026-02-05", sequence: 1 }

const mini = (encoding: CsvLayout["encoding"], header = "MEMO"): CsvLayout => ({
  id: "mini",
  version: 1,
  delimiter: ",",
  encoding,
  lineEnding: "\r\n",
  files: [{
    suffix: "",
    extension: "csv",
    sectionsPer: "file",
    sections: [{
      rowPer: "line",
      headerRows: [["DOC_KEY", "WRBTR", header]],
      columns: [
        { name: "DOC_KEY", source: "doc.externalKey", format: { kind: "text" } },
        { name: "WRBTR", source: "line.amount", format: { kind: "decimal", places: 2, sign: "unsigned" } },
        { name: "MEMO", source: "doc.memo", format: { kind: "text" } }
      ]
    }]
  }]
})

const TEXT = "DOC_KEY,WRBTR,MEMO\r\n" +
  "rcn_0002,1000.00,Café € ñ\r\n" +
  "rcn_0002,160.00,Café € ñ\r\n" +
  "rcn_0002,1160.00,Café € ñ\r\n"

const bytesOf = (encoding: CsvLayout["encoding"], memo = "Café € ñ") => {
  const result = renderJournalCsv([mxnPosting({ memo })], { ...options, layout: mini(encoding) })
  if (Either.isLeft(result)) return assert.fail(result.left.message)
  return [...result.right.files[0]!.bytes]
}

// Expected bytes are spelled out per encoding, independently of the encoders under test.
const utf8 = (text: string) => [...new TextEncoder().encode(text)]
const utf16le = (text: string) => [...text].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8])
const cp1252 = (text: string) => [...text].map((ch) => (ch === "€" ? 0x80 : ch.charCodeAt(0)))

describe("CSV encodings", () => {
  it("utf8: no byte order mark", () => {
    const bytes = bytesOf("utf8")
    assert.deepStrictEqual(bytes, utf8(TEXT))
    assert.strictEqual(bytes[0], 0x44)
  })

  it("utf8bom: EF BB BF then UTF-8", () => {
    assert.deepStrictEqual(bytesOf("utf8bom"), [0xef, 0xbb, 0xbf, ...utf8(TEXT)])
  })

  it("utf16le-bom: FF FE then two bytes per code unit, low byte first", () => {
    const bytes = bytesOf("utf16le-bom")
    assert.deepStrictEqual(bytes, [0xff, 0xfe, ...utf16le(TEXT)])
    assert.deepStrictEqual(bytes.slice(2, 6), [0x44, 0x00, 0x4f, 0x00])
    assert.strictEqual(bytes.length, 2 + 2 * TEXT.length)
  })

  it("cp1252: one byte per character, é E9, € 80, ñ F1", () => {
    const bytes = bytesOf("cp1252")
    assert.deepStrictEqual(bytes, cp1252(TEXT))
    assert.strictEqual(bytes.length, TEXT.length)
    const at = TEXT.indexOf("Café")
    assert.deepStrictEqual(bytes.slice(at, at + 8), [0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x20, 0xf1])
  })

  it("cp1252: a character it cannot hold refuses the document, naming document, line and column", () => {
    const result = renderJournalCsv([mxnPosting({ memo: "Pago → Juan" })], { ...options, layout: mini("cp1252") })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "ErpError")
      assert.strictEqual(result.left.kind, "VALIDATION")
      assert.strictEqual(result.left.code, "CSV_UNENCODABLE_CHARACTER")
      assert.strictEqual(result.left.fieldPath, "lines[0].MEMO")
      assert.include(result.left.userMessage, "column MEMO of document rcn_0002")
      assert.include(result.left.userMessage, "line 1")
      assert.include(result.left.userMessage, "\"→\" (U+2192)")
      assert.include(result.left.userMessage, "cp1252")
    }
    assert.deepStrictEqual(bytesOf("utf8", "Pago → Juan").slice(-15), utf8("Pago → Juan\r\n"))
  })

  it("cp1252: a header row it cannot hold is a layout error", () => {
    const result = renderJournalCsv([mxnPosting()], { ...options, layout: mini("cp1252", "MEMO ✓") })
    assert.strictEqual(Either.isLeft(result) ? result.left.code : "none", "LAYOUT_INVALID")
    assert.include(Either.isLeft(result) ? result.left.userMessage : "", "U+2713")
  })
})
