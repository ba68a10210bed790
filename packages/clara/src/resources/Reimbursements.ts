/**
 * `ClaraClientService.reimbursements`: `GET /api/v3/reimbursements` with every documented filter (clara-api.md §2.1,
 * §3.8, §5.1). The documented filter list was cut off after `uuids`: further parameters go through `extra`.
 */
import { toEpochDay } from "@clara-recon/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { Reimbursement } from "../wire/Reimbursement.js"
import { type ClaraQuery, fetchFlexiblePage, flexiblePages, queryParams, rejectInput } from "./ListShapes.js"

/** The date filters, each `yyyy-MM-dd` (inclusive range ends). */
export const REIMBURSEMENT_DATE_FILTERS = [
  "requestCreationDateStart",
  "requestCreationDateEnd",
  "expenseDateStart",
  "expenseDateEnd",
  "finalApprovalDateStart",
  "finalApprovalDateEnd",
  "paymentDateStart",
  "paymentDateEnd",
  "lastUpdateDateStart",
  "lastUpdateDateEnd"
] as const

/** Which reimbursements to list. Lists are sent comma-separated. */
export type ReimbursementFilter =
  & { readonly [K in (typeof REIMBURSEMENT_DATE_FILTERS)[number]]?: string }
  & {
    readonly page?: number
    /** 1-100, default 20. */
    readonly size?: number
    /** Category codes, digits only. */
    readonly categoryCodes?: ReadonlyArray<string>
    readonly requesterUuids?: ReadonlyArray<string>
    /** `PENDING`, `APPROVED`, ... (open set). */
    readonly statuses?: ReadonlyArray<string>
    readonly requesterName?: string
    readonly uuids?: ReadonlyArray<string>
    /** Undocumented parameters, passed through. */
    readonly extra?: ClaraQuery
  }

/** The reimbursement operations. */
export interface ReimbursementsApi {
  /**
   * Every reimbursement matching `filter` (`GET /api/v3/reimbursements`, Spring page or bare array, 20 a page). A date
   * that is not `yyyy-MM-dd`, a non-digit category code, or a blank list entry fails with `ClaraBadRequestError` before
   * any request.
   */
  readonly list: (filter?: ReimbursementFilter) => Stream.Stream<ClaraItem<Reimbursement>, ClaraError>
  /** One page (`filter.page`, default 0) of `list`. */
  readonly page: (filter?: ReimbursementFilter) => Effect.Effect<ClaraPage<Reimbursement>, ClaraError>
}

const PATH = "/v3/reimbursements"

/** The validated filter as `{page, size, params}`. */
export const reimbursementQuery = (
  filter: ReimbursementFilter,
  endpoint: string
): Either.Either<{ page: number; size: number; params: Record<string, string> }, ClaraBadRequestError> => {
  const { categoryCodes, extra, page = 0, requesterName, requesterUuids, size = 20, statuses, uuids } = filter
  for (const key of REIMBURSEMENT_DATE_FILTERS) {
    const value = filter[key]
    if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || toEpochDay(value) === undefined)) {
      return Either.left(rejectInput(endpoint, key, `must be a date yyyy-MM-dd, got ${JSON.stringify(value).slice(0, 40)}`))
    }
  }
  const lists = { categoryCodes, requesterUuids, statuses, uuids }
  for (const [key, list] of Object.entries(lists)) {
    if (list === undefined) continue
    const bad = list.findIndex((v) => v.trim() === "" || v.includes(",") || (key === "categoryCodes" && !/^\d+$/.test(v)))
    if (bad >= 0) {
      const rule = key === "categoryCodes" ? "digits only" : "non-blank, without commas"
      return Either.left(rejectInput(endpoint, `${key}[${bad}]`, `must be ${rule}`))
    }
  }
  if (requesterName !== undefined && requesterName.trim() === "") {
    return Either.left(rejectInput(endpoint, "requesterName", "must be a non-blank string"))
  }
  const dates = Object.fromEntries(REIMBURSEMENT_DATE_FILTERS.map((k) => [k, filter[k]]))
  return Either.right({ page, size, params: queryParams({ ...extra, ...dates, ...lists, requesterName }) })
}

/** Builds `ReimbursementsApi` over one `ClaraCall`. */
export const makeReimbursements = (call: ClaraCall): ReimbursementsApi => {
  const endpoint = call.endpointOf("GET", PATH)
  return {
    list: (filter = {}) =>
      Stream.unwrap(
        Effect.map(reimbursementQuery(filter, endpoint), (q) =>
          flexiblePages(call, PATH, q.params, Reimbursement, q.size, q.page))
      ),
    page: (filter = {}) =>
      Effect.flatMap(
        reimbursementQuery(filter, endpoint),
        (q) => fetchFlexiblePage(call, PATH, q.params, Reimbursement, q.size, q.page)
      ).pipe(Effect.withSpan("ClaraClient.reimbursements.page"))
  }
}
