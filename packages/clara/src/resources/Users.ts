/** `ClaraClientService.users`: the v3 user reads. */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { type UserFilter, userQuery } from "../UserFilter.js"
import { UserV3 } from "../wire/UserV3.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { decodeWith } from "../internal/decode.js"

/** The v3 user reads (clara-api.md §2.1, §3.7), `ClaraClientService.users`. */
export interface UsersApi {
  /** Every user matching `filter` from page `filter.page` (default 0) on (`GET /api/v3/users`, size default 50). */
  readonly list: (filter?: UserFilter) => Stream.Stream<ClaraItem<UserV3>, ClaraError>
  /** Page `filter.page` (default 0) of `list`. */
  readonly page: (filter?: UserFilter) => Effect.Effect<ClaraPage<UserV3>, ClaraError>
  /** One user (`GET /api/v3/users/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly get: (uuid: string) => Effect.Effect<UserV3, ClaraError>
}

const LIST = "/v3/users"

/** Builds `UsersApi` over one `ClaraCall`. */
export const makeUsers = (call: ClaraCall): UsersApi => {
  const listEndpoint = call.endpointOf("GET", LIST)

  const usersPage = (filter: UserFilter = {}) =>
    Effect.flatMap(userQuery(filter, listEndpoint), (q) => call.fetchPage(LIST, q.params, UserV3, q.size, q.page))
      .pipe(Effect.withSpan("ClaraClient.users.page"))

  const users = (filter: UserFilter = {}) =>
    Stream.unwrap(
      Effect.map(userQuery(filter, listEndpoint), (q) => call.pages(LIST, q.params, UserV3, q.size, q.page))
    )

  const user = (uuid: string) =>
    Effect.flatMap(call.pathSegment(uuid, call.endpointOf("GET", `${LIST}/{uuid}`)), (id) => {
      const path = `${LIST}/${id}`
      return Effect.flatMap(
        call.getJson(path, {}),
        (json) => decodeWith(UserV3, json, { endpoint: call.endpointOf("GET", path) })
      )
    }).pipe(Effect.withSpan("ClaraClient.users.get"))

  return { list: users, page: usersPage, get: user }
}
