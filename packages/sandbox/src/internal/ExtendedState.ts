/**
 * The emulator state behind the asynchronous card requests, money documents, Brazil and webhook routes (clara-api.md
 * §5.3, §6): subscribers, card requests, boleto payments, the webhook outbox, and the background runner that completes
 * bulk operations after a delay, inside the emulator's scope (interrupted when it stops).
 */
import { signHmacSha256Timestamped } from "@clara-recon/clara"
import type { BoletoPayment, CardRequest, Subscriber } from "@clara-recon/clara"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { randomUUID } from "node:crypto"

/** One webhook POST the emulator made (or tried). `status` is the HTTP answer, absent when the POST failed. */
export interface WebhookDelivery {
  readonly subscriberUuid: string
  readonly callbackUrl: string
  readonly event: string
  /** The exact JSON body sent. */
  readonly body: string
  readonly signed: boolean
  readonly status?: number
  readonly error?: string
}

/** Options of the extended routes (from `ClaraEmulatorOptions`). */
export interface ExtendedOptions {
  /** Delay before a bulk card operation completes; default 200 ms. */
  readonly bulkDelay?: Duration.DurationInput
  /** Sign webhook POSTs with the HMAC-SHA256 `t=,v1=` scheme (`X-Clara-Signature`) with this secret. */
  readonly webhookSecret?: Redacted.Redacted<string>
  /** `GET /api/v3/digital-accounts` answer shape: `data-meta` (default, current doc) or `array` (older doc). */
  readonly digitalAccountsShape?: "data-meta" | "array"
}

/** The mutable extended state of one running emulator. */
export interface ExtendedState {
  /** Runs an effect in the background, in the emulator's scope. */
  readonly background: (effect: Effect.Effect<void>) => void
  readonly bulkDelay: Duration.Duration
  readonly webhookSecret: Redacted.Redacted<string> | undefined
  readonly digitalAccountsShape: "data-meta" | "array"
  /** Subscribers by uuid, in creation order. */
  readonly subscribers: Map<string, Subscriber & { readonly uuid: string }>
  /** Card requests by id, in creation order. */
  readonly cardRequests: Map<string, CardRequest>
  /** Boleto payments, in creation order. */
  readonly payments: Array<BoletoPayment>
  /** DDA slip uuid -> status after a payment (`PAID`). */
  readonly ddaStatus: Map<string, string>
  /** Epoch ms at which each request-log entry was first seen by the logs routes (index = log index). */
  readonly logStamps: Array<number>
  readonly deliveries: Array<WebhookDelivery>
}

/** A fresh extended state. */
export const makeExtendedState = (
  background: (effect: Effect.Effect<void>) => void,
  options: ExtendedOptions
): ExtendedState => ({
  background,
  bulkDelay: Duration.decode(options.bulkDelay ?? "200 millis"),
  webhookSecret: options.webhookSecret,
  digitalAccountsShape: options.digitalAccountsShape ?? "data-meta",
  subscribers: new Map(),
  cardRequests: new Map(),
  payments: [],
  ddaStatus: new Map(),
  logStamps: [],
  deliveries: []
})

/** The delivery envelope (the payload is undocumented, §6.1 / §7 #3): `{event, id, createdAt, data}`. */
const envelope = (event: string, data: Record<string, unknown>, now: number) =>
  JSON.stringify({ event, id: randomUUID(), createdAt: new Date(now).toISOString(), data })

/**
 * POSTs `event` to every enabled subscriber listening to it (one attempt each, 5 s timeout), signed when a secret is
 * configured, and records each delivery. Never fails: an unreachable callback is recorded with its error.
 */
export const deliverEvent = (
  state: ExtendedState,
  event: string,
  data: Record<string, unknown>
): Effect.Effect<void> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const body = envelope(event, data, now)
    const targets = [...state.subscribers.values()].filter((s) => s.enabled !== false && s.events.includes(event))
    yield* Effect.forEach(targets, (subscriber) => {
      const headers: Record<string, string> = { "content-type": "application/json" }
      if (state.webhookSecret !== undefined) {
        headers["x-clara-signature"] = signHmacSha256Timestamped(state.webhookSecret, body, now / 1000)
      }
      const record = { subscriberUuid: subscriber.uuid, callbackUrl: subscriber.callbackUrl, event, body, signed: state.webhookSecret !== undefined }
      return Effect.tryPromise({
        try: (signal) =>
          fetch(subscriber.callbackUrl, {
            method: "POST",
            headers,
            body,
            signal: AbortSignal.any([signal, AbortSignal.timeout(5000)])
          }).then(async (response) => {
            await response.arrayBuffer()
            return response.status
          }),
        catch: (cause) => String(cause)
      }).pipe(
        Effect.match({
          onFailure: (error) => state.deliveries.push({ ...record, error }),
          onSuccess: (status) => state.deliveries.push({ ...record, status })
        })
      )
    }, { concurrency: 4, discard: true })
  })
