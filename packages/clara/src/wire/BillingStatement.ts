/**
 * Billing statements (clara-api.md §2.1, §2.2, §3.8): v3 from the R sample (low confidence) and v2
 * (`{month, year, status, statementUuid, totalAmount, currency, closingDate}`). All fields optional but the id,
 * unknown fields ignored. Dates are `yyyy-MM-dd` (the statement period is inclusive); amounts are in `currency` units.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** A v3 statement. `status` is an open set (`open`, `closed`, ...; case as sent). */
export const BillingStatementV3 = Schema.Struct({
  uuid: Schema.String,
  statementStartDate: OptionalString,
  statementEndDate: OptionalString,
  dueDate: OptionalString,
  currency: OptionalString,
  totalAmount: Schema.optional(Schema.NullOr(WireAmount)),
  status: OptionalString,
  generatedAt: OptionalString
})
export type BillingStatementV3 = typeof BillingStatementV3.Type

/** A v2 statement summary; `month` 1-12, `status` `OPEN` | `CLOSED`. */
export const BillingStatementV2 = Schema.Struct({
  statementUuid: OptionalString,
  month: Schema.optional(Schema.NullOr(Schema.Number)),
  year: Schema.optional(Schema.NullOr(Schema.Number)),
  status: OptionalString,
  totalAmount: Schema.optional(Schema.NullOr(WireAmount)),
  currency: OptionalString,
  closingDate: OptionalString
})
export type BillingStatementV2 = typeof BillingStatementV2.Type
