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
import * as Deferred from "effect/Deferred"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as RateLimiter from "effect/RateLimiter"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ClaraSettings } from "../ClaraConfig.js"
import { type ClaraError, ClaraBadRequestError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { makeTokenCache } from "../TokenCache.js"
import { TokenResponse } from "../wire/OAuth.js"
import { hasNextPage, RawSpringPage } from "../wire/Page.js"
import type { CallContext } from "./classify.js"
import { decodeItems, decodeWith, parseJson, parseJsonClean } from "./decode.js"
import { type Gate, makeSend } from "./send.js"

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

/**
 * Options of a list stream: `concurrency` pages fetched ahead in parallel (default: the client's `maxConcurrency`).
 * With `speculative`, the first `concurrency` pages are requested at once instead of after the first answer gives
 * `totalPages`: a round trip less on a long list, at the price of up to `concurrency - 1` requests answered with an
 * empty page on a list shorter than that. For lists that are long as a rule (the transaction lists).
 */
export interface PagesOptions extends GetOptions {
  readonly concurrency?: number
  readonly speculative?: boolean
  /** Sees every page read, in page order, before its items are emitted. */
  readonly onPage?: (page: ClaraPage<unknown>) => void
}

/** HTTP methods of writes. `PUT` only where Clara's docs name it (v2 group update, configurable). */
export type WriteMethod = "POST" | "PUT" | "PATCH" | "DELETE"

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
  /** GET `path` decoded with `schema`; the first bad field gives a `ClaraDecodeError` with its path and a sample. */
  readonly getDecoded: <A, I>(
    path: string,
    params: Readonly<Record<string, string>>,
    schema: Schema.Schema<A, I, never>,
    options?: GetOptions
  ) => Effect.Effect<A, ClaraError>
  /** A write with an optional JSON body (text), under the write retry rule; the response body bytes. */
  readonly write: (
    method: WriteMethod,
    path: string,
    json?: string
  ) => Effect.Effect<Uint8Array, ClaraError>
  /** `write`, then the answer decoded with `schema` (card secrets removed first). */
  readonly writeDecoded: <A, I>(
    method: WriteMethod,
    path: string,
    json: string | undefined,
    schema: Schema.Schema<A, I, never>,
    options?: GetOptions
  ) => Effect.Effect<A, ClaraError>
  /**
   * `write` whose answer is not needed (deletes: 200, 202 or 204 with or without a body, clara-api.md §7 #21).
   */
  readonly writeVoid: (method: WriteMethod, path: string, json?: string) => Effect.Effect<void, ClaraError>
  /**
   * One page of a list, records decoded one by one. Accepts a Spring page, or a bare JSON array (the v1/v2 lists
   * documented as `X[]`), which is taken as the whole, unpaged list (`hasNext` false).
   */
  readonly fetchPage: <A, I>(
    path: string,
    params: Readonly<Record<string, string>>,
    schema: Schema.Schema<A, I, never>,
    size: number,
    page: number,
    options?: GetOptions
  ) => Effect.Effect<ClaraPage<A>, ClaraError>
  /**
   * Every record from page `first` on, in order, until the last page (stop rules of `hasNextPage`). Once the first
   * page gives `totalPages` (from the start with `options.speculative`), up to `options.concurrency` of the following
   * pages are fetched ahead in parallel; a short or empty page still ends the stream (pages fetched ahead beyond it
   * are dropped).
   */
  readonly pages: <A, I>(
    path: string,
    params: Readonly<Record<string, string>>,
    schema: Schema.Schema<A, I, never>,
    size: number,
    first: number,
    options?: PagesOptions
  ) => Stream.Stream<ClaraItem<A>, ClaraError>
  /** GET an absolute URL as is (no token, no Clara headers, not traced), under the read retry rule. */
  readonly getUntraced: (url: string, ctx: CallContext) => Effect.Effect<Uint8Array, ClaraError>
  /** The URL-encoded path segment of a uuid, or a client-side `ClaraBadRequestError` when it is blank. */
  readonly pathSegment: (uuid: string, endpoint: string) => Either.Either<string, ClaraBadRequestError>
  /**
   * The same core (token cache, in-flight and rate limits shared) sending `X-Tax-Identifier: taxIdentifier` on every
   * API call, to act for another entity of a multi-entity project (clara-api.md §1.3, §7 #20). A blank value makes
   * every call fail with `ClaraBadRequestError` (field `taxIdentifier`) before any request.
   */
  readonly withTaxIdentifier: (taxIdentifier: string) => ClaraCall
  /** The market of the host (`public-api.{mx|br|co}.clara.com`), or undefined for another base URL (emulator). */
  readonly country: "MX" | "BR" | "CO" | undefined
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

/** A token bucket of `perSecond` requests a second (a fractional rate widens the window: 2.5/s = 2 per 800 ms). */
const rateLimiter = (perSecond: number) => {
  const limit = Math.max(1, Math.floor(perSecond))
  return RateLimiter.make({ limit, interval: Duration.millis(Math.round((limit / perSecond) * 1000)) })
}

/**
 * Resumes two event-loop turns later (`setImmediate` twice). By then a request sent in reply to the body just received
 * is on the wire: undici writes a request on a reused keep-alive socket from a `setImmediate` of its own.
 */
const afterPendingIo = Effect.async<void>((resume) => {
  let handle = setImmediate(() => {
    handle = setImmediate(() => resume(Effect.void))
  })
  return Effect.sync(() => clearImmediate(handle))
})

/** A bare JSON array (a v1/v2 `X[]` list) or a Spring page, items undecoded. */
const RawList = Schema.Union(Schema.Array(Schema.Unknown), RawSpringPage)

/**
 * Builds the request core over `http` (which carries the mutual TLS). The scope holds the rate limiter (when
 * `settings.rateLimit` is set).
 */
export const makeClaraCall = (
  settings: ClaraSettings,
  http: HttpClient.HttpClient
): Effect.Effect<ClaraCall, never, Scope.Scope> =>
  Effect.gen(function*() {
    const semaphore = yield* Effect.makeSemaphore(settings.maxConcurrency)
    const gate: Gate = settings.rateLimit === undefined
      ? (effect) => effect
      : yield* rateLimiter(settings.rateLimit)
    const send = makeSend(http, semaphore, settings, { gate })
    const sendAhead = makeSend(http, semaphore, settings, { gate, yieldAfter: false })
    const untraced = HttpClient.withTracerDisabledWhen(http, () => true)
    const sendUntraced = makeSend(untraced, semaphore, settings, { gate })
    const writeTimeout = Duration.max(settings.requestTimeout, WRITE_TIMEOUT)
    const sendWrite = makeSend(http, semaphore, { ...settings, requestTimeout: writeTimeout }, { gate, mode: "write" })
    const defaultConcurrency = settings.maxConcurrency

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

    const market = /^https:\/\/public-api\.(mx|br|co)\.clara\.com$/i.exec(settings.baseUrl)?.[1]
    const country = market === undefined ? undefined : (market.toUpperCase() as "MX" | "BR" | "CO")
    const endpointOf = (method: string, path: string) => `${method} ${settings.basePath}${path}`
    const getUntraced = (url: string, ctx: CallContext) => sendUntraced(HttpClientRequest.get(url), ctx)

    /** The call surface for one `X-Tax-Identifier` (none: the client's configured one, if any). */
    const bound = (taxIdentifier: string | undefined): ClaraCall => {
      const headers: Record<string, string> = taxIdentifier === undefined
        ? {}
        : { "X-Tax-Identifier": taxIdentifier.trim() }
      const badTaxId = taxIdentifier !== undefined && taxIdentifier.trim() === ""

      /** Sends with the bearer token; a 401 drops the token and sends once more with a new one. */
      const authorized = (
        request: HttpClientRequest.HttpClientRequest,
        ctx: CallContext,
        via: typeof send
      ): Effect.Effect<Uint8Array, ClaraError> => {
        if (badTaxId) {
          return Effect.fail(
            new ClaraBadRequestError({ ...ctx, field: "taxIdentifier", claraMessage: "must not be blank" })
          )
        }
        const sendWith = (token: Redacted.Redacted<string>) => via(HttpClientRequest.bearerToken(request, token), ctx)
        return Effect.flatMap(tokens.get, (token) =>
          Effect.catchTag(
            sendWith(token),
            "ClaraUnauthorizedError",
            () => Effect.zipRight(tokens.invalidate(token), Effect.flatMap(tokens.get, sendWith))
          ))
      }

      /** GET `path`: the body bytes of a 2xx answer; `yieldAfter` as in `makeSend`. */
      const getBytes = (
        path: string,
        params: Readonly<Record<string, string>>,
        options: GetOptions,
        yieldAfter = true
      ) => {
        const ctx: CallContext = { endpoint: endpointOf("GET", path), record: options.record }
        const request = HttpClientRequest.get(`${settings.baseUrl}${settings.basePath}${path}`, {
          urlParams: params,
          acceptJson: true,
          headers
        })
        return authorized(request, ctx, yieldAfter ? send : sendAhead)
      }

      /** A body as JSON, card secrets removed. */
      const parseBody = (path: string, body: Uint8Array, options: GetOptions) =>
        parseJsonClean(body, {
          endpoint: endpointOf("GET", path),
          record: options.record,
          sensitive: options.sensitive === true
        })

      const getJson = (path: string, params: Readonly<Record<string, string>>, options: GetOptions = {}) =>
        Effect.flatMap(getBytes(path, params, options), (body) => parseBody(path, body, options))

      const getDecoded = <A, I>(
        path: string,
        params: Readonly<Record<string, string>>,
        schema: Schema.Schema<A, I, never>,
        options: GetOptions = {}
      ) =>
        Effect.flatMap(getJson(path, params, options), (json) =>
          decodeWith(schema, json, {
            endpoint: endpointOf("GET", path),
            record: options.record,
            sensitive: options.sensitive === true
          }))

      const write = (method: WriteMethod, path: string, json?: string) => {
        const url = `${settings.baseUrl}${settings.basePath}${path}`
        const request = HttpClientRequest.make(method)(url, { acceptJson: true, headers }).pipe(
          (r) => json === undefined ? r : HttpClientRequest.bodyText(r, json, "application/json")
        )
        return authorized(request, { endpoint: endpointOf(method, path) }, sendWrite)
      }

      const writeDecoded = <A, I>(
        method: WriteMethod,
        path: string,
        json: string | undefined,
        schema: Schema.Schema<A, I, never>,
        options: GetOptions = {}
      ) => {
        const ctx = {
          endpoint: endpointOf(method, path),
          record: options.record,
          sensitive: options.sensitive === true
        }
        return write(method, path, json).pipe(
          Effect.flatMap((body) => parseJsonClean(body, ctx)),
          Effect.flatMap((answer) => decodeWith(schema, answer, ctx))
        )
      }

      const writeVoid = (method: WriteMethod, path: string, json?: string) => Effect.asVoid(write(method, path, json))

      /** The options of page `page`'s request (the page named in errors). */
      const pageOptions = (page: number, options: GetOptions): GetOptions => ({ ...options, record: `page ${page}` })
      const pageParams = (params: Readonly<Record<string, string>>, size: number, page: number) => ({
        ...params,
        page: String(page),
        size: String(size)
      })

      /** A Spring page or a bare array (the whole, unpaged list) from its body, records decoded one by one. */
      const decodePage = <A, I>(
        path: string,
        schema: Schema.Schema<A, I, never>,
        size: number,
        page: number,
        body: Uint8Array,
        options: GetOptions
      ): Either.Either<ClaraPage<A>, ClaraError> => {
        const record = `page ${page}`
        const endpoint = endpointOf("GET", path)
        const list = Either.flatMap(
          parseBody(path, body, pageOptions(page, options)),
          (json) => decodeWith(RawList, json, { endpoint, record })
        )
        return Either.map(list, (raw): ClaraPage<A> => {
          if (Array.isArray(raw)) {
            const items = decodeItems(schema, raw as ReadonlyArray<unknown>, { endpoint, where: record, field: "" })
            return { number: page, size, totalPages: 1, totalElements: raw.length, items, hasNext: false }
          }
          const spring = raw as RawSpringPage
          const served = Math.min(spring.size ?? size, size)
          return {
            number: spring.number ?? page,
            size: served,
            totalPages: spring.totalPages,
            totalElements: spring.totalElements,
            items: decodeItems(schema, spring.content, { endpoint, where: record, field: "content" }),
            hasNext: hasNextPage(spring, served)
          }
        })
      }

      const fetchPage = <A, I>(
        path: string,
        params: Readonly<Record<string, string>>,
        schema: Schema.Schema<A, I, never>,
        size: number,
        page: number,
        options: GetOptions = {}
      ): Effect.Effect<ClaraPage<A>, ClaraError> =>
        Effect.flatMap(
          getBytes(path, pageParams(params, size, page), pageOptions(page, options)),
          (body) => decodePage(path, schema, size, page, body, options)
        )

      const pages = <A, I>(
        path: string,
        params: Readonly<Record<string, string>>,
        schema: Schema.Schema<A, I, never>,
        size: number,
        first: number,
        options: PagesOptions = {}
      ): Stream.Stream<ClaraItem<A>, ClaraError> => {
        const { concurrency = defaultConcurrency, onPage: notify, speculative = false, ...getOptions } = options
        const ahead = Math.max(1, concurrency)
        const one = (page: number) =>
          Effect.tap(
            fetchPage(path, params, schema, size, page, getOptions),
            (read) => Effect.sync(() => notify?.(read))
          )
        // a page's items array is never changed after decoding: the chunk shares it instead of copying it
        const chunkOf = (page: ClaraPage<A>) => Chunk.unsafeFromArray(page.items as Array<ClaraItem<A>>)
        const itemsOf = (page: ClaraPage<A>) => Stream.fromChunk(chunkOf(page))
        /** Pages one after another from `from` on. */
        const sequential = (from: number): Stream.Stream<ClaraItem<A>, ClaraError> =>
          Stream.paginateChunkEffect(from, (page) =>
            Effect.map(one(page), (result) =>
              [chunkOf(result), result.hasNext ? Option.some(page + 1) : Option.none()] as const))
        /**
         * Pages from `from` on, fetched ahead and decoded one by one in page order, as one pull. `ahead` fetch fibers
         * each loop: claim the next page, GET it, hand its body over, claim the next. The request for the next page
         * thus leaves from the fiber that just received a body, with no fiber hand-off in between, and the pull
         * decodes a body only after the event loop has turned (`afterPendingIo`), once that request is on the wire.
         * At most `2 * ahead` bodies are fetched and not yet read. Pages are claimed up to `to`, raised to
         * `totalPages - 1` by any page read that gives more. Ends after the first page with no next page (`onPage`
         * sees every page read); the fetches still running are interrupted when the stream ends. A single pull
         * instead of chained `mapEffect` stages: those kept each decoded page reachable through long-lived stream
         * state for a while, so page data survived young collections (about a third of it was promoted, a
         * millisecond of GC a page).
         */
        const readAhead = (from: number, to: number, onPage: (page: ClaraPage<A>) => void) =>
          Effect.gen(function*() {
            const scope = yield* Effect.scope
            // a permit per page claimed and not yet read by the pull
            const window = yield* Effect.makeSemaphore(2 * ahead)
            /** The bodies claimed, by page, resolved as they arrive. */
            const bodies = new Map<number, Deferred.Deferred<Uint8Array, ClaraError>>()
            const slot = (page: number) => {
              let deferred = bodies.get(page)
              if (deferred === undefined) {
                deferred = Deferred.unsafeMake<Uint8Array, ClaraError>(FiberId.none)
                bodies.set(page, deferred)
              }
              return deferred
            }
            let next = from
            let last = to
            let done = false
            /** Fetch fibers looping (a fiber stops when no page is left to claim). */
            let running = 0
            // no yield after a body (`makeSend`): this fiber's next request goes out before the pull decodes
            const worker: Effect.Effect<void> = Effect.zipRight(
              window.take(1),
              Effect.suspend(() => {
                if (done || next > last) {
                  running -= 1
                  return window.release(1)
                }
                const page = next++
                return Effect.flatMap(
                  Effect.exit(getBytes(path, pageParams(params, size, page), pageOptions(page, getOptions), false)),
                  (exit) => Effect.zipRight(Deferred.done(slot(page), exit), worker)
                )
              })
            )
            /** Brings the fetch fibers back up to `ahead`. */
            const startWorkers = Effect.suspend(() => {
              const missing = ahead - running
              if (missing <= 0) return Effect.void
              running += missing
              return Effect.forkIn(
                Effect.all(Array.from({ length: missing }, () => worker), { concurrency: "unbounded", discard: true }),
                scope
              )
            })
            let read = from
            const pull: Effect.Effect<Chunk.Chunk<ClaraItem<A>>, Option.Option<ClaraError>> = Effect.suspend(() => {
              if (done || read > last) return Effect.fail(Option.none())
              const page = read++
              return Deferred.await(slot(page)).pipe(
                Effect.zipLeft(afterPendingIo),
                Effect.flatMap((body) => {
                  bodies.delete(page)
                  return decodePage(path, schema, size, page, body, getOptions)
                }),
                Effect.mapError(Option.some),
                Effect.flatMap((decoded) => {
                  onPage(decoded)
                  notify?.(decoded)
                  const items = Effect.as(window.release(1), chunkOf(decoded))
                  if (!decoded.hasNext) done = true
                  else if (decoded.totalPages !== undefined && decoded.totalPages - 1 > last) {
                    // more pages than claimed so far (a speculative start, or the list grew while it was read)
                    last = decoded.totalPages - 1
                    return Effect.zipLeft(items, startWorkers)
                  }
                  return items
                })
              )
            })
            yield* startWorkers
            return pull
          })
        /** Pages `from` to at least `to` read ahead, then one at a time while the last page read has a next. */
        const readFrom = (from: number, to: number) => {
          let last: ClaraPage<A> | undefined
          const fetched = Stream.fromPull(readAhead(from, to, (page) => (last = page)))
          // the server gave no page count: carry on one page at a time after the pages claimed
          const tail = Stream.suspend(() => last?.hasNext === true ? sequential(last.number + 1) : Stream.empty)
          return Stream.concat(fetched, tail)
        }

        if (speculative && ahead > 1) return readFrom(first, first + ahead - 1)
        return Stream.unwrap(Effect.map(one(first), (head) => {
          if (!head.hasNext) return itemsOf(head)
          const known = head.totalPages
          if (known === undefined || known <= first + 1) return Stream.concat(itemsOf(head), sequential(first + 1))
          return Stream.concat(itemsOf(head), readFrom(first + 1, known - 1))
        }))
      }

      return {
        endpointOf,
        getJson,
        getDecoded,
        write,
        writeDecoded,
        writeVoid,
        fetchPage,
        pages,
        getUntraced,
        pathSegment,
        withTaxIdentifier: (other) => bound(other),
        country
      }
    }

    return bound(settings.taxIdentifier)
  })
