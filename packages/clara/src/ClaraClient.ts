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
import type * as Scope from "effect/Scope"
import { ClaraConfig } from "./ClaraConfig.js"
import { type ClaraConfigError, type ClaraError, ClaraBadRequestError } from "./ClaraError.js"
import { ClaraHttpLive } from "./ClaraHttp.js"
import { type ClaraCall, makeClaraCall } from "./internal/ClaraCall.js"
import { type CardsApi, makeCards } from "./resources/Cards.js"
import { type AttachmentsApi, makeAttachments } from "./resources/Attachments.js"
import { type BillingStatementsApi, makeBillingStatements } from "./resources/BillingStatements.js"
import { type CardBulkApi, type CardRequestsApi, makeCardBulk, makeCardRequests } from "./resources/CardBulk.js"
import { type DigitalAccountsApi, makeDigitalAccounts } from "./resources/DigitalAccounts.js"
import { type InvoicesApi, makeInvoices } from "./resources/Invoices.js"
import { type LogsApi, makeLogs } from "./resources/Logs.js"
import { makePayments, type PaymentsApi } from "./resources/Payments.js"
import { makeReimbursements, type ReimbursementsApi } from "./resources/Reimbursements.js"
import { makeSubscribers, type SubscribersApi } from "./resources/Subscribers.js"
import { makeTransactions, type TransactionsApi } from "./resources/Transactions.js"
import { makeUsers, type UsersApi } from "./resources/Users.js"
import { makeV1, type V1Api } from "./resources/V1.js"
import { makeV2, type V2Api } from "./resources/V2.js"

export type { ClaraPage } from "./internal/ClaraCall.js"
export type { CardsApi } from "./resources/Cards.js"
export type { TransactionsApi } from "./resources/Transactions.js"
export type { UsersApi } from "./resources/Users.js"
export type * from "./resources/Attachments.js"
export type * from "./resources/BillingStatements.js"
export type * from "./resources/CardBulk.js"
export type * from "./resources/DigitalAccounts.js"
export type * from "./resources/Invoices.js"
export type * from "./resources/ListShapes.js"
export type * from "./resources/Logs.js"
export type * from "./resources/Payments.js"
export type * from "./resources/Reimbursements.js"
export type * from "./resources/Subscribers.js"
export type * from "./resources/V1.js"
export type * from "./resources/V2.js"
export type { CardConfigurationsV2, CardConfigurationWrites } from "./resources/CardConfigurations.js"
export type { CreateCardInput } from "./resources/Cards.js"

/** The Clara API operations, grouped by resource. */
export interface ClaraClientService {
  /** v3 transactions: list, one, invoices, extracted documents, comments and labels. */
  readonly transactions: TransactionsApi
  /** v3 cards: list, one, lock, threshold, create one, cancel one or many, configurations. */
  readonly cards: CardsApi
  /** v3 users: list, one, create, update, delete. */
  readonly users: UsersApi
  /** v2 (stable, not deprecated): users, locations, groups, card configurations, cards, transactions, labels. */
  readonly v2: V2Api
  /** v1 (legacy, read-only): users, locations, groups, cards, transactions. */
  readonly v1: V1Api
  /** v3 bulk card writes, answered 202 and completed asynchronously (create, thresholds, locks). */
  readonly cardBulk: CardBulkApi
  /** v3 card requests: the async jobs behind bulk and hybrid card writes (list, one, batch). */
  readonly cardRequests: CardRequestsApi
  /** CFDI invoice searches (Mexico): v3 search, v2 list. */
  readonly invoices: InvoicesApi
  /** v3 reimbursements. */
  readonly reimbursements: ReimbursementsApi
  /** Billing statements: v3 list, current, one, its transactions; v2 current and by month. */
  readonly billingStatements: BillingStatementsApi
  /** v3 digital-account transactions (Brazil), with the client-side filter validation of seed 004. */
  readonly digitalAccounts: DigitalAccountsApi
  /** v2 boleto payments and DDA bank slips (Brazil). */
  readonly payments: PaymentsApi
  /** v2 attachments: list, one (pre-signed URL), base64 content. */
  readonly attachments: AttachmentsApi
  /** v1 API-usage logs: current, by month, by day. */
  readonly logs: LogsApi
  /** v1 webhook subscribers: list, create, update, delete, add and remove events. */
  readonly subscribers: SubscribersApi
  /**
   * The bytes behind a pre-signed link (attachments, CFDI XML; valid 12 h): an absolute http(s) URL fetched as is,
   * without the bearer token or Clara headers, over the same transport. Not traced (the query is a signature).
   * A relative or non-http URL fails with `ClaraBadRequestError` before any request.
   */
  readonly download: (url: string) => Effect.Effect<Uint8Array, ClaraError>
  /**
   * The same client acting for another entity of a multi-entity (holding) project: every API call sends
   * `X-Tax-Identifier: taxIdentifier` (RFC / CNPJ / NIT; clara-api.md §1.3, §7 #20) instead of the configured one.
   * Token, in-flight limit and rate limit are shared with this client. A blank value makes every call fail with
   * `ClaraBadRequestError` (field `taxIdentifier`) before any request.
   */
  readonly withTaxIdentifier: (taxIdentifier: string) => ClaraClientService
}

/**
 * Builds the client from `ClaraConfig` and an `HttpClient` (which carries the mutual TLS). The scope holds the rate
 * limiter, when `rateLimit` is set.
 */
export const makeClaraClient: Effect.Effect<
  ClaraClientService,
  never,
  ClaraConfig | HttpClient.HttpClient | Scope.Scope
> = Effect.gen(function*() {
  const settings = yield* ClaraConfig
  const root = yield* makeClaraCall(settings, yield* HttpClient.HttpClient)

  const forCall = (call: ClaraCall): ClaraClientService => {
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
      v2: makeV2(call),
      v1: makeV1(call),
      cardBulk: makeCardBulk(call),
      cardRequests: makeCardRequests(call),
      invoices: makeInvoices(call),
      reimbursements: makeReimbursements(call),
      billingStatements: makeBillingStatements(call),
      digitalAccounts: makeDigitalAccounts(call),
      payments: makePayments(call),
      attachments: makeAttachments(call),
      logs: makeLogs(call),
      subscribers: makeSubscribers(call),
      download,
      withTaxIdentifier: (taxIdentifier) => forCall(call.withTaxIdentifier(taxIdentifier))
    }
  }
  return forCall(root)
})

/** The Clara client service. */
export class ClaraClient extends Context.Tag("@clara-recon/clara/ClaraClient")<ClaraClient, ClaraClientService>() {
  /** The client over whatever `HttpClient` is provided (a fake in tests). */
  static readonly layer: Layer.Layer<ClaraClient, never, ClaraConfig | HttpClient.HttpClient> = Layer.scoped(
    ClaraClient,
    makeClaraClient
  )
  /** The client over mutual TLS with the certificate files named in `ClaraConfig`. */
  static readonly layerMtls: Layer.Layer<ClaraClient, ClaraConfigError, ClaraConfig | FileSystem.FileSystem> = Layer
    .provide(ClaraClient.layer, ClaraHttpLive)
}
