/**
 * The Clara API client service (clara-api.md §2.1, §5.1, §5.3, §5.7): the v3 reads the reconciliation job needs,
 * the card and user reads, and the writes (card lock and threshold, transaction comments and labels), over an injected
 * `HttpClient` (mutual TLS in production: `ClaraClient.layerMtls`).
 *
 * Operations are flat, named after their resource as the existing transaction reads are (`cards`, `cardsPage`, `card`,
 * `lockCard`, ...): a list is a `Stream` over every page plus a `...Page` one-page variant.
 *
 * Every call gets a bearer token from the shared token cache (refreshed once on a 401, then sent once more), `Accept:
 * application/json`, `X-Tax-Identifier` when configured, the per-request timeout and the in-flight limit. Reads are
 * retried on 429 / 502 / 503 / 504 / timeouts / closed connections with exponential backoff and jitter, honouring
 * `Retry-After` seconds; 500 once; never 400 / 401 / 403 / 404. Writes are never retried blindly: only when the
 * connection was refused (nothing was sent) or after a 401 (nothing was done); any other failure is returned, since
 * the server may have acted. Writes time out after at least 45 s (Clara's hybrid calls answer within 30 s). The
 * `Authorization` header is in the platform's redacted header names, so traces and logs never show it; card secrets
 * (`numberOnCard`, `cvv`) are removed from every body before decoding.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as BigDecimal from "effect/BigDecimal"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CardFilter } from "./CardFilter.js"
import { ClaraConfig } from "./ClaraConfig.js"
import { type ClaraConfigError, type ClaraError, ClaraBadRequestError } from "./ClaraError.js"
import { ClaraHttpLive } from "./ClaraHttp.js"
import type { ClaraItem } from "./ClaraItem.js"
import { type ClaraPage, checkPage, makeClaraCall } from "./internal/ClaraCall.js"
import { makeCards } from "./internal/cards.js"
import { decodeItems, decodeWith } from "./internal/decode.js"
import { makeTransactionWrites } from "./internal/transactionWrites.js"
import { makeUsers } from "./internal/users.js"
import { type TransactionFilter, transactionQuery } from "./TransactionFilter.js"
import type { UserFilter } from "./UserFilter.js"
import type { CardAsyncItem, CardV3 } from "./wire/CardV3.js"
import { ExtractedDocument } from "./wire/ExtractedDocument.js"
import { InvoiceV3, invoiceItems, TransactionInvoicesBody } from "./wire/InvoiceV3.js"
import { hasNextPage } from "./wire/Page.js"
import { TransactionResponseV3 } from "./wire/TransactionV3.js"
import type { TransactionCommentItem, TransactionLabelsItem } from "./wire/TransactionWrites.js"
import type { UserV3 } from "./wire/UserV3.js"

export type { ClaraPage } from "./internal/ClaraCall.js"

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
  /**
   * Sets a transaction's comment (`POST /api/v3/transactions/{uuid}/comment`, 201). A write: see the retry rule
   * above. A blank comment fails with `ClaraBadRequestError` before any request; an unknown uuid with
   * `ClaraNotFoundError`.
   */
  readonly commentTransaction: (uuid: string, comment: string) => Effect.Effect<void, ClaraError>
  /** Removes a transaction's comment (`DELETE /api/v3/transactions/{uuid}/comment`, 204). A write. */
  readonly deleteTransactionComment: (uuid: string) => Effect.Effect<void, ClaraError>
  /**
   * Sets the comments of many transactions in one request (`POST /api/v3/transactions/comments/bulk`). A write. An
   * empty list, a blank uuid or comment fails with `ClaraBadRequestError` naming the item (`transactions[3]`)
   * before any request. The response body is not documented and is ignored.
   */
  readonly commentTransactions: (items: ReadonlyArray<TransactionCommentItem>) => Effect.Effect<void, ClaraError>
  /**
   * Binds labels (by label uuid) to many transactions in one request (`POST /api/v3/transactions/labels/bulk`). A
   * write. An empty list, a blank uuid or an item with no label fails with `ClaraBadRequestError` naming the item
   * before any request. The response body is not documented and is ignored.
   */
  readonly labelTransactions: (items: ReadonlyArray<TransactionLabelsItem>) => Effect.Effect<void, ClaraError>
  /**
   * Every card matching `filter` from page `filter.page` (default 0) on (`GET /api/v3/cards`, size default 20).
   * `userUuid` together with `userErpId`, a blank filter or a size outside 1-100 fails with `ClaraBadRequestError`
   * before any request.
   */
  readonly cards: (filter?: CardFilter) => Stream.Stream<ClaraItem<CardV3>, ClaraError>
  /** Page `filter.page` (default 0) of `cards`. */
  readonly cardsPage: (filter?: CardFilter) => Effect.Effect<ClaraPage<CardV3>, ClaraError>
  /**
   * One card (`GET /api/v3/cards/{uuid}`), without the full PAN and CVV Clara sends (dropped before decoding);
   * `ClaraNotFoundError` when unknown.
   */
  readonly card: (uuid: string) => Effect.Effect<CardV3, ClaraError>
  /**
   * Locks or unlocks a card (`PATCH /api/v3/cards/{uuid}/lock`, `{locked, lockCode: 16}`, 202). `lockCode` defaults
   * to 16, the only code the API may set; any other fails with `ClaraBadRequestError` before any request. A write.
   */
  readonly lockCard: (
    uuid: string,
    request: { readonly locked: boolean; readonly lockCode?: number }
  ) => Effect.Effect<CardAsyncItem, ClaraError>
  /**
   * Changes a card's spending limit (`PATCH /api/v3/cards/{uuid}/threshold`), in the account currency's units; a
   * non-positive amount or one with more than 2 decimals fails with `ClaraBadRequestError` before any request. The
   * answer's `status` is `UPDATED` when Clara finished within 30 s, else poll `card` (§5.3). Over the company credit
   * line: `ClaraBadRequestError` 422 `B013`. A write.
   */
  readonly updateCardThreshold: (
    uuid: string,
    threshold: BigDecimal.BigDecimal
  ) => Effect.Effect<CardAsyncItem, ClaraError>
  /** Every user matching `filter` from page `filter.page` (default 0) on (`GET /api/v3/users`, size default 50). */
  readonly users: (filter?: UserFilter) => Stream.Stream<ClaraItem<UserV3>, ClaraError>
  /** Page `filter.page` (default 0) of `users`. */
  readonly usersPage: (filter?: UserFilter) => Effect.Effect<ClaraPage<UserV3>, ClaraError>
  /** One user (`GET /api/v3/users/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly user: (uuid: string) => Effect.Effect<UserV3, ClaraError>
}

/** Extracted documents page size (the documented default; the maximum is not documented). */
const EXTRACTED_PAGE_SIZE = 20

/** Builds the client from `ClaraConfig` and an `HttpClient` (which carries the mutual TLS). */
export const makeClaraClient: Effect.Effect<ClaraClientService, never, ClaraConfig | HttpClient.HttpClient> = Effect
  .gen(function*() {
    const settings = yield* ClaraConfig
    const call = yield* makeClaraCall(settings, yield* HttpClient.HttpClient)
    const get = (path: string) => call.endpointOf("GET", path)

    const transactionsPage = (filter: TransactionFilter, page: number) =>
      Effect.flatMap(
        Either.flatMap(
          transactionQuery(filter, get("/v3/transactions")),
          (query) => Either.map(checkPage(page, get("/v3/transactions")), () => query)
        ),
        ({ params, size }) => call.fetchPage("/v3/transactions", params, TransactionResponseV3, size, page)
      ).pipe(Effect.withSpan("ClaraClient.transactionsPage", { attributes: { page } }))

    const transactions = (filter: TransactionFilter = {}) =>
      Stream.unwrap(
        Effect.map(
          transactionQuery(filter, get("/v3/transactions")),
          ({ params, size }) => call.pages("/v3/transactions", params, TransactionResponseV3, size, 0)
        )
      )

    const one = <A, I>(template: string, uuid: string, schema: Schema.Schema<A, I, never>) =>
      Effect.flatMap(call.pathSegment(uuid, get(template)), (id) => {
        const path = template.replace("{uuid}", id)
        return Effect.flatMap(call.getJson(path, {}), (json) => decodeWith(schema, json, { endpoint: get(path) }))
      })

    const transaction = (uuid: string) =>
      one("/v3/transactions/{uuid}", uuid, TransactionResponseV3).pipe(Effect.withSpan("ClaraClient.transaction"))

    const transactionInvoices = (uuid: string) =>
      one("/v3/transactions/{uuid}/invoices", uuid, TransactionInvoicesBody).pipe(
        Effect.flatMap((body): Effect.Effect<ReadonlyArray<ClaraItem<InvoiceV3>>, ClaraError> => {
          const path = `/v3/transactions/${encodeURIComponent(uuid)}/invoices`
          const field = "invoices" in body ? "invoices" : "content"
          const first = decodeItems(InvoiceV3, invoiceItems(body), { endpoint: get(path), where: "page 0", field })
          if ("invoices" in body) return Effect.succeed(first)
          const size = body.size ?? body.content.length
          if (!hasNextPage(body, size)) return Effect.succeed(first)
          return Effect.map(
            Stream.runCollect(call.pages(path, {}, InvoiceV3, size, (body.number ?? 0) + 1)),
            (rest) => [...first, ...rest]
          )
        }),
        Effect.withSpan("ClaraClient.transactionInvoices")
      )

    const extractedDocuments = (uuid: string) =>
      Stream.unwrap(
        Effect.map(
          call.pathSegment(uuid, get("/v3/transactions/{uuid}/extracted-documents")),
          (id) =>
            call.pages(`/v3/transactions/${id}/extracted-documents`, {}, ExtractedDocument, EXTRACTED_PAGE_SIZE, 0)
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
      return call.getUntraced(url, { endpoint: `GET ${parsed.origin}${parsed.pathname}` })
    }

    return {
      transactions,
      transactionsPage,
      transaction,
      transactionInvoices,
      extractedDocuments,
      download,
      ...makeTransactionWrites(call),
      ...makeCards(call),
      ...makeUsers(call)
    }
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
