/**
 * The emulator's synchronous v3 card and user writes (clara-api.md §2.1, §3.2, §3.6, §5.3, §7 #6, #21): create one
 * card (answered within the 30 s hybrid window: 201 with the new card), cancel one (204) or many (200), card
 * configurations (POST 201, PATCH 200, DELETE 204; shared with v2), and user create (201), update (200) and delete
 * (204, the user is deactivated). Validation errors are 400 `VALIDATION_ERROR` naming the field.
 */
import type { CardV3, UserV3 } from "@clara-recon/clara"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { randomInt, randomUUID } from "node:crypto"
import type { ScenarioCard } from "../Scenario.js"
import type { Directory } from "./DirectoryApi.js"
import { failure, field, json, jsonBody, notFound, withEntry } from "./Replies.js"

/** The company's credit line in MXN (as in `DirectoryApi`), and the documented MXN minimum threshold (§5.3). */
const CREDIT_LINE = 1_000_000
const MIN_THRESHOLD = 500

const RFC = /^[A-ZÑ&]{3,4}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[A-Z0-9]{3}$/
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

const text = (body: unknown, name: string): string | undefined => {
  const value = field(body, name)
  return typeof value === "string" && value.trim() !== "" ? value : undefined
}

/** A new card for `user`, with a synthetic PAN (not Luhn-checked) and CVV as the one-card read sends them. */
export const newCard = (
  user: UserV3,
  fields: {
    readonly alias: string
    readonly physical: boolean
    readonly threshold: number
    readonly periodicity: string
  }
): ScenarioCard => {
  const last4 = String(randomInt(0, 10_000)).padStart(4, "0")
  const numberOnCard = `510979${String(randomInt(0, 1_000_000)).padStart(6, "0")}${last4}`
  const card: CardV3 = {
    uuid: randomUUID(),
    claraStatus: "ACTIVE",
    status: "ACTIVE",
    lockCode: "UNLOCKED",
    alias: fields.alias,
    threshold: fields.threshold,
    periodicity: fields.periodicity,
    maskedPan: `510979******${last4}`,
    type: fields.physical ? "MASTER_CORPORATE" : "MASTER_VIRTUAL",
    user: { uuid: user.uuid, fullName: user.fullName ?? null, username: user.username ?? null },
    expiryDate: "12/30"
  }
  return { card, numberOnCard, cvv: String(randomInt(100, 1000)) }
}

/** Checks a threshold: a positive number, at least the minimum, within the credit line (422 `B013`). */
export const thresholdProblem = (value: unknown): HttpServerResponse.HttpServerResponse | undefined => {
  if (typeof value !== "number" || !(value > 0)) {
    return failure(400, "VALIDATION_ERROR", "threshold must be a positive number")
  }
  if (value < MIN_THRESHOLD) return failure(400, "VALIDATION_ERROR", `threshold must be at least MXN ${MIN_THRESHOLD}`)
  if (value > CREDIT_LINE) return failure(422, "B013", "Threshold exceeds company limit")
  return undefined
}

/** `POST /api/v3/cards`: `{type: VIRTUAL|PHYSICAL (any case), alias, userUuid, threshold?, periodicity?}` -> 201. */
export const createCard = (directory: Directory) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const body = parsed.right
    const type = text(body, "type")?.toUpperCase()
    if (type !== "VIRTUAL" && type !== "PHYSICAL") {
      return failure(400, "VALIDATION_ERROR", "type must be VIRTUAL or PHYSICAL")
    }
    const alias = text(body, "alias")
    if (alias === undefined) return failure(400, "VALIDATION_ERROR", "alias is required")
    const user = directory.users.get(text(body, "userUuid") ?? "")
    if (user === undefined) return failure(400, "VALIDATION_ERROR", "userUuid does not name a user of the company")
    const threshold = field(body, "threshold") ?? MIN_THRESHOLD
    const problem = thresholdProblem(threshold)
    if (problem !== undefined) return problem
    const periodicity = text(body, "periodicity") ?? "MONTHLY"
    if (!["DAILY", "WEEKLY", "MONTHLY"].includes(periodicity)) {
      return failure(400, "VALIDATION_ERROR", "periodicity must be DAILY, WEEKLY or MONTHLY")
    }
    const created = newCard(user, { alias, physical: type === "PHYSICAL", threshold: threshold as number, periodicity })
    directory.cards.set(created.card.uuid, created)
    return json(created.card, 201)
  })

const cancel = (directory: Directory, entry: ScenarioCard) =>
  directory.cards.set(entry.card.uuid, {
    ...entry,
    card: { ...entry.card, status: "CANCELLED", claraStatus: "CANCELLED" }
  })

/** `DELETE /api/v3/cards/{uuid}` (and v2): the card becomes `CANCELLED`; 204. */
export const cancelCard = (directory: Directory) =>
  withEntry(directory.cards, "Card not found", (entry) =>
    Effect.sync(() => {
      cancel(directory, entry)
      return HttpServerResponse.empty({ status: 204 })
    }))

/** `POST /api/v3/cards/delete` `{uuids}`: every named card becomes `CANCELLED`; 404 when one is unknown (none is). */
export const cancelCards = (directory: Directory) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const uuids = field(parsed.right, "uuids")
    if (!Array.isArray(uuids) || uuids.length === 0 || !uuids.every((u) => typeof u === "string")) {
      return failure(400, "VALIDATION_ERROR", "uuids must be a non-empty list of card uuids")
    }
    const unknown = uuids.find((u) => !directory.cards.has(u as string))
    if (unknown !== undefined) return notFound(`Card not found: ${unknown}`)
    for (const uuid of uuids) cancel(directory, directory.cards.get(uuid as string)!)
    return json({ uuids, status: "CANCELLED" })
  })

/** The problem of a configuration body (§3.6), or undefined. */
const configurationProblem = (body: unknown): string | undefined => {
  const period = field(body, "period")
  const atm = field(body, "atmCashLimit")
  const days = field(body, "daysOfWeek")
  const vendors = field(body, "vendorCategories")
  if ([period, atm, days, vendors].every((k) => k === undefined || k === null)) return "give at least one configuration"
  if (period !== undefined && period !== null) {
    const start = field(period, "startDate")
    const end = field(period, "endDate")
    if (typeof start !== "string" || !DATE.test(start)) return "period.startDate must be YYYY-MM-DD"
    if (typeof end !== "string" || !DATE.test(end)) return "period.endDate must be YYYY-MM-DD"
    if (start > end) return "period.startDate must not be after period.endDate"
    for (const key of ["startTime", "endTime"]) {
      const time = field(period, key)
      if (time !== undefined && time !== null && time !== "" && (typeof time !== "string" || !TIME.test(time))) {
        return `period.${key} must be HH:MM`
      }
    }
    if (typeof field(period, "enableAutoDeletion") !== "boolean") return "period.enableAutoDeletion is required"
  }
  if (atm !== undefined && atm !== null && !(typeof atm === "number" && atm > 0)) return "atmCashLimit must be positive"
  if (days !== undefined && days !== null) {
    const values = field(days, "values")
    if (!Array.isArray(values) || values.length === 0 || !values.every((d) => DAYS.includes(d as string))) {
      return "daysOfWeek.values must list days MONDAY..SUNDAY"
    }
  }
  return undefined
}

/** Fills the documented defaults of empty period times (since 24 Mar 2026: 00:00 / 23:59). */
const withTimeDefaults = (body: unknown): unknown => {
  const period = field(body, "period")
  if (typeof period !== "object" || period === null) return body
  const p = period as Record<string, unknown>
  return {
    ...(body as object),
    period: {
      ...p,
      startTime: typeof p["startTime"] === "string" && p["startTime"] !== "" ? p["startTime"] : "00:00",
      endTime: typeof p["endTime"] === "string" && p["endTime"] !== "" ? p["endTime"] : "23:59"
    }
  }
}

/** `POST` (201, replaces) and `PATCH` (200, merges) `.../cards/{uuid}/configurations`. */
export const writeConfiguration = (directory: Directory, mode: "create" | "update") =>
  withEntry(directory.cards, "Card not found", (entry) =>
    Effect.map(jsonBody(Either.right), (parsed) => {
      if (Either.isLeft(parsed)) return parsed.left
      const problem = configurationProblem(parsed.right)
      if (problem !== undefined) return failure(400, "VALIDATION_ERROR", problem)
      if (entry.card.status === "CANCELLED") return failure(422, "CARD_CANCELLED", "The card is cancelled")
      const before = mode === "update" ? directory.configurations.get(entry.card.uuid) : undefined
      if (mode === "update" && before === undefined) return notFound("The card has no configurations")
      const merged = withTimeDefaults({ ...(before as object | undefined), ...(parsed.right as object) })
      directory.configurations.set(entry.card.uuid, merged)
      return json(merged, mode === "create" ? 201 : 200)
    }))

/** `DELETE .../cards/{uuid}/configurations`: 204, or 404 when there are none. */
export const deleteConfiguration = (directory: Directory) =>
  withEntry(directory.cards, "Card not found", (entry) =>
    Effect.sync(() =>
      directory.configurations.delete(entry.card.uuid)
        ? HttpServerResponse.empty({ status: 204 })
        : notFound("The card has no configurations")
    ))

/** `GET /api/v2/cards/{uuid}/configurations`: the stored configurations or 404. */
export const readConfiguration = (directory: Directory) =>
  withEntry(directory.cards, "Card not found", (entry) => {
    const stored = directory.configurations.get(entry.card.uuid)
    return Effect.succeed(stored === undefined ? notFound("The card has no configurations") : json(stored))
  })

const USER_FIELDS = [
  "name",
  "lastName",
  "email",
  "role",
  "mobilePhone",
  "taxIdentifier",
  "erpId",
  "locationUuid",
  "managerUuid"
]

/** The problem of a user body (tax id as an RFC: the emulator is a Mexican company), or undefined. */
const userProblem = (body: unknown, users: ReadonlyMap<string, UserV3>, self?: string): string | undefined => {
  for (const key of USER_FIELDS) {
    const value = field(body, key)
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      return `${key} must be a non-blank string`
    }
  }
  const email = text(body, "email")
  if (email !== undefined && !EMAIL.test(email)) return "email must be an email address"
  if (email !== undefined && [...users.values()].some((u) => u.email === email && u.uuid !== self)) {
    return "email is already registered"
  }
  const taxId = text(body, "taxIdentifier")
  if (taxId !== undefined && !RFC.test(taxId.toUpperCase())) return "taxIdentifier must be a valid RFC for MX"
  const role = text(body, "role")
  if (role !== undefined && !["EMPLOYEE", "MANAGER", "COMPANY_OWNER", "BOOKKEEPER"].includes(role)) {
    return "role must be EMPLOYEE, MANAGER, COMPANY_OWNER or BOOKKEEPER"
  }
  return undefined
}

const picked = (body: unknown): Record<string, string> =>
  Object.fromEntries(USER_FIELDS.flatMap((key) => {
    const value = text(body, key)
    return value === undefined ? [] : [[key, value]]
  }))

/** `POST /api/v3/users` -> 201 with the new `UserV3` (status ACTIVE, role EMPLOYEE by default). */
export const createUser = (directory: Directory) =>
  Effect.map(jsonBody(Either.right), (parsed) => {
    if (Either.isLeft(parsed)) return parsed.left
    const body = parsed.right
    for (const key of ["name", "lastName", "email"]) {
      if (text(body, key) === undefined) return failure(400, "VALIDATION_ERROR", `${key} is required`)
    }
    const problem = userProblem(body, directory.users)
    if (problem !== undefined) return failure(400, "VALIDATION_ERROR", problem)
    const fields = picked(body)
    const user: UserV3 = {
      uuid: randomUUID(),
      role: "EMPLOYEE",
      ...fields,
      fullName: `${fields["name"]} ${fields["lastName"]}`,
      username: fields["email"]!,
      status: "ACTIVE",
      createdAt: new Date().toISOString().slice(0, 10)
    }
    directory.users.set(user.uuid, user)
    return json(user, 201)
  })

/** `PATCH /api/v3/users/{uuid}` -> 200 with the merged user. */
export const updateUser = (directory: Directory) =>
  withEntry(directory.users, "User not found", (user) =>
    Effect.map(jsonBody(Either.right), (parsed) => {
      if (Either.isLeft(parsed)) return parsed.left
      const problem = userProblem(parsed.right, directory.users, user.uuid)
      if (problem !== undefined) return failure(400, "VALIDATION_ERROR", problem)
      const merged: UserV3 = { ...user, ...picked(parsed.right) }
      const updated: UserV3 = { ...merged, fullName: `${merged.name ?? ""} ${merged.lastName ?? ""}`.trim() }
      directory.users.set(user.uuid, updated)
      return json(updated)
    }))

/** `DELETE /api/v3/users/{uuid}` -> 204; the user stays readable with status `INACTIVE` (§2.1 "deactivate?"). */
export const deleteUser = (directory: Directory) =>
  withEntry(directory.users, "User not found", (user) =>
    Effect.sync(() => {
      directory.users.set(user.uuid, { ...user, status: "INACTIVE" })
      return HttpServerResponse.empty({ status: 204 })
    }))

/** Mounts the v3 card and user writes and the card configurations (v3 and v2) on `router`; `guard` wraps each. */
export const directoryWriteRoutes = (
  directory: Directory,
  guard: <E, R>(
    handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
) =>
<E, R>(router: HttpRouter.HttpRouter<E, R>) =>
  router.pipe(
    HttpRouter.post("/api/v3/cards", guard(createCard(directory))),
    HttpRouter.post("/api/v3/cards/delete", guard(cancelCards(directory))),
    HttpRouter.del("/api/v3/cards/:uuid", guard(cancelCard(directory))),
    HttpRouter.del("/api/v2/cards/:uuid", guard(cancelCard(directory))),
    HttpRouter.post("/api/v3/cards/:uuid/configurations", guard(writeConfiguration(directory, "create"))),
    HttpRouter.patch("/api/v3/cards/:uuid/configurations", guard(writeConfiguration(directory, "update"))),
    HttpRouter.del("/api/v3/cards/:uuid/configurations", guard(deleteConfiguration(directory))),
    HttpRouter.post("/api/v2/cards/:uuid/configurations", guard(writeConfiguration(directory, "create"))),
    HttpRouter.get("/api/v2/cards/:uuid/configurations", guard(readConfiguration(directory))),
    HttpRouter.patch("/api/v2/cards/:uuid/configurations", guard(writeConfiguration(directory, "update"))),
    HttpRouter.del("/api/v2/cards/:uuid/configurations", guard(deleteConfiguration(directory))),
    HttpRouter.post("/api/v3/users", guard(createUser(directory))),
    HttpRouter.patch("/api/v3/users/:uuid", guard(updateUser(directory))),
    HttpRouter.del("/api/v3/users/:uuid", guard(deleteUser(directory)))
  )
