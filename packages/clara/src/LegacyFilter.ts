/**
 * Filters of the v2 and v1 list endpoints (clara-api.md §2.2, §2.3). Their paging and filters are mostly
 * undocumented: `page` (zero-based) and `size` (1-100, default 20) are always sent, and a list answered as a bare JSON
 * array is read as the whole list.
 */
import * as Either from "effect/Either"
import { ClaraBadRequestError } from "./ClaraError.js"
import { type ListQuery, listQuery } from "./internal/listQuery.js"

/** Page and size of a v1/v2 list. */
export interface LegacyListFilter {
  /** Zero-based page to start from (the one-page call reads only this page); default 0. */
  readonly page?: number
  /** Records per page, 1 to 100; default 20. */
  readonly size?: number
}

/** The filter of `GET /api/v1/cards` (clara-docs 001 Cards v1). `periodicityType` is `DAILY` or `MONTHLY`. */
export interface CardV1Filter extends LegacyListFilter {
  readonly userUuid?: string
  readonly status?: string
  readonly periodicityType?: "DAILY" | "MONTHLY"
  /** The card-type enum (`MASTER_VIRTUAL`, ...). */
  readonly type?: string
}

/** Default page size of the v1/v2 lists (not documented; Spring's default). */
export const DEFAULT_LEGACY_PAGE_SIZE = 20

/** The validated page request of a v1/v2 list; `ClaraBadRequestError` naming `page` or `size`. */
export const legacyQuery = (
  filter: LegacyListFilter,
  endpoint: string
): Either.Either<ListQuery, ClaraBadRequestError> =>
  listQuery(filter, { endpoint, defaultSize: DEFAULT_LEGACY_PAGE_SIZE, keys: [] })

/**
 * The validated v1 cards filter; `ClaraBadRequestError` naming the field when a filter is blank, `periodicityType` is
 * not DAILY or MONTHLY, the page is negative or the size outside 1-100.
 */
export const cardV1Query = (filter: CardV1Filter, endpoint: string): Either.Either<ListQuery, ClaraBadRequestError> => {
  const periodicity: unknown = filter.periodicityType
  if (periodicity !== undefined && periodicity !== "DAILY" && periodicity !== "MONTHLY") {
    return Either.left(
      new ClaraBadRequestError({
        endpoint,
        field: "periodicityType",
        claraMessage: `must be DAILY or MONTHLY, got ${JSON.stringify(periodicity)}`
      })
    )
  }
  return listQuery(filter, {
    endpoint,
    defaultSize: DEFAULT_LEGACY_PAGE_SIZE,
    keys: ["userUuid", "status", "periodicityType", "type"]
  })
}
