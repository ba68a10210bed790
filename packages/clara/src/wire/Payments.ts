/**
 * Boleto payments and DDA (Brazil; clara-api.md §2.2, §3.7, §5.5): pre-authorised bank slips (`DdaInvoice`), the
 * payment request (`CreateBoletoPayment`: a digitable line plus undocumented optional metadata) and the payment
 * history (`BoletoPayment`, shape not documented: every field optional but `uuid`). Amounts are BRL units; dates
 * `yyyy-MM-dd`; instants ISO-8601 UTC.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** A DDA bank slip. `barcodeDigitableLine` (47 digits) comes on the detail read; `status` is open (`PENDING`, ...). */
export const DdaInvoice = Schema.Struct({
  uuid: Schema.String,
  issuer: OptionalString,
  amount: Schema.optional(Schema.NullOr(WireAmount)),
  dueDate: OptionalString,
  status: OptionalString,
  barcodeDigitableLine: OptionalString
})
export type DdaInvoice = typeof DdaInvoice.Type

/** `POST /api/v2/payments` body: the slip's digitable line and optional metadata passed through as given. */
export interface CreateBoletoPayment {
  readonly barcodeDigitableLine: string
  readonly [metadata: string]: unknown
}

/** One boleto payment of the history. `status` is open (`PAID`, `SCHEDULED`, `FAILED`, ...). */
export const BoletoPayment = Schema.Struct({
  uuid: Schema.String,
  barcodeDigitableLine: OptionalString,
  amount: Schema.optional(Schema.NullOr(WireAmount)),
  status: OptionalString,
  ddaInvoiceUuid: OptionalString,
  paymentDate: OptionalString,
  createdAt: OptionalString
})
export type BoletoPayment = typeof BoletoPayment.Type
