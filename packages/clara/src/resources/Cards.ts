/** `ClaraClientService.cards`: the v3 card reads and the synchronous (single-card) writes. */
import { formatFixed } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { type CardFilter, cardQuery } from "../CardFilter.js"
import type { ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { ClaraBadRequestError } from "../ClaraError.js"
import { CardAsyncItem, CardV3 } from "../wire/CardV3.js"
import { CreateCardAnswerV3, type CreateCardResponseV3 } from "../wire/CardWritesV3.js"
import { checkAmount, isBlank, jsonWithAmounts, oneOf, reject, requireText, writeOn } from "../internal/resource.js"
import { type CardConfigurationWrites, makeCardConfigurations } from "./CardConfigurations.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { decodeWith, parseJson } from "../internal/decode.js"

/** The v3 card operations (clara-api.md §2.1, §3.2, §5.3), `ClaraClientService.cards`. */
export interface CardsApi {
  /**
   * Every card matching `filter` from page `filter.page` (default 0) on (`GET /api/v3/cards`, size default 20).
   * `userUuid` together with `userErpId`, a blank filter or a size outside 1-100 fails with `ClaraBadRequestError`
   * before any request.
   */
  readonly list: (filter?: CardFilter) => Stream.Stream<ClaraItem<CardV3>, ClaraError>
  /** Page `filter.page` (default 0) of `list`. */
  readonly page: (filter?: CardFilter) => Effect.Effect<ClaraPage<CardV3>, ClaraError>
  /**
   * One card (`GET /api/v3/cards/{uuid}`), without the full PAN and CVV Clara sends (dropped before decoding);
   * `ClaraNotFoundError` when unknown.
   */
  readonly get: (uuid: string) => Effect.Effect<CardV3, ClaraError>
  /**
   * Locks or unlocks a card (`PATCH /api/v3/cards/{uuid}/lock`, `{locked, lockCode: 16}`, 202). `lockCode` defaults
   * to 16, the only code the API may set; any other fails with `ClaraBadRequestError` before any request. A write.
   */
  readonly lock: (
    uuid: string,
    request: { readonly locked: boolean; readonly lockCode?: number }
  ) => Effect.Effect<CardAsyncItem, ClaraError>
  /**
   * Changes a card's spending limit (`PATCH /api/v3/cards/{uuid}/threshold`), in the account currency's units; a
   * non-positive amount or one with more than 2 decimals fails with `ClaraBadRequestError` before any request. The
   * answer's `status` is `UPDATED` when Clara finished within 30 s, else poll `get` (§5.3). Over the company credit
   * line: `ClaraBadRequestError` 422 `B013`. A write.
   */
  readonly updateThreshold: (
    uuid: string,
    threshold: BigDecimal.BigDecimal
  ) => Effect.Effect<CardAsyncItem, ClaraError>
  /**
   * Creates one card (`POST /api/v3/cards`, hybrid: Clara answers within 30 s with the card uuid, or queues it and the
   * answer has a `batchId` / `status` `SENT`; then poll `list`). Field names of the schema tables (§7 #6). `type`
   * (VIRTUAL | PHYSICAL, any case), `alias` and `userUuid` are required; `threshold` positive with at most 2 decimals
   * (sent as exact decimal text); `periodicity` DAILY | WEEKLY | MONTHLY; else `ClaraBadRequestError` before any
   * request. A write: waits at least 45 s, never retried blindly.
   */
  readonly create: (request: CreateCardInput) => Effect.Effect<CreateCardResponseV3, ClaraError>
  /** Cancels a card for good (`DELETE /api/v3/cards/{uuid}`; 200, 202 or 204, §7 #21). A write. */
  readonly cancel: (uuid: string) => Effect.Effect<void, ClaraError>
  /**
   * Cancels many cards for good (`POST /api/v3/cards/delete`, `{uuids}`). An empty list or a blank uuid fails with
   * `ClaraBadRequestError` naming it (`uuids[2]`) before any request. A write.
   */
  readonly cancelMany: (uuids: ReadonlyArray<string>) => Effect.Effect<void, ClaraError>
  /** Spending configurations of a card (`POST`/`PATCH`/`DELETE /api/v3/cards/{uuid}/configurations`, §3.6). */
  readonly configurations: CardConfigurationWrites
}

/** Input of `CardsApi.create`: `CreateCardRequestV3` with the threshold as a `BigDecimal` and `type` in any case. */
export interface CreateCardInput {
  readonly type: string
  readonly alias: string
  readonly userUuid: string
  readonly threshold?: BigDecimal.BigDecimal
  readonly businessType?: "BUSINESS" | "WORLD_ELITE"
  readonly periodicity?: "DAILY" | "WEEKLY" | "MONTHLY"
}

const LIST = "/v3/cards"

/** Builds `CardsApi` over one `ClaraCall`. */
export const makeCards = (call: ClaraCall): CardsApi => {
  const listEndpoint = call.endpointOf("GET", LIST)
  const sensitive = { sensitive: true }

  const cardsPage = (filter: CardFilter = {}) =>
    Effect.flatMap(
      cardQuery(filter, listEndpoint),
      (q) => call.fetchPage(LIST, q.params, CardV3, q.size, q.page, sensitive)
    ).pipe(Effect.withSpan("ClaraClient.cards.page"))

  const cards = (filter: CardFilter = {}) =>
    Stream.unwrap(
      Effect.map(cardQuery(filter, listEndpoint), (q) => call.pages(LIST, q.params, CardV3, q.size, q.page, sensitive))
    )

  const card = (uuid: string) =>
    Effect.flatMap(call.pathSegment(uuid, call.endpointOf("GET", `${LIST}/{uuid}`)), (id) => {
      const path = `${LIST}/${id}`
      return Effect.flatMap(
        call.getJson(path, {}, sensitive),
        (json) => decodeWith(CardV3, json, { endpoint: call.endpointOf("GET", path) })
      )
    }).pipe(Effect.withSpan("ClaraClient.cards.get"))

  /** PATCH `path` with `json` and decodes the `CardAsyncItem` answer. */
  const cardWrite = (path: string, json: string) => {
    const endpoint = call.endpointOf("PATCH", path)
    return call.write("PATCH", path, json).pipe(
      Effect.flatMap((body) => parseJson(body, { endpoint })),
      Effect.flatMap((answer) => decodeWith(CardAsyncItem, answer, { endpoint }))
    )
  }

  const lockCard = (uuid: string, request: { readonly locked: boolean; readonly lockCode?: number }) => {
    const endpoint = call.endpointOf("PATCH", `${LIST}/{uuid}/lock`)
    const lockCode = request.lockCode ?? 16
    return Effect.flatMap(
      Either.flatMap(
        call.pathSegment(uuid, endpoint),
        (id) =>
          lockCode === 16
            ? Either.right(id)
            : Either.left(
              new ClaraBadRequestError({
                endpoint,
                field: "lockCode",
                claraMessage: `must be 16 (API-initiated lock), got ${lockCode}`
              })
            )
      ),
      (id) => cardWrite(`${LIST}/${id}/lock`, JSON.stringify({ locked: request.locked, lockCode: 16 }))
    ).pipe(Effect.withSpan("ClaraClient.cards.lock", { attributes: { locked: request.locked } }))
  }

  const updateCardThreshold = (uuid: string, threshold: BigDecimal.BigDecimal) => {
    const endpoint = call.endpointOf("PATCH", `${LIST}/{uuid}/threshold`)
    const normalized = BigDecimal.normalize(threshold)
    return Effect.flatMap(
      Either.flatMap(
        call.pathSegment(uuid, endpoint),
        (id) =>
          BigDecimal.isPositive(normalized) && normalized.scale <= 2
            ? Either.right(id)
            : Either.left(
              new ClaraBadRequestError({
                endpoint,
                field: "threshold",
                claraMessage: `must be a positive amount with at most 2 decimals, got ${BigDecimal.format(normalized)}`
              })
            )
      ),
      // the amount is written as exact decimal text, never through a JS number
      (id) => cardWrite(`${LIST}/${id}/threshold`, `{"threshold":${formatFixed(normalized, 2)}}`)
    ).pipe(Effect.withSpan("ClaraClient.cards.updateThreshold"))
  }

  const createCard = (request: CreateCardInput) => {
    const endpoint = call.endpointOf("POST", LIST)
    const checked = Either.all({
      type: oneOf(endpoint, "type", request.type.toUpperCase(), ["VIRTUAL", "PHYSICAL"] as const),
      alias: requireText(endpoint, "alias", request.alias),
      userUuid: requireText(endpoint, "userUuid", request.userUuid),
      threshold: request.threshold === undefined
        ? Either.right(undefined)
        : checkAmount(endpoint, "threshold", request.threshold),
      periodicity: request.periodicity === undefined
        ? Either.right(undefined)
        : oneOf(endpoint, "periodicity", request.periodicity, ["DAILY", "WEEKLY", "MONTHLY"] as const),
      businessType: request.businessType === undefined
        ? Either.right(undefined)
        : oneOf(endpoint, "businessType", request.businessType, ["BUSINESS", "WORLD_ELITE"] as const)
    })
    return Effect.flatMap(checked, ({ threshold, ...fields }) =>
      call.writeDecoded(
        "POST",
        LIST,
        jsonWithAmounts(fields, { threshold }),
        CreateCardAnswerV3,
        sensitive
      )).pipe(Effect.withSpan("ClaraClient.cards.create"))
  }

  const cancelCard = (uuid: string) =>
    writeOn(call, "DELETE", `${LIST}/{uuid}`, uuid).pipe(Effect.withSpan("ClaraClient.cards.cancel"))

  const cancelCards = (uuids: ReadonlyArray<string>) => {
    const endpoint = call.endpointOf("POST", `${LIST}/delete`)
    const blankAt = uuids.findIndex((u) => isBlank(u))
    const problem = uuids.length === 0
      ? reject(endpoint, "uuids", "must name at least one card")
      : blankAt >= 0
      ? reject(endpoint, `uuids[${blankAt}]`, "must not be blank")
      : undefined
    return (problem === undefined
      ? call.writeVoid("POST", `${LIST}/delete`, JSON.stringify({ uuids: [...uuids] }))
      : Effect.fail(problem)).pipe(
        Effect.withSpan("ClaraClient.cards.cancelMany", { attributes: { count: uuids.length } })
      )
  }

  return {
    list: cards,
    page: cardsPage,
    get: card,
    lock: lockCard,
    updateThreshold: updateCardThreshold,
    create: createCard,
    cancel: cancelCard,
    cancelMany: cancelCards,
    configurations: makeCardConfigurations(call, "v3")
  }
}
