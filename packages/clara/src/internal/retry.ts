import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type { ClaraError } from "../ClaraError.js"

/** The retry knobs of `ClaraSettings`. */
export interface RetryPolicy {
  readonly retryTimes: number
  readonly retryBaseDelay: Duration.Duration
}

/** A server's `Retry-After` is honoured up to this long. */
const MAX_RETRY_AFTER = Duration.minutes(2)

/**
 * `"read"`: a request safe to repeat (GET). `"write"`: a request that must not be repeated blindly (POST, PATCH,
 * DELETE): it is retried only when the connection was refused, i.e. before a byte of it reached the server.
 */
export type RetryMode = "read" | "write"

/** How many retries an error allows (clara-api.md §5.7, §7 #2), or 0 when it must not be retried. */
const retriesAllowed = (error: ClaraError, policy: RetryPolicy, mode: RetryMode): number => {
  if (mode === "write") {
    return error._tag === "ClaraTransportError" && error.kind === "ConnectionRefused" ? policy.retryTimes : 0
  }
  switch (error._tag) {
    case "ClaraRateLimitedError":
    case "ClaraTimeoutError":
      return policy.retryTimes
    case "ClaraServerError":
      if (error.status === 500) return Math.min(1, policy.retryTimes)
      return [502, 503, 504].includes(error.status) ? policy.retryTimes : 0
    case "ClaraTransportError":
      return error.kind === "ConnectionClosed" ? policy.retryTimes : 0
    default:
      return 0
  }
}

/** Exponential backoff with jitter: `base * 2^attempt * [0.5, 1)`. */
const backoff = (attempt: number, policy: RetryPolicy): Effect.Effect<Duration.Duration> =>
  Effect.map(Random.next, (r) => Duration.times(policy.retryBaseDelay, 2 ** attempt * (0.5 + r / 2)))

/** The delay before retry number `attempt + 1`, or none when `error` is final. A 429's `Retry-After` wins. */
const retryDelay = (
  error: ClaraError,
  attempt: number,
  policy: RetryPolicy,
  mode: RetryMode
): Effect.Effect<Option.Option<Duration.Duration>> => {
  if (attempt >= retriesAllowed(error, policy, mode)) return Effect.succeed(Option.none())
  if (error._tag === "ClaraRateLimitedError" && error.retryAfterSeconds !== undefined) {
    return Effect.succeed(Option.some(Duration.min(Duration.seconds(error.retryAfterSeconds), MAX_RETRY_AFTER)))
  }
  return Effect.map(backoff(attempt, policy), Option.some)
}

/**
 * Runs `effect`, retrying transient failures per `policy` and `mode`; the last error is returned when retries run
 * out.
 */
export const withRetry = <A>(
  effect: Effect.Effect<A, ClaraError>,
  policy: RetryPolicy,
  mode: RetryMode = "read"
): Effect.Effect<A, ClaraError> => {
  const loop = (attempt: number): Effect.Effect<A, ClaraError> =>
    Effect.catchAll(effect, (error) =>
      Effect.flatMap(retryDelay(error, attempt, policy, mode), (delay) =>
        Option.match(delay, {
          onNone: () => Effect.fail(error),
          onSome: (d) => {
            // the delay in whole milliseconds: the jitter's nanoseconds said nothing to a reader
            const ms = Math.round(Duration.toMillis(d))
            return Effect.logDebug(`Clara retry ${attempt + 1} in ${ms} ms: ${error.message}`).pipe(
              Effect.zipRight(Effect.sleep(d)),
              Effect.zipRight(loop(attempt + 1))
            )
          }
        })))
  return loop(0)
}
