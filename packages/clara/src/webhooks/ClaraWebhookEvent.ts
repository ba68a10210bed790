/**
 * Clara webhook deliveries decoded into typed values (clara-api.md §6.1, §7 #3, #4). Clara documents neither the
 * payload nor an event catalogue: the event name is read from a configurable field (default `event`), the three
 * public names (`PAYMENT_PAID`, `CARD_CREATION_REQUEST_CREATED`, `CARD_CREATION_REQUEST_ERROR`) get their own tags,
 * and every other name (including the card lock and threshold results, whose names are unknown) is an
 * `UnknownClaraEvent` carrying its name and payload. Decoding never fails on a JSON object.
 */

/** The delivery as received: every top-level field, untyped (§7 #3). */
export type WebhookPayload = Readonly<Record<string, unknown>>

/** Fields common to every decoded event. */
interface EventBase {
  /** The event name as sent, or undefined when the payload had none. */
  readonly name: string | undefined
  /** The delivery's own id, when sent (`id`, `eventId` or `uuid`): dedupe on it, deliveries are at-least-once. */
  readonly deliveryId: string | undefined
  /** `data` when it is an object, else the payload itself. */
  readonly data: WebhookPayload
  readonly payload: WebhookPayload
}

/** `PAYMENT_PAID`: a boleto payment was paid (Brazil). `paymentUuid` read from `data.uuid` / `data.paymentUuid`. */
export interface PaymentPaidEvent extends EventBase {
  readonly _tag: "PaymentPaid"
  readonly paymentUuid: string | undefined
}

/** Card-creation request fields read from `data` when present. */
interface CardRequestFields {
  /** The card request id (`requestId` or `id` in `data`). */
  readonly requestId: string | undefined
  readonly batchId: string | undefined
  /** The card (`cardUuid` or `uuid` in `data`). */
  readonly cardUuid: string | undefined
}

/** `CARD_CREATION_REQUEST_CREATED`: an asynchronous card creation finished. */
export interface CardCreationRequestCreatedEvent extends EventBase, CardRequestFields {
  readonly _tag: "CardCreationRequestCreated"
}

/** `CARD_CREATION_REQUEST_ERROR`: an asynchronous card creation failed; `errorMessage` when sent. */
export interface CardCreationRequestErrorEvent extends EventBase, CardRequestFields {
  readonly _tag: "CardCreationRequestError"
  readonly errorMessage: string | undefined
}

/** Any other event (or none): kept whole, never an error. */
export interface UnknownClaraEvent extends EventBase {
  readonly _tag: "UnknownClaraEvent"
}

/** A decoded Clara webhook delivery. */
export type ClaraWebhookEvent =
  | PaymentPaidEvent
  | CardCreationRequestCreatedEvent
  | CardCreationRequestErrorEvent
  | UnknownClaraEvent

const text = (record: WebhookPayload, ...keys: ReadonlyArray<string>): string | undefined => {
  for (const key of keys) {
    const value = record[key]
    if (typeof value === "string" && value !== "") return value
    if (typeof value === "number") return String(value)
  }
  return undefined
}

const isRecord = (value: unknown): value is WebhookPayload =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The typed event of a delivery's JSON object. `eventField` names the field holding the event name (default
 * `event`); when it is absent, `eventType` and `type` are tried. Pure; never fails.
 */
export const decodeClaraEvent = (payload: WebhookPayload, eventField = "event"): ClaraWebhookEvent => {
  const name = text(payload, eventField, "eventType", "type")
  const data = isRecord(payload["data"]) ? payload["data"] : payload
  const base = { name, deliveryId: text(payload, "id", "eventId", "uuid"), data, payload }
  const card = () => ({
    requestId: text(data, "requestId", "id"),
    batchId: text(data, "batchId"),
    cardUuid: text(data, "cardUuid", "uuid")
  })
  switch (name) {
    case "PAYMENT_PAID":
      return { _tag: "PaymentPaid", ...base, paymentUuid: text(data, "paymentUuid", "uuid") }
    case "CARD_CREATION_REQUEST_CREATED":
      return { _tag: "CardCreationRequestCreated", ...base, ...card() }
    case "CARD_CREATION_REQUEST_ERROR":
      return {
        _tag: "CardCreationRequestError",
        ...base,
        ...card(),
        errorMessage: text(data, "errorMessage", "message", "error")
      }
    default:
      return { _tag: "UnknownClaraEvent", ...base }
  }
}

/** Whether a parsed JSON value is an object (the only shape a delivery can take). */
export const isWebhookPayload = isRecord
