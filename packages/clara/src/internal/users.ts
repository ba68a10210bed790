import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type UserFilter, userQuery } from "../UserFilter.js"
import { UserV3 } from "../wire/UserV3.js"
import type { ClaraCall } from "./ClaraCall.js"
import { decodeWith } from "./decode.js"

const LIST = "/v3/users"

/** The user operations of `ClaraClientService` (documented there). */
export const makeUsers = (call: ClaraCall) => {
  const listEndpoint = call.endpointOf("GET", LIST)

  const usersPage = (filter: UserFilter = {}) =>
    Effect.flatMap(userQuery(filter, listEndpoint), (q) => call.fetchPage(LIST, q.params, UserV3, q.size, q.page))
      .pipe(Effect.withSpan("ClaraClient.usersPage"))

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
    }).pipe(Effect.withSpan("ClaraClient.user"))

  return { users, usersPage, user }
}
