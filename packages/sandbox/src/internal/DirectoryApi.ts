/**
 * The emulator's card and user routes (clara-api.md §2.1, §3.2, §3.7, §4.1, §5.3; clara-docs 001): Spring pages of
 * `CardV3` and users with Clara's filters, the one-card read with its PAN and CVV (as Clara sends them), and the lock
 * and threshold writes, which change the card for every later read.
 */
import type { UserV3 } from "@clara-recon/clara"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { ScenarioCard } from "../Scenario.js"
import { first, parsePageQuery, springPage } from "./ListQuery.js"
import { failure, field, json, jsonBody, validationError, withEntry } from "./Replies.js"

/** The company's credit line in MXN: a higher threshold is refused with 422 `B013` (§5.3). */
const CREDIT_LINE = 1_000_000

/** The mutable directory of one running emulator. */
export interface Directory {
  /** Cards by uuid, as locks and threshold changes left them. */
  readonly cards: Map<string, ScenarioCard>
  /** Users by uuid, as the user writes left them. */
  readonly users: Map<string, UserV3>
  /** Card configurations by card uuid (§3.6), shared by v2 and v3. */
  readonly configurations: Map<string, unknown>
}

type Params = Readonly<Record<string, string | ReadonlyArray<string>>>

/** Keeps the items whose `pick` equals the query parameter `name`, when it is given. */
const matching = <A>(params: Params, name: string, pick: (item: A) => string | null | undefined) => {
  const wanted = first(params, name)
  return (item: A) => wanted === undefined || wanted === "" || pick(item) === wanted
}

/** `GET /api/v3/cards`: `userUuid` (or else `userErpId`), `username`, `status`, `type`, `periodicity`; 20 a page. */
export const listCards = (directory: Directory) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parsePageQuery(params), {
      onLeft: validationError,
      onRight: (query) => {
        const erpId = first(params, "userErpId")
        // Clara: userErpId applies only when there is no userUuid
        const erpUser = first(params, "userUuid") === undefined && erpId !== undefined
          ? [...directory.users.values()].find((u) => u.erpId === erpId)?.uuid ?? "(none)"
          : undefined
        const cards = [...directory.cards.values()].map((c) => c.card)
          .filter(matching(params, "userUuid", (c) => c.user?.uuid))
          .filter((c) => erpUser === undefined || c.user?.uuid === erpUser)
          .filter(matching(params, "username", (c) => c.user?.username))
          .filter(matching(params, "status", (c) => c.status))
          .filter(matching(params, "type", (c) => c.type))
          .filter(matching(params, "periodicity", (c) => c.periodicity))
        return json(springPage(cards, query))
      }
    }))

/** `GET /api/v3/cards/{uuid}`: the card with `cvv`, `expiryDate` and `numberOnCard`. */
export const oneCard = (directory: Directory) =>
  withEntry(directory.cards, "Card not found", (entry) =>
    Effect.succeed(json({ ...entry.card, cvv: entry.cvv, numberOnCard: entry.numberOnCard })))

/** Applies a checked write body to an active or locked card; a cancelled card answers 422. */
const cardWrite = <A>(
  directory: Directory,
  read: (body: unknown) => Either.Either<A, string>,
  apply: (entry: ScenarioCard, body: A) => ScenarioCard | string,
  status: number
) =>
  withEntry(directory.cards, "Card not found", (entry) =>
    Effect.map(jsonBody(read), (body) => {
      if (Either.isLeft(body)) return body.left
      if (entry.card.status === "CANCELLED") return failure(422, "CARD_CANCELLED", "The card is cancelled")
      const updated = apply(entry, body.right)
      if (typeof updated === "string") return failure(422, "B013", updated)
      directory.cards.set(entry.card.uuid, updated)
      return json({ batchId: randomUUID(), id: randomUUID(), uuid: entry.card.uuid, status: "UPDATED" }, status)
    }))

/** `PATCH /api/v3/cards/{uuid}/lock`, `{locked, lockCode: 16}`: 202 `UPDATED`. */
export const lockCard = (directory: Directory) =>
  cardWrite(
    directory,
    (body) => {
      const locked = field(body, "locked")
      if (typeof locked !== "boolean") return Either.left("locked must be a boolean")
      return field(body, "lockCode") === 16 ? Either.right(locked) : Either.left("lockCode must be 16")
    },
    (entry, locked) => ({
      ...entry,
      card: {
        ...entry.card,
        status: locked ? "LOCKED" : "ACTIVE",
        claraStatus: locked ? "LOCKED" : "ACTIVE",
        lockCode: locked ? "TEMPORAL_LOCKED" : "UNLOCKED"
      }
    }),
    202
  )

/** `PATCH /api/v3/cards/{uuid}/threshold`, `{threshold}`: 200 `UPDATED`, or 422 `B013` over the credit line. */
export const cardThreshold = (directory: Directory) =>
  cardWrite(
    directory,
    (body) => {
      const threshold = field(body, "threshold")
      return typeof threshold === "number" && threshold > 0
        ? Either.right(threshold)
        : Either.left("threshold must be a positive number")
    },
    (entry, threshold) =>
      threshold > CREDIT_LINE
        ? `The threshold exceeds the company credit line of ${CREDIT_LINE}`
        : { ...entry, card: { ...entry.card, threshold } },
    200
  )

/** `GET /api/v3/users`: `status`, `role`, `email`, `erpId`, `fullName` (exact); 50 a page by default. */
export const listUsers = (directory: Directory) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parsePageQuery(params, 50), {
      onLeft: validationError,
      onRight: (query) => {
        const users = [...directory.users.values()]
          .filter(matching(params, "status", (u) => u.status))
          .filter(matching(params, "role", (u) => u.role))
          .filter(matching(params, "email", (u) => u.email))
          .filter(matching(params, "erpId", (u) => u.erpId))
          .filter(matching(params, "fullName", (u) => u.fullName))
        return json(springPage(users, query))
      }
    }))

/** `GET /api/v3/users/{uuid}`. */
export const oneUser = (directory: Directory) =>
  withEntry(directory.users, "User not found", (user) => Effect.succeed(json(user)))
