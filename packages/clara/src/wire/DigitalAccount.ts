/**
 * `GET /api/v3/digital-accounts` (Brazil; clara-api.md §2.1, §3.1, §3.9, §5.1; clara-docs 004). The current doc
 * answers `{data, meta}`, an older one a bare array: both accepted (§7 #11). `id` is a large integer kept as a JS
 * number (exact up to 2^53, §7 #22); `transactionDate` is a local date-time without zone (`2025-09-09T00:00:00`);
 * amounts are BRL units (read with `Money.fromWireNumber`).
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))
const OptionalAmount = Schema.optional(Schema.NullOr(WireAmount))

/** A party of a digital-account transfer; `institution` is an ISPB code or a bank name. */
export const DigitalAccountParty = Schema.Struct({
  name: OptionalString,
  taxId: OptionalString,
  institution: OptionalString
})
export type DigitalAccountParty = typeof DigitalAccountParty.Type

/** One digital-account transaction. `method` is mixed case (`PIX`, `TED`, `Bill`, `Transfer`, `Undefined`). */
export const DigitalAccountTransaction = Schema.Struct({
  id: Schema.Union(Schema.Number, Schema.String),
  transactionDate: OptionalString,
  amount: WireAmount,
  method: OptionalString,
  type: OptionalString,
  description: OptionalString,
  digitableLine: OptionalString,
  charges: Schema.optional(Schema.NullOr(Schema.Struct({
    discount: OptionalAmount,
    fee: OptionalAmount,
    interest: OptionalAmount,
    totalFees: OptionalAmount
  }))),
  source: Schema.optional(Schema.NullOr(DigitalAccountParty)),
  beneficiary: Schema.optional(Schema.NullOr(DigitalAccountParty))
})
export type DigitalAccountTransaction = typeof DigitalAccountTransaction.Type

/** `meta` of the `{data, meta}` page; `currentPage` is zero-based. */
export const DigitalAccountMeta = Schema.Struct({
  totalPages: Schema.optional(Schema.Number),
  totalItems: Schema.optional(Schema.Number),
  itemsPerPage: Schema.optional(Schema.Number),
  currentPage: Schema.optional(Schema.Number)
})
export type DigitalAccountMeta = typeof DigitalAccountMeta.Type

/** Either response shape, items left undecoded so one bad record never fails its page. */
export const DigitalAccountBody = Schema.Union(
  Schema.Struct({ data: Schema.Array(Schema.Unknown), meta: Schema.optional(Schema.NullOr(DigitalAccountMeta)) }),
  Schema.Array(Schema.Unknown)
)
export type DigitalAccountBody = typeof DigitalAccountBody.Type
