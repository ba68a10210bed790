/**
 * The emulator's v2 and v1 routes (clara-api.md §2.2, §2.3, §3.2, §3.4, §3.6, §3.7): views of the same directory
 * and transactions as v3 in the legacy shapes (`UserV2`, `CardV2` with the numeric codes, `CardV1`, `TransactionV2`,
 * `TransactionV1`), plus the locations, groups and labels of the company. As the docs show them, v2 users, cards and
 * transactions and v1 cards and transactions answer Spring pages; locations, groups and labels (v2 and v1) and v1
 * users answer bare arrays. Writes: v2 user and card creation, card threshold (PATCH) and delete, group and label CRUD
 * (group update by PATCH or PUT), label bulk delete.
 */
import type { CardV3, TransactionResponseV3, UserV3 } from "@clara-recon/clara"
import { statusName } from "@clara-recon/clara"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { Directory } from "./DirectoryApi.js"
import { newCard, thresholdProblem } from "./DirectoryWritesApi.js"
import { first, parsePageQuery, springPage } from "./ListQuery.js"
import { failure, field, json, jsonBody, notFound, validationError, withEntry } from "./Replies.js"

/** A location, group or label of the emulator. */
export interface Named {
  readonly uuid: string
  readonly name: string
  readonly description?: string
  readonly code?: string
  readonly status: string
  readonly createdAt?: string
}

/** The legacy-only records of one running emulator. */
export interface LegacyStore {
  readonly locations: ReadonlyMap<string, Named>
  readonly groups: Map<string, Named>
  readonly labels: Map<string, Named>
}

const fixed = (prefix: string, index: number) => `${prefix}0000-0000-4000-8000-${String(index).padStart(12, "0")}`

/** The company's locations (one inactive, still listed), groups and labels: fixed, so tests can name them. */
export const makeLegacyStore = (): LegacyStore => {
  const entries = (items: ReadonlyArray<Named>) => new Map(items.map((i) => [i.uuid, i]))
  return {
    locations: entries([
      {
        uuid: fixed("10c0", 1),
        name: "Ciudad de México",
        code: "CDMX",
        status: "ACTIVE",
        createdAt: "2024-01-10T15:00:00Z"
      },
      { uuid: fixed("10c0", 2), name: "Monterrey", code: "MTY", status: "ACTIVE", createdAt: "2024-03-02T16:30:00Z" },
      { uuid: fixed("10c0", 3), name: "Puebla", code: "PUE", status: "INACTIVE", createdAt: "2023-06-20T14:00:00Z" }
    ]),
    groups: entries([
      { uuid: fixed("9a0b", 1), name: "Ventas", description: "Equipo comercial", status: "ACTIVE" },
      { uuid: fixed("9a0b", 2), name: "Operaciones", status: "ACTIVE" }
    ]),
    labels: entries([
      { uuid: fixed("1abe", 1), name: "Viáticos", description: "Viajes de trabajo", status: "ACTIVE" },
      { uuid: fixed("1abe", 2), name: "Software", status: "ACTIVE" }
    ])
  }
}

const PHYSICAL_TYPES = new Set(["MASTER_CORPORATE", "MASTER_WORLD_ELITE", "VISA_PHYSICAL"])

/** A v3 user as `UserV2`. */
export const userV2 = (u: UserV3) => ({
  uuid: u.uuid,
  email: u.email ?? null,
  fullName: u.fullName ?? null,
  firstName: u.name ?? null,
  lastName: u.lastName ?? null,
  status: u.status ?? null,
  role: u.role ?? null
})

/** A v3 card as `CardV2`: `type` 1 physical / 2 virtual, `periodicityType` 1 monthly / 2 daily. */
export const cardV2 = (c: CardV3) => ({
  uuid: c.uuid,
  status: c.status ?? null,
  alias: c.alias ?? null,
  threshold: c.threshold ?? null,
  type: PHYSICAL_TYPES.has(c.type ?? "") ? 1 : 2,
  periodicityType: c.periodicity === "DAILY" ? 2 : 1,
  maskedPan: c.maskedPan ?? null,
  userUUID: c.user?.uuid ?? null
})

/** A v3 card as `CardV1`. */
export const cardV1 = (c: CardV3) => ({
  uuid: c.uuid,
  status: c.status ?? null,
  alias: c.alias ?? null,
  threshold: c.threshold ?? null,
  periodicity: c.periodicity ?? null,
  cardNumber: c.maskedPan ?? null,
  type: c.type ?? null,
  userUuid: c.user?.uuid ?? null
})

const currency = (t: TransactionResponseV3) =>
  typeof t.amountValue?.currency === "string" ? t.amountValue.currency : t.amountValue?.currency.code ?? "MXN"

/** A v3 transaction as `TransactionV2` (the shape real v2 integrations read). */
export const transactionV2 = (t: TransactionResponseV3) => ({
  uuid: t.uuid,
  label: t.transactionLabel ?? null,
  type: t.type,
  status: statusName(t.status),
  operationDate: t.operationDate ?? null,
  amount: t.amountValue ? { value: t.amountValue.value, currency: { code: currency(t) } } : null,
  card: { uuid: t.card?.uuid ?? null, user: { username: t.user?.email ?? null, userFullName: t.user?.name ?? null } }
})

/** A v3 transaction as `TransactionV1` (the placeholder sample's fields). */
export const transactionV1 = (t: TransactionResponseV3) => ({
  uuid: t.uuid,
  amount: t.amountValue?.value ?? null,
  currency: t.amountValue ? currency(t) : null,
  status: statusName(t.status),
  merchant: t.merchant?.name ?? null,
  category: t.merchant?.category ?? null,
  userUuid: t.user?.uuid ?? null,
  cardUuid: t.card?.uuid ?? null,
  createdAt: t.operationDate === null || t.operationDate === undefined
    ? null
    : `${t.operationDate.slice(0, 10)}T12:00:00Z`
})

/** A group as v1 sends it: `{uuid, name, status}`. */
const groupV1 = (g: Named) => ({ uuid: g.uuid, name: g.name, status: g.status })

/** A Spring page of `items` mapped by `view`, from `page` / `size` (1-100, default 20). */
const paged = <A>(
  items: () => ReadonlyArray<A>,
  view: (a: A) => unknown,
  filter: (params: Params) => (a: A) => boolean = () => () => true
) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parsePageQuery(params), {
      onLeft: validationError,
      onRight: (query) => json(springPage(items().filter(filter(params)).map(view), query))
    }))

type Params = Readonly<Record<string, string | ReadonlyArray<string>>>

/** The whole list as a bare array (the page parameters, when sent, are checked but the list is not paged). */
const bare = <A>(items: () => ReadonlyArray<A>, view: (a: A) => unknown) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parsePageQuery(params), { onLeft: validationError, onRight: () => json(items().map(view)) }))

const one = <A>(entries: () => ReadonlyMap<string, A>, missing: string, view: (a: A) => unknown) =>
  Effect.flatMap(Effect.sync(entries), (map) => withEntry(map, missing, (a) => Effect.succeed(json(view(a)))))

const textOf = (body: unknown, name: string) => {
  const value = field(body, name)
  return typeof value === "string" && value.trim() !== "" ? value : undefined
}

/** Group or label creation: `{name, description?}` -> 201 with the record. */
const createNamed = (store: Map<string, Named>) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const name = textOf(parsed.right, "name")
    if (name === undefined) return validationError("name is required")
    const description = textOf(parsed.right, "description")
    const record: Named = {
      uuid: randomUUID(),
      name,
      ...(description === undefined ? {} : { description }),
      status: "ACTIVE"
    }
    store.set(record.uuid, record)
    return json(record, 201)
  })

/** Group or label update: any of `{name, description}` (at least one) -> 200 with the record. */
const updateNamed = (store: Map<string, Named>, missing: string) =>
  withEntry(store, missing, (record) =>
    Effect.map(jsonBody(Either.right), (parsed) => {
      if (Either.isLeft(parsed)) return parsed.left
      const name = field(parsed.right, "name")
      const description = field(parsed.right, "description")
      if (name === undefined && description === undefined) return validationError("give name or description")
      if (name !== undefined && textOf(parsed.right, "name") === undefined) {
        return validationError("name must not be blank")
      }
      const updated: Named = {
        ...record,
        ...(typeof name === "string" ? { name } : {}),
        ...(typeof description === "string" ? { description } : {})
      }
      store.set(record.uuid, updated)
      return json(updated)
    }))

const deleteNamed = (store: Map<string, Named>, missing: string) =>
  withEntry(store, missing, (record) =>
    Effect.sync(() => {
      store.delete(record.uuid)
      return HttpServerResponse.empty({ status: 204 })
    }))

/** `POST /api/v2/labels`: a JSON array of `{name, description?}` (or `{labels: [...]}`) -> 201 with the new labels. */
const createLabels = (store: Map<string, Named>) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const list = Array.isArray(parsed.right) ? parsed.right : field(parsed.right, "labels")
    if (!Array.isArray(list) || list.length === 0) return validationError("give a non-empty list of labels")
    const bad = list.findIndex((l) => textOf(l, "name") === undefined)
    if (bad >= 0) return validationError(`labels[${bad}].name is required`)
    const created = list.map((l): Named => {
      const description = textOf(l, "description")
      return {
        uuid: randomUUID(),
        name: textOf(l, "name")!,
        ...(description === undefined ? {} : { description }),
        status: "ACTIVE"
      }
    })
    for (const label of created) store.set(label.uuid, label)
    return json(created, 201)
  })

/** `POST /api/v2/labels/delete` `{uuids}`: 204, or 404 naming the first unknown label (none is deleted then). */
const deleteLabels = (store: Map<string, Named>) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const uuids = field(parsed.right, "uuids")
    if (!Array.isArray(uuids) || uuids.length === 0) return validationError("uuids must be a non-empty list")
    const unknown = uuids.find((u) => !store.has(u as string))
    if (unknown !== undefined) return notFound(`Label not found: ${unknown}`)
    for (const uuid of uuids) store.delete(uuid as string)
    return HttpServerResponse.empty({ status: 204 })
  })

/** `POST /api/v2/users`: `email` required and unique -> 201 `UserV2`. */
const createUserV2 = (directory: Directory) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const email = textOf(parsed.right, "email")
    if (email === undefined || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return validationError("email is required")
    if ([...directory.users.values()].some((u) => u.email === email)) {
      return validationError("email is already registered")
    }
    const first = textOf(parsed.right, "firstName") ?? textOf(parsed.right, "fullName")?.split(" ")[0] ?? email
    const last = textOf(parsed.right, "lastName") ??
      textOf(parsed.right, "fullName")?.split(" ").slice(1).join(" ") ?? ""
    const user: UserV3 = {
      uuid: randomUUID(),
      name: first,
      lastName: last,
      fullName: textOf(parsed.right, "fullName") ?? `${first} ${last}`.trim(),
      email,
      username: email,
      status: "ACTIVE",
      role: "EMPLOYEE"
    }
    directory.users.set(user.uuid, user)
    return json(userV2(user), 201)
  })

/** `POST /api/v2/cards`: `{type: 1|2, alias, userUUID, threshold, periodicityType: 1|2}` -> 201 `CardV2`. */
const createCardV2 = (directory: Directory) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const body = parsed.right
    const type = field(body, "type")
    const periodicityType = field(body, "periodicityType")
    if (type !== 1 && type !== 2) return validationError("type must be 1 (physical) or 2 (virtual)")
    if (periodicityType !== 1 && periodicityType !== 2) {
      return validationError("periodicityType must be 1 (monthly) or 2 (daily)")
    }
    const alias = textOf(body, "alias")
    if (alias === undefined) return validationError("alias is required")
    const user = directory.users.get(textOf(body, "userUUID") ?? "")
    if (user === undefined) return validationError("userUUID does not name a user of the company")
    const threshold = field(body, "threshold")
    const problem = thresholdProblem(threshold)
    if (problem !== undefined) return problem
    const created = newCard(user, {
      alias,
      physical: type === 1,
      threshold: threshold as number,
      periodicity: periodicityType === 2 ? "DAILY" : "MONTHLY"
    })
    directory.cards.set(created.card.uuid, created)
    return json(cardV2(created.card), 201)
  })

/** `PATCH /api/v2/cards/{uuid}` `{threshold}` -> 200 `CardV2`. */
const cardThresholdV2 = (directory: Directory) =>
  withEntry(directory.cards, "Card not found", (entry) =>
    Effect.map(jsonBody(Either.right), (parsed) => {
      if (Either.isLeft(parsed)) return parsed.left
      const threshold = field(parsed.right, "threshold")
      const problem = thresholdProblem(threshold)
      if (problem !== undefined) return problem
      if (entry.card.status === "CANCELLED") return failure(422, "CARD_CANCELLED", "The card is cancelled")
      const card = { ...entry.card, threshold: threshold as number }
      directory.cards.set(card.uuid, { ...entry, card })
      return json(cardV2(card))
    }))

/** `GET /api/v1/cards` filters: `userUuid`, `status`, `periodicityType`, `type`. */
const cardV1Filter = (params: Params) => (entry: { readonly card: CardV3 }) => {
  const is = (name: string, value: string | null | undefined) => {
    const wanted = first(params, name)
    return wanted === undefined || wanted === "" || wanted === value
  }
  const c = entry.card
  return is("userUuid", c.user?.uuid) && is("status", c.status) && is("periodicityType", c.periodicity) &&
    is("type", c.type)
}

/** Mounts the v2 and v1 routes on `router`; `guard` wraps every handler (fault injection, token, tax id). */
export const legacyRoutes = (
  directory: Directory,
  store: LegacyStore,
  transactions: () => ReadonlyArray<TransactionResponseV3>,
  guard: <E, R>(
    handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
) =>
<E, R>(router: HttpRouter.HttpRouter<E, R>) => {
  const users = () => [...directory.users.values()]
  const cards = () => [...directory.cards.values()]
  const txById = () => new Map(transactions().map((t) => [t.uuid, t]))
  const cardsById = () => directory.cards
  const named = (m: ReadonlyMap<string, Named>) => () => [...m.values()]
  const id = <A>(a: A) => a
  return router.pipe(
    HttpRouter.get("/api/v2/users", guard(paged(users, userV2))),
    HttpRouter.post("/api/v2/users", guard(createUserV2(directory))),
    HttpRouter.get("/api/v2/users/:uuid", guard(one(() => directory.users, "User not found", userV2))),
    HttpRouter.get("/api/v2/locations", guard(bare(named(store.locations), id))),
    HttpRouter.get("/api/v2/locations/:uuid", guard(one(() => store.locations, "Location not found", id))),
    HttpRouter.get("/api/v2/groups", guard(bare(named(store.groups), id))),
    HttpRouter.post("/api/v2/groups", guard(createNamed(store.groups))),
    HttpRouter.get("/api/v2/groups/:uuid", guard(one(() => store.groups, "Group not found", id))),
    HttpRouter.patch("/api/v2/groups/:uuid", guard(updateNamed(store.groups, "Group not found"))),
    HttpRouter.put("/api/v2/groups/:uuid", guard(updateNamed(store.groups, "Group not found"))),
    HttpRouter.del("/api/v2/groups/:uuid", guard(deleteNamed(store.groups, "Group not found"))),
    HttpRouter.get("/api/v2/cards", guard(paged(cards, (e) => cardV2(e.card))))
  ).pipe(
    HttpRouter.post("/api/v2/cards", guard(createCardV2(directory))),
    HttpRouter.get("/api/v2/cards/:uuid", guard(one(cardsById, "Card not found", (e) => cardV2(e.card)))),
    HttpRouter.patch("/api/v2/cards/:uuid", guard(cardThresholdV2(directory))),
    HttpRouter.get("/api/v2/transactions", guard(paged(transactions, transactionV2))),
    HttpRouter.get("/api/v2/transactions/:uuid", guard(one(txById, "Transaction not found", transactionV2))),
    HttpRouter.get("/api/v2/labels", guard(bare(named(store.labels), id))),
    HttpRouter.post("/api/v2/labels", guard(createLabels(store.labels))),
    HttpRouter.post("/api/v2/labels/delete", guard(deleteLabels(store.labels))),
    HttpRouter.get("/api/v2/labels/:uuid", guard(one(() => store.labels, "Label not found", id))),
    HttpRouter.patch("/api/v2/labels/:uuid", guard(updateNamed(store.labels, "Label not found"))),
    HttpRouter.del("/api/v2/labels/:uuid", guard(deleteNamed(store.labels, "Label not found")))
  ).pipe(
    HttpRouter.get("/api/v1/users", guard(bare(users, userV2))),
    HttpRouter.get("/api/v1/users/:uuid", guard(one(() => directory.users, "User not found", userV2))),
    HttpRouter.get("/api/v1/locations", guard(bare(named(store.locations), id))),
    HttpRouter.get("/api/v1/locations/:uuid", guard(one(() => store.locations, "Location not found", id))),
    HttpRouter.get("/api/v1/groups", guard(bare(named(store.groups), groupV1))),
    HttpRouter.get("/api/v1/groups/:uuid", guard(one(() => store.groups, "Group not found", groupV1))),
    HttpRouter.get("/api/v1/cards", guard(paged(cards, (e) => cardV1(e.card), cardV1Filter))),
    HttpRouter.get("/api/v1/cards/:uuid", guard(one(cardsById, "Card not found", (e) => cardV1(e.card)))),
    HttpRouter.get("/api/v1/transactions", guard(paged(transactions, transactionV1))),
    HttpRouter.get("/api/v1/transactions/:uuid", guard(one(txById, "Transaction not found", transactionV1)))
  )
}
