/**
 * OAuth2 client-credentials token cache (clara-api.md §1.3, §7 #1): one token shared by all fibers, fetched once
 * however many wait for it, reused until `expires_in` minus a skew, and dropped when Clara rejects it with a 401.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { ClaraError } from "./ClaraError.js"

/** A freshly issued token and its lifetime in seconds. */
export interface IssuedToken {
  readonly token: Redacted.Redacted<string>
  readonly expiresInSeconds: number
}

/** The shared token. */
export interface TokenCache {
  /** The cached token, or a new one when there is none or it is within the skew of expiring. */
  readonly get: Effect.Effect<Redacted.Redacted<string>, ClaraError>
  /** Forgets `token` if it is still the cached one (after a 401), so the next `get` fetches a new one. */
  readonly invalidate: (token: Redacted.Redacted<string>) => Effect.Effect<void>
}

interface Cached {
  readonly token: Redacted.Redacted<string>
  /** Epoch milliseconds (effect `Clock`) after which the token is refreshed. */
  readonly refreshAt: number
}

/**
 * Builds a cache over `fetch` (the token request). Callers queue behind a single in-flight fetch; a failed fetch is
 * reported to the caller that ran it and the next caller tries again. Time comes from the effect `Clock`.
 */
export const makeTokenCache = (options: {
  readonly fetch: Effect.Effect<IssuedToken, ClaraError>
  readonly skew: Duration.Duration
}): Effect.Effect<TokenCache> =>
  Effect.map(SynchronizedRef.make(Option.none<Cached>()), (ref) => ({
    get: SynchronizedRef.modifyEffect(ref, (cached) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Option.isSome(cached) && now < cached.value.refreshAt
          ? Effect.succeed([cached.value.token, cached] as const)
          : Effect.map(options.fetch, (issued) => {
            const lifetime = Math.max(0, issued.expiresInSeconds * 1000 - Duration.toMillis(options.skew))
            return [issued.token, Option.some({ token: issued.token, refreshAt: now + lifetime })] as const
          }))),
    invalidate: (token) =>
      SynchronizedRef.update(ref, (cached) =>
        Option.isSome(cached) && cached.value.token === token ? Option.none() : cached)
  }))
