/**
 * The Clara API client service (clara-api.md §2, §5.1, §5.3, §5.7), grouped by resource: `client.transactions`,
 * `client.cards`, `client.users`, ... (each group's interface lives in `resources/<Resource>.ts`), plus `download` for
 * pre-signed links. Runs over an injected `HttpClient` (mutual TLS in production: `ClaraClient.layerMtls`).
 *
 * In every group a list is a `Stream` over every page (`list`) with a one-page variant (`page`), and one record is
 * `get`. Every call gets a bearer token from the shared token cache (refreshed once on a 401, then sent once more),
 * `Accept: application/json`, `X-Tax-Identifier` when configured, the per-request timeout and the in-flight limit.
 * Reads are retried on 429 / 502 / 503 / 504 / timeouts / closed connections with exponential backoff and jitter,
 * honouring `Retry-After` seconds; 500 once; never 400 / 401 / 403 / 404. Writes are never retried blindly: only when
 * the connection was refused (nothing was sent) or after a 401 (nothing was done); any other failure is returned,
 * since the server may have acted. Writes time out after at least 45 s (Clara's hybrid calls answer within 30 s). The
 * `Authorization` header is in the platform's redacted header names, so traces and logs never show it; card secrets
 * (`numberOnCard`, `cvv`) are removed from every body before decoding.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ClaraConfig } from "./ClaraConfig.js"
import { type ClaraConfigError, type ClaraError, ClaraBadRequestError } from "./ClaraError.js"
import { ClaraHttpLive } from "./ClaraHttp.js"
import { makeClaraCall } from "./internal/ClaraCall.js"
import { type CardsApi, makeCards } from "./resources/Cards.js"
import { makeTransactions, type TransactionsApi } from "./resources/Transactions.js"
import { makeUsers, type UsersApi } from "./resources/Users.js"

export type { ClaraPage } from "./internal/ClaraCall.js"
export type { CardsApi } from "./resources/Cards.js"
export type { TransactionsApi } from "./resources/Transactions.js"
export type { UsersApi } from "./resources/Users.js"

/** The Clara API operations, grouped by resource. */
export interface ClaraClientService {
  /** v3 transactions: list, one, invoices, extracted documents, comments and labels. */
  readonly transactions: TransactionsApi
  /** v3 cards: list, one, lock, threshold. */
  readonly cards: CardsApi
  /** v3 users: list, one. */
  readonly users: UsersApi
  /**
   * The bytes behind a pre-signed link (attachments, CFDI XML; valid 12 h): an absolute http(s) URL fetched as is,
   * without the bearer token or Clara headers, over the same transport. Not traced (the query is a signature).
   * A relative or non-http URL fails with `ClaraBadRequestError` before any request.
   */
  readonly download: (url: string) => Effect.Effect<Uint8Array, ClaraError>
}

/** Builds the client from `ClaraConfig` and an `HttpClient` (which carries the mutual TLS). */
export const makeClaraClient: Effect.Effect<ClaraClientService, never, ClaraConfig | HttpClient.HttpClient> = Effect
  .gen(function*() {
    const settings = yield* ClaraConfig
    const call = yield* makeClaraCall(settings, yield* HttpClient.HttpClient)

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
      transactions: makeTransactions(call),
      cards: makeCards(call),
      users: makeUsers(call),
      download
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
