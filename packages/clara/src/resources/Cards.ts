/** `ClaraClientService.cards`: the v3 card reads and writes. */
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

  return { list: cards, page: cardsPage, get: card, lock: lockCard, updateThreshold: updateCardThreshold }
}
