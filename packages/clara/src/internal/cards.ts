import { formatFixed } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { type CardFilter, cardQuery } from "../CardFilter.js"
import { ClaraBadRequestError } from "../ClaraError.js"
import { CardAsyncItem, CardV3 } from "../wire/CardV3.js"
import type { ClaraCall } from "./ClaraCall.js"
import { decodeWith, parseJson } from "./decode.js"

const LIST = "/v3/cards"

/** The card operations of `ClaraClientService` (documented there). */
export const makeCards = (call: ClaraCall) => {
  const listEndpoint = call.endpointOf("GET", LIST)
  const sensitive = { sensitive: true }

  const cardsPage = (filter: CardFilter = {}) =>
    Effect.flatMap(
      cardQuery(filter, listEndpoint),
      (q) => call.fetchPage(LIST, q.params, CardV3, q.size, q.page, sensitive)
    ).pipe(Effect.withSpan("ClaraClient.cardsPage"))

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
    }).pipe(Effect.withSpan("ClaraClient.card"))

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
    ).pipe(Effect.withSpan("ClaraClient.lockCard", { attributes: { locked: request.locked } }))
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
    ).pipe(Effect.withSpan("ClaraClient.updateCardThreshold"))
  }

  return { cards, cardsPage, card, lockCard, updateCardThreshold }
}
