/**
 * The emulator's asynchronous card operations (clara-api.md §2.1, §3.2, §3.3, §5.3, §6.1; clara-docs 001): bulk
 * create, bulk threshold and bulk lock answer 202 at once with a batch id and items `SENT`; a background fiber applies
 * them after `bulkDelay` (the card reads then show the change), marks each card request `CREATED` / `UPDATED` or
 * `ERROR`, and delivers one webhook event per request to the subscribers. The card requests are readable through
 * `GET /api/v3/cards/requests`, `/requests/{id}` and `/requests/batches/{id}`.
 *
 * Event names: `CARD_CREATION_REQUEST_CREATED` / `_ERROR` are Clara's (§6.1); the lock and threshold result names are
 * not documented, the emulator sends `CARD_LOCK_REQUEST_UPDATED` / `_ERROR` and `CARD_THRESHOLD_REQUEST_UPDATED` /
 * `_ERROR` (assumed). The bulk-create body is read under `cardsRequests` or `cards` (§3.3), items with `userUuid` or
 * `userUUID`, `periodicity` or `periodicityType`, `type` in any case.
 */
import type { CardRequest } from "@clara-recon/clara"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { Directory } from "./DirectoryApi.js"
import { newCard } from "./DirectoryWritesApi.js"
import { deliverEvent, type ExtendedState } from "./ExtendedState.js"
import { parsePageQuery, springPage } from "./ListQuery.js"
import { field, json, jsonBody, notFound, validationError } from "./Replies.js"
import * as HttpRouter from "@effect/platform/HttpRouter"

/** The company's credit line in MXN, as for the single threshold write. */
const CREDIT_LINE = 1_000_000

const MESSAGE = "The request was received but is still in progress; you will get the response via webhook"

type Outcome = { readonly ok: true; readonly cardUuid: string } | { readonly ok: false; readonly error: string }

/** One queued operation: what to do to the directory when the batch runs. */
interface Job {
  readonly requestId: string
  readonly cardUuid: string | undefined
  readonly apply: () => Outcome
}

const items = (body: unknown, key: string): Either.Either<ReadonlyArray<unknown>, string> => {
  const list = field(body, key)
  return Array.isArray(list) && list.length > 0 ? Either.right(list) : Either.left(`${key} must be a non-empty array`)
}

const text = (value: unknown) => typeof value === "string" && value.trim() !== "" ? value : undefined

/** Reads the JSON body with `read`, then answers with `then`; a bad body answers its 400. */
const withBody = <A, E, R>(
  body: Effect.Effect<Either.Either<A, HttpServerResponse.HttpServerResponse>, never, HttpServerRequest.HttpServerRequest>,
  then: (value: A) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) => Effect.flatMap(body, (read) => Either.isLeft(read) ? Effect.succeed(read.left) : then(read.right))

/** Records the requests of a batch as `SENT`, answers 202, and runs the jobs in the background after the delay. */
const enqueue = (
  state: ExtendedState,
  type: "CREATE" | "LOCK" | "THRESHOLD",
  responsesKey: string,
  events: { readonly done: string; readonly error: string; readonly doneStatus: string },
  jobs: (batchId: string) => ReadonlyArray<Job>
) =>
  Effect.gen(function*() {
    const batchId = randomUUID()
    const now = new Date(yield* Clock.currentTimeMillis).toISOString()
    const queued = jobs(batchId)
    for (const job of queued) {
      state.cardRequests.set(job.requestId, {
        id: job.requestId,
        batchId,
        uuid: job.cardUuid ?? null,
        type,
        status: "SENT",
        createdAt: now,
        updatedAt: now
      })
    }
    const run = Effect.gen(function*() {
      yield* Effect.sleep(state.bulkDelay)
      for (const job of queued) {
        const outcome = job.apply()
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        const before = state.cardRequests.get(job.requestId)!
        const after: CardRequest = outcome.ok
          ? { ...before, uuid: outcome.cardUuid, status: events.doneStatus, updatedAt: at }
          : { ...before, status: "ERROR", errorMessage: outcome.error, updatedAt: at }
        state.cardRequests.set(job.requestId, after)
        yield* deliverEvent(state, outcome.ok ? events.done : events.error, {
          requestId: after.id,
          batchId,
          cardUuid: after.uuid ?? null,
          type,
          status: after.status,
          ...(outcome.ok ? {} : { errorMessage: outcome.error })
        })
      }
    })
    state.background(run)
    return json({
      id: batchId,
      message: MESSAGE,
      [responsesKey]: queued.map((job) => ({ batchId, id: job.requestId, uuid: job.cardUuid ?? null, status: "SENT" }))
    }, 202)
  })

/** One card of a bulk create, as read from either body form. */
interface NewCard {
  readonly alias: string
  readonly physical: boolean
  readonly userUuid: string
  readonly threshold: number
  readonly periodicity: string
}

/** The card `uuid` to change, or why it cannot be changed now. */
const changeable = (directory: Directory, uuid: string) => {
  const entry = directory.cards.get(uuid)
  if (entry === undefined) return Either.left("Card not found")
  if (entry.card.status === "CANCELLED") return Either.left("The card is cancelled")
  return Either.right(entry)
}

/** `PATCH /api/v3/cards/lock`, `{cardsLockRequests: [{uuid, locked, lockCode: 16}]}`: 202. */
export const bulkLock = (state: ExtendedState, directory: Directory) =>
  withBody(
    jsonBody<ReadonlyArray<{ uuid: string; locked: boolean }>>((body) =>
      Either.flatMap(items(body, "cardsLockRequests"), (list) => {
        const parsed: Array<{ uuid: string; locked: boolean }> = []
        for (const [i, item] of list.entries()) {
          const uuid = text(field(item, "uuid"))
          const locked = field(item, "locked")
          if (uuid === undefined) return Either.left(`cardsLockRequests[${i}].uuid must be a non-empty string`)
          if (typeof locked !== "boolean") return Either.left(`cardsLockRequests[${i}].locked must be a boolean`)
          if (field(item, "lockCode") !== 16) return Either.left(`cardsLockRequests[${i}].lockCode must be 16`)
          parsed.push({ uuid, locked })
        }
        return Either.right(parsed)
      })
    ),
    (list) =>
        enqueue(state, "LOCK", "cardsLockResponses", {
          done: "CARD_LOCK_REQUEST_UPDATED",
          error: "CARD_LOCK_REQUEST_ERROR",
          doneStatus: "UPDATED"
        }, () =>
          list.map((item) => ({
            requestId: randomUUID(),
            cardUuid: item.uuid,
            apply: (): Outcome =>
              Either.match(changeable(directory, item.uuid), {
                onLeft: (error) => ({ ok: false, error }),
                onRight: (entry) => {
                  const status = item.locked ? "LOCKED" : "ACTIVE"
                  directory.cards.set(item.uuid, {
                    ...entry,
                    card: {
                      ...entry.card,
                      status,
                      claraStatus: status,
                      lockCode: item.locked ? "TEMPORAL_LOCKED" : "UNLOCKED"
                    }
                  })
                  return { ok: true, cardUuid: item.uuid }
                }
              })
          })))
  )

/** `PATCH /api/v3/cards/threshold`, `{updateCardsThresholdRequests: [{uuid, threshold}]}`: 202. */
export const bulkThreshold = (state: ExtendedState, directory: Directory) =>
  withBody(
    jsonBody<ReadonlyArray<{ uuid: string; threshold: number }>>((body) =>
      Either.flatMap(items(body, "updateCardsThresholdRequests"), (list) => {
        const parsed: Array<{ uuid: string; threshold: number }> = []
        for (const [i, item] of list.entries()) {
          const uuid = text(field(item, "uuid"))
          const threshold = field(item, "threshold")
          if (uuid === undefined) return Either.left(`updateCardsThresholdRequests[${i}].uuid must be a non-empty string`)
          if (typeof threshold !== "number" || !(threshold > 0)) {
            return Either.left(`updateCardsThresholdRequests[${i}].threshold must be a positive number`)
          }
          parsed.push({ uuid, threshold })
        }
        return Either.right(parsed)
      })
    ),
    (list) =>
        enqueue(state, "THRESHOLD", "updateCardsThresholdResponses", {
          done: "CARD_THRESHOLD_REQUEST_UPDATED",
          error: "CARD_THRESHOLD_REQUEST_ERROR",
          doneStatus: "UPDATED"
        }, () =>
          list.map((item) => ({
            requestId: randomUUID(),
            cardUuid: item.uuid,
            apply: (): Outcome => {
              if (item.threshold > CREDIT_LINE) {
                return { ok: false, error: `B013 The threshold exceeds the company credit line of ${CREDIT_LINE}` }
              }
              return Either.match(changeable(directory, item.uuid), {
                onLeft: (error) => ({ ok: false, error }),
                onRight: (entry) => {
                  directory.cards.set(item.uuid, { ...entry, card: { ...entry.card, threshold: item.threshold } })
                  return { ok: true, cardUuid: item.uuid }
                }
              })
            }
          })))
  )

/** `POST /api/v3/cards/bulk-create`, `{cardsRequests | cards: [CreateCardRequestV3]}`: 202. */
export const bulkCreate = (state: ExtendedState, directory: Directory) =>
  withBody(
    jsonBody<ReadonlyArray<NewCard>>((body) => {
      const key = Array.isArray(field(body, "cardsRequests")) ? "cardsRequests" : "cards"
      return Either.flatMap(items(body, key), (list) => {
        const parsed: Array<NewCard> = []
        for (const [i, item] of list.entries()) {
          const type = text(field(item, "type"))?.toUpperCase()
          const alias = text(field(item, "alias"))
          const userUuid = text(field(item, "userUuid")) ?? text(field(item, "userUUID"))
          const threshold = field(item, "threshold") ?? 1000
          const periodicity = (text(field(item, "periodicity")) ?? text(field(item, "periodicityType")) ?? "MONTHLY")
            .toUpperCase()
          if (type !== "VIRTUAL" && type !== "PHYSICAL") return Either.left(`${key}[${i}].type must be VIRTUAL or PHYSICAL`)
          if (alias === undefined) return Either.left(`${key}[${i}].alias must be a non-empty string`)
          if (userUuid === undefined) return Either.left(`${key}[${i}].userUuid must be a non-empty string`)
          if (typeof threshold !== "number" || !(threshold > 0)) {
            return Either.left(`${key}[${i}].threshold must be a positive number`)
          }
          parsed.push({ alias, physical: type === "PHYSICAL", userUuid, threshold, periodicity })
        }
        return Either.right(parsed)
      })
    }),
    (list) =>
        enqueue(state, "CREATE", "cardsRequestsResponses", {
          done: "CARD_CREATION_REQUEST_CREATED",
          error: "CARD_CREATION_REQUEST_ERROR",
          doneStatus: "CREATED"
        }, () =>
          list.map((item) => ({
            requestId: randomUUID(),
            cardUuid: undefined,
            apply: (): Outcome => {
              const user = directory.users.get(item.userUuid)
              if (user === undefined) return { ok: false, error: "User not found" }
              if (user.status !== "ACTIVE") return { ok: false, error: "The cardholder must be an active user" }
              if (item.threshold > CREDIT_LINE) {
                return { ok: false, error: `B013 The threshold exceeds the company credit line of ${CREDIT_LINE}` }
              }
              const created = newCard(user, item)
              directory.cards.set(created.card.uuid, created)
              return { ok: true, cardUuid: created.card.uuid }
            }
          })))
  )

/** `GET /api/v3/cards/requests`: Spring page of every card request, oldest first (20 a page). */
export const listCardRequests = (state: ExtendedState) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parsePageQuery(params), {
      onLeft: validationError,
      onRight: (query) => json(springPage([...state.cardRequests.values()], query))
    }))

/** `GET /api/v3/cards/requests/{id}`. */
export const oneCardRequest = (state: ExtendedState) =>
  Effect.map(HttpRouter.params, (params) => {
    const request = state.cardRequests.get(params["id"] ?? "")
    return request === undefined ? notFound("Card request not found") : json(request)
  })

/** `GET /api/v3/cards/requests/batches/{id}`: the batch's requests as a bare array; 404 for an unknown batch. */
export const cardRequestBatch = (state: ExtendedState) =>
  Effect.map(HttpRouter.params, (params) => {
    const batch = [...state.cardRequests.values()].filter((r) => r.batchId === params["id"])
    return batch.length === 0 ? notFound("Batch not found") : json(batch)
  })
