/**
 * `TransactionResponseV3` exactly as `GET /api/v3/transactions` sends it (clara-api.md §3.4, clara-docs 002).
 * Conflicting shapes are both accepted (§7 #7, #8). Full card numbers are never part of this schema.
 */
import * as Schema from "effect/Schema"
import { CurrencyAmount, Has, Link } from "./Common.js"

/** Transaction status: a name (`AUTHORIZED`) or `{code: "OP", description: "AUTHORIZED"}`. */
export const TransactionStatus = Schema.Union(
  Schema.String,
  Schema.Struct({ code: Schema.optional(Schema.String), description: Schema.optional(Schema.String) })
)
export type TransactionStatus = typeof TransactionStatus.Type

/** Status code to name, from clara-api.md §4.2. */
export const statusNames: Readonly<Record<string, string>> = {
  ON: "NOTIFICATION",
  AU: "PRE_AUTHORIZED",
  OP: "AUTHORIZED",
  RJ: "REJECTED",
  EC: "SYSTEM_TRANSACTION"
}

/**
 * The status name whichever form it came in (`OP` and `{code:"OP"}` both give `AUTHORIZED`). A known code wins over
 * the free-text `description` (`{code:"RJ", description:"Rechazada"}` is `REJECTED`); the description is used only
 * for a code outside clara-api.md §4.2, or without a code.
 */
export const statusName = (status: TransactionStatus | null | undefined): string => {
  if (status === null || status === undefined) return "UNKNOWN"
  if (typeof status === "string") return statusNames[status] ?? status
  const known = status.code === undefined ? undefined : statusNames[status.code]
  return known ?? status.description ?? status.code ?? "UNKNOWN"
}

/** A label bound to a transaction. */
export const TransactionLabel = Schema.Struct({
  uuid: Schema.String,
  name: Schema.optional(Schema.NullOr(Schema.String)),
  links: Schema.optional(Schema.NullOr(Schema.Array(Link)))
})

/** Merchant as Clara sends it; `mcc` is not documented and read when present. */
export const Merchant = Schema.Struct({
  name: Schema.optional(Schema.NullOr(Schema.String)),
  category: Schema.optional(Schema.NullOr(Schema.String)),
  mcc: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number))),
  country: Schema.optional(Schema.NullOr(Schema.String))
})

/** The card of a transaction: last four digits and masked PAN only. */
export const TransactionCard = Schema.Struct({
  uuid: Schema.optional(Schema.NullOr(Schema.String)),
  lastFourDigits: Schema.optional(Schema.NullOr(Schema.String)),
  maskedPan: Schema.optional(Schema.NullOr(Schema.String))
})

/** The cardholder. */
export const TransactionUser = Schema.Struct({
  uuid: Schema.optional(Schema.NullOr(Schema.String)),
  name: Schema.optional(Schema.NullOr(Schema.String)),
  email: Schema.optional(Schema.NullOr(Schema.String))
})

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))
const OptionalCount = Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number)))

/** One card transaction (v3). Dates are `yyyy-MM-dd` or local date-times without zone. */
export const TransactionResponseV3 = Schema.Struct({
  uuid: Schema.String,
  type: Schema.String,
  transactionLabel: OptionalString,
  labels: Schema.optional(Schema.NullOr(Schema.Array(TransactionLabel))),
  status: Schema.optional(Schema.NullOr(TransactionStatus)),
  comment: OptionalString,
  merchant: Schema.optional(Schema.NullOr(Merchant)),
  card: Schema.optional(Schema.NullOr(TransactionCard)),
  user: Schema.optional(Schema.NullOr(TransactionUser)),
  authorizationNumber: OptionalString,
  originalAmount: Schema.optional(Schema.NullOr(CurrencyAmount)),
  amountValue: Schema.optional(Schema.NullOr(CurrencyAmount)),
  operationDate: OptionalString,
  accountingDate: OptionalString,
  lastUpdateDate: OptionalString,
  hasInvoice: Schema.optional(Schema.NullOr(Has)),
  hasAttachments: Schema.optional(Schema.NullOr(Has)),
  hasExtractedDocuments: Schema.optional(Schema.NullOr(Has)),
  installment: OptionalCount,
  installmentNumber: OptionalCount,
  billingStatement: Schema.optional(Schema.NullOr(Schema.Struct({ uuid: Schema.optional(Schema.String) }))),
  links: Schema.optional(Schema.NullOr(Schema.Array(Link)))
})
export type TransactionResponseV3 = typeof TransactionResponseV3.Type
