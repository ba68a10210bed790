/**
 * `GET /api/v2/invoices` (clara-api.md §2.2, §3.5; Mexico only): the v2 invoice summary, from the R sample (low
 * confidence: every field but `uuid` optional, unknown fields ignored). `amount` is in the invoice currency's units.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** One CFDI as the v2 API lists it. `uuid` is the CFDI UUID; `documentDate` is `yyyy-MM-dd`. */
export const InvoiceV2 = Schema.Struct({
  uuid: Schema.String,
  invoiceNumber: OptionalString,
  transactionUuid: OptionalString,
  amount: Schema.optional(Schema.NullOr(WireAmount)),
  currency: OptionalString,
  documentDate: OptionalString,
  xmlStatus: OptionalString,
  issuer: Schema.optional(Schema.NullOr(Schema.Struct({ rfc: OptionalString, businessName: OptionalString })))
})
export type InvoiceV2 = typeof InvoiceV2.Type
