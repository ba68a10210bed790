import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { type ClaraError, ClaraBadRequestError, ClaraTimeoutError } from "../ClaraError.js"
import { type CallContext, statusError, transportError } from "./classify.js"
import { type RetryMode, type RetryPolicy, withRetry } from "./retry.js"

/** The transport knobs of `ClaraSettings`. */
export interface SendPolicy extends RetryPolicy {
  readonly requestTimeout: Duration.Duration
}

/** Sends a request and returns the body of a 2xx response, or a typed error. */
export type Send = (
  request: HttpClientRequest.HttpClientRequest,
  ctx: CallContext
) => Effect.Effect<Uint8Array, ClaraError>

/** Waits for the client's rate limit (an `effect/RateLimiter`) before an attempt; identity when there is none. */
export type Gate = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/** How `makeSend` sends: see there. */
export interface SendOptions {
  readonly mode?: RetryMode
  readonly gate?: Gate
  readonly yieldAfter?: boolean
}

/**
 * One request at a time per permit of `semaphore` (the in-flight limit), each attempt passing `gate` (the rate limit,
 * none by default) first, then under `requestTimeout` (body included), transient failures retried per `policy` and
 * `mode` (default "read"; writes: see `RetryMode`). The permit is not held while waiting to retry. With `yieldAfter`
 * (the default) the fiber yields once a body is in, so that a request waiting for the permit just released goes on
 * the wire before this body is parsed and decoded; a caller that sends its own next request straight away turns it
 * off.
 */
export const makeSend = (
  http: HttpClient.HttpClient,
  semaphore: Effect.Semaphore,
  policy: SendPolicy,
  { gate = (effect) => effect, mode = "read", yieldAfter = true }: SendOptions = {}
): Send => {
  const timeoutMillis = Duration.toMillis(policy.requestTimeout)
  const attempt = (request: HttpClientRequest.HttpClientRequest, ctx: CallContext) =>
    http.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.arrayBuffer, (buffer) => ({
          status: response.status,
          headers: response.headers,
          body: new Uint8Array(buffer)
        }))
      ),
      Effect.timeoutFail({
        duration: policy.requestTimeout,
        onTimeout: () => new ClaraTimeoutError({ ...ctx, timeoutMillis })
      }),
      Effect.catchTags({
        RequestError: (error) =>
          Effect.fail(
            error.reason === "Transport"
              ? transportError(ctx, error.cause, timeoutMillis)
              : new ClaraBadRequestError({ ...ctx, claraMessage: `invalid request (${error.reason})` })
          ),
        ResponseError: (error) => Effect.fail(transportError(ctx, error.cause, timeoutMillis))
      }),
      semaphore.withPermits(1),
      gate,
      (sent) => yieldAfter ? Effect.zipLeft(sent, Effect.yieldNow()) : sent,
      Effect.flatMap((reply) =>
        reply.status >= 200 && reply.status < 300
          ? Effect.succeed(reply.body)
          : Effect.fail(
            statusError(ctx, reply.status, new TextDecoder().decode(reply.body), reply.headers, timeoutMillis)
          )
      )
    )
  return (request, ctx) => withRetry(attempt(request, ctx), policy, mode)
}
