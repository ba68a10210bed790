/**
 * The filter of `GET /api/v3/digital-accounts` (Brazil; clara-api.md §2.1, §5.6, §7 #12, #13; clara-docs 004) and the
 * client-side validation Clara's `DigitalAccountTransactionFilter` runs before building the request, with its exact
 * messages.
 */
import { toEpochDay } from "@clara-recon/domain"
import * as Either from "effect/Either"
import { ClaraBadRequestError } from "./ClaraError.js"

/** The transaction-type aliases the filter accepts (exact, case-sensitive). */
export const DIGITAL_ACCOUNT_TYPE_NAMES = ["PIX", "TED", "BILL", "TRANSACTION"] as const

/** The exact validation messages of clara-docs 004 / clara-api.md §5.6. */
export const DigitalAccountMessages = {
  date: "Date must be in ISO format (yyyy-MM-dd)",
  transactionTypeName: "transactionTypeName must be one of: PIX, TED, BILL, TRANSACTION",
  range: "startDate must be less than or equal to endDate"
} as const

/** Which digital-account transactions to list. Every field is optional and they combine. */
export interface DigitalAccountFilter {
  /** Local date `yyyy-MM-dd` (start of the range). */
  readonly startDate?: string
  /** Local date `yyyy-MM-dd`; must not be before `startDate`. */
  readonly endDate?: string
  /** `PIX` | `TED` | `BILL` | `TRANSACTION`. */
  readonly transactionTypeName?: string
  /** Zero-based page to start from; default 0. */
  readonly page?: number
  /** Items per page, 1 to 100; default 50 (the doc's example). */
  readonly size?: number
  /** `property,ASC|DESC`, e.g. `transactionDate,DESC` (older doc); passed through. */
  readonly sort?: string
}

/** How the validated filter is put on the wire (the gaps of §7 #12 and #13). */
export interface DigitalAccountWireOptions {
  /**
   * `endOfDayUtc` (default, §7 #12): each date becomes `yyyy-MM-ddT23:59:59Z`, the end of that calendar day in UTC,
   * as the SDK normalises them; `plain`: sent as given (the doc's example URLs).
   */
  readonly dates?: "endOfDayUtc" | "plain"
  /**
   * Maps the alias to `transactionTypes` codes (unknown upstream, §7 #13). Without it the alias is sent as
   * `transactionTypeName`; with it the codes are sent comma-separated as `transactionTypes`, and nothing at all when
   * the mapping yields no code.
   */
  readonly transactionTypes?: (alias: string) => ReadonlyArray<string>
}

/** Default page size of the digital-account list (the doc's curl example). */
export const DEFAULT_DIGITAL_ACCOUNT_PAGE_SIZE = 50

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** A validated digital-account request: first page, size and query parameters. */
export interface DigitalAccountQuery {
  readonly page: number
  readonly size: number
  readonly params: Readonly<Record<string, string>>
}

/**
 * Validates `filter` exactly as §5.6 says, in this order: `startDate`, `endDate` (full match of `\d{4}-\d{2}-\d{2}`),
 * `transactionTypeName` (one of the four aliases), then `startDate <= endDate` when both are present and parse; then
 * page (zero-based integer) and size (1-100). Fails with a client-side `ClaraBadRequestError` whose `field` names
 * the field (`startDate,endDate` for the range) and whose `claraMessage` is Clara's exact message. On success the
 * dates are normalised per `options.dates` (after the format check, as the SDK does).
 */
export const digitalAccountQuery = (
  filter: DigitalAccountFilter,
  endpoint: string,
  options: DigitalAccountWireOptions = {}
): Either.Either<DigitalAccountQuery, ClaraBadRequestError> => {
  const reject = (field: string, claraMessage: string) =>
    Either.left(new ClaraBadRequestError({ endpoint, field, claraMessage }))
  for (const field of ["startDate", "endDate"] as const) {
    const value = filter[field]
    if (value !== undefined && !ISO_DATE.test(value)) return reject(field, DigitalAccountMessages.date)
  }
  const alias = filter.transactionTypeName
  if (alias !== undefined && !(DIGITAL_ACCOUNT_TYPE_NAMES as ReadonlyArray<string>).includes(alias)) {
    return reject("transactionTypeName", DigitalAccountMessages.transactionTypeName)
  }
  const start = filter.startDate === undefined ? undefined : toEpochDay(filter.startDate)
  const end = filter.endDate === undefined ? undefined : toEpochDay(filter.endDate)
  if (start !== undefined && end !== undefined && start > end) {
    return reject("startDate,endDate", DigitalAccountMessages.range)
  }
  const page = filter.page ?? 0
  if (!Number.isInteger(page) || page < 0) return reject("page", `must be a zero-based page number, got ${page}`)
  const size = filter.size ?? DEFAULT_DIGITAL_ACCOUNT_PAGE_SIZE
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    return reject("size", `must be an integer from 1 to 100, got ${size}`)
  }
  const wireDate = (date: string) => options.dates === "plain" ? date : `${date}T23:59:59Z`
  const params: Record<string, string> = {}
  if (filter.startDate !== undefined) params["startDate"] = wireDate(filter.startDate)
  if (filter.endDate !== undefined) params["endDate"] = wireDate(filter.endDate)
  if (alias !== undefined) {
    if (options.transactionTypes === undefined) params["transactionTypeName"] = alias
    else {
      const codes = options.transactionTypes(alias)
      if (codes.length > 0) params["transactionTypes"] = codes.join(",")
    }
  }
  if (filter.sort !== undefined) params["sort"] = filter.sort
  return Either.right({ page, size, params })
}
