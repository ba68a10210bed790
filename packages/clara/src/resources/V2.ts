/**
 * `ClaraClientService.v2`: the v2 operations of clara-api.md §2.2 owned here (users, locations, groups, card
 * configurations, cards, transactions, labels), grouped by resource. Lists accept a Spring page or a bare array (the
 * docs show both, §2.2); v3 is preferred wherever both exist (§1.1).
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { checkPage } from "../internal/ClaraCall.js"
import { decodeItems } from "../internal/decode.js"
import {
  checkAmount,
  getOne,
  isBlank,
  jsonWithAmounts,
  listing,
  pathWith,
  reject,
  requireText,
  writeOn
} from "../internal/resource.js"
import { type LegacyListFilter, legacyQuery } from "../LegacyFilter.js"
import { type TransactionFilter, transactionQuery } from "../TransactionFilter.js"
import { CardAsyncItem } from "../wire/CardV3.js"
import { CardV2 } from "../wire/CardV2.js"
import {
  type CreateGroupRequest,
  type CreateLabelRequest,
  type CreateUserRequestV2,
  Group,
  Label,
  Location,
  type UpdateGroupRequest,
  type UpdateLabelRequest,
  UserV2
} from "../wire/DirectoryV2.js"
import { TransactionV2 } from "../wire/TransactionV2.js"
import { type CardConfigurationsV2, makeCardConfigurations } from "./CardConfigurations.js"

/** A list with its one-page variant, from `filter.page` on. */
export interface LegacyList<A, F = LegacyListFilter> {
  /** Every record from page `filter.page` (default 0) on; a bare-array answer is the whole list. */
  readonly list: (filter?: F) => Stream.Stream<ClaraItem<A>, ClaraError>
  /** Page `filter.page` (default 0). */
  readonly page: (filter?: F) => Effect.Effect<ClaraPage<A>, ClaraError>
  /** One record by uuid; `ClaraNotFoundError` when unknown. */
  readonly get: (uuid: string) => Effect.Effect<A, ClaraError>
}

/** `client.v2.users`. */
export interface UsersV2Api extends LegacyList<UserV2> {
  /** `POST /api/v2/users` (body fields sent as given; `email` required and well-formed). A write. */
  readonly create: (request: CreateUserRequestV2) => Effect.Effect<UserV2, ClaraError>
}

/** `client.v2.groups`. */
export interface GroupsV2Api extends LegacyList<Group> {
  /** `POST /api/v2/groups` (`name` required). A write. */
  readonly create: (request: CreateGroupRequest) => Effect.Effect<Group, ClaraError>
  /**
   * Updates a group. The method is PATCH (the guide) unless `options.method` is PUT (the nav label), clara-api.md
   * §7 #16; there is no automatic fallback (a rejected method did nothing, so calling again with the other is safe).
   * At least one field; a write.
   */
  readonly update: (
    uuid: string,
    request: UpdateGroupRequest,
    options?: { readonly method?: "PATCH" | "PUT" }
  ) => Effect.Effect<Group, ClaraError>
  /** `DELETE /api/v2/groups/{uuid}` (200, 202 or 204). A write. */
  readonly delete: (uuid: string) => Effect.Effect<void, ClaraError>
}

/** Input of `client.v2.cards.create`: `CreateCardRequestV2` with the threshold as a `BigDecimal`. */
export interface CreateCardV2Input {
  /** 1 physical, 2 virtual. */
  readonly type: 1 | 2
  readonly alias: string
  readonly userUUID: string
  readonly threshold: BigDecimal.BigDecimal
  /** 1 monthly, 2 daily. */
  readonly periodicityType: 1 | 2
}

/** `client.v2.cards`. */
export interface CardsV2Api extends LegacyList<CardV2> {
  /**
   * `POST /api/v2/cards` with the legacy numeric codes; bad codes, a blank alias or user, a threshold that is not
   * positive with at most 2 decimals fail with `ClaraBadRequestError` before any request. The answer (undocumented) is
   * read as a `CardV2`. A write.
   */
  readonly create: (request: CreateCardV2Input) => Effect.Effect<CardV2, ClaraError>
  /** `DELETE /api/v2/cards/{uuid}` (cancels the card; 200, 202 or 204). A write. */
  readonly delete: (uuid: string) => Effect.Effect<void, ClaraError>
  /** `PATCH /api/v2/cards/{uuid}` `{threshold}` (the confirmed v2 threshold URL), exact decimal text. A write. */
  readonly updateThreshold: (uuid: string, threshold: BigDecimal.BigDecimal) => Effect.Effect<void, ClaraError>
  /**
   * Locks or unlocks a card. The v2 lock path is not documented (clara-api.md §2.2, §7 #15: prefer v3), so this
   * sends the v3 call `PATCH /api/v3/cards/{uuid}/lock` `{locked, lockCode: 16}` (202).
   */
  readonly lock: (uuid: string, locked: boolean) => Effect.Effect<CardAsyncItem, ClaraError>
}

/** `client.v2.transactions`. */
export interface TransactionsV2Api {
  /**
   * Every v2 transaction matching `filter` (`GET /api/v2/transactions`, the v3 date filters and `pageSize` 1-100,
   * default 100), page after page.
   */
  readonly list: (filter?: TransactionFilter) => Stream.Stream<ClaraItem<TransactionV2>, ClaraError>
  /** One zero-based page of `list`. */
  readonly page: (filter: TransactionFilter, page: number) => Effect.Effect<ClaraPage<TransactionV2>, ClaraError>
  /** `GET /api/v2/transactions/{uuid}`. */
  readonly get: (uuid: string) => Effect.Effect<TransactionV2, ClaraError>
}

/** `client.v2.labels`. */
export interface LabelsV2Api extends LegacyList<Label> {
  /**
   * Creates labels (`POST /api/v2/labels`, "multiple"; the body shape is undocumented: a JSON array of `{name,
   * description?}` is sent), returning the created labels when the answer lists them (array or page), else none.
   * An empty list or a blank name fails with `ClaraBadRequestError` naming it (`labels[1].name`). A write.
   */
  readonly create: (
    labels: ReadonlyArray<CreateLabelRequest>
  ) => Effect.Effect<ReadonlyArray<ClaraItem<Label>>, ClaraError>
  /** `PATCH /api/v2/labels/{uuid}`; at least one field. A write. */
  readonly update: (uuid: string, request: UpdateLabelRequest) => Effect.Effect<Label, ClaraError>
  /** `DELETE /api/v2/labels/{uuid}` (200, 202 or 204). A write. */
  readonly delete: (uuid: string) => Effect.Effect<void, ClaraError>
  /** `POST /api/v2/labels/delete` `{uuids}` (assumed by analogy with cards, §2.2). A write. */
  readonly deleteMany: (uuids: ReadonlyArray<string>) => Effect.Effect<void, ClaraError>
}

/** The v2 operations, grouped by resource. */
export interface V2Api {
  readonly users: UsersV2Api
  /** Read-only: `GET /api/v2/locations`, `/api/v2/locations/{uuid}`. */
  readonly locations: LegacyList<Location>
  readonly groups: GroupsV2Api
  /** `/api/v2/cards/{uuid}/configurations`: create, get, update, delete (§3.6). */
  readonly cardConfigurations: CardConfigurationsV2
  readonly cards: CardsV2Api
  readonly transactions: TransactionsV2Api
  readonly labels: LabelsV2Api
}

/** A read-only list under `base` (`/v2/groups`), with `get` at `base/{uuid}`. */
export const legacyList = <A, I>(
  call: ClaraCall,
  base: string,
  schema: Schema.Schema<A, I, never>,
  span: string
): LegacyList<A> => {
  const endpoint = call.endpointOf("GET", base)
  const { page, stream } = listing(call, base, schema)
  return {
    list: (filter = {}) => stream(legacyQuery(filter, endpoint)),
    page: (filter = {}) => page(legacyQuery(filter, endpoint)).pipe(Effect.withSpan(`${span}.page`)),
    get: (uuid) => getOne(call, `${base}/{uuid}`, uuid, schema).pipe(Effect.withSpan(`${span}.get`))
  }
}

/** Rejects an update body with no field or a blank text field. */
const checkPartial = <A extends Readonly<Record<string, string | undefined>>>(
  endpoint: string,
  body: A
): Either.Either<A, ClaraBadRequestError> => {
  const given = Object.entries(body).filter(([, v]) => v !== undefined)
  if (given.length === 0) return Either.left(reject(endpoint, "body", "give at least one field"))
  const blankField = given.find(([, v]) => isBlank(v))
  return blankField === undefined
    ? Either.right(body)
    : Either.left(reject(endpoint, blankField[0], "must not be blank"))
}

/** An update of the record `uuid` with a checked partial body, decoded with `schema`. */
const update = <A, I>(
  call: ClaraCall,
  method: "PATCH" | "PUT",
  template: string,
  uuid: string,
  body: Readonly<Record<string, string | undefined>>,
  schema: Schema.Schema<A, I, never>
) =>
  Effect.flatMap(
    Either.flatMap(
      pathWith(call, method, template, uuid),
      (path) => Either.map(checkPartial(call.endpointOf(method, template), body), () => path)
    ),
    (path) => call.writeDecoded(method, path, JSON.stringify(body), schema)
  )

/** Rejects an empty list of uuids or a blank one (`uuids[2]`). */
const checkUuids = (endpoint: string, uuids: ReadonlyArray<string>): Either.Either<void, ClaraBadRequestError> => {
  if (uuids.length === 0) return Either.left(reject(endpoint, "uuids", "must name at least one"))
  const at = uuids.findIndex((u) => isBlank(u))
  return at < 0 ? Either.void : Either.left(reject(endpoint, `uuids[${at}]`, "must not be blank"))
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** A created-labels answer: a bare array, a Spring page, or anything else (no labels listed). */
const LabelsAnswer = Schema.Union(
  Schema.Array(Schema.Unknown),
  Schema.Struct({ content: Schema.Array(Schema.Unknown) }),
  Schema.Unknown
)

/** Builds `V2Api` over one `ClaraCall`. */
export const makeV2 = (call: ClaraCall): V2Api => {
  const users = legacyList(call, "/v2/users", UserV2, "ClaraClient.v2.users")
  const groups = legacyList(call, "/v2/groups", Group, "ClaraClient.v2.groups")
  const cards = legacyList(call, "/v2/cards", CardV2, "ClaraClient.v2.cards")
  const labels = legacyList(call, "/v2/labels", Label, "ClaraClient.v2.labels")

  const createUser = (request: CreateUserRequestV2) => {
    const endpoint = call.endpointOf("POST", "/v2/users")
    return Effect.flatMap(
      EMAIL.test(request.email)
        ? Either.right(request)
        : Either.left(reject(endpoint, "email", "must be an email address")),
      (body) => call.writeDecoded("POST", "/v2/users", JSON.stringify(body), UserV2)
    ).pipe(Effect.withSpan("ClaraClient.v2.users.create"))
  }

  const createGroup = (request: CreateGroupRequest) =>
    Effect.flatMap(
      requireText(call.endpointOf("POST", "/v2/groups"), "name", request.name),
      () => call.writeDecoded("POST", "/v2/groups", JSON.stringify(request), Group)
    ).pipe(Effect.withSpan("ClaraClient.v2.groups.create"))

  const createCard = (request: CreateCardV2Input) => {
    const endpoint = call.endpointOf("POST", "/v2/cards")
    const code = (field: string, value: unknown) =>
      value === 1 || value === 2 ? Either.right(value) : Either.left(reject(endpoint, field, "must be 1 or 2"))
    return Effect.flatMap(
      Either.all({
        type: code("type", request.type),
        alias: requireText(endpoint, "alias", request.alias),
        userUUID: requireText(endpoint, "userUUID", request.userUUID),
        threshold: checkAmount(endpoint, "threshold", request.threshold),
        periodicityType: code("periodicityType", request.periodicityType)
      }),
      ({ threshold, ...fields }) =>
        call.writeDecoded("POST", "/v2/cards", jsonWithAmounts(fields, { threshold }), CardV2, { sensitive: true })
    ).pipe(Effect.withSpan("ClaraClient.v2.cards.create"))
  }

  const cardThreshold = (uuid: string, threshold: BigDecimal.BigDecimal) =>
    Effect.flatMap(
      Either.flatMap(
        pathWith(call, "PATCH", "/v2/cards/{uuid}", uuid),
        (path) =>
          Either.map(checkAmount(call.endpointOf("PATCH", "/v2/cards/{uuid}"), "threshold", threshold), (amount) => ({
            path,
            amount
          }))
      ),
      ({ amount, path }) => call.writeVoid("PATCH", path, jsonWithAmounts({}, { threshold: amount }))
    ).pipe(Effect.withSpan("ClaraClient.v2.cards.updateThreshold"))

  const lockCard = (uuid: string, locked: boolean) =>
    Effect.flatMap(
      pathWith(call, "PATCH", "/v3/cards/{uuid}/lock", uuid),
      (path) => call.writeDecoded("PATCH", `${path}`, JSON.stringify({ locked, lockCode: 16 }), CardAsyncItem)
    ).pipe(Effect.withSpan("ClaraClient.v2.cards.lock"))

  const txEndpoint = call.endpointOf("GET", "/v2/transactions")
  const transactions: TransactionsV2Api = {
    list: (filter = {}) =>
      Stream.unwrap(
        Effect.map(
          transactionQuery(filter, txEndpoint),
          ({ params, size }) => call.pages("/v2/transactions", params, TransactionV2, size, 0)
        )
      ),
    page: (filter, page) =>
      Effect.flatMap(
        Either.flatMap(transactionQuery(filter, txEndpoint), (q) => Either.map(checkPage(page, txEndpoint), () => q)),
        ({ params, size }) => call.fetchPage("/v2/transactions", params, TransactionV2, size, page)
      ).pipe(Effect.withSpan("ClaraClient.v2.transactions.page")),
    get: (uuid) =>
      getOne(call, "/v2/transactions/{uuid}", uuid, TransactionV2).pipe(
        Effect.withSpan("ClaraClient.v2.transactions.get")
      )
  }

  const createLabels = (items: ReadonlyArray<CreateLabelRequest>) => {
    const endpoint = call.endpointOf("POST", "/v2/labels")
    const at = items.findIndex((l) => isBlank(l.name))
    const problem = items.length === 0
      ? reject(endpoint, "labels", "must name at least one label")
      : at >= 0
      ? reject(endpoint, `labels[${at}].name`, "must not be blank")
      : undefined
    if (problem !== undefined) return Effect.fail(problem)
    return call.writeDecoded("POST", "/v2/labels", JSON.stringify(items), LabelsAnswer).pipe(
      Effect.map((answer): ReadonlyArray<ClaraItem<Label>> => {
        const raws = Array.isArray(answer)
          ? answer
          : typeof answer === "object" && answer !== null && "content" in answer
          ? (answer as { readonly content: ReadonlyArray<unknown> }).content
          : []
        return decodeItems(Label, raws, { endpoint, where: "answer", field: Array.isArray(answer) ? "" : "content" })
      }),
      Effect.withSpan("ClaraClient.v2.labels.create", { attributes: { count: items.length } })
    )
  }

  const deleteLabels = (uuids: ReadonlyArray<string>) =>
    Effect.flatMap(
      checkUuids(call.endpointOf("POST", "/v2/labels/delete"), uuids),
      () => call.writeVoid("POST", "/v2/labels/delete", JSON.stringify({ uuids: [...uuids] }))
    ).pipe(Effect.withSpan("ClaraClient.v2.labels.deleteMany"))

  return {
    users: { ...users, create: createUser },
    locations: legacyList(call, "/v2/locations", Location, "ClaraClient.v2.locations"),
    groups: {
      ...groups,
      create: createGroup,
      update: (uuid, request, options) =>
        update(call, options?.method ?? "PATCH", "/v2/groups/{uuid}", uuid, request, Group).pipe(
          Effect.withSpan("ClaraClient.v2.groups.update")
        ),
      delete: (uuid) => writeOn(call, "DELETE", "/v2/groups/{uuid}", uuid)
    },
    cardConfigurations: makeCardConfigurations(call, "v2"),
    cards: {
      ...cards,
      create: createCard,
      delete: (uuid) => writeOn(call, "DELETE", "/v2/cards/{uuid}", uuid),
      updateThreshold: cardThreshold,
      lock: lockCard
    },
    transactions,
    labels: {
      ...labels,
      create: createLabels,
      update: (uuid, request) =>
        update(call, "PATCH", "/v2/labels/{uuid}", uuid, request, Label).pipe(
          Effect.withSpan("ClaraClient.v2.labels.update")
        ),
      delete: (uuid) => writeOn(call, "DELETE", "/v2/labels/{uuid}", uuid),
      deleteMany: deleteLabels
    }
  }
}
