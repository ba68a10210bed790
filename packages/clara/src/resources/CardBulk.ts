/**
 * `ClaraClientService.cardBulk` and `ClaraClientService.cardRequests`: the bulk card writes that Clara runs
 * asynchronously and the card requests that track them (clara-api.md §2.1, §3.2, §3.3, §5.3; clara-docs 001).
 */
import { formatFixed } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type ClaraError, ClaraBadRequestError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { decodeItems, decodeWith, parseJson } from "../internal/decode.js"
import {
  BulkCardsResponse,
  type BulkCreateBodyKey,
  type CardBatchAck,
  CardRequest
} from "../wire/CardRequests.js"
import type { CreateCardRequestV3 } from "../wire/CardWritesV3.js"
import { CardAsyncItem } from "../wire/CardV3.js"
import { type ClaraQuery, fetchFlexiblePage, flexiblePages, getOne, queryParams, segment } from "./ListShapes.js"

/** One card of a bulk create: as `CreateCardRequestV3`, with the limit as an exact decimal in the account currency. */
export interface BulkCreateCardInput extends Omit<CreateCardRequestV3, "threshold"> {
  readonly threshold?: BigDecimal.BigDecimal
}

/** The bulk card writes (each a write: never retried blindly, 45 s timeout). */
export interface CardBulkApi {
  /**
   * Creates many cards (`POST /api/v3/cards/bulk-create`). Clara finishes within 30 s (answer: the card uuids) or goes
   * on asynchronously (202 with a batch id; the result comes by webhook `CARD_CREATION_REQUEST_CREATED` / `_ERROR` or
   * `cardRequests.batch`), or answers 204 (§2.1). The body key is `cardsRequests` unless `options.bodyKey` says `cards`
   * or `both` (§3.3, §7 #5). An empty list, a blank `alias`/`userUuid` or a non-positive limit (or one with more than 2
   * decimals) fails with `ClaraBadRequestError` naming the item before any request.
   */
  readonly create: (
    cards: ReadonlyArray<BulkCreateCardInput>,
    options?: { readonly bodyKey?: BulkCreateBodyKey }
  ) => Effect.Effect<CardBatchAck, ClaraError>
  /**
   * Changes many limits (`PATCH /api/v3/cards/threshold`, 202, items `SENT`; the result comes by webhook or
   * `cardRequests.batch`). Limits are exact decimals in the account currency's units; validation as in `create`.
   */
  readonly updateThresholds: (
    items: ReadonlyArray<{ readonly uuid: string; readonly threshold: BigDecimal.BigDecimal }>
  ) => Effect.Effect<CardBatchAck, ClaraError>
  /**
   * Locks or unlocks many cards (`PATCH /api/v3/cards/lock`, 202, items `SENT`). `lockCode` defaults to 16, the only
   * one the API may set; another code, a blank uuid or an empty list fails with `ClaraBadRequestError` before any request.
   */
  readonly lock: (
    items: ReadonlyArray<{ readonly uuid: string; readonly locked: boolean; readonly lockCode?: number }>
  ) => Effect.Effect<CardBatchAck, ClaraError>
}

/** The card requests (async job tracking) of `GET /api/v3/cards/requests*`; shapes per §7 #14. */
export interface CardRequestsApi {
  /** Every card request (`GET /api/v3/cards/requests`, Spring page or bare array, size default 20); extra query passed through. */
  readonly list: (query?: CardRequestQuery) => Stream.Stream<ClaraItem<CardRequest>, ClaraError>
  /** One page (`query.page`, default 0) of `list`. */
  readonly page: (query?: CardRequestQuery) => Effect.Effect<ClaraPage<CardRequest>, ClaraError>
  /** One card request (`GET /api/v3/cards/requests/{id}`); `ClaraNotFoundError` when unknown. */
  readonly get: (id: string) => Effect.Effect<CardRequest, ClaraError>
  /**
   * The requests of one batch (`GET /api/v3/cards/requests/batches/{id}`, `id` = the bulk call's batch id), from a bare
   * array, a Spring page (its first page) or `{requests: [...]}`; each record decoded on its own.
   */
  readonly batch: (batchId: string) => Effect.Effect<ReadonlyArray<ClaraItem<CardRequest>>, ClaraError>
}

/** Query of `cardRequests.list`: zero-based `page`, `size` 1-100 (default 20), other parameters passed through. */
export type CardRequestQuery = ClaraQuery & { readonly page?: number; readonly size?: number }

const CARDS = "/v3/cards"

/** A bad field of one item and what is wrong with it. */
type Problem = readonly [field: string, message: string]

const blank = (text: string) => text.trim() === ""

const amountProblem = (amount: BigDecimal.BigDecimal): Problem | undefined => {
  const normalized = BigDecimal.normalize(amount)
  return BigDecimal.isPositive(normalized) && normalized.scale <= 2
    ? undefined
    : ["threshold", `must be a positive amount with at most 2 decimals, got ${BigDecimal.format(normalized)}`]
}

/** The first problem of a bulk body, naming the item (`cardsLockRequests[2]`), or none. */
const checkItems = <A>(
  endpoint: string,
  key: string,
  items: ReadonlyArray<A>,
  check: (item: A) => Problem | undefined
): Either.Either<void, ClaraBadRequestError> => {
  if (items.length === 0) {
    return Either.left(new ClaraBadRequestError({ endpoint, field: key, claraMessage: "must not be empty" }))
  }
  for (const [index, item] of items.entries()) {
    const problem = check(item)
    if (problem !== undefined) {
      return Either.left(
        new ClaraBadRequestError({ endpoint, record: `${key}[${index}]`, field: problem[0], claraMessage: problem[1] })
      )
    }
  }
  return Either.void
}

/** JSON of an object with an optional exact decimal `threshold`, written as number text (never via a JS float). */
const withAmount = (fields: Record<string, unknown>, threshold: BigDecimal.BigDecimal | undefined): string => {
  const text = JSON.stringify(fields)
  if (threshold === undefined) return text
  const amount = formatFixed(BigDecimal.normalize(threshold), 2)
  return text === "{}" ? `{"threshold":${amount}}` : `${text.slice(0, -1)},"threshold":${amount}}`
}

/** The answer of a bulk call, whichever form it took (§2.1, §5.3). */
const AckBody = Schema.Union(BulkCardsResponse, Schema.Array(Schema.String), Schema.Array(CardAsyncItem))

const toAck = (body: typeof AckBody.Type): CardBatchAck => {
  if (Array.isArray(body)) {
    const list: ReadonlyArray<string | CardAsyncItem> = body
    const uuids = list.filter((x): x is string => typeof x === "string")
    const items = list.filter((x): x is CardAsyncItem => typeof x !== "string")
    return { id: items[0]?.batchId ?? undefined, message: undefined, items, cardUuids: uuids }
  }
  const ack = body as BulkCardsResponse
  const items = ack.cardsLockResponses ?? ack.updateCardsThresholdResponses ?? ack.cardsRequestsResponses ?? []
  return { id: ack.id ?? undefined, message: ack.message ?? undefined, items, cardUuids: [] }
}

/** Builds `CardBulkApi` over one `ClaraCall`. */
export const makeCardBulk = (call: ClaraCall): CardBulkApi => {
  const send = (method: "POST" | "PATCH", path: string, json: string) => {
    const endpoint = call.endpointOf(method, path)
    return call.write(method, path, json).pipe(
      Effect.flatMap((bytes): Either.Either<CardBatchAck, ClaraError> =>
        new TextDecoder().decode(bytes).trim() === ""
          ? Either.right({ id: undefined, message: undefined, items: [], cardUuids: [] })
          : Either.map(
            Either.flatMap(parseJson(bytes, { endpoint }), (json) => decodeWith(AckBody, json, { endpoint })),
            toAck
          )
      )
    )
  }

  const create = (cards: ReadonlyArray<BulkCreateCardInput>, options: { readonly bodyKey?: BulkCreateBodyKey } = {}) => {
    const path = `${CARDS}/bulk-create`
    const key = options.bodyKey ?? "cardsRequests"
    return Effect.flatMap(
      checkItems(call.endpointOf("POST", path), key === "cards" ? "cards" : "cardsRequests", cards, (card) =>
        blank(card.alias)
          ? ["alias", "must not be blank"]
          : blank(card.userUuid)
          ? ["userUuid", "must not be blank"]
          : card.threshold === undefined
          ? undefined
          : amountProblem(card.threshold)),
      () => {
        const items = cards.map(({ threshold, ...rest }) => withAmount({ ...rest }, threshold))
        const array = `[${items.join(",")}]`
        const json = key === "both"
          ? `{"cardsRequests":${array},"cards":${array}}`
          : `{${JSON.stringify(key)}:${array}}`
        return send("POST", path, json)
      }
    ).pipe(Effect.withSpan("ClaraClient.cardBulk.create", { attributes: { count: cards.length } }))
  }

  const updateThresholds = (
    items: ReadonlyArray<{ readonly uuid: string; readonly threshold: BigDecimal.BigDecimal }>
  ) => {
    const path = `${CARDS}/threshold`
    return Effect.flatMap(
      checkItems(
        call.endpointOf("PATCH", path),
        "updateCardsThresholdRequests",
        items,
        (i) => blank(i.uuid) ? ["uuid", "must not be empty"] : amountProblem(i.threshold)
      ),
      () => {
        const body = items.map((i) => withAmount({ uuid: i.uuid }, i.threshold)).join(",")
        return send("PATCH", path, `{"updateCardsThresholdRequests":[${body}]}`)
      }
    ).pipe(Effect.withSpan("ClaraClient.cardBulk.updateThresholds", { attributes: { count: items.length } }))
  }

  const lock = (
    items: ReadonlyArray<{ readonly uuid: string; readonly locked: boolean; readonly lockCode?: number }>
  ) => {
    const path = `${CARDS}/lock`
    return Effect.flatMap(
      checkItems(call.endpointOf("PATCH", path), "cardsLockRequests", items, (i) =>
        blank(i.uuid)
          ? ["uuid", "must not be empty"]
          : (i.lockCode ?? 16) !== 16
          ? ["lockCode", `must be 16 (API-initiated lock), got ${i.lockCode}`]
          : undefined),
      () => {
        const cardsLockRequests = items.map((i) => ({ uuid: i.uuid, locked: i.locked, lockCode: 16 }))
        return send("PATCH", path, JSON.stringify({ cardsLockRequests }))
      }
    ).pipe(Effect.withSpan("ClaraClient.cardBulk.lock", { attributes: { count: items.length } }))
  }

  return { create, updateThresholds, lock }
}

/** The body of a batch read, whichever form it took. */
const BatchBody = Schema.Union(
  Schema.Array(Schema.Unknown),
  Schema.Struct({ content: Schema.Array(Schema.Unknown) }),
  Schema.Struct({ requests: Schema.Array(Schema.Unknown) })
)

const isList = (value: unknown): value is ReadonlyArray<unknown> => Array.isArray(value)

/** Builds `CardRequestsApi` over one `ClaraCall`. */
export const makeCardRequests = (call: ClaraCall): CardRequestsApi => {
  const LIST = `${CARDS}/requests`
  const split = (query: CardRequestQuery) => {
    const { page = 0, size = 20, ...rest } = query
    return { page, size, params: queryParams(rest) }
  }
  const page = (query: CardRequestQuery = {}) => {
    const q = split(query)
    return fetchFlexiblePage(call, LIST, q.params, CardRequest, q.size, q.page).pipe(
      Effect.withSpan("ClaraClient.cardRequests.page")
    )
  }
  const list = (query: CardRequestQuery = {}) => {
    const q = split(query)
    return flexiblePages(call, LIST, q.params, CardRequest, q.size, q.page)
  }
  const get = (id: string) =>
    Effect.flatMap(segment(call, "GET", `${LIST}/{id}`, id, "id"), (s) => getOne(call, `${LIST}/${s}`, CardRequest))
      .pipe(Effect.withSpan("ClaraClient.cardRequests.get"))
  const batch = (batchId: string) =>
    Effect.flatMap(segment(call, "GET", `${LIST}/batches/{id}`, batchId, "batchId"), (s) => {
      const path = `${LIST}/batches/${s}`
      const endpoint = call.endpointOf("GET", path)
      return Effect.map(getOne(call, path, BatchBody), (body) => {
        const [raws, field]: readonly [ReadonlyArray<unknown>, string] = isList(body)
          ? [body, ""]
          : "content" in body
          ? [body.content, "content"]
          : [body.requests, "requests"]
        return decodeItems(CardRequest, raws, { endpoint, where: `batch ${batchId}`, field })
      })
    }).pipe(Effect.withSpan("ClaraClient.cardRequests.batch"))
  return { list, page, get, batch }
}
