/**
 * `ClaraClientService.digitalAccounts`: the Brazilian digital-account transactions, `GET /api/v3/digital-accounts`
 * (clara-api.md §2.1, §3.1, §3.9, §5.1, §5.6, §7 #11-13; clara-docs 004). Scoped to the token's account (no id).
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import {
  type DigitalAccountFilter,
  digitalAccountQuery,
  type DigitalAccountQuery,
  type DigitalAccountWireOptions
} from "../DigitalAccountFilter.js"
import type { ClaraCall } from "../internal/ClaraCall.js"
import { decodeItems, decodeWith } from "../internal/decode.js"
import {
  DigitalAccountBody,
  type DigitalAccountMeta,
  DigitalAccountTransaction
} from "../wire/DigitalAccount.js"

/**
 * One page of digital-account transactions, always as `{data, meta?}` (§7 #11): `meta` is absent when Clara answered
 * the older bare array. `hasNext` follows seed 004's stop rules.
 */
export interface DigitalAccountPage {
  readonly number: number
  readonly size: number
  readonly data: ReadonlyArray<ClaraItem<DigitalAccountTransaction>>
  readonly meta: DigitalAccountMeta | undefined
  readonly hasNext: boolean
}

/** The digital-account operations. */
export interface DigitalAccountsApi {
  /**
   * Every transaction matching `filter` from page `filter.page` (default 0) on, size default 50. Paging stops on an
   * empty page, on fewer than `size` items, or when `meta.currentPage + 1 >= meta.totalPages` (seed 004, §5.1), and
   * when a page starts with the same transaction as the one before (a server ignoring `page`). A bad
   * filter fails with `ClaraBadRequestError` carrying Clara's exact message (§5.6) before any request.
   */
  readonly list: (
    filter?: DigitalAccountFilter,
    options?: DigitalAccountWireOptions
  ) => Stream.Stream<ClaraItem<DigitalAccountTransaction>, ClaraError>
  /** Page `filter.page` (default 0) of `list`. */
  readonly page: (
    filter?: DigitalAccountFilter,
    options?: DigitalAccountWireOptions
  ) => Effect.Effect<DigitalAccountPage, ClaraError>
}

const PATH = "/v3/digital-accounts"

/** Whether another page follows (seed 004): not after an empty or short page, nor past `meta.totalPages`. */
export const digitalAccountHasNext = (
  count: number,
  size: number,
  meta: DigitalAccountMeta | null | undefined
): boolean => {
  if (count === 0 || count < size) return false
  if (meta?.currentPage !== undefined && meta.totalPages !== undefined) return meta.currentPage + 1 < meta.totalPages
  return true
}

/** The id of a page's first decoded item, to notice a server that repeats the same page. */
const firstId = (page: DigitalAccountPage): string | undefined => {
  const head = page.data[0]
  return head?._tag === "Ok" ? String(head.value.id) : undefined
}

/** Builds `DigitalAccountsApi` over one `ClaraCall`. */
export const makeDigitalAccounts = (call: ClaraCall): DigitalAccountsApi => {
  const endpoint = call.endpointOf("GET", PATH)

  const fetch = (query: DigitalAccountQuery, page: number): Effect.Effect<DigitalAccountPage, ClaraError> => {
    const record = `page ${page}`
    return call.getJson(PATH, { ...query.params, page: String(page), size: String(query.size) }, { record }).pipe(
      Effect.flatMap((json) => decodeWith(DigitalAccountBody, json, { endpoint, record })),
      Effect.map((body) => {
        const isArray = Array.isArray(body)
        const raws: ReadonlyArray<unknown> = isArray ? body as ReadonlyArray<unknown> : (body as { data: ReadonlyArray<unknown> }).data
        const meta = isArray ? undefined : (body as { meta?: DigitalAccountMeta | null }).meta ?? undefined
        return {
          number: meta?.currentPage ?? page,
          size: query.size,
          data: decodeItems(DigitalAccountTransaction, raws, { endpoint, where: record, field: isArray ? "" : "data" }),
          meta,
          hasNext: digitalAccountHasNext(raws.length, query.size, meta)
        }
      })
    )
  }

  const page = (filter: DigitalAccountFilter = {}, options: DigitalAccountWireOptions = {}) =>
    Effect.flatMap(digitalAccountQuery(filter, endpoint, options), (query) => fetch(query, query.page)).pipe(
      Effect.withSpan("ClaraClient.digitalAccounts.page")
    )

  const list = (filter: DigitalAccountFilter = {}, options: DigitalAccountWireOptions = {}) =>
    Stream.unwrap(
      Effect.map(digitalAccountQuery(filter, endpoint, options), (query) =>
        Stream.paginateChunkEffect({ n: query.page, previous: undefined as string | undefined }, ({ n, previous }) =>
          Effect.map(fetch(query, n), (result) => {
            // a server that ignores `page` would send the same bare array forever: stop when a page repeats
            const head = firstId(result)
            const next = result.hasNext && (head === undefined || head !== previous)
            return [Chunk.fromIterable(result.data), next ? Option.some({ n: n + 1, previous: head }) : Option.none()] as const
          })))
    )

  return { list, page }
}
