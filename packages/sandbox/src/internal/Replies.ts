/**
 * Clara's JSON answers and error bodies (clara-api.md §3.12, §5.7) as the emulator's routes send them.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

/** A JSON response. */
export const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

/** Clara's error body `{message, code}`. */
export const failure = (status: number, code: string, message: string) => json({ message, code }, status)

/** 404 `NOT_FOUND`. */
export const notFound = (message: string) => failure(404, "NOT_FOUND", message)

/** 400 `VALIDATION_ERROR`. */
export const validationError = (message: string) => failure(400, "VALIDATION_ERROR", message)

/** The request's JSON body checked by `read`, or the 400 answer naming what is wrong. */
export const jsonBody = <A>(read: (body: unknown) => Either.Either<A, string>) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.match(request.json, {
      onFailure: () => Either.left(validationError("the body must be JSON")),
      onSuccess: (body) => Either.mapLeft(read(body), validationError)
    }))

/** The value of a JSON object's field, or undefined. */
export const field = (body: unknown, name: string): unknown =>
  typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined

/** Runs `f` on the entry of `entries` named by the `:uuid` path parameter, or answers 404 with `missing`. */
export const withEntry = <A, E, R>(
  entries: ReadonlyMap<string, A>,
  missing: string,
  f: (entry: A) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.flatMap(HttpRouter.params, (params) => {
    const entry = entries.get(params["uuid"] ?? "")
    return entry === undefined ? Effect.succeed(notFound(missing)) : f(entry)
  })
