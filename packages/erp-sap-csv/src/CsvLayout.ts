/**
 * A CSV layout is data, not code (erp.md §5.3 "Configurability"): the columns, where each value comes from, how it
 * is formatted and how long it may be, plus the file conventions (delimiter, encoding, line ending, header row).
 * Layouts decode from JSON, so a customer-confirmed layout can be stored next to the mapping.
 */
import * as Schema from "effect/Schema"

/**
 * Where a column's value comes from. `doc.*` values repeat on every line of a document; `line.*` are per line.
 * - `doc.reference`: CFDI `serie-folio` (or the one present), else the short card transaction id.
 * - `doc.headerText`: `TDC ****<last four> <posting yyyy-MM>` (`TDC <yyyy-MM>` without a card).
 * - `doc.sourceShortId`: the card transaction uuid without dashes.
 * - `line.number`: 1..n in document order; `line.side`: `debit` | `credit` (use an `enum` format).
 * - `line.itemText`: `UUID <CFDI UUID> <line text>`; `line.cfdiUuid`: upper case; `blank`: always empty.
 */
export const CsvSource = Schema.Literal(
  "doc.externalKey",
  "doc.companyCode",
  "doc.documentType",
  "doc.documentDate",
  "doc.postingDate",
  "doc.currency",
  "doc.exchangeRate",
  "doc.reference",
  "doc.headerText",
  "doc.sourceShortId",
  "doc.rfcEmisor",
  "line.number",
  "line.side",
  "line.account",
  "line.amount",
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
 * - `decimal`: `.` separator, exactly `places` decimals (half-up), no grouping, unsigned;
 * - `enum`: the value looked up in `map` (e.g. side `debit` -> posting key `40`).
 */
export const CsvFormat = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("text") }),
  Schema.Struct({ kind: Schema.Literal("date"), pattern: Schema.Literal("YYYYMMDD") }),
  Schema.Struct({
    kind: Schema.Literal("decimal"),
    places: Schema.Int.pipe(Schema.between(0, 10)),
    sign: Schema.Literal("unsigned")
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

/** A complete single-file layout: one row per journal line, grouped by document. */
export const CsvLayout = Schema.Struct({
  id: Schema.NonEmptyString,
  version: Schema.Int.pipe(Schema.positive()),
  delimiter: Schema.Literal(",", ";", "\t"),
  encoding: Schema.Literal("utf8", "utf8bom"),
  lineEnding: Schema.Literal("\r\n", "\n"),
  /** Whether the first row holds the column names. */
  headerRow: Schema.Boolean,
  columns: Schema.NonEmptyArray(CsvColumn)
})
export type CsvLayout = typeof CsvLayout.Type
