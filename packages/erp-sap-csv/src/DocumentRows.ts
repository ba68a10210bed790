/**
 * One posting document rendered as CSV rows of a layout: the plan payload of the SAP CSV adapter (erp.md §5.3).
 */
import type { JournalLine, PostingDocument } from "@clara-recon/domain"
import { formatFixed } from "@clara-recon/domain"
import { ErpError, externalKeyPattern, postingTotals } from "@clara-recon/erp"
import * as Arr from "effect/Array"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import type { CsvColumn, CsvLayout } from "./CsvLayout.js"
import { formatCell, resolveSource } from "./internal/Cell.js"
import { codePointName, unencodableChar } from "./internal/Encoding.js"

/** Rows of cells, as written before CSV quoting. */
export type CsvRows = ReadonlyArray<ReadonlyArray<string>>

/**
 * One document rendered with a layout: `files[f][s]` holds its data rows for section `s` of layout file `f` (one row,
 * or one per journal line in line order), plus the layout followed and the document's Σ debit / Σ credit as decimal
 * strings with 2 places.
 */
export type DocumentRows = {
  readonly layout: { readonly id: string; readonly version: number }
  readonly externalKey: string
  readonly files: ReadonlyArray<ReadonlyArray<CsvRows>>
  readonly debit: string
  readonly credit: string
}

/**
 * Renders `doc` with `layout`, collecting every problem rather than stopping at the first.
 *
 * Fails with all of: VALIDATION `INVALID_EXTERNAL_KEY` (not `[A-Za-z0-9_-]{1,40}`), `EMPTY_POSTING`,
 * `INVALID_LINE_AMOUNT` (zero, negative, or more than 2 decimals), `POSTING_UNBALANCED`, `CSV_FIELD_REQUIRED`,
 * `CSV_FIELD_TOO_LONG` (over `maxLength` with `onOverflow: fail`), `CSV_UNENCODABLE_CHARACTER` (a character the
 * layout's encoding cannot hold, e.g. `→` in cp1252); CONFIG `CSV_LAYOUT_INVALID` (a value the column's format cannot
 * write, or a `line.*` source in a per-document section). Each names the document, the line (or header record) and the
 * column.
 */
export const renderDocumentRows = (
  doc: PostingDocument,
  layout: CsvLayout
): Either.Either<DocumentRows, Arr.NonEmptyReadonlyArray<ErpError>> => {
  const errors: Array<ErpError> = []
  const where = `document ${doc.externalKey} (transaction ${doc.sourceId})`
  const layoutName = `layout ${layout.id} v${layout.version}`
  const fail = (kind: "VALIDATION" | "CONFIG", code: string, message: string, fieldPath: string) =>
    errors.push(ErpError.rejected(kind, code, message, { fieldPath }))

  if (!externalKeyPattern.test(doc.externalKey)) {
    fail("VALIDATION", "INVALID_EXTERNAL_KEY", `${where}: the key must match [A-Za-z0-9_-]{1,40}`, "externalKey")
  }
  if (doc.lines.length === 0) fail("VALIDATION", "EMPTY_POSTING", `${where} has no lines`, "lines")
  // an amount cell is unsigned with 2 decimals (erp.md §5.3 WRBTR): a negative or sub-cent amount would be written
  // as another number than the one the totals (and the manifest) count
  doc.lines.forEach((line, index) => {
    if (!BigDecimal.isPositive(line.amount) || BigDecimal.normalize(line.amount).scale > 2) {
      fail(
        "VALIDATION",
        "INVALID_LINE_AMOUNT",
        `${where}, line ${index + 1}: amount ${BigDecimal.format(line.amount)} is not a positive amount with at most ` +
          "2 decimals",
        `lines[${index}].amount`
      )
    }
  })
  const totals = postingTotals(doc)
  if (!BigDecimal.equals(totals.debit, totals.credit)) {
    fail(
      "VALIDATION",
      "POSTING_UNBALANCED",
      `${where}: debits ${formatFixed(totals.debit)} differ from credits ${formatFixed(totals.credit)}`,
      "lines"
    )
  }

  const renderRow = (columns: ReadonlyArray<CsvColumn>, line: JournalLine | undefined, index: number) =>
    columns.map((column) => {
      // where a problem is, spelled out only when there is one (a run renders millions of cells)
      const fieldPath = () => line === undefined ? `header.${column.name}` : `lines[${index}].${column.name}`
      const at = () =>
        `column ${column.name} of ${where}, ${line === undefined ? "header record" : `line ${index + 1}`}`
      if (line === undefined && column.source.startsWith("line.")) {
        fail("CONFIG", "CSV_LAYOUT_INVALID", `${layoutName}, ${at()}: source ${column.source} is per line`, fieldPath())
        return ""
      }
      const formatted = formatCell(resolveSource(column.source, doc, line, index), column.format, line?.side)
      if (Either.isLeft(formatted)) {
        fail("CONFIG", "CSV_LAYOUT_INVALID", `${layoutName}, ${at()}: ${formatted.left}`, fieldPath())
        return ""
      }
      // Code points are counted only when the UTF-16 length could exceed the limit (it is never below their count).
      const chars = column.maxLength !== undefined && formatted.right.length > column.maxLength ?
        Array.from(formatted.right) :
        undefined
      const over = chars !== undefined && column.maxLength !== undefined && chars.length > column.maxLength
      const truncate = over && column.onOverflow === "truncate"
      const cell = truncate && chars !== undefined ? chars.slice(0, column.maxLength).join("") : formatted.right
      if (column.required === true && cell === "") {
        fail("VALIDATION", "CSV_FIELD_REQUIRED", `${at()} is empty but required by ${layoutName}`, fieldPath())
      }
      if (over && column.onOverflow !== "truncate") {
        fail(
          "VALIDATION",
          "CSV_FIELD_TOO_LONG",
          `${at()} is "${cell}" (${chars?.length} characters), over the ${column.maxLength} allowed by ${layoutName}`,
          fieldPath()
        )
      }
      const bad = unencodableChar(cell, layout.encoding)
      if (bad !== undefined) {
        fail(
          "VALIDATION",
          "CSV_UNENCODABLE_CHARACTER",
          `${at()} contains "${bad}" (${codePointName(bad)}), which the ${layout.encoding} encoding of ${layoutName} ` +
            "cannot write",
          fieldPath()
        )
      }
      return cell
    })

  const files = layout.files.map((file) =>
    file.sections.map((section) =>
      section.rowPer === "document" ?
        [renderRow(section.columns, undefined, 0)] :
        doc.lines.map((line, index) => renderRow(section.columns, line, index))
    )
  )

  return Arr.isNonEmptyReadonlyArray(errors) ? Either.left(errors) : Either.right({
    layout: { id: layout.id, version: layout.version },
    externalKey: doc.externalKey,
    files,
    debit: formatFixed(totals.debit),
    credit: formatFixed(totals.credit)
  })
}
