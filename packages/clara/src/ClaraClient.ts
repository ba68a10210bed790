/**
 * The Clara API client service (clara-api.md §2.1, §5.1, §5.7): the v3 reads the reconciliation job needs, over an
 * injected `HttpClient` (mutual TLS in production: `ClaraClient.layerMtls`).
 *
 * Every call gets a bearer token from the shared token cache (refreshed once on a 401, then retried once), `Accept:
 * application/json`, `X-Tax-Identifier` when configured, the per-request timeout, the in-flight limit and the retry
 * policy (429 / 502 / 503 / 504 / timeouts / closed connections with exponential backoff and jitter, honouring
 * `Retry-After` seconds; 500 once; never 400 / 401 / 403 / 404). The `Authorization` header is in the platform's
 * redacted header names, so traces and logs never show it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { ClaraConfig } from "./ClaraConfig.js"
import { type ClaraConfigError, type ClaraError, ClaraBadRequestError } from "./ClaraError.js"
import { ClaraHttpLive } from "./ClaraHttp.js"
import type { ClaraItem } from "./ClaraItem.js"
import type { CallContext } from "./internal/classify.js"
import { decodeItems, decodeWith, parseJson } from "./internal/decode.js"
import { makeSend } from "./internal/send.js"
import { makeTokenCache } from "./TokenCache.js"
import { type TransactionFilter, transactionQuery } from "./TransactionFilter.js"
import { ExtractedDocument } from "./wire/ExtractedDocument.js"
import { InvoiceV3, invoiceItems, TransactionInvoicesBody } from "./wire/InvoiceV3.js"
import { TokenResponse } from "./wire/OAuth.js"
import { hasNextPage, RawSpringPage } from "./wire/Page.js"
import { TransactionResponseV3 } from "./wire/TransactionV3.js"

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

/** The Clara API operations. Failures are `ClaraError`s; a bad record is an "Invalid" `ClaraItem`, not a failure. */
export interface ClaraClientService {
  /**
   * Every transaction matching `filter`, page after page (`GET /api/v3/transactions`, `pageSize` default 100), until
   * the last page (`number == totalPages - 1`, `last`, a short page, or an empty page). A filter with a bad date or a
   * page size outside 1-100 fails with `ClaraBadRequestError` before any request.
   */
  readonly transactions: (filter?: TransactionFilter) => Stream.Stream<ClaraItem<TransactionResponseV3>, ClaraError>
  /** One zero-based page of `transactions`. */
  readonly transactionsPage: (
    filter: TransactionFilter,
    page: number
  ) => Effect.Effect<ClaraPage<TransactionResponseV3>, ClaraError>
  /** One transaction (`GET /api/v3/transactions/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly transaction: (uuid: string) => Effect.Effect<TransactionResponseV3, ClaraError>
  /**
   * The CFDI invoices Clara holds for a transaction (`GET /api/v3/transactions/{uuid}/invoices`, Mexico only), from
   * either documented response shape: `{transactionUuid, invoices}` or a Spring page (all its pages).
   */
  readonly transactionInvoices: (uuid: string) => Effect.Effect<ReadonlyArray<ClaraItem<InvoiceV3>>, ClaraError>
  /** Documents Clara extracted from a transaction's receipts (`GET .../extracted-documents`, Spring pages of 20). */
  readonly extractedDocuments: (uuid: string) => Stream.Stream<ClaraItem<ExtractedDocument>, ClaraError>
  /**
   * The bytes behind a pre-signed link (attachments, CFDI XML; valid 12 h): an absolute http(s) URL fetched as is,
   * without the bearer token or Clara headers, over the same transport. Not traced (the query is a signature).
   */
  readonly download: (url: string) => Effect.Effect<Uint8Array, ClaraError>
}

/** Extracted documents page size (the documented default; the maximum is not documented). */
const EXTRACTED_PAGE_SIZE = 20

const pathSegment = (uuid: string, endpoint: string): Either.Either<string, ClaraBadRequestError> =>
  uuid.trim() === ""
    ? Either.left(new ClaraBadRequestError({ endpoint, field: "uuid", claraMessage: "must not be empty" }))
    : Either.right(encodeURIComponent(uuid))

/** Builds the client from `ClaraConfig` and an `HttpClient` (which carries the mutual TLS). */
export const makeClaraClient: Effect.Effect<ClaraClientService, never, ClaraConfig | HttpClient.HttpClient> = Effect
  .gen(function*() {
    const settings = yield* ClaraConfig
    const http = yield* HttpClient.HttpClient
    const semaphore = yield* Effect.makeSemaphore(settings.maxConcurrency)
    const send = makeSend(http, semaphore, settings)
    const sendUntraced = makeSend(HttpClient.withTracerDisabledWhen(http, () => true), semaphore, settings)

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

    const endpointOf = (path: string) => `GET ${settings.basePath}${path}`

    /** GET `{baseUrl}{basePath}{path}` with the bearer token; a 401 drops the token and retries once with a new one. */
    const getJson = (path: string, params: Readonly<Record<string, string>>, record?: string) => {
      const ctx: CallContext = { endpoint: endpointOf(path), record }
      const request = HttpClientRequest.get(`${settings.baseUrl}${settings.basePath}${path}`, {
        urlParams: params,
        acceptJson: true,
        ...(settings.taxIdentifier === undefined ? {} : { headers: { "X-Tax-Identifier": settings.taxIdentifier } })
      })
      const sendWith = (token: Redacted.Redacted<string>) => send(HttpClientRequest.bearerToken(request, token), ctx)
      return tokens.get.pipe(
        Effect.flatMap((token) =>
          Effect.catchTag(
            sendWith(token),
            "ClaraUnauthorizedError",
            () => Effect.zipRight(tokens.invalidate(token), Effect.flatMap(tokens.get, sendWith))
          )
        ),
        Effect.flatMap((body) => parseJson(body, ctx))
      )
    }

    const fetchPage = <A, I>(
      path: string,
      params: Readonly<Record<string, string>>,
      schema: Schema.Schema<A, I, never>,
      size: number,
      page: number
    ): Effect.Effect<ClaraPage<A>, ClaraError> => {
      const record = `page ${page}`
      return getJson(path, { ...params, page: String(page), size: String(size) }, record).pipe(
        Effect.flatMap((json) => decodeWith(RawSpringPage, json, { endpoint: endpointOf(path), record })),
        Effect.map((raw) => {
          const served = Math.min(raw.size ?? size, size)
          return {
            number: raw.number ?? page,
            size: served,
            totalPages: raw.totalPages,
            totalElements: raw.totalElements,
            items: decodeItems(schema, raw.content, { endpoint: endpointOf(path), where: record, field: "content" }),
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
      first: number
    ): Stream.Stream<ClaraItem<A>, ClaraError> =>
      Stream.paginateChunkEffect(first, (page) =>
        Effect.map(fetchPage(path, params, schema, size, page), (result) =>
          [Chunk.fromIterable(result.items), result.hasNext ? Option.some(page + 1) : Option.none()] as const))

    const transactionsPage = (filter: TransactionFilter, page: number) =>
      Effect.flatMap(
        transactionQuery(filter, endpointOf("/v3/transactions")).pipe(
          Either.filterOrLeft(
            () => Number.isInteger(page) && page >= 0,
            () =>
              new ClaraBadRequestError({
                endpoint: endpointOf("/v3/transactions"),
                field: "page",
                claraMessage: `must be a zero-based page number, got ${page}`
              })
          )
        ),
        ({ params, size }) => fetchPage("/v3/transactions", params, TransactionResponseV3, size, page)
      ).pipe(Effect.withSpan("ClaraClient.transactionsPage", { attributes: { page } }))

    const transactions = (filter: TransactionFilter = {}) =>
      Stream.unwrap(
        Effect.map(
          transactionQuery(filter, endpointOf("/v3/transactions")),
          ({ params, size }) => pages("/v3/transactions", params, TransactionResponseV3, size, 0)
        )
      )

    const transaction = (uuid: string) =>
      Effect.flatMap(pathSegment(uuid, endpointOf("/v3/transactions/{uuid}")), (id) => {
        const path = `/v3/transactions/${id}`
        return Effect.flatMap(
          getJson(path, {}),
          (json) => decodeWith(TransactionResponseV3, json, { endpoint: endpointOf(path) })
        )
      }).pipe(Effect.withSpan("ClaraClient.transaction"))

    const transactionInvoices = (uuid: string) =>
      Effect.flatMap(pathSegment(uuid, endpointOf("/v3/transactions/{uuid}/invoices")), (id) => {
        const path = `/v3/transactions/${id}/invoices`
        const endpoint = endpointOf(path)
        return getJson(path, {}).pipe(
          Effect.flatMap((json) => decodeWith(TransactionInvoicesBody, json, { endpoint })),
          Effect.flatMap((body): Effect.Effect<ReadonlyArray<ClaraItem<InvoiceV3>>, ClaraError> => {
            const field = "invoices" in body ? "invoices" : "content"
            const first = decodeItems(InvoiceV3, invoiceItems(body), { endpoint, where: "page 0", field })
            if ("invoices" in body) return Effect.succeed(first)
            const size = body.size ?? body.content.length
            if (!hasNextPage(body, size)) return Effect.succeed(first)
            return Effect.map(
              Stream.runCollect(pages(path, {}, InvoiceV3, size, (body.number ?? 0) + 1)),
              (rest) => [...first, ...rest]
            )
          })
        )
      }).pipe(Effect.withSpan("ClaraClient.transactionInvoices"))

    const extractedDocuments = (uuid: string) =>
      Stream.unwrap(
        Effect.map(
          pathSegment(uuid, endpointOf("/v3/transactions/{uuid}/extracted-documents")),
          (id) => pages(`/v3/transactions/${id}/extracted-documents`, {}, ExtractedDocument, EXTRACTED_PAGE_SIZE, 0)
        )
      )

    const download = (url: string) => {
      const parsed = URL.canParse(url) ? new URL(url) : undefined
      if (parsed === undefined || !/^https?:$/.test(parsed.protocol)) {
        return Effect.fail(
          new ClaraBadRequestError({
            endpoint: "GET (download)",
            field: "url",
            claraMessage: "must be an absolute http(s) URL"
          })
        )
      }
      return sendUntraced(HttpClientRequest.get(url), { endpoint: `GET ${parsed.origin}${parsed.pathname}` })
    }

    return { transactions, transactionsPage, transaction, transactionInvoices, extractedDocuments, download }
  })

/** The Clara client service. */
export class ClaraClient extends Context.Tag("@clara-recon/clara/ClaraClient")<ClaraClient, ClaraClientService>() {
  /** The client over whatever `HttpClient` is provided (a fake in tests). */
  static readonly layer: Layer.Layer<ClaraClient, never, ClaraConfig | HttpClient.HttpClient> = Layer.effect(
    ClaraClient,
    makeClaraClient
  )
  /** The client over mutual TLS with the certificate files named in `ClaraConfig`. */
  static readonly layerMtls: Layer.Layer<ClaraClient, ClaraConfigError, ClaraConfig | FileSystem.FileSystem> = Layer
    .provide(ClaraClient.layer, ClaraHttpLive)
}
