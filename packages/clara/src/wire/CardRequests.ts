/**
 * Bulk and asynchronous card operations (clara-api.md §2.1, §3.2, §3.3, §5.3; clara-docs 001): the bulk create, lock
 * and threshold bodies, their 202 acknowledgements, and the card requests that track them.
 *
 * The bulk-create body key is in conflict (§3.3): the S1 reference says `cards`, the S1 prose and the R guide say
 * `cardsRequests`. Per §7 #5 the client sends `cardsRequests` by default (configurable, or both keys with the same
 * array), with the item fields of the schema tables (§7 #6): `type` upper case, `userUuid`, `periodicity`.
 * The card-request shapes are not documented (§7 #14): every field is optional and unknown fields are ignored.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"
import { CardAsyncItem } from "./CardV3.js"
import { CreateCardRequestV3 } from "./CardWritesV3.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** Which key the bulk-create body puts the cards under (§3.3 conflict; §7 #5 default `cardsRequests`). */
export const BulkCreateBodyKey = Schema.Literal("cardsRequests", "cards", "both")
export type BulkCreateBodyKey = typeof BulkCreateBodyKey.Type

/** `POST /api/v3/cards/bulk-create` body under either documented key. */
export const BulkCreateCardRequest = Schema.Struct({
  cardsRequests: Schema.optional(Schema.Array(CreateCardRequestV3)),
  cards: Schema.optional(Schema.Array(CreateCardRequestV3))
})
export type BulkCreateCardRequest = typeof BulkCreateCardRequest.Type

/** One item of `PATCH /api/v3/cards/threshold`: the card and its new limit. */
export const CardThresholdItem = Schema.Struct({ uuid: Schema.String, threshold: WireAmount })
export type CardThresholdItem = typeof CardThresholdItem.Type

/** `PATCH /api/v3/cards/threshold` body. */
export const BulkThresholdRequest = Schema.Struct({ updateCardsThresholdRequests: Schema.Array(CardThresholdItem) })
export type BulkThresholdRequest = typeof BulkThresholdRequest.Type

/** One item of `PATCH /api/v3/cards/lock`: `lockCode` 16 is the only code the API may set. */
export const CardLockItem = Schema.Struct({ uuid: Schema.String, locked: Schema.Boolean, lockCode: Schema.Literal(16) })
export type CardLockItem = typeof CardLockItem.Type

/** `PATCH /api/v3/cards/lock` body. */
export const BulkLockRequest = Schema.Struct({ cardsLockRequests: Schema.Array(CardLockItem) })
export type BulkLockRequest = typeof BulkLockRequest.Type

/**
 * The acknowledgement of a bulk call (202): batch `id`, Clara's `message` ("received but still in progress...") and
 * the per-card items (`status` `SENT`) under `cardsLockResponses`, `updateCardsThresholdResponses` or (bulk create,
 * name assumed by analogy) `cardsRequestsResponses`. Bulk create may instead answer the created card uuids when it
 * finished within 30 s, or 204 with no body (§2.1): see `CardBatchAck`.
 */
export const BulkCardsResponse = Schema.Struct({
  id: OptionalString,
  message: OptionalString,
  cardsLockResponses: Schema.optional(Schema.NullOr(Schema.Array(CardAsyncItem))),
  updateCardsThresholdResponses: Schema.optional(Schema.NullOr(Schema.Array(CardAsyncItem))),
  cardsRequestsResponses: Schema.optional(Schema.NullOr(Schema.Array(CardAsyncItem)))
})
export type BulkCardsResponse = typeof BulkCardsResponse.Type

/**
 * A bulk call's answer, normalised: `id` is the batch id when Clara sent one (poll it with
 * `cardRequests.batch(id)`), `items` the per-card acknowledgements (empty for a 204), `cardUuids` the created cards
 * when bulk create finished synchronously.
 */
export interface CardBatchAck {
  readonly id: string | undefined
  readonly message: string | undefined
  readonly items: ReadonlyArray<CardAsyncItem>
  readonly cardUuids: ReadonlyArray<string>
}

/**
 * An asynchronous card request (`GET /api/v3/cards/requests*`). Shape not documented (§7 #14): `id`, `batchId`, the
 * card `uuid`, the operation `type` (`CREATE`, `LOCK`, `THRESHOLD` in the emulator), `status` (`SENT` queued, then
 * `UPDATED` / `CREATED` done or `ERROR`), `errorMessage`, and ISO-8601 UTC instants `createdAt` / `updatedAt`.
 */
export const CardRequest = Schema.Struct({
  id: Schema.String,
  batchId: OptionalString,
  uuid: OptionalString,
  type: OptionalString,
  status: OptionalString,
  errorMessage: OptionalString,
  createdAt: OptionalString,
  updatedAt: OptionalString
})
export type CardRequest = typeof CardRequest.Type
