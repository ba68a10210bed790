/**
 * Structured data Clara extracted from a receipt or invoice,
 * `GET /api/v3/transactions/{uuid}/extracted-documents` (a Spring page; clara-api.md §3.5, clara-docs 002).
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))
const OptionalAmount = Schema.optional(Schema.NullOr(WireAmount))

/** Extracted document `type` (§4.3); open to values Clara may add. */
export const ExtractedDocumentType = Schema.String

/** One extracted document. Dates are `yyyy-MM-dd`; `fileValidation.date` is a local date-time without zone. */
export const ExtractedDocument = Schema.Struct({
  uuid: Schema.String,
  type: Schema.optional(Schema.NullOr(ExtractedDocumentType)),
  userUuid: OptionalString,
  data: Schema.optional(Schema.NullOr(Schema.Struct({
    folioFiscalUuid: OptionalString,
    invoiceId: OptionalString,
    receiptDate: OptionalString,
    issueDate: OptionalString,
    billingDate: OptionalString,
    country: OptionalString,
    issuer: Schema.optional(Schema.NullOr(Schema.Struct({ legalName: OptionalString, taxIdentifier: OptionalString }))),
    itemsDescription: OptionalString,
    amount: Schema.optional(Schema.NullOr(Schema.Struct({
      currency: OptionalString,
      subTotal: OptionalAmount,
      taxesAmount: OptionalAmount,
      tipAmount: OptionalAmount,
      total: OptionalAmount,
      taxPercentage: OptionalAmount,
      tipPercentage: OptionalAmount
    })))
  }))),
  fileValidation: Schema.optional(Schema.NullOr(Schema.Struct({
    status: OptionalString,
    date: OptionalString,
    user: OptionalString,
    userUuid: OptionalString
  })))
})
export type ExtractedDocument = typeof ExtractedDocument.Type
