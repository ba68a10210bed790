/**
 * The emulator's webhook subscriber routes, `/api/v1/subscribers` (clara-api.md §2.3, §3.11, §6.1): list (Spring page
 * with the documented filters), create (201), update (200), delete (204), add-event and delete-event (a DELETE with a
 * body), by `callbackUrl`. Registered subscribers receive the events of the asynchronous operations.
 */
import type { Subscriber } from "@clara-recon/clara"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { ExtendedState } from "./ExtendedState.js"
import { first, parsePageQuery, springPage } from "./ListQuery.js"
import { field, json, jsonBody, notFound, validationError } from "./Replies.js"

type Fields = { name?: string; callbackUrl?: string; events?: Array<string>; enabled?: boolean; companyUuid?: string }

/** The subscriber fields of a body; `required` for a create. */
const readFields = (required: boolean) => (body: unknown): Either.Either<Fields, string> => {
  const out: Fields = {}
  const name = field(body, "name")
  const callbackUrl = field(body, "callbackUrl")
  const events = field(body, "events")
  const enabled = field(body, "enabled")
  const companyUuid = field(body, "companyUuid")
  if (name !== undefined || required) {
    if (typeof name !== "string" || name.trim() === "") return Either.left("name is required")
    out.name = name
  }
  if (callbackUrl !== undefined || required) {
    if (typeof callbackUrl !== "string" || !URL.canParse(callbackUrl)) return Either.left("callbackUrl must be a URL")
    out.callbackUrl = callbackUrl
  }
  if (events !== undefined || required) {
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === "string" && e !== "")) {
      return Either.left("events must be a non-empty array of event names")
    }
    out.events = events
  }
  if (enabled !== undefined) {
    if (typeof enabled !== "boolean") return Either.left("enabled must be a boolean")
    out.enabled = enabled
  }
  if (typeof companyUuid === "string") out.companyUuid = companyUuid
  return Either.right(out)
}

const answer = <A>(
  read: Effect.Effect<Either.Either<A, HttpServerResponse.HttpServerResponse>, never, HttpServerRequest.HttpServerRequest>,
  then: (value: A) => HttpServerResponse.HttpServerResponse
) => Effect.map(read, (r) => Either.isLeft(r) ? r.left : then(r.right))

/** `GET /api/v1/subscribers`: `uuid`, `name`, `callbackUrl`, `enabled`, `events` (any of), `companyUuid`. */
export const listSubscribers = (state: ExtendedState) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parsePageQuery(params), {
      onLeft: validationError,
      onRight: (query) => {
        const is = (name: string, value: unknown) => {
          const wanted = first(params, name)
          return wanted === undefined || String(value) === wanted
        }
        const events = first(params, "events")?.split(",")
        const rows = [...state.subscribers.values()].filter((s) =>
          is("uuid", s.uuid) && is("name", s.name) && is("callbackUrl", s.callbackUrl) &&
          is("enabled", s.enabled ?? true) && is("companyUuid", s.companyUuid ?? "") &&
          (events === undefined || events.some((e) => s.events.includes(e)))
        )
        return json(springPage(rows, query))
      }
    }))

/** `POST /api/v1/subscribers`: 201 with the subscriber (`enabled` defaults to true). */
export const createSubscriber = (state: ExtendedState) =>
  answer(jsonBody(readFields(true)), (fields) => {
    const subscriber = {
      uuid: randomUUID(),
      name: fields.name!,
      callbackUrl: fields.callbackUrl!,
      events: fields.events!,
      enabled: fields.enabled ?? true,
      companyUuid: fields.companyUuid ?? null
    }
    state.subscribers.set(subscriber.uuid, subscriber)
    return json(subscriber, 201)
  })

const withSubscriber = (
  state: ExtendedState,
  f: (s: Subscriber & { readonly uuid: string }) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
) =>
  Effect.flatMap(HttpRouter.params, (p) => {
    const found = state.subscribers.get(p["uuid"] ?? "")
    return found === undefined ? Effect.succeed(notFound("Subscriber not found")) : f(found)
  })

/** `PATCH /api/v1/subscribers/{uuid}`: 200 with the updated subscriber. */
export const updateSubscriber = (state: ExtendedState) =>
  withSubscriber(state, (current) =>
    answer(jsonBody(readFields(false)), (fields) => {
      const updated = { ...current, ...fields }
      state.subscribers.set(current.uuid, updated)
      return json(updated)
    }))

/** `DELETE /api/v1/subscribers/{uuid}`: 204. */
export const deleteSubscriber = (state: ExtendedState) =>
  withSubscriber(state, (current) =>
    Effect.sync(() => {
      state.subscribers.delete(current.uuid)
      return HttpServerResponse.empty({ status: 204 })
    }))

/** `POST .../add-event` or `DELETE .../delete-event`, `{callbackUrl, event}`: 200 with the subscriber; 404 unknown URL. */
export const changeEvent = (state: ExtendedState, add: boolean) =>
  answer(
    jsonBody((body) => {
      const callbackUrl = field(body, "callbackUrl")
      const event = field(body, "event")
      return typeof callbackUrl === "string" && typeof event === "string" && event !== ""
        ? Either.right({ callbackUrl, event })
        : Either.left("callbackUrl and event are required")
    }),
    ({ callbackUrl, event }) => {
      const current = [...state.subscribers.values()].find((s) => s.callbackUrl === callbackUrl)
      if (current === undefined) return notFound("No subscriber with this callbackUrl")
      const events = add
        ? [...new Set([...current.events, event])]
        : current.events.filter((e) => e !== event)
      const updated = { ...current, events }
      state.subscribers.set(current.uuid, updated)
      return json(updated)
    }
  )
