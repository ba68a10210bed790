/**
 * `ClaraClientService.subscribers`: webhook subscriber management, `/api/v1/subscribers` (v1 only; clara-api.md
 * §2.3, §3.11, §6.1, §7 #4, #21). Every write is a write: never retried blindly.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Stream from "effect/Stream"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import {
  type CreateSubscriberRequest,
  Subscriber,
  type SubscriberEventChange,
  type UpdateSubscriberRequest
} from "../wire/Subscriber.js"
import {
  type ClaraQuery,
  fetchFlexiblePage,
  flexiblePages,
  queryParams,
  rejectInput,
  segment,
  writeMaybeJson
} from "./ListShapes.js"

/** The list filters of §2.3 (`events` sent comma-separated), page 0-based, size 1-100 (default 20). */
export type SubscriberQuery = ClaraQuery & {
  readonly page?: number
  readonly size?: number
  readonly uuid?: string
  readonly name?: string
  readonly callbackUrl?: string
  readonly enabled?: boolean
  readonly events?: ReadonlyArray<string>
  readonly companyUuid?: string
}

/** The subscriber operations. */
export interface SubscribersApi {
  /** Every subscriber matching `query` (`GET /api/v1/subscribers`, Spring page; a bare array accepted). */
  readonly list: (query?: SubscriberQuery) => Stream.Stream<ClaraItem<Subscriber>, ClaraError>
  /** One page (`query.page`, default 0) of `list`. */
  readonly page: (query?: SubscriberQuery) => Effect.Effect<ClaraPage<Subscriber>, ClaraError>
  /**
   * Creates a subscriber (`POST /api/v1/subscribers`, 201). A blank name, a callback that is not an absolute http(s)
   * URL, no event or a blank event fails with `ClaraBadRequestError` before any request. Returns the created
   * subscriber as Clara sends it, or (body not documented) the request's fields when the answer is empty.
   */
  readonly create: (request: CreateSubscriberRequest) => Effect.Effect<Subscriber, ClaraError>
  /** Updates a subscriber (`PATCH /api/v1/subscribers/{uuid}`, 200); the answer when it has a body. Same checks. */
  readonly update: (uuid: string, request: UpdateSubscriberRequest) => Effect.Effect<Subscriber | undefined, ClaraError>
  /** Deletes a subscriber (`DELETE /api/v1/subscribers/{uuid}`; 200, 202 or 204 accepted). */
  readonly delete: (uuid: string) => Effect.Effect<void, ClaraError>
  /** Adds one event to the subscriber of `callbackUrl` (`POST /api/v1/subscribers/add-event`). */
  readonly addEvent: (change: SubscriberEventChange) => Effect.Effect<void, ClaraError>
  /** Removes one event (`DELETE /api/v1/subscribers/delete-event`, a DELETE with the add-event body). */
  readonly deleteEvent: (change: SubscriberEventChange) => Effect.Effect<void, ClaraError>
}

const PATH = "/v1/subscribers"

const isHttpUrl = (url: string) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)

/** The first problem of a (partial) subscriber body, or the body to send. */
const checkSubscriber = (
  endpoint: string,
  request: UpdateSubscriberRequest
): Either.Either<UpdateSubscriberRequest, ClaraBadRequestError> => {
  if (request.name !== undefined && request.name.trim() === "") {
    return Either.left(rejectInput(endpoint, "name", "must not be blank"))
  }
  if (request.callbackUrl !== undefined && !isHttpUrl(request.callbackUrl)) {
    return Either.left(rejectInput(endpoint, "callbackUrl", "must be an absolute http(s) URL"))
  }
  if (request.events !== undefined) {
    if (request.events.length === 0) return Either.left(rejectInput(endpoint, "events", "must name at least one event"))
    const blank = request.events.findIndex((e) => e.trim() === "")
    if (blank >= 0) return Either.left(rejectInput(endpoint, `events[${blank}]`, "must not be blank"))
  }
  return Either.right(request)
}

const checkChange = (endpoint: string, change: SubscriberEventChange) =>
  !isHttpUrl(change.callbackUrl)
    ? Either.left(rejectInput(endpoint, "callbackUrl", "must be an absolute http(s) URL"))
    : change.event.trim() === ""
    ? Either.left(rejectInput(endpoint, "event", "must not be blank"))
    : Either.right(change)

/** Builds `SubscribersApi` over one `ClaraCall`. */
export const makeSubscribers = (call: ClaraCall): SubscribersApi => {
  const split = (query: SubscriberQuery) => {
    const { page = 0, size = 20, ...rest } = query
    return { page, size, params: queryParams(rest) }
  }
  const create = (request: CreateSubscriberRequest) => {
    const endpoint = call.endpointOf("POST", PATH)
    const required = request.name === undefined || request.callbackUrl === undefined || request.events === undefined
      ? Either.left(rejectInput(endpoint, "name,callbackUrl,events", "are required"))
      : checkSubscriber(endpoint, request)
    return Effect.flatMap(required, () =>
      Effect.map(writeMaybeJson(call, "POST", PATH, request, Subscriber), (created) =>
        created ?? { ...request, events: [...request.events] })).pipe(
        Effect.withSpan("ClaraClient.subscribers.create")
      )
  }
  const update = (uuid: string, request: UpdateSubscriberRequest) => {
    const endpoint = call.endpointOf("PATCH", `${PATH}/{uuid}`)
    return Effect.flatMap(
      Either.flatMap(segment(call, "PATCH", `${PATH}/{uuid}`, uuid), (s) =>
        Either.map(checkSubscriber(endpoint, request), () => s)),
      (s) => writeMaybeJson(call, "PATCH", `${PATH}/${s}`, request, Subscriber)
    ).pipe(Effect.withSpan("ClaraClient.subscribers.update"))
  }
  const change = (method: "POST" | "DELETE", path: string) => (body: SubscriberEventChange) =>
    Effect.flatMap(checkChange(call.endpointOf(method, path), body), (valid) =>
      call.write(method, path, JSON.stringify(valid))).pipe(Effect.asVoid)
  return {
    list: (query = {}) => {
      const q = split(query)
      return flexiblePages(call, PATH, q.params, Subscriber, q.size, q.page)
    },
    page: (query = {}) => {
      const q = split(query)
      return fetchFlexiblePage(call, PATH, q.params, Subscriber, q.size, q.page).pipe(
        Effect.withSpan("ClaraClient.subscribers.page")
      )
    },
    create,
    update,
    delete: (uuid) =>
      Effect.flatMap(segment(call, "DELETE", `${PATH}/{uuid}`, uuid), (s) => call.write("DELETE", `${PATH}/${s}`)).pipe(
        Effect.asVoid,
        Effect.withSpan("ClaraClient.subscribers.delete")
      ),
    addEvent: (body) => change("POST", `${PATH}/add-event`)(body).pipe(Effect.withSpan("ClaraClient.subscribers.addEvent")),
    deleteEvent: (body) =>
      change("DELETE", `${PATH}/delete-event`)(body).pipe(Effect.withSpan("ClaraClient.subscribers.deleteEvent"))
  }
}
