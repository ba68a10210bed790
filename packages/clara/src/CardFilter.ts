/**
 * The filter of `GET /api/v3/cards` (clara-api.md §2.1, §5.3; clara-docs 001) and its client-side validation.
 */
import * as Either from "effect/Either"
import { ClaraBadRequestError } from "./ClaraError.js"
import { type ListQuery, listQuery } from "./internal/listQuery.js"

/**
 * Which cards to list. `status`, `type` and `periodicity` are open sets (`ACTIVE`, `LOCKED`, ...; `MASTER_VIRTUAL`,
 * ...; `DAILY`, `WEEKLY`, `MONTHLY`, clara-api.md §4.1) passed through as given. `userUuid` and `userErpId` cannot be
 * combined.
 */
export interface CardFilter {
  /** Zero-based page to start from (the one-page call reads only this page); default 0. */
  readonly page?: number
  /** Records per page, 1 to 100; default 20. */
  readonly size?: number
  readonly userUuid?: string
  /** The cardholder's ERP id; not together with `userUuid`. */
  readonly userErpId?: string
  /** The cardholder's username (email), exact match. */
  readonly username?: string
  readonly status?: string
  readonly type?: string
  readonly periodicity?: string
}

/** Cards page size when the filter has none (Spring's default). */
export const DEFAULT_CARD_PAGE_SIZE = 20

/**
 * The validated filter as a list query. Fails with a client-side `ClaraBadRequestError` when `userUuid` and
 * `userErpId` are both set (field `userUuid,userErpId`), a filter is blank, the page is negative or the size is
 * outside 1-100.
 */
export const cardQuery = (filter: CardFilter, endpoint: string): Either.Either<ListQuery, ClaraBadRequestError> =>
  filter.userUuid !== undefined && filter.userErpId !== undefined
    ? Either.left(
      new ClaraBadRequestError({
        endpoint,
        field: "userUuid,userErpId",
        claraMessage: "userUuid and userErpId cannot be combined; give one of them"
      })
    )
    : listQuery(filter, {
      endpoint,
      defaultSize: DEFAULT_CARD_PAGE_SIZE,
      keys: ["userUuid", "userErpId", "username", "status", "type", "periodicity"]
    })
