/**
 * The filter of `GET /api/v3/transactions` (clara-api.md §2.1, §5.1, §5.2) and its client-side validation.
 */
import { toEpochDay } from "@clara-recon/domain"
import * as Either from "effect/Either"
import { ClaraBadRequestError } from "./ClaraError.js"

/**
 * Which transactions to list. Dates are civil dates `yyyy-MM-dd` as Clara interprets them (the account's local time);
 * each range is inclusive. For incremental syncs filter on `lastUpdateDateRange*` with a 2-3 business-day overlap
 * (clara-api.md §5.4).
 */
export interface TransactionFilter {
  readonly operationDateRangeStart?: string
  readonly operationDateRangeEnd?: string
  readonly lastUpdateDateRangeStart?: string
  readonly lastUpdateDateRangeEnd?: string
  /** Records per page, 1 to 100; default 100. */
  readonly pageSize?: number
  /**
   * The order Clara pages in (`sort`, clara-api.md §2.1); default `operationDate,ASC`, a stable order, so records do
   * not move across page boundaries as others are updated while the list is read.
   */
  readonly sort?: TransactionSort
}

/** The `sort` values Clara documents for transactions (clara-api.md §2.1). */
export type TransactionSort = "operationDate,ASC" | "operationDate,DESC" | "accountingDate,ASC" | "accountingDate,DESC"

/** Transactions v3 page size: default and maximum (clara-api.md §5.1). */
export const MAX_PAGE_SIZE = 100

const ranges = [
  ["operationDateRangeStart", "operationDateRangeEnd"],
  ["lastUpdateDateRangeStart", "lastUpdateDateRangeEnd"]
] as const

/** A validated filter: the page size and the other query parameters. */
export interface TransactionQuery {
  readonly size: number
  readonly params: Readonly<Record<string, string>>
}

/**
 * The validated filter as query parameters (without `page`) and the page size. Fails with a client-side
 * `ClaraBadRequestError` naming the field when a date is not a valid `yyyy-MM-dd`, a range is reversed, or the page
 * size is outside 1-100.
 */
export const transactionQuery = (
  filter: TransactionFilter,
  endpoint: string
): Either.Either<TransactionQuery, ClaraBadRequestError> => {
  const reject = (field: string, claraMessage: string) =>
    Either.left(new ClaraBadRequestError({ endpoint, field, claraMessage }))
  const size = filter.pageSize ?? MAX_PAGE_SIZE
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    return reject("pageSize", `must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`)
  }
  const params: Record<string, string> = {}
  for (const [startKey, endKey] of ranges) {
    for (const key of [startKey, endKey]) {
      const value = filter[key]
      if (value === undefined) continue
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || toEpochDay(value) === undefined) {
        return reject(key, `must be a date yyyy-MM-dd, got ${JSON.stringify(value).slice(0, 40)}`)
      }
      params[key] = value
    }
    const start = params[startKey]
    const end = params[endKey]
    if (start !== undefined && end !== undefined && start > end) {
      return reject(startKey, `must not be after ${endKey} (${start} > ${end})`)
    }
  }
  params["sort"] = filter.sort ?? "operationDate,ASC"
  return Either.right({ size, params })
}
