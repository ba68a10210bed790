/**
 * An exception in the reconciliation report (matching.md §7.10): something a person must look at.
 */
import * as Schema from "effect/Schema"
import { Money } from "./Money.js"

/** Exception codes (matching.md §7.10); open to more codes from the deeper matcher. */
export const ExceptionCode = Schema.Literal(
  "MISSING_INVOICE",
  "RECEIPT_ONLY_EXPECTED",
  "AMOUNT_MISMATCH",
  "INVOICE_WITHOUT_TRANSACTION",
  "AMBIGUOUS",
  "INVALID_DOCUMENT",
  "INVALID_TRANSACTION",
  "DUPLICATE_CFDI",
  "POSSIBLE_DUPLICATE_CFDI",
  "CFDI_CANCELLED_LINKED",
  "RECEPTOR_RFC_MISMATCH",
  "GENERIC_RECEPTOR",
  "DOC_NOT_VERIFIED",
  "NO_FX_RATE",
  "POSTING_FAILED",
  "POSTED_LINK_CHANGED",
  "PPD_WITHOUT_PAYMENT_COMPLEMENT",
  "REFUND_WITHOUT_CREDIT_NOTE",
  "REVERSED_PURCHASE",
  "MSI_INCOMPLETE",
  "RELINK_PROPOSED",
  "DUPLICATE_TRANSACTION",
  "POSSIBLE_DUPLICATE_TRANSACTION",
  "DUPLICATE_DOCUMENT",
  "POSSIBLE_DUPLICATE_DOCUMENT",
  "CFDI_OVERALLOCATED"
)
export type ExceptionCode = typeof ExceptionCode.Type

/** Severity of an exception. */
export const Severity = Schema.Literal("high", "medium", "low")
export type Severity = typeof Severity.Type

/** One exception row. `amountAtRisk` is in currency units; `ageDays` counts from the record's date to `asOf`. */
export class ReconciliationException extends Schema.Class<ReconciliationException>("ReconciliationException")({
  code: ExceptionCode,
  /** Sub-classification (e.g. `NOTHING`, `HAS_SUGGESTION`, `TIP`, `UNEXPLAINED`). */
  subtype: Schema.optional(Schema.String),
  severity: Severity,
  message: Schema.String,
  amountAtRisk: Schema.optional(Money),
  transactionUuid: Schema.optional(Schema.String),
  documentId: Schema.optional(Schema.String),
  /** File path or resource the exception is about (INVALID_DOCUMENT, DUPLICATE_CFDI). */
  location: Schema.optional(Schema.String),
  cardholder: Schema.optional(Schema.String),
  ageDays: Schema.optional(Schema.Number),
  suggestedAction: Schema.String,
  /** Id of the best suggestion (`linkId`) for this record, if any. */
  topSuggestion: Schema.optional(Schema.String)
}) {}
