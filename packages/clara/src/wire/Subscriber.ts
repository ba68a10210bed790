/**
 * Webhook subscribers, `/api/v1/subscribers` (clara-api.md §2.3, §3.11, §6.1). Only three event names are public
 * (`PAYMENT_PAID`, `CARD_CREATION_REQUEST_CREATED`, `CARD_CREATION_REQUEST_ERROR`); `events` is an open string list
 * (§7 #4). `companyUuid` is only needed when the credential does not imply the company.
 */
import * as Schema from "effect/Schema"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** The event names Clara documents publicly (§6.1); others exist and are accepted as plain strings. */
export const KnownClaraEvent = Schema.Literal("PAYMENT_PAID", "CARD_CREATION_REQUEST_CREATED", "CARD_CREATION_REQUEST_ERROR")
export type KnownClaraEvent = typeof KnownClaraEvent.Type

/** A subscriber as listed (`uuid` assumed, §3.11 (?)). */
export const Subscriber = Schema.Struct({
  uuid: OptionalString,
  name: Schema.String,
  callbackUrl: Schema.String,
  events: Schema.Array(Schema.String),
  enabled: Schema.optional(Schema.NullOr(Schema.Boolean)),
  companyUuid: OptionalString
})
export type Subscriber = typeof Subscriber.Type

/** `POST /api/v1/subscribers` body (`name`, `callbackUrl`, `events` required). */
export interface CreateSubscriberRequest {
  readonly name: string
  readonly callbackUrl: string
  readonly events: ReadonlyArray<string>
  readonly enabled?: boolean
  readonly companyUuid?: string
}

/** `PATCH /api/v1/subscribers/{uuid}` body: any of the create fields. */
export type UpdateSubscriberRequest = Partial<CreateSubscriberRequest>

/** `POST /api/v1/subscribers/add-event` and `DELETE /api/v1/subscribers/delete-event` body. */
export interface SubscriberEventChange {
  readonly callbackUrl: string
  readonly event: string
  readonly companyUuid?: string
}
