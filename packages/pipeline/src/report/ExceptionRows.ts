/**
 * Exceptions as flat rows for CSV, JSON and HTML: the report's order puts missing invoices first, largest amount
 * first, then the other codes (matching.md §7.10).
 */
import type { ReconciliationException } from "@clara-recon/domain"
import { BigDecimal } from "effect"
import { formatFixed } from "@clara-recon/domain"

/** One exception row; amounts are decimal strings in currency units. */
export interface ExceptionRow {
  readonly code: string
  readonly subtype: string
  readonly severity: string
  readonly transactionUuid: string
  readonly documentId: string
  readonly location: string
  readonly cardholder: string
  readonly amount: string
  readonly currency: string
  readonly ageDays: string
  readonly message: string
  readonly suggestedAction: string
  readonly topSuggestion: string
}

/** Column order of `exceptions.csv`. */
export const exceptionColumns: ReadonlyArray<keyof ExceptionRow> = [
  "code",
  "subtype",
  "severity",
  "transactionUuid",
  "documentId",
  "location",
  "cardholder",
  "amount",
  "currency",
  "ageDays",
  "message",
  "suggestedAction",
  "topSuggestion"
]

const codeRank = (code: string): number => (code === "MISSING_INVOICE" ? 0 : code === "INVALID_DOCUMENT" ? 2 : 1)

/** Sorts exceptions for the report: MISSING_INVOICE first, then by code, amount descending, then ids. */
export const sortExceptions = (
  exceptions: ReadonlyArray<ReconciliationException>
): ReadonlyArray<ReconciliationException> =>
  [...exceptions].sort((a, b) =>
    codeRank(a.code) - codeRank(b.code) ||
    a.code.localeCompare(b.code) ||
    (a.amountAtRisk && b.amountAtRisk
      ? BigDecimal.Order(b.amountAtRisk.amount, a.amountAtRisk.amount)
      : a.amountAtRisk ? -1 : b.amountAtRisk ? 1 : 0) ||
    (a.transactionUuid ?? "").localeCompare(b.transactionUuid ?? "") ||
    (a.documentId ?? "").localeCompare(b.documentId ?? "") ||
    (a.location ?? "").localeCompare(b.location ?? "")
  )

/** Flattens an exception to a row. */
export const toExceptionRow = (e: ReconciliationException): ExceptionRow => ({
  code: e.code,
  subtype: e.subtype ?? "",
  severity: e.severity,
  transactionUuid: e.transactionUuid ?? "",
  documentId: e.documentId ?? "",
  location: e.location ?? "",
  cardholder: e.cardholder ?? "",
  amount: e.amountAtRisk ? formatFixed(e.amountAtRisk.amount) : "",
  currency: e.amountAtRisk?.currency ?? "",
  ageDays: e.ageDays === undefined ? "" : String(e.ageDays),
  message: e.message,
  suggestedAction: e.suggestedAction,
  topSuggestion: e.topSuggestion ?? ""
})
