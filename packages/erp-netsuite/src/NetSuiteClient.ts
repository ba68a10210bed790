/**
 * A thin NetSuite REST client on `@effect/platform`'s `HttpClient` (erp.md §0.4): it signs every request (OAuth 2.0
 * M2M bearer token, cached until 5 minutes before expiry, or TBA), holds a per-account semaphore of
 * `config.concurrency` requests in flight (erp.md §1.8), retries 429 (and 503 on reads) with exponential backoff and
 * full jitter, honouring `Retry-After`, and bounds each exchange with `config.requestTimeoutMs`. It never retries a
 * create after a timeout or a 5xx: that is the adapter's find + verify (erp.md §5.2).
 */
import type { ErpError } from "@clara-recon/erp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import { defaultScope, signClientAssertion, tokenPath, tokenRequestBody } from "./M2mAssertion.js"
import type { M2mAuth, NetSuiteConfig, TbaAuth } from "./NetSuiteConfig.js"
import { baseUrlOf, realmOf } from "./NetSuiteConfig.js"
import { errorFromResponse, transportError } from "./NetSuiteErrors.js"
import { makeNonce, tbaAuthorization } from "./TbaSigner.js"

/** One request: method, path under the base URL, query parameters, an optional JSON body text, extra headers. */
export interface NsRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: string
  readonly query?: Readonly<Record<string, string>>
  readonly body?: string
  readonly headers?: Readonly<Record<string, string>>
  /** True when the request creates or changes a record (a lost answer then leaves the outcome unknown). */
  readonly write: boolean
  /** What the request is about, for messages: `journal entry rcn_…`, `SuiteQL vendor lookup`. */
  readonly subject: string
}

/** A response: status, lower-case headers, body text. */
export interface NsResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The client. */
export interface NetSuiteClient {
  readonly baseUrl: string
  /**
   * Sends `request` and returns the response whatever its status, after 429 retries (a 429 comes back only once
   * `maxAttempts` are spent). Fails with `ErpError` TRANSIENT (`NETSUITE_TIMEOUT`, `NETSUITE_CONNECTION_LOST`; outcome
   * `unknown` for writes) when no response arrives, or AUTH when no M2M token can be obtained.
   */
  readonly send: (request: NsRequest) => Effect.Effect<NsResponse, ErpError>
  /** Obtains a fresh M2M token or checks TBA credentials locally; the identity we act as (`client id @ realm`). */
  readonly identity: Effect.Effect<string, ErpError>
}

/** Refresh the M2M token this long before NetSuite says it expires (erp.md §1.9 b). */
const TOKEN_REFRESH_MARGIN_MS = 300_000
/** Longest backoff between two attempts. */
const MAX_BACKOFF_MS = 30_000

interface CachedToken {
  readonly token: Redacted.Redacted<string>
  readonly expiresAtMs: number
}

/**
 * Milliseconds to wait according to a `Retry-After` header: delta seconds or an HTTP date (relative to `nowMs`);
 * `undefined` when absent or unreadable.
 */
export const retryAfterMs = (header: string | undefined, nowMs: number): number | undefined => {
  if (header === undefined || header.trim() === "") return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

const headersOf = (headers: Readonly<Record<string, string | ReadonlyArray<string>>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v)]))

/**
 * Builds a client for `config` on the `HttpClient` in context. The semaphore and the token cache live as long as
 * the client: build one per account and share it.
 */
export const makeNetSuiteClient = (
  config: NetSuiteConfig
): Effect.Effect<NetSuiteClient, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const baseUrl = baseUrlOf(config)
    const realm = realmOf(config.accountId)
    const semaphore = yield* Effect.makeSemaphore(config.concurrency)
    const tokenCache = yield* SynchronizedRef.make(Option.none<CachedToken>())
    const timeout = Duration.millis(config.requestTimeoutMs)

    const exchange = (request: HttpClientRequest.HttpClientRequest, ctx: NsRequest) =>
      http.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (body): NsResponse => ({
            status: response.status,
            headers: headersOf(response.headers),
            body
          }))
        ),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => transportError({ ...ctx, path: ctx.path }, "timeout")
        }),
        Effect.catchTag("RequestError", "ResponseError", (e) =>
          Effect.fail(transportError({ ...ctx, path: ctx.path }, `${e.reason}: ${e.message}`)))
      )

    const fetchToken = (auth: M2mAuth) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const audience = `${baseUrl}${tokenPath}`
        const ctx: NsRequest = { method: "POST", path: tokenPath, write: false, subject: "the OAuth 2.0 token request" }
        const assertion = yield* Effect.tryPromise({
          try: () =>
            signClientAssertion({
              clientId: auth.clientId,
              certificateId: auth.certificateId,
              privateKey: Redacted.value(auth.privateKey),
              algorithm: auth.algorithm ?? "PS256",
              scope: auth.scope ?? defaultScope,
              audience,
              nowSeconds: Math.floor(now / 1000)
            }),
          catch: () =>
            errorFromResponse({
              ...ctx,
              status: 401,
              body: "",
              subject: "the client assertion: the private key cannot sign with the configured algorithm"
            })
        })
        const request = HttpClientRequest.post(audience).pipe(
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUrlParams(tokenRequestBody(assertion))
        )
        const response = yield* exchange(request, ctx)
        if (response.status !== 200) {
          return yield* Effect.fail(errorFromResponse({ ...ctx, ...response, status: response.status === 400 ? 401 : response.status }))
        }
        const parsed = yield* Effect.try({
          try: () => JSON.parse(response.body) as { access_token?: unknown; expires_in?: unknown },
          catch: () => errorFromResponse({ ...ctx, status: 502, body: "token response is not JSON" })
        })
        if (typeof parsed.access_token !== "string") {
          return yield* Effect.fail(errorFromResponse({ ...ctx, status: 502, body: "token response has no access_token" }))
        }
        const ttlSeconds = typeof parsed.expires_in === "number" ?
          parsed.expires_in :
          Number.parseInt(String(parsed.expires_in ?? "3600"), 10) || 3600
        return { token: Redacted.make(parsed.access_token), expiresAtMs: now + ttlSeconds * 1000 }
      })

    const bearer = (auth: M2mAuth) =>
      SynchronizedRef.modifyEffect(tokenCache, (cached) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          if (Option.isSome(cached) && cached.value.expiresAtMs - TOKEN_REFRESH_MARGIN_MS > now) {
            return [cached.value.token, cached] as const
          }
          const fresh = yield* fetchToken(auth)
          return [fresh.token, Option.some(fresh)] as const
        }))

    const tbaHeader = (auth: TbaAuth, method: string, url: string) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        tbaAuthorization(
          { method, url },
          {
            consumerKey: Redacted.value(auth.consumerKey),
            consumerSecret: Redacted.value(auth.consumerSecret),
            tokenId: Redacted.value(auth.tokenId),
            tokenSecret: Redacted.value(auth.tokenSecret)
          },
          realm,
          { nonce: makeNonce(), timestamp: Math.floor(now / 1000) }
        ))

    const authorization = (method: string, url: string): Effect.Effect<string, ErpError> => {
      const auth = config.auth
      return auth.method === "m2m" ?
        Effect.map(bearer(auth), (token) => `Bearer ${Redacted.value(token)}`) :
        tbaHeader(auth, method, url)
    }

    const build = (ctx: NsRequest) => {
      let request = HttpClientRequest.make(ctx.method)(`${baseUrl}${ctx.path}`).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.setUrlParams(ctx.query ?? {}),
        HttpClientRequest.setHeaders(ctx.headers ?? {})
      )
      if (ctx.body !== undefined) request = HttpClientRequest.bodyText(request, ctx.body, "application/json")
      return request
    }

    const backoff = (attempt: number, hintMs: number | undefined) =>
      hintMs !== undefined ?
        Effect.succeed(Math.min(hintMs, MAX_BACKOFF_MS * 4)) :
        Random.nextIntBetween(0, Math.min(MAX_BACKOFF_MS, config.backoffBaseMs * 2 ** attempt) + 1)

    const once = (ctx: NsRequest) =>
      Effect.gen(function*() {
        const request = build(ctx)
        const url = Option.getOrElse(
          Option.map(HttpClientRequest.toUrl(request), (u) => u.href),
          () => `${baseUrl}${ctx.path}`
        )
        const header = yield* authorization(ctx.method, url)
        return yield* semaphore.withPermits(1)(exchange(HttpClientRequest.setHeader(request, "authorization", header), ctx))
      })

    const send = (ctx: NsRequest): Effect.Effect<NsResponse, ErpError> => {
      const loop = (attempt: number, reauthorized: boolean): Effect.Effect<NsResponse, ErpError> =>
        Effect.flatMap(once(ctx), (response) => {
          if (response.status === 401 && config.auth.method === "m2m" && !reauthorized) {
            return Effect.zipRight(SynchronizedRef.set(tokenCache, Option.none()), loop(attempt, true))
          }
          const again = response.status === 429 || (response.status === 503 && !ctx.write)
          if (!again || attempt + 1 >= config.maxAttempts) return Effect.succeed(response)
          return Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            const wait = yield* backoff(attempt, retryAfterMs(response.headers["retry-after"], now))
            yield* Effect.logDebug(`NetSuite ${response.status} on ${ctx.subject}; attempt ${attempt + 2} in ${wait} ms`)
            yield* Effect.sleep(Duration.millis(wait))
            return yield* loop(attempt + 1, reauthorized)
          })
        })
      return loop(0, false)
    }

    const identity = config.auth.method === "m2m" ?
      Effect.as(bearer(config.auth), `${config.auth.clientId} @ ${realm}`) :
      Effect.succeed(`token-based authentication @ ${realm}`)

    return { baseUrl, send, identity }
  })
