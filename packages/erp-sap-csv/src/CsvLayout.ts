/**
 * A CSV layout is data, not code (erp.md §5.3 "Configurability"): the columns, where each value comes from, how it
 * is formatted and how long it may be, grouped in sections and files, plus the file conventions (delimiter,
 * encoding, line ending).
 * Layouts decode from JSON, so a customer-confirmed layout can be stored next to the mapping.
 */
import * as Schema from "effect/Schema"

/**
 * Where a column's value comes from. `doc.*` values repeat on every line of a document; `line.*` are per line and
 * only allowed in sections with one row per line.
 * - `doc.reference`: CFDI `serie-folio` (or the one present), else the short card transaction id.
 * - `doc.headerText`: `TDC ****<last four> <posting yyyy-MM>` (`TDC <yyyy-MM>` without a card).
 * - `doc.sourceShortId`: the card transaction uuid without dashes; `doc.postingMonth`: `01`..`12` (SAP `MONAT`).
 * - `doc.batchPosition`: the document's 1-based position in the exported batch (in external-key order), filled in
 *   when the batch is assembled; it links the header and lines files of a split layout (SAP B1 `RecordKey`).
 * - `line.number`: 1..n in document order; `line.index`: 0..n-1; `line.side`: `debit` | `credit` (use `enum`).
 * - `line.debitAmount` / `line.creditAmount`: the amount on that side, empty on the other (S/4 `WRSOL` / `WRHAB`).
 * - `line.itemText`: `UUID <CFDI UUID> <line text>`; `line.cfdiUuid`: upper case; `blank`: always empty.
 */
export const CsvSource = Schema.Literal(
  "doc.externalKey",
  "doc.companyCode",
  "doc.documentType",
  "doc.documentDate",
  "doc.postingDate",
  "doc.postingMonth",
  "doc.currency",
  "doc.exchangeRate",
  "doc.reference",
  "doc.headerText",
  "doc.memo",
  "doc.sourceShortId",
  "doc.rfcEmisor",
  "doc.batchPosition",
  "line.number",
  "line.index",
  "line.side",
  "line.account",
  "line.amount",
  "line.debitAmount",
  "line.creditAmount",
  "line.taxCode",
  "line.costCenter",
  "line.itemText",
  "line.cfdiUuid",
  "blank"
)
export type CsvSource = typeof CsvSource.Type

/**
 * How a value is written.
 * - `text`: as is, with CR, LF and TAB runs replaced by one space;
 * - `date`: a civil date as `YYYYMMDD`;
 * - `decimal`: `.` separator, exactly `places` decimals (half-up), no grouping; `unsigned`, or `debitPositive`
 *   (a credit line's amount is written negative: the signed `WRBTR` of BAPI_ACC_DOCUMENT_POST, erp.md §2.3);
 * - `enum`: the value looked up in `map` (e.g. side `debit` -> posting key `40`).
 */
export const CsvFormat = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("text") }),
  Schema.Struct({ kind: Schema.Literal("date"), pattern: Schema.Literal("YYYYMMDD") }),
  Schema.Struct({
    kind: Schema.Literal("decimal"),
    places: Schema.Int.pipe(Schema.between(0, 10)),
    sign: Schema.Literal("unsigned", "debitPositive")
  }),
  Schema.Struct({ kind: Schema.Literal("enum"), map: Schema.Record({ key: Schema.String, value: Schema.String }) })
)
export type CsvFormat = typeof CsvFormat.Type

/**
 * One column. `maxLength` counts Unicode code points after formatting; over it, `onOverflow` `fail` (the default)
 * refuses the document and `truncate` keeps the first `maxLength` code points. `required` refuses an empty value.
 */
export const CsvColumn = Schema.Struct({
  name: Schema.NonEmptyString,
  source: CsvSource,
  format: CsvFormat,
  maxLength: Schema.optional(Schema.Int.pipe(Schema.positive())),
  onOverflow: Schema.optional(Schema.Literal("fail", "truncate")),
  required: Schema.optional(Schema.Boolean)
})
export type CsvColumn = typeof CsvColumn.Type

/**
 * A block of rows: literal `headerRows` (column names, SAP B1's second row of database names, S/4's "Header" marker,
 * technical-name and description rows), then data rows, one per document (`rowPer: "document"`) or per journal line.
 */
export const CsvSection = Schema.Struct({
  rowPer: Schema.Literal("document", "line"),
  headerRows: Schema.Array(Schema.Array(Schema.String)),
  columns: Schema.NonEmptyArray(CsvColumn)
})
export type CsvSection = typeof CsvSection.Type

/**
 * One output file, named `rcn_<tenant>_<YYYYMMDD>_<seq><suffix>.<extension>`. With `sectionsPer: "file"` each
 * section is written once, its data rows covering every document; with `"document"` the sections are repeated for
 * each document in turn (the S/4HANA F2548 Header / Line Items blocks).
 */
export const CsvFileSpec = Schema.Struct({
  suffix: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]*$/)),
  extension: Schema.Literal("csv", "txt"),
  sectionsPer: Schema.Literal("file", "document"),
  sections: Schema.NonEmptyArray(CsvSection)
})
export type CsvFileSpec = typeof CsvFileSpec.Type

/**
 * A complete layout: the files it writes and their conventions (erp.md §2.4). `encoding`: `utf8`, `utf8bom`,
 * `utf16le` / `utf16le-bom` (UTF-16 little endian without / with a BOM), or `cp1252` (Windows-1252 through
 * iconv-lite; a character it cannot hold refuses the document). `quote`: `minimal` (default; RFC 4180: only fields
 * holding the delimiter, `"`, CR or LF are quoted, embedded quotes doubled) or `all` (every field quoted).
 */
export const CsvLayout = Schema.Struct({
  id: Schema.NonEmptyString,
  version: Schema.Int.pipe(Schema.positive()),
  delimiter: Schema.Literal(",", ";", "\t"),
  encoding: Schema.Literal("utf8", "utf8bom", "utf16le", "utf16le-bom", "cp1252"),
  lineEnding: Schema.Literal("\r\n", "\n"),
  quote: Schema.optional(Schema.Literal("minimal", "all")),
  files: Schema.NonEmptyArray(CsvFileSpec)
})
export type CsvLayout = typeof CsvLayout.Type
