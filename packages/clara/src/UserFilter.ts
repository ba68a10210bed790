/**
 * The filter of `GET /api/v3/users` (clara-api.md §2.1, Users v3 reference) and its client-side validation.
 */
import type * as Either from "effect/Either"
import type { ClaraBadRequestError } from "./ClaraError.js"
import { type ListQuery, listQuery } from "./internal/listQuery.js"

/** Which users to list. Text filters are passed through as given; `createdAt*` are civil dates `yyyy-MM-dd`. */
export interface UserFilter {
  /** Zero-based page to start from (the one-page call reads only this page); default 0. */
  readonly page?: number
  /** Records per page, 1 to 100; default 50 (the documented default). */
  readonly size?: number
  readonly status?: string
  readonly role?: string
  readonly fullName?: string
  readonly email?: string
  readonly erpId?: string
  readonly taxIdentifier?: string
  readonly createdAtStart?: string
  readonly createdAtEnd?: string
}

/** Users page size when the filter has none (documented default). */
export const DEFAULT_USER_PAGE_SIZE = 50

/**
 * The validated filter as a list query. Fails with a client-side `ClaraBadRequestError` naming the field when a
 * filter is blank, a date is not `yyyy-MM-dd`, the page is negative or the size is outside 1-100.
 */
export const userQuery = (filter: UserFilter, endpoint: string): Either.Either<ListQuery, ClaraBadRequestError> =>
  listQuery(filter, {
    endpoint,
    defaultSize: DEFAULT_USER_PAGE_SIZE,
    keys: ["status", "role", "fullName", "email", "erpId", "taxIdentifier"],
    dates: ["createdAtStart", "createdAtEnd"]
  })
