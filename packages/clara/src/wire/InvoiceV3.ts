/**
 * CFDI invoices of a transaction, `GET /api/v3/transactions/{uuid}/invoices` (clara-api.md §3.5, Mexico only).
 * The response is `{transactionUuid, invoices}` per the guides or a Spring page per the S2 reference: both accepted
 * (§7 #9). The download link's field name is not documented: `download: {url, urlExpiration}` (as for attachments),
 * `xmlUrl`, or a link with rel `xml` are read, in that order.
 */
import * as Schema from "effect/Schema"
import { Download, Link, WireAmount } from "./Common.js"
import { SpringPage } from "./Page.js"

const NullableAmount = Schema.optional(Schema.NullOr(WireAmount))

/** One CFDI as Clara summarises it. `invoiceId` is the CFDI UUID. */
export const InvoiceV3 = Schema.Struct({
  invoiceId: Schema.String,
  invoiceNumber: Schema.optional(Schema.NullOr(Schema.String)),
  taxRegime: Schema.optional(Schema.NullOr(Schema.String)),
  issuer: Schema.optional(Schema.NullOr(Schema.Struct({
    rfc: Schema.optional(Schema.NullOr(Schema.String)),
    businessName: Schema.optional(Schema.NullOr(Schema.String))
  }))),
  taxReceipts: Schema.optional(Schema.NullOr(Schema.Struct({
    cfdi: Schema.optional(Schema.NullOr(Schema.String)),
    paymentMethod: Schema.optional(Schema.NullOr(Schema.String))
  }))),
  tax: Schema.optional(Schema.NullOr(Schema.Struct({
    retained: Schema.optional(Schema.NullOr(Schema.Struct({ isr: NullableAmount, iva: NullableAmount, ieps: NullableAmount }))),
    transferred: Schema.optional(Schema.NullOr(Schema.Struct({ iva: NullableAmount, ieps: NullableAmount })))
  }))),
  amount: Schema.optional(Schema.NullOr(Schema.Struct({
    total: WireAmount,
    subTotal: NullableAmount,
    currency: Schema.optional(Schema.NullOr(Schema.String))
  }))),
  documentDate: Schema.optional(Schema.NullOr(Schema.String)),
  xmlStatus: Schema.optional(Schema.NullOr(Schema.String)),
  xmlCode: Schema.optional(Schema.NullOr(Schema.String)),
  download: Schema.optional(Schema.NullOr(Download)),
  xmlUrl: Schema.optional(Schema.NullOr(Schema.String)),
  links: Schema.optional(Schema.NullOr(Schema.Array(Link)))
})
export type InvoiceV3 = typeof InvoiceV3.Type

/** The URL of the CFDI XML behind an invoice, if Clara gave one. */
export const invoiceXmlUrl = (invoice: InvoiceV3): string | undefined =>
  invoice.download?.url ?? invoice.xmlUrl ?? invoice.links?.find((l) => l.rel === "xml")?.href ?? undefined

/** `{transactionUuid, invoices}` as the guides show it. */
export const TransactionInvoiceResponse = Schema.Struct({
  transactionUuid: Schema.optional(Schema.String),
  invoices: Schema.Array(Schema.Unknown)
})

/** Either documented shape of the invoices response, items left undecoded for per-record errors. */
export const TransactionInvoicesBody = Schema.Union(TransactionInvoiceResponse, SpringPage(Schema.Unknown))
export type TransactionInvoicesBody = typeof TransactionInvoicesBody.Type

/** The raw invoice items, whichever shape the body had. */
export const invoiceItems = (body: TransactionInvoicesBody): ReadonlyArray<unknown> =>
  "invoices" in body ? body.invoices : body.content
