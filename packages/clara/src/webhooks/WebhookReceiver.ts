/**
 * A receiver for Clara webhook deliveries (clara-api.md §6): an `@effect/platform` `HttpApp` that reads the raw body,
 * runs the optional signature verifier (none by default, §6.3), parses the JSON object, decodes it into a
 * `ClaraWebhookEvent` and hands it to the user's handler.
 *
 * Serve it with `HttpServer.serve` over `NodeHttpServer`, mount it in an `HttpRouter`, or turn it into a
 * `(Request) => Promise<Response>` for plain `node:http` (through a fetch adapter), workers and tests with
 * `HttpApp.toWebHandler`.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { type ClaraWebhookEvent, decodeClaraEvent, isWebhookPayload } from "./ClaraWebhookEvent.js"
import { ClaraWebhookError } from "./WebhookError.js"
import type { WebhookVerifier } from "./WebhookSignature.js"

/** Options of `makeWebhookReceiver`. */
export interface WebhookReceiverOptions<E, R> {
  /**
   * Called once per accepted delivery. Success answers 204; a failure (or defect) answers 500 so the sender may
   * retry. Deliveries are at-least-once: make it idempotent (dedupe on `deliveryId` or the request ids).
   */
  readonly handle: (event: ClaraWebhookEvent) => Effect.Effect<void, E, R>
  /** Signature check run on the raw body before parsing; none by default (Clara documents no scheme, §6.3). */
  readonly verifier?: WebhookVerifier
  /** The payload field holding the event name; default `event` (§7 #3). */
  readonly eventField?: string
  /** Called with every refused delivery (for logs or metrics); the answer is 400 or 401 regardless. */
  readonly onRejected?: (error: ClaraWebhookError) => Effect.Effect<void>
  /** Largest body accepted, in bytes; default 1 MiB (a larger one answers 413). */
  readonly maxBodyBytes?: number
}

/** Default largest body, in bytes. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024

const answer = (status: number, message: string) => HttpServerResponse.unsafeJson({ message }, { status })

/**
 * The receiver app. Answers: 204 handled; 405 for a method other than POST; 413 body too large; 401 signature refused
 * (`MissingSignature`, `MalformedSignature`, `BadSignature`, `Expired`); 400 body not a JSON object (`BadJson`); 500
 * the handler failed. Never fails itself and never echoes the body.
 */
export const makeWebhookReceiver = <E, R>(
  options: WebhookReceiverOptions<E, R>
): HttpApp.Default<never, R> => {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES
  const refuse = (error: ClaraWebhookError) =>
    Effect.as(
      options.onRejected?.(error) ?? Effect.void,
      answer(error.reason === "BadJson" ? 400 : 401, error.message)
    )
  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (request.method !== "POST") return answer(405, "only POST is accepted")
    const declared = Number(request.headers["content-length"] ?? "0")
    if (declared > maxBytes) return answer(413, `body larger than ${maxBytes} bytes`)
    const buffer = yield* Effect.orElseSucceed(request.arrayBuffer, () => undefined)
    if (buffer === undefined) return answer(400, "could not read the body")
    if (buffer.byteLength > maxBytes) return answer(413, `body larger than ${maxBytes} bytes`)
    const body = new Uint8Array(buffer)
    return yield* Effect.gen(function*() {
      if (options.verifier !== undefined) yield* options.verifier.verify(request.headers, body)
      const parsed = yield* Effect.try({
        try: (): unknown => JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)),
        catch: () => new ClaraWebhookError({ reason: "BadJson", description: "the body is not JSON" })
      })
      if (!isWebhookPayload(parsed)) {
        return yield* new ClaraWebhookError({ reason: "BadJson", description: "the body is not a JSON object" })
      }
      const event = decodeClaraEvent(parsed, options.eventField)
      return yield* options.handle(event).pipe(
        Effect.as(HttpServerResponse.empty({ status: 204 })),
        Effect.catchAllCause((cause) =>
          Effect.as(
            Effect.logWarning("Clara webhook handler failed", Cause.pretty(cause)),
            answer(500, "the handler failed")
          )
        )
      )
    }).pipe(Effect.catchTag("ClaraWebhookError", refuse))
  })
}
