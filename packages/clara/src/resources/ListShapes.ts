/**
 * Helpers shared by the resource groups of part B (money documents, Brazil, subscribers, card requests) on top of
 * `ClaraCall.getJson` / `ClaraCall.write`: lists whose response is a Spring page or a bare array (clara-api.md §3.1,
 * §7 #14), one-record reads, JSON writes whose body may be empty (§7 #21), and pass-through queries (§7 #14).
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type ClaraError, ClaraBadRequestError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { type ClaraCall, type ClaraPage, checkPage, type GetOptions } from "../internal/ClaraCall.js"
import { decodeWith, parseJson } from "../internal/decode.js"

/** A query value as the caller gives it; arrays are sent comma-separated (§7 #14, as the reimbursement filters). */
export type ClaraQueryValue = string | number | boolean | ReadonlyArray<string>

/** Query parameters passed through as given (for filters Clara names but does not document). */
export type ClaraQuery = Readonly<Record<string, ClaraQueryValue | undefined>>

/** The query as URL parameters: `undefined` dropped, arrays joined with commas, numbers and booleans as text. */
export const queryParams = (query: ClaraQuery): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    params[key] = typeof value === "object" ? value.join(",") : String(value)
  }
  return params
}

/** Page size bounds the client asks for. */
const MAX_SIZE = 100

/** Fails with a client-side `ClaraBadRequestError` unless `size` is an integer from 1 to 100. */
export const checkSize = (size: number, endpoint: string): Either.Either<number, ClaraBadRequestError> =>
  Number.isInteger(size) && size >= 1 && size <= MAX_SIZE
    ? Either.right(size)
    : Either.left(
      new ClaraBadRequestError({ endpoint, field: "size", claraMessage: `must be an integer from 1 to 100, got ${size}` })
    )

/**
 * One page of a list answered either as a Spring page or as a bare array. A bare array is taken as the whole list
 * (`hasNext` false: the v1/v2 lists documented as `X[]` are not paged); a Spring page follows `hasNextPage` (§5.1).
 * Records are decoded one by one; `page` must be zero-based and `size` 1-100, else `ClaraBadRequestError`.
 */
export const fetchFlexiblePage = <A, I>(
  call: ClaraCall,
  path: string,
  params: Readonly<Record<string, string>>,
  schema: Schema.Schema<A, I, never>,
  size: number,
  page: number,
  options: GetOptions = {}
): Effect.Effect<ClaraPage<A>, ClaraError> => {
  const endpoint = call.endpointOf("GET", path)
  return Effect.flatMap(
    Either.flatMap(checkPage(page, endpoint), () => checkSize(size, endpoint)),
    () => call.fetchPage(path, params, schema, size, page, options)
  )
}

/** Every record from page `first` on, by `fetchFlexiblePage`. */
export const flexiblePages = <A, I>(
  call: ClaraCall,
  path: string,
  params: Readonly<Record<string, string>>,
  schema: Schema.Schema<A, I, never>,
  size: number,
  first: number,
  options: GetOptions = {}
): Stream.Stream<ClaraItem<A>, ClaraError> =>
  Stream.paginateChunkEffect(first, (page) =>
    Effect.map(fetchFlexiblePage(call, path, params, schema, size, page, options), (result) =>
      [Chunk.fromIterable(result.items), result.hasNext ? Option.some(page + 1) : Option.none()] as const))

/** GET `path` (already built from encoded segments) decoded as one `schema` record. */
export const getOne = <A, I>(
  call: ClaraCall,
  path: string,
  schema: Schema.Schema<A, I, never>,
  params: Readonly<Record<string, string>> = {}
): Effect.Effect<A, ClaraError> => {
  const endpoint = call.endpointOf("GET", path)
  return Effect.flatMap(call.getJson(path, params), (json) => decodeWith(schema, json, { endpoint }))
}

/** The encoded path segment of `id`, or a client-side `ClaraBadRequestError` naming `field`, for `template`. */
export const segment = (
  call: ClaraCall,
  method: string,
  template: string,
  id: string,
  field = "uuid"
): Either.Either<string, ClaraBadRequestError> =>
  Either.mapLeft(call.pathSegment(id, call.endpointOf(method, template)), (e) => new ClaraBadRequestError({ ...e, field }))

/**
 * A write whose answer is decoded with `schema` when it has a body, `undefined` when it is empty (204, or 200/201
 * with nothing): Clara does not document these bodies (§7 #21).
 */
export const writeMaybeJson = <A, I>(
  call: ClaraCall,
  method: "POST" | "PATCH" | "DELETE",
  path: string,
  body: unknown,
  schema: Schema.Schema<A, I, never>
): Effect.Effect<A | undefined, ClaraError> => {
  const endpoint = call.endpointOf(method, path)
  return call.write(method, path, body === undefined ? undefined : JSON.stringify(body)).pipe(
    Effect.flatMap((bytes): Either.Either<A | undefined, ClaraError> => {
      if (new TextDecoder().decode(bytes).trim() === "") return Either.right(undefined)
      return Either.flatMap(parseJson(bytes, { endpoint }), (json) => decodeWith(schema, json, { endpoint }))
    })
  )
}

/** A client-side `ClaraBadRequestError` (nothing was sent). */
export const rejectInput = (endpoint: string, field: string, claraMessage: string) =>
  new ClaraBadRequestError({ endpoint, field, claraMessage })
