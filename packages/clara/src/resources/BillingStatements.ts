/**
 * `ClaraClientService.billingStatements`: v3 statements (list, current, one, its transactions) and v2 statement
 * summaries (current, by month and year) (clara-api.md §2.1, §2.2, §3.8, §7 #14, #17).
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { BillingStatementV2, BillingStatementV3 } from "../wire/BillingStatement.js"
import { TransactionResponseV3 } from "../wire/TransactionV3.js"
import { type ClaraQuery, fetchFlexiblePage, flexiblePages, getOne, queryParams, rejectInput, segment } from "./ListShapes.js"

/** Query of the v3 lists: zero-based `page`, `size` 1-100 (default 20), other parameters passed through (§7 #14). */
export type BillingStatementQuery = ClaraQuery & { readonly page?: number; readonly size?: number }

/** The billing-statement operations. */
export interface BillingStatementsApi {
  /** Every v3 statement (`GET /api/v3/billing-statements`; a Spring page or a bare array, both accepted). */
  readonly list: (query?: BillingStatementQuery) => Stream.Stream<ClaraItem<BillingStatementV3>, ClaraError>
  /** One page (`query.page`, default 0) of `list`. */
  readonly page: (query?: BillingStatementQuery) => Effect.Effect<ClaraPage<BillingStatementV3>, ClaraError>
  /** The open statement (`GET /api/v3/billing-statements/current`). */
  readonly current: Effect.Effect<BillingStatementV3, ClaraError>
  /** One statement (`GET /api/v3/billing-statements/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly get: (uuid: string) => Effect.Effect<BillingStatementV3, ClaraError>
  /**
   * The transactions of a statement (`GET /api/v3/billing-statements/{uuid}/transactions`, Spring page or bare array
   * of `TransactionResponseV3`), every page.
   */
  readonly transactions: (
    uuid: string,
    query?: BillingStatementQuery
  ) => Stream.Stream<ClaraItem<TransactionResponseV3>, ClaraError>
  /** The open v2 statement summary (`GET /api/v2/billing-statements/current`). */
  readonly currentV2: Effect.Effect<BillingStatementV2, ClaraError>
  /**
   * The v2 statement of `month` (1-12) of `year` (`GET /api/v2/billing-statements/{month}/{year}`, the order of the
   * guide's example `/6/2024`, §7 #17). A month outside 1-12 or a year outside 2000-2999 fails with
   * `ClaraBadRequestError` before any request.
   */
  readonly byMonthV2: (month: number, year: number) => Effect.Effect<BillingStatementV2, ClaraError>
}

const V3 = "/v3/billing-statements"
const V2 = "/v2/billing-statements"

const split = (query: BillingStatementQuery) => {
  const { page = 0, size = 20, ...rest } = query
  return { page, size, params: queryParams(rest) }
}

/** Builds `BillingStatementsApi` over one `ClaraCall`. */
export const makeBillingStatements = (call: ClaraCall): BillingStatementsApi => {
  const byMonthV2 = (month: number, year: number) => {
    const endpoint = call.endpointOf("GET", `${V2}/{month}/{year}`)
    const checked = !Number.isInteger(month) || month < 1 || month > 12
      ? Either.left(rejectInput(endpoint, "month", `must be 1-12, got ${month}`))
      : !Number.isInteger(year) || year < 2000 || year > 2999
      ? Either.left(rejectInput(endpoint, "year", `must be a four-digit year, got ${year}`))
      : Either.right(`${V2}/${month}/${year}`)
    return Effect.flatMap(checked, (path) => getOne(call, path, BillingStatementV2)).pipe(
      Effect.withSpan("ClaraClient.billingStatements.byMonthV2")
    )
  }
  return {
    list: (query = {}) => {
      const q = split(query)
      return flexiblePages(call, V3, q.params, BillingStatementV3, q.size, q.page)
    },
    page: (query = {}) => {
      const q = split(query)
      return fetchFlexiblePage(call, V3, q.params, BillingStatementV3, q.size, q.page).pipe(
        Effect.withSpan("ClaraClient.billingStatements.page")
      )
    },
    current: getOne(call, `${V3}/current`, BillingStatementV3).pipe(
      Effect.withSpan("ClaraClient.billingStatements.current")
    ),
    get: (uuid) =>
      Effect.flatMap(segment(call, "GET", `${V3}/{uuid}`, uuid), (s) => getOne(call, `${V3}/${s}`, BillingStatementV3))
        .pipe(Effect.withSpan("ClaraClient.billingStatements.get")),
    transactions: (uuid, query = {}) =>
      Stream.unwrap(Effect.map(segment(call, "GET", `${V3}/{uuid}/transactions`, uuid), (s) => {
        const q = split(query)
        return flexiblePages(call, `${V3}/${s}/transactions`, q.params, TransactionResponseV3, q.size, q.page)
      })),
    currentV2: getOne(call, `${V2}/current`, BillingStatementV2).pipe(
      Effect.withSpan("ClaraClient.billingStatements.currentV2")
    ),
    byMonthV2
  }
}
