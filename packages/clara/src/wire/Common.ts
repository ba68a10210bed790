/**
 * Small wire shapes shared by several Clara resources (clara-api.md §3).
 */
import * as Schema from "effect/Schema"

/** A hypermedia link as Clara sends it. */
export const Link = Schema.Struct({
  rel: Schema.optional(Schema.String),
  href: Schema.optional(Schema.String)
})
export type Link = typeof Link.Type

/** A JSON amount: Clara sends numbers (`3200.00`); strings are accepted too. Read with `Money.fromWireNumber`. */
export const WireAmount = Schema.Union(Schema.Number, Schema.String)
export type WireAmount = typeof WireAmount.Type

/** `{value, currency}`; `currency` is a code, or `{code}` in some v2 payloads (clara-api.md §7 #8). */
export const CurrencyAmount = Schema.Struct({
  value: WireAmount,
  currency: Schema.Union(Schema.String, Schema.Struct({ code: Schema.String }))
})
export type CurrencyAmount = typeof CurrencyAmount.Type

/** The currency code of a `CurrencyAmount`, whichever form it came in. */
export const currencyCodeOf = (amount: CurrencyAmount): string =>
  typeof amount.currency === "string" ? amount.currency : amount.currency.code

/** `{value, links}` flags such as `hasInvoice`; a bare boolean is accepted as well. */
export const Has = Schema.Union(
  Schema.Boolean,
  Schema.Struct({ value: Schema.Boolean, links: Schema.optional(Schema.NullOr(Schema.Array(Link))) })
)
export type Has = typeof Has.Type

/** The boolean behind a `Has` flag; absent means false. */
export const hasValue = (flag: Has | null | undefined): boolean =>
  flag === null || flag === undefined ? false : typeof flag === "boolean" ? flag : flag.value

/** A pre-signed download link (`/documents` attachments; assumed for invoices too). URLs expire after 12 h. */
export const Download = Schema.Struct({
  url: Schema.String,
  urlExpiration: Schema.optional(Schema.String)
})
export type Download = typeof Download.Type
