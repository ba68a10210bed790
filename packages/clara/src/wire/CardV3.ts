/**
 * Cards v3 as Clara sends and takes them (clara-api.md §3.2, §4.1, §5.3; clara-docs 001).
 *
 * `CardV3` has no `numberOnCard` (full PAN) nor `cvv`: `GET /api/v3/cards/{uuid}` sends both, and the client drops
 * them before decoding, so no value, error or log of this package can hold them. `maskedPan` (first 6 + last 4) and
 * `expiryDate` (`MM/YY`) are kept.
 */
import * as Schema from "effect/Schema"
import { Link, WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** The cardholder of a card. `username` is the login email. */
export const CardUser = Schema.Struct({
  uuid: OptionalString,
  fullName: OptionalString,
  username: OptionalString,
  links: Schema.optional(Schema.NullOr(Schema.Array(Link)))
})
export type CardUser = typeof CardUser.Type

/**
 * One card. `status` (`ACTIVE`, `LOCKED`, `MASTER_LOCKED`, `CANCELLED`, ...), `lockCode` (read as a string:
 * `UNLOCKED`, `TEMPORAL_LOCKED`, ...), `type` (`MASTER_VIRTUAL`, ...) and `periodicity` are open strings. `threshold`
 * is the spending limit in the account currency's units (read with `Money.fromWireNumber`).
 */
export const CardV3 = Schema.Struct({
  uuid: Schema.String,
  claraStatus: OptionalString,
  status: OptionalString,
  lockCode: OptionalString,
  alias: OptionalString,
  threshold: Schema.optional(Schema.NullOr(WireAmount)),
  periodicity: OptionalString,
  maskedPan: OptionalString,
  type: OptionalString,
  user: Schema.optional(Schema.NullOr(CardUser)),
  /** `MM/YY`; only on the one-card read. */
  expiryDate: OptionalString,
  links: Schema.optional(Schema.NullOr(Schema.Array(Link)))
})
export type CardV3 = typeof CardV3.Type

/** `PATCH /api/v3/cards/{uuid}/lock` body. `lockCode` 16 is the only one the API may set (API-initiated lock). */
export const ToggleCardLockRequest = Schema.Struct({
  locked: Schema.Boolean,
  lockCode: Schema.Literal(16)
})
export type ToggleCardLockRequest = typeof ToggleCardLockRequest.Type

/**
 * The answer to a single card write (202 for the lock, 200 for a threshold change finished within 30 s): the batch
 * and request ids and `status` (`UPDATED` done, `SENT` queued; other values are not documented).
 */
export const CardAsyncItem = Schema.Struct({
  batchId: OptionalString,
  id: OptionalString,
  uuid: OptionalString,
  status: Schema.String
})
export type CardAsyncItem = typeof CardAsyncItem.Type
