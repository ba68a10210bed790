/** `ClaraClientService.users`: the v3 user reads and writes. */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { type UserFilter, userQuery } from "../UserFilter.js"
import { UserV3 } from "../wire/UserV3.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { decodeWith } from "../internal/decode.js"
import { isBlank, pathWith, reject, writeOn } from "../internal/resource.js"
import { taxIdentifierProblem } from "../internal/taxId.js"
import type { CreateUserRequestV3, UpdateUserRequestV3 } from "../wire/UserWritesV3.js"

/** The v3 user operations (clara-api.md §2.1, §3.7), `ClaraClientService.users`. */
export interface UsersApi {
  /** Every user matching `filter` from page `filter.page` (default 0) on (`GET /api/v3/users`, size default 50). */
  readonly list: (filter?: UserFilter) => Stream.Stream<ClaraItem<UserV3>, ClaraError>
  /** Page `filter.page` (default 0) of `list`. */
  readonly page: (filter?: UserFilter) => Effect.Effect<ClaraPage<UserV3>, ClaraError>
  /** One user (`GET /api/v3/users/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly get: (uuid: string) => Effect.Effect<UserV3, ClaraError>
  /**
   * Creates a user (`POST /api/v3/users`; body undocumented, §7 #14: the filter field names). `name`, `lastName` and
   * `email` are required; `taxIdentifier` must fit the host's market (RFC / CPF or CNPJ / NIT; any of them on a custom
   * base URL); else `ClaraBadRequestError` naming the field before any request. The answer is read as a `UserV3`.
   * A write.
   */
  readonly create: (request: CreateUserRequestV3) => Effect.Effect<UserV3, ClaraError>
  /** Changes some fields of a user (`PATCH /api/v3/users/{uuid}`), checked as `create`; at least one field. */
  readonly update: (uuid: string, request: UpdateUserRequestV3) => Effect.Effect<UserV3, ClaraError>
  /** Deletes (deactivates) a user (`DELETE /api/v3/users/{uuid}`; 200, 202 or 204, §7 #21). A write. */
  readonly delete: (uuid: string) => Effect.Effect<void, ClaraError>
}

/** The first problem of a user body: blank text fields, a malformed email or tax identifier. */
const checkUser = (
  endpoint: string,
  body: UpdateUserRequestV3,
  country: ClaraCall["country"],
  required: ReadonlyArray<keyof UpdateUserRequestV3>
): Either.Either<UpdateUserRequestV3, ClaraBadRequestError> => {
  const entries = Object.entries(body).filter(([, v]) => v !== undefined) as Array<[string, string]>
  if (entries.length === 0) return Either.left(reject(endpoint, "body", "give at least one field"))
  for (const key of required) {
    if (body[key] === undefined) return Either.left(reject(endpoint, key, "is required"))
  }
  for (const [key, value] of entries) {
    if (isBlank(value)) return Either.left(reject(endpoint, key, "must not be blank"))
  }
  if (body.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) {
    return Either.left(reject(endpoint, "email", "must be an email address"))
  }
  const problem = body.taxIdentifier === undefined ? undefined : taxIdentifierProblem(body.taxIdentifier, country)
  return problem === undefined ? Either.right(body) : Either.left(reject(endpoint, "taxIdentifier", problem))
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

  const createUser = (request: CreateUserRequestV3) =>
    Effect.flatMap(
      checkUser(call.endpointOf("POST", LIST), request, call.country, ["name", "lastName", "email"]),
      (body) => call.writeDecoded("POST", LIST, JSON.stringify(body), UserV3)
    ).pipe(Effect.withSpan("ClaraClient.users.create"))

  const updateUser = (uuid: string, request: UpdateUserRequestV3) => {
    const template = `${LIST}/{uuid}`
    return Effect.flatMap(
      Either.flatMap(
        pathWith(call, "PATCH", template, uuid),
        (path) =>
          Either.map(
            checkUser(call.endpointOf("PATCH", template), request, call.country, []),
            (body) => ({ path, body })
          )
      ),
      ({ body, path }) => call.writeDecoded("PATCH", path, JSON.stringify(body), UserV3)
    ).pipe(Effect.withSpan("ClaraClient.users.update"))
  }

  const deleteUser = (uuid: string) =>
    writeOn(call, "DELETE", `${LIST}/{uuid}`, uuid).pipe(Effect.withSpan("ClaraClient.users.delete"))

  return { list: users, page: usersPage, get: user, create: createUser, update: updateUser, delete: deleteUser }
}
