/**
 * Query parameters of the emulator's list endpoints (clara-api.md §2.1, §5.1): zero-based `page`, `size`
 * 1-100 (default 20, 50 for users) and `yyyy-MM-dd` date ranges on the operation, accounting and last-update dates,
 * inclusive.
 */
import { toEpochDay } from "@clara-recon/domain"
import * as Either from "effect/Either"

type Params = Readonly<Record<string, string | ReadonlyArray<string>>>

/** A validated page request. */
export interface PageQuery {
  readonly page: number
  readonly size: number
}

/** The date fields a transaction list can be filtered on, each with an optional inclusive range. */
const DATE_FIELDS = ["operationDate", "accountingDate", "lastUpdateDate"] as const
type DateField = (typeof DATE_FIELDS)[number]

/** A validated transactions query. */
export interface TransactionQuery extends PageQuery {
  readonly ranges: ReadonlyArray<{ readonly field: DateField; readonly start?: string; readonly end?: string }>
}

/** The first value of a query parameter. */
export const first = (params: Params, name: string): string | undefined => {
  const value = params[name]
  return typeof value === "string" ? value : value?.[0]
}

const integer = (params: Params, name: string, fallback: number, min: number, max: number) => {
  const text = first(params, name)
  if (text === undefined || text === "") return Either.right(fallback)
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  return value >= min && value <= max
    ? Either.right(value)
    : Either.left(`${name} must be an integer between ${min} and ${max}, got "${text}"`)
}

/** `page` (default 0) and `size` (default `defaultSize`, 1 to 100), or the validation message. */
export const parsePageQuery = (params: Params, defaultSize = 20): Either.Either<PageQuery, string> =>
  Either.all({
    page: integer(params, "page", 0, 0, Number.MAX_SAFE_INTEGER),
    size: integer(params, "size", defaultSize, 1, 100)
  })

const date = (params: Params, name: string): Either.Either<string | undefined, string> => {
  const text = first(params, name)
  if (text === undefined || text === "") return Either.right(undefined)
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && toEpochDay(text) !== undefined
    ? Either.right(text)
    : Either.left(`${name} must be a date in yyyy-MM-dd format, got "${text}"`)
}

/** The transactions list query (`<field>RangeStart` / `<field>RangeEnd` per date field), or the validation message. */
export const parseTransactionQuery = (params: Params): Either.Either<TransactionQuery, string> =>
  Either.gen(function*() {
    const page = yield* parsePageQuery(params)
    const ranges = []
    for (const field of DATE_FIELDS) {
      const start = yield* date(params, `${field}RangeStart`)
      const end = yield* date(params, `${field}RangeEnd`)
      if (start !== undefined || end !== undefined) {
        ranges.push({ field, ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) })
      }
    }
    return { ...page, ranges }
  })

/** Whether a civil date or ISO instant (compared by its `yyyy-MM-dd` prefix) is inside an inclusive range. */
export const inRange = (
  value: string | null | undefined,
  range: { readonly start?: string; readonly end?: string }
): boolean => {
  if (value === null || value === undefined) return false
  const day = value.slice(0, 10)
  return (range.start === undefined || day >= range.start) && (range.end === undefined || day <= range.end)
}

/** The Spring page of `items` for `query` (clara-api.md §3.1), with the usual undocumented Spring fields. */
export const springPage = <A>(items: ReadonlyArray<A>, query: PageQuery) => {
  const content = items.slice(query.page * query.size, (query.page + 1) * query.size)
  const totalPages = Math.ceil(items.length / query.size)
  return {
    content,
    totalElements: items.length,
    totalPages,
    size: query.size,
    number: query.page,
    first: query.page === 0,
    last: query.page >= totalPages - 1,
    numberOfElements: content.length,
    empty: content.length === 0
  }
}
