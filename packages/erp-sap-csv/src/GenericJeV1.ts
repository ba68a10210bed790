/**
 * The default layout `generic-je-v1` (erp.md §5.3): one row per journal line, header values repeated on every line,
 * lines grouped by `DOC_KEY`. UTF-8 with BOM, CRLF, comma, RFC 4180 quoting, one header row of technical names.
 */
import type { CsvColumn, CsvLayout } from "./CsvLayout.js"
import { amount, column, date, singleCsvLayout } from "./internal/Column.js"

const columns: readonly [CsvColumn, ...Array<CsvColumn>] = [
  column("DOC_KEY", "doc.externalKey", { maxLength: 40, required: true }),
  column("BUKRS", "doc.companyCode", { maxLength: 4, required: true }),
  column("BLART", "doc.documentType", { maxLength: 2, required: true }),
  column("BLDAT", "doc.documentDate", { format: date, required: true }),
  column("BUDAT", "doc.postingDate", { format: date, required: true }),
  column("WAERS", "doc.currency", { maxLength: 3, required: true }),
  column("KURSF", "doc.exchangeRate", { format: amount(5) }),
  column("XBLNR", "doc.reference", { maxLength: 16, onOverflow: "truncate" }),
  column("BKTXT", "doc.headerText", { maxLength: 25, onOverflow: "truncate" }),
  column("LINE_NO", "line.number", { maxLength: 3, required: true }),
  column("BSCHL", "line.side", { format: { kind: "enum", map: { debit: "40", credit: "50" } }, required: true }),
  column("HKONT", "line.account", { maxLength: 10, required: true }),
  column("LIFNR", "blank", { maxLength: 10 }),
  column("WRBTR", "line.amount", { format: amount(2), required: true }),
  column("SHKZG", "line.side", { format: { kind: "enum", map: { debit: "S", credit: "H" } }, required: true }),
  column("MWSKZ", "line.taxCode", { maxLength: 2 }),
  column("KOSTL", "line.costCenter", { maxLength: 10 }),
  column("PRCTR", "blank", { maxLength: 10 }),
  column("ZUONR", "doc.sourceShortId", { maxLength: 18, onOverflow: "truncate" }),
  column("SGTXT", "line.itemText", { maxLength: 50, onOverflow: "truncate" }),
  column("CFDI_UUID", "line.cfdiUuid", { maxLength: 36 }),
  column("RFC_EMISOR", "doc.rfcEmisor", { maxLength: 13 })
]

/** `generic-je-v1`, version 1: one file `<base>.csv`. */
export const genericJeV1: CsvLayout = singleCsvLayout({ id: "generic-je-v1", version: 1, encoding: "utf8bom", columns })
