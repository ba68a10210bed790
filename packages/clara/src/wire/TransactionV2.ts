/**
 * Transactions of the v2 and v1 APIs (clara-api.md §3.4). Neither is documented by Clara: v2 is what real
 * integrations read, v1 only a placeholder sample. Everything but `uuid` is optional; unknown fields are ignored.
 */
import * as Schema from "effect/Schema"
import { CurrencyAmount, WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** A v2 transaction: `amount` is `{value, currency: {code}}` (or a code string); `operationDate` `yyyy-MM-dd`. */
export const TransactionV2 = Schema.Struct({
  uuid: Schema.String,
  label: OptionalString,
  type: OptionalString,
  status: OptionalString,
  operationDate: OptionalString,
  amount: Schema.optional(Schema.NullOr(CurrencyAmount)),
  card: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        uuid: OptionalString,
        user: Schema.optional(Schema.NullOr(Schema.Struct({ username: OptionalString, userFullName: OptionalString })))
      })
    )
  )
})
export type TransactionV2 = typeof TransactionV2.Type

/** A v1 transaction (placeholder sample): `amount` in units, `createdAt` an ISO instant. */
export const TransactionV1 = Schema.Struct({
  uuid: Schema.String,
  amount: Schema.optional(Schema.NullOr(WireAmount)),
  currency: OptionalString,
  status: OptionalString,
  merchant: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Struct({ name: OptionalString })))),
  category: OptionalString,
  description: OptionalString,
  userUuid: OptionalString,
  cardUuid: OptionalString,
  createdAt: OptionalString
})
export type TransactionV1 = typeof TransactionV1.Type
