/**
 * `ClaraClientService.v1`: the legacy read-only operations of clara-api.md §2.3 owned here (users, locations, groups,
 * cards, transactions). Lists accept a Spring page or a bare array.
 */
import * as Effect from "effect/Effect"
import type { ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type * as Stream from "effect/Stream"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { getOne, listing } from "../internal/resource.js"
import { type CardV1Filter, cardV1Query } from "../LegacyFilter.js"
import { CardV1 } from "../wire/CardV1.js"
import { Group, Location, UserV2 } from "../wire/DirectoryV2.js"
import { TransactionV1 } from "../wire/TransactionV2.js"
import { type LegacyList, legacyList } from "./V2.js"

/** `client.v1.cards`: Spring pages of `CardV1` with the v1 filters. */
export interface CardsV1Api {
  /**
   * Every card matching `filter` from page `filter.page` on (`GET /api/v1/cards`, size default 20). A blank filter,
   * a `periodicityType` other than DAILY / MONTHLY or a size outside 1-100 fails with `ClaraBadRequestError` before
   * any request.
   */
  readonly list: (filter?: CardV1Filter) => Stream.Stream<ClaraItem<CardV1>, ClaraError>
  /** Page `filter.page` (default 0). */
  readonly page: (filter?: CardV1Filter) => Effect.Effect<ClaraPage<CardV1>, ClaraError>
  /** `GET /api/v1/cards/{uuid}`. */
  readonly get: (uuid: string) => Effect.Effect<CardV1, ClaraError>
}

/** The v1 operations, grouped by resource. */
export interface V1Api {
  /** `GET /api/v1/users`, `/api/v1/users/{uuid}` (read as `UserV2`: same samples). */
  readonly users: LegacyList<UserV2>
  readonly locations: LegacyList<Location>
  readonly groups: LegacyList<Group>
  readonly cards: CardsV1Api
  /** `GET /api/v1/transactions`, `/api/v1/transactions/{uuid}` (placeholder-sample shape `TransactionV1`). */
  readonly transactions: LegacyList<TransactionV1>
}

/** Builds `V1Api` over one `ClaraCall`. */
export const makeV1 = (call: ClaraCall): V1Api => {
  const cardsEndpoint = call.endpointOf("GET", "/v1/cards")
  const cards = listing(call, "/v1/cards", CardV1)
  return {
    users: legacyList(call, "/v1/users", UserV2, "ClaraClient.v1.users"),
    locations: legacyList(call, "/v1/locations", Location, "ClaraClient.v1.locations"),
    groups: legacyList(call, "/v1/groups", Group, "ClaraClient.v1.groups"),
    cards: {
      list: (filter = {}) => cards.stream(cardV1Query(filter, cardsEndpoint)),
      page: (filter = {}) =>
        cards.page(cardV1Query(filter, cardsEndpoint)).pipe(Effect.withSpan("ClaraClient.v1.cards.page")),
      get: (uuid) => getOne(call, "/v1/cards/{uuid}", uuid, CardV1).pipe(Effect.withSpan("ClaraClient.v1.cards.get"))
    },
    transactions: legacyList(call, "/v1/transactions", TransactionV1, "ClaraClient.v1.transactions")
  }
}
