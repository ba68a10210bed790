/**
 * Small building blocks of the resource modules: one record by uuid, a list as a stream and one page, body checks
 * that fail before any request with a `ClaraBadRequestError` naming the field, and JSON bodies with exact decimals.
 */
import { formatFixed } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type ClaraError, ClaraBadRequestError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage, GetOptions, WriteMethod } from "./ClaraCall.js"
import type { ListQuery } from "./listQuery.js"

/** A client-side rejection of `field`. */
export const reject = (endpoint: string, field: string, claraMessage: string): ClaraBadRequestError =>
  new ClaraBadRequestError({ endpoint, field, claraMessage })

/** `path` with `{uuid}` replaced by the encoded `uuid`, or a rejection when it is blank. */
export const pathWith = (
  call: ClaraCall,
  method: string,
  template: string,
  uuid: string
): Either.Either<string, ClaraBadRequestError> =>
  Either.map(call.pathSegment(uuid, call.endpointOf(method, template)), (id) => template.replace("{uuid}", id))

/** GET one record (`template` with `{uuid}`) decoded with `schema`; `ClaraNotFoundError` when unknown. */
export const getOne = <A, I>(
  call: ClaraCall,
  template: string,
  uuid: string,
  schema: Schema.Schema<A, I, never>,
  options?: GetOptions
): Effect.Effect<A, ClaraError> =>
  Effect.flatMap(pathWith(call, "GET", template, uuid), (path) => call.getDecoded(path, {}, schema, options))

/** A list endpoint as a stream (from `query.page` on) and as one page, after the query was validated. */
export const listing = <A, I>(
  call: ClaraCall,
  path: string,
  schema: Schema.Schema<A, I, never>,
  options?: GetOptions
) => ({
  stream: (query: Either.Either<ListQuery, ClaraBadRequestError>): Stream.Stream<ClaraItem<A>, ClaraError> =>
    Stream.unwrap(Effect.map(query, (q) => call.pages(path, q.params, schema, q.size, q.page, options))),
  page: (query: Either.Either<ListQuery, ClaraBadRequestError>): Effect.Effect<ClaraPage<A>, ClaraError> =>
    Effect.flatMap(query, (q) => call.fetchPage(path, q.params, schema, q.size, q.page, options))
})

/** A write whose answer is ignored (deletes: 200, 202 or 204, clara-api.md §7 #21), on the record `uuid`. */
export const writeOn = (
  call: ClaraCall,
  method: WriteMethod,
  template: string,
  uuid: string,
  json?: string
): Effect.Effect<void, ClaraError> =>
  Effect.flatMap(pathWith(call, method, template, uuid), (path) => call.writeVoid(method, path, json))

/** Whether a text is absent or blank. */
export const isBlank = (text: string | null | undefined): boolean =>
  text === undefined || text === null || text.trim() === ""

/** Rejects a blank required text field. */
export const requireText = (
  endpoint: string,
  field: string,
  value: string | undefined
): Either.Either<string, ClaraBadRequestError> =>
  isBlank(value)
    ? Either.left(reject(endpoint, field, "is required and must not be blank"))
    : Either.right(value!.trim())

/** Rejects an amount that is not positive or has more than 2 decimals; the normalised amount otherwise. */
export const checkAmount = (
  endpoint: string,
  field: string,
  amount: BigDecimal.BigDecimal
): Either.Either<BigDecimal.BigDecimal, ClaraBadRequestError> => {
  const normalized = BigDecimal.normalize(amount)
  return BigDecimal.isPositive(normalized) && normalized.scale <= 2
    ? Either.right(normalized)
    : Either.left(
      reject(endpoint, field, `must be a positive amount with at most 2 decimals, got ${BigDecimal.format(normalized)}`)
    )
}

/** Rejects a value outside `allowed` (exact, case-sensitive). */
export const oneOf = <const T extends string>(
  endpoint: string,
  field: string,
  value: string,
  allowed: ReadonlyArray<T>
): Either.Either<T, ClaraBadRequestError> =>
  (allowed as ReadonlyArray<string>).includes(value)
    ? Either.right(value as T)
    : Either.left(reject(endpoint, field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`))

/**
 * A JSON object body: `fields` (undefined ones left out) then each defined amount of `amounts` written as exact
 * decimal text with 2 decimals, never through a JS number.
 */
export const jsonWithAmounts = (
  fields: Readonly<Record<string, unknown>>,
  amounts: Readonly<Record<string, BigDecimal.BigDecimal | undefined>> = {}
): string => {
  const parts = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
  for (const [key, amount] of Object.entries(amounts)) {
    if (amount !== undefined) parts.push(`${JSON.stringify(key)}:${formatFixed(amount, 2)}`)
  }
  return `{${parts.join(",")}}`
}
