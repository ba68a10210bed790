/**
 * The request core of the client (clara-api.md §1.3, §5.1, §5.7): bearer token from the shared cache (a 401 drops it
 * and the call is sent once more with a new one), Clara headers, JSON parsing, Spring pages, and the two retry modes.
 *
 * Writes (POST, PATCH, DELETE) are not safe to repeat blindly: they are retried only when the connection was refused
 * (nothing was sent), and after a 401 (the server rejected the call before acting on it). A timeout, a closed
 * connection, a 429 or a 5xx on a write is returned to the caller. Writes get at least `WRITE_TIMEOUT` because Clara
 * holds hybrid calls (threshold, card creation) for up to 30 s before answering (§5.3).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ClaraSettings } from "../ClaraConfig.js"
import { type ClaraError, ClaraBadRequestError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { makeTokenCache } from "../TokenCache.js"
import { TokenResponse } from "../wire/OAuth.js"
import { hasNextPage, RawSpringPage } from "../wire/Page.js"
import type { CallContext } from "./classify.js"
import { decodeItems, decodeWith, parseJson } from "./decode.js"
import { makeSend } from "./send.js"
import { stripSensitive } from "./sensitive.js"

/** One page of a Spring list with its records decoded one by one. `number` is zero-based. */
export interface ClaraPage<A> {
  readonly number: number
  /** The page size the server used (the requested one unless it clamped it). */
  readonly size: number
  readonly totalPages: number | undefined
  readonly totalElements: number | undefined
  readonly items: ReadonlyArray<ClaraItem<A>>
  /** Whether another page follows, by the stop rules of clara-api.md §5.1 (`hasNextPage`). */
  readonly hasNext: boolean
}

/** The least time a write may take: above Clara's 30 s hybrid window (clara-api.md §5.3). */
const WRITE_TIMEOUT = Duration.seconds(45)

/** Options of a GET: the record named in errors; `sensitive` bodies (cards) never appear as error samples. */
export interface GetOptions {
  readonly record?: string
  readonly sensitive?: boolean
}

/** The request core shared by the resource modules. */
export interface ClaraCall {
  /** `GET /api/v3/cards` for `/v3/cards` (no query string). */
  readonly endpointOf: (method: string, path: string) => string
  /** GET `{baseUrl}{basePath}{path}` as parsed JSON, card secrets removed. */
  readonly getJson: (
    path: string,
    params: Readonly<Record<string, string>>,
    options?: GetOptions
  ) => Effect.Effect<unknown, ClaraError>
  /** A write with an optional JSON body (text), under the write retry rule; the response body bytes. */
  readonly write: (
    method: "POST" | "PATCH" | "DELETE",
    path: string,
    json?: string
  ) => Effect.Effect<Uint8Array, ClaraError>
  /** One Spring page, records decoded one by one. */
  readonly fetchPage: <A, I>(
    path: string,
    params: Readonly<Record<string, string>>,
    schema: Schema.Schema<A, I, never>,
    size: number,
    page: number,
    options?: GetOptions
  ) => Effect.Effect<ClaraPage<A>, ClaraError>
  /** Every record from page `first` on, until the last page. */
  readonly pages: <A, I>(
    path: string,
    params: Readonly<Record<string, string>>,
    schema: Schema.Schema<A, I, never>,
    size: number,
    first: number,
    options?: GetOptions
  ) => Stream.Stream<ClaraItem<A>, ClaraError>
  /** GET an absolute URL as is (no token, no Clara headers, not traced), under the read retry rule. */
  readonly getUntraced: (url: string, ctx: CallContext) => Effect.Effect<Uint8Array, ClaraError>
  /** The URL-encoded path segment of a uuid, or a client-side `ClaraBadRequestError` when it is blank. */
  readonly pathSegment: (uuid: string, endpoint: string) => Either.Either<string, ClaraBadRequestError>
}

/** Fails with a client-side `ClaraBadRequestError` unless `page` is a zero-based page number. */
export const checkPage = (page: number, endpoint: string): Either.Either<number, ClaraBadRequestError> =>
  Number.isInteger(page) && page >= 0
    ? Either.right(page)
    : Either.left(
      new ClaraBadRequestError({
        endpoint,
        field: "page",
        claraMessage: `must be a zero-based page number, got ${page}`
      })
    )

const pathSegment = (uuid: string, endpoint: string): Either.Either<string, ClaraBadRequestError> =>
  uuid.trim() === ""
    ? Either.left(new ClaraBadRequestError({ endpoint, field: "uuid", claraMessage: "must not be empty" }))
    : Either.right(encodeURIComponent(uuid))

/** Builds the request core over `http` (which carries the mutual TLS). */
export const makeClaraCall = (settings: ClaraSettings, http: HttpClient.HttpClient): Effect.Effect<ClaraCall> =>
  Effect.gen(function*() {
    const semaphore = yield* Effect.makeSemaphore(settings.maxConcurrency)
    const send = makeSend(http, semaphore, settings)
    const sendUntraced = makeSend(HttpClient.withTracerDisabledWhen(http, () => true), semaphore, settings)
    const writeTimeout = Duration.max(settings.requestTimeout, WRITE_TIMEOUT)
    const sendWrite = makeSend(http, semaphore, { ...settings, requestTimeout: writeTimeout }, "write")

    const tokenCtx: CallContext = { endpoint: "POST /oauth/token" }
    const tokens = yield* makeTokenCache({
      skew: settings.tokenSkew,
      fetch: send(
        HttpClientRequest.post(`${settings.baseUrl}/oauth/token`).pipe(
          HttpClientRequest.basicAuth(settings.clientId, settings.clientSecret),
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials" })
        ),
        tokenCtx
      ).pipe(
        Effect.flatMap((body) => parseJson(body, { ...tokenCtx, sensitive: true })),
        Effect.flatMap((json) => decodeWith(TokenResponse, json, { ...tokenCtx, sensitive: true })),
        Effect.map((token) => ({
          token: Redacted.make(token.access_token),
          expiresInSeconds: token.expires_in ?? 3600
        }))
      )
    })

    const endpointOf = (method: string, path: string) => `${method} ${settings.basePath}${path}`
    const headers = settings.taxIdentifier === undefined ? {} : { "X-Tax-Identifier": settings.taxIdentifier }

    /** Sends with the bearer token; a 401 drops the token and sends once more with a new one. */
    const authorized = (
      request: HttpClientRequest.HttpClientRequest,
      ctx: CallContext,
      via: typeof send
    ): Effect.Effect<Uint8Array, ClaraError> => {
      const sendWith = (token: Redacted.Redacted<string>) => via(HttpClientRequest.bearerToken(request, token), ctx)
      return Effect.flatMap(tokens.get, (token) =>
        Effect.catchTag(
          sendWith(token),
          "ClaraUnauthorizedError",
          () => Effect.zipRight(tokens.invalidate(token), Effect.flatMap(tokens.get, sendWith))
        ))
    }

    const getJson = (path: string, params: Readonly<Record<string, string>>, options: GetOptions = {}) => {
      const ctx: CallContext = { endpoint: endpointOf("GET", path), record: options.record }
      const request = HttpClientRequest.get(`${settings.baseUrl}${settings.basePath}${path}`, {
        urlParams: params,
        acceptJson: true,
        headers
      })
      return authorized(request, ctx, send).pipe(
        Effect.flatMap((body) => parseJson(body, { ...ctx, sensitive: options.sensitive === true })),
        Effect.map(stripSensitive)
      )
    }

    const write = (method: "POST" | "PATCH" | "DELETE", path: string, json?: string) => {
      const url = `${settings.baseUrl}${settings.basePath}${path}`
      const request = HttpClientRequest.make(method)(url, { acceptJson: true, headers }).pipe(
        (r) => json === undefined ? r : HttpClientRequest.bodyText(r, json, "application/json")
      )
      return authorized(request, { endpoint: endpointOf(method, path) }, sendWrite)
    }

    const fetchPage = <A, I>(
      path: string,
      params: Readonly<Record<string, string>>,
      schema: Schema.Schema<A, I, never>,
      size: number,
      page: number,
      options: GetOptions = {}
    ): Effect.Effect<ClaraPage<A>, ClaraError> => {
      const record = `page ${page}`
      const endpoint = endpointOf("GET", path)
      return getJson(path, { ...params, page: String(page), size: String(size) }, { ...options, record }).pipe(
        Effect.flatMap((json) => decodeWith(RawSpringPage, json, { endpoint, record })),
        Effect.map((raw) => {
          const served = Math.min(raw.size ?? size, size)
          return {
            number: raw.number ?? page,
            size: served,
            totalPages: raw.totalPages,
            totalElements: raw.totalElements,
            items: decodeItems(schema, raw.content, { endpoint, where: record, field: "content" }),
            hasNext: hasNextPage(raw, served)
          }
        })
      )
    }

    const pages = <A, I>(
      path: string,
      params: Readonly<Record<string, string>>,
      schema: Schema.Schema<A, I, never>,
      size: number,
      first: number,
      options: GetOptions = {}
    ): Stream.Stream<ClaraItem<A>, ClaraError> =>
      Stream.paginateChunkEffect(first, (page) =>
        Effect.map(fetchPage(path, params, schema, size, page, options), (result) =>
          [Chunk.fromIterable(result.items), result.hasNext ? Option.some(page + 1) : Option.none()] as const))

    const getUntraced = (url: string, ctx: CallContext) => sendUntraced(HttpClientRequest.get(url), ctx)

    return { endpointOf, getJson, write, fetchPage, pages, getUntraced, pathSegment }
  })
