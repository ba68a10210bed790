/**
 * The `fi-bapi-flat` preset: the flat column set of a BAPI_ACC_DOCUMENT_POST wrapper (erp.md §2.3, after
 * simple_acc_post): one row per line, rows sharing `ID_ACCDOC` form one document, `WRBTR` signed (debit positive,
 * credit negative), no posting key. UTF-8 without BOM, comma, CRLF, dates `YYYYMMDD`, one row of technical names.
 */
import type { CsvColumn, CsvLayout } from "./CsvLayout.js"
import { column, date, singleCsvLayout } from "./internal/Column.js"

const columns: readonly [CsvColumn, ...Array<CsvColumn>] = [
  column("ID_ACCDOC", "doc.externalKey", { maxLength: 40, required: true }),
  column("BUKRS", "doc.companyCode", { maxLength: 4, required: true }),
  column("BLART", "doc.documentType", { maxLength: 2, required: true }),
  column("BLDAT", "doc.documentDate", { format: date, required: true }),
  column("BUDAT", "doc.postingDate", { format: date, required: true }),
  column("MONAT", "doc.postingMonth", { maxLength: 2 }),
  column("WAERS", "doc.currency", { maxLength: 5, required: true }),
  column("XBLNR", "doc.reference", { maxLength: 16, onOverflow: "truncate" }),
  column("BKTXT", "doc.headerText", { maxLength: 25, onOverflow: "truncate" }),
  column("KUNNR", "blank", { maxLength: 10 }),
  column("LIFNR", "blank", { maxLength: 10 }),
  column("HKONT", "line.account", { maxLength: 10, required: true }),
  column("WRBTR", "line.amount", { format: { kind: "decimal", places: 2, sign: "debitPositive" }, required: true }),
  column("SGTXT", "line.itemText", { maxLength: 50, onOverflow: "truncate" }),
  column("ZUONR", "doc.sourceShortId", { maxLength: 18, onOverflow: "truncate" }),
  column("MWSKZ", "line.taxCode", { maxLength: 2 }),
  column("KOSTL", "line.costCenter", { maxLength: 10 })
]

/** `fi-bapi-flat`, version 1: one file `<base>.csv`. */
export const fiBapiFlat: CsvLayout = singleCsvLayout({ id: "fi-bapi-flat", version: 1, encoding: "utf8", columns })
