/**
 * `ClaraClientService.invoices`: the CFDI invoice searches (Mexico only; clara-api.md §2.1, §2.2, §3.5, §5.5, §7 #14):
 * v3 `GET /api/v3/invoices`, whose filter names are not documented (passed through as given), and v2
 * `GET /api/v2/invoices` with its documented filters.
 */
import { toEpochDay } from "@clara-recon/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { InvoiceV2 } from "../wire/InvoiceV2.js"
import { InvoiceV3 } from "../wire/InvoiceV3.js"
import { type ClaraQuery, fetchFlexiblePage, flexiblePages, queryParams, rejectInput } from "./ListShapes.js"

/**
 * Query of the v3 search: zero-based `page`, `size` 1-100 (default 20) and any other parameter passed through (§7
 * #14). Clara says one can filter by issuer RFC, date range and folio fiscal UUID without naming the parameters; the
 * emulator understands `issuerRfc`, `invoiceId` and `documentDateRangeStart`/`End` (names assumed from v2).
 */
export type InvoiceSearchQuery = ClaraQuery & { readonly page?: number; readonly size?: number }

/** The v2 invoice filters (§2.2). The document-date range applies only with both ends. */
export interface InvoiceV2Filter {
  readonly page?: number
  /** 1-100, default 20. */
  readonly size?: number
  readonly invoiceNumber?: string
  readonly transactionUuid?: string
  /** The CFDI UUID. */
  readonly invoiceId?: string
  /** `yyyy-MM-dd`, together with `documentDateRangeEnd`. */
  readonly documentDateRangeStart?: string
  /** `yyyy-MM-dd`, together with `documentDateRangeStart`. */
  readonly documentDateRangeEnd?: string
}

/** The invoice searches. */
export interface InvoicesApi {
  /** Every CFDI of the v3 search (`GET /api/v3/invoices`, Spring page or bare array). */
  readonly search: (query?: InvoiceSearchQuery) => Stream.Stream<ClaraItem<InvoiceV3>, ClaraError>
  /** One page (`query.page`, default 0) of `search`. */
  readonly searchPage: (query?: InvoiceSearchQuery) => Effect.Effect<ClaraPage<InvoiceV3>, ClaraError>
  /**
   * Every v2 invoice matching `filter` (`GET /api/v2/invoices`). A blank filter, a date that is not `yyyy-MM-dd`, or a
   * date range with only one end (Clara would silently ignore it) fails with `ClaraBadRequestError` before any request.
   */
  readonly listV2: (filter?: InvoiceV2Filter) => Stream.Stream<ClaraItem<InvoiceV2>, ClaraError>
  /** One page (`filter.page`, default 0) of `listV2`. */
  readonly pageV2: (filter?: InvoiceV2Filter) => Effect.Effect<ClaraPage<InvoiceV2>, ClaraError>
}

const V3 = "/v3/invoices"
const V2 = "/v2/invoices"

const split = (query: InvoiceSearchQuery) => {
  const { page = 0, size = 20, ...rest } = query
  return { page, size, params: queryParams(rest) }
}

/** The validated v2 filter as `{page, size, params}`. */
export const invoiceV2Query = (
  filter: InvoiceV2Filter,
  endpoint: string
): Either.Either<{ page: number; size: number; params: Record<string, string> }, ClaraBadRequestError> => {
  const { page = 0, size = 20, ...rest } = filter
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue
    if (value.trim() === "") return Either.left(rejectInput(endpoint, key, "must be a non-blank string"))
    if (key.startsWith("documentDate") && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || toEpochDay(value) === undefined)) {
      return Either.left(rejectInput(endpoint, key, `must be a date yyyy-MM-dd, got ${JSON.stringify(value).slice(0, 40)}`))
    }
    params[key] = value
  }
  if ((rest.documentDateRangeStart === undefined) !== (rest.documentDateRangeEnd === undefined)) {
    return Either.left(
      rejectInput(
        endpoint,
        "documentDateRangeStart,documentDateRangeEnd",
        "the document date range applies only when both ends are given"
      )
    )
  }
  return Either.right({ page, size, params })
}

/** Builds `InvoicesApi` over one `ClaraCall`. */
export const makeInvoices = (call: ClaraCall): InvoicesApi => {
  const v2Endpoint = call.endpointOf("GET", V2)
  return {
    search: (query = {}) => {
      const q = split(query)
      return flexiblePages(call, V3, q.params, InvoiceV3, q.size, q.page)
    },
    searchPage: (query = {}) => {
      const q = split(query)
      return fetchFlexiblePage(call, V3, q.params, InvoiceV3, q.size, q.page).pipe(
        Effect.withSpan("ClaraClient.invoices.searchPage")
      )
    },
    listV2: (filter = {}) =>
      Effect.map(invoiceV2Query(filter, v2Endpoint), (q) => flexiblePages(call, V2, q.params, InvoiceV2, q.size, q.page))
        .pipe(Stream.unwrap),
    pageV2: (filter = {}) =>
      Effect.flatMap(
        invoiceV2Query(filter, v2Endpoint),
        (q) => fetchFlexiblePage(call, V2, q.params, InvoiceV2, q.size, q.page)
      ).pipe(Effect.withSpan("ClaraClient.invoices.pageV2"))
  }
}
