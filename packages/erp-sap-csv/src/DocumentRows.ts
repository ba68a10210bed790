/**
 * One posting document rendered as CSV rows of a layout: the plan payload of the SAP CSV adapter (erp.md §5.3).
 */
import type { PostingDocument } from "@clara-recon/domain"
import { formatFixed } from "@clara-recon/domain"
import { ErpError, externalKeyPattern, postingTotals } from "@clara-recon/erp"
import * as Arr from "effect/Array"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import type { CsvLayout } from "./CsvLayout.js"
import { formatCell, resolveSource } from "./internal/Cell.js"

/**
 * The rows of one document (one per journal line, in line order, cells as written before CSV quoting), the layout
 * they follow, and the document's Σ debit / Σ credit as decimal strings with 2 places.
 */
export type DocumentRows = {
  readonly layout: { readonly id: string; readonly version: number }
  readonly externalKey: string
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
  readonly debit: string
  readonly credit: string
}

/**
 * Renders `doc` with `layout`, collecting every problem rather than stopping at the first.
 *
 * Fails with all of: VALIDATION `INVALID_EXTERNAL_KEY` (not `[A-Za-z0-9_-]{1,40}`), `EMPTY_POSTING`,
 * `POSTING_UNBALANCED`, `CSV_FIELD_REQUIRED`, `CSV_FIELD_TOO_LONG` (over `maxLength` with `onOverflow: fail`);
 * CONFIG `CSV_LAYOUT_INVALID` (a value the column's format cannot write). Each names the document, line and column.
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
  const totals = postingTotals(doc)
  if (!BigDecimal.equals(totals.debit, totals.credit)) {
    fail(
      "VALIDATION",
      "POSTING_UNBALANCED",
      `${where}: debits ${formatFixed(totals.debit)} differ from credits ${formatFixed(totals.credit)}`,
      "lines"
    )
  }

  const rows = doc.lines.map((line, index) =>
    layout.columns.map((column) => {
      const fieldPath = `lines[${index}].${column.name}`
      const at = `column ${column.name} of ${where}, line ${index + 1}`
      const formatted = formatCell(resolveSource(column.source, doc, line, index), column.format)
      if (Either.isLeft(formatted)) {
        fail("CONFIG", "CSV_LAYOUT_INVALID", `${layoutName}, ${at}: ${formatted.left}`, fieldPath)
        return ""
      }
      const cell = formatted.right
      if (column.required === true && cell === "") {
        fail("VALIDATION", "CSV_FIELD_REQUIRED", `${at} is empty but required by ${layoutName}`, fieldPath)
      }
      const chars = Array.from(cell)
      if (column.maxLength === undefined || chars.length <= column.maxLength) return cell
      if (column.onOverflow === "truncate") return chars.slice(0, column.maxLength).join("")
      fail(
        "VALIDATION",
        "CSV_FIELD_TOO_LONG",
        `${at} is "${cell}" (${chars.length} characters), over the ${column.maxLength} allowed by ${layoutName}`,
        fieldPath
      )
      return cell
    })
  )

  return Arr.isNonEmptyReadonlyArray(errors) ? Either.left(errors) : Either.right({
    layout: { id: layout.id, version: layout.version },
    externalKey: doc.externalKey,
    rows,
    debit: formatFixed(totals.debit),
    credit: formatFixed(totals.credit)
  })
}
