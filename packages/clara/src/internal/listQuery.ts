import { toEpochDay } from "@clara-recon/domain"
import * as Either from "effect/Either"
import { ClaraBadRequestError } from "../ClaraError.js"
import { checkPage } from "./ClaraCall.js"

/** A validated list request: first page, page size and the other query parameters. */
export interface ListQuery {
  readonly page: number
  readonly size: number
  readonly params: Readonly<Record<string, string>>
}

/** Largest page size the client asks for (the documented maximum of transactions v3, assumed elsewhere). */
export const MAX_LIST_SIZE = 100

/**
 * Validates `page` (zero-based), `size` (1-100, default `defaultSize`), the string filters named in `keys` (not blank)
 * and the `yyyy-MM-dd` filters named in `dates`, into query parameters. The first bad field gives a client-side
 * `ClaraBadRequestError` naming it.
 */
export const listQuery = <F extends { readonly page?: number; readonly size?: number }>(
  filter: F,
  spec: {
    readonly endpoint: string
    readonly defaultSize: number
    readonly keys: ReadonlyArray<keyof F & string>
    readonly dates?: ReadonlyArray<keyof F & string>
  }
): Either.Either<ListQuery, ClaraBadRequestError> => {
  const reject = (field: string, claraMessage: string) =>
    Either.left(new ClaraBadRequestError({ endpoint: spec.endpoint, field, claraMessage }))
  const size = filter.size ?? spec.defaultSize
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIST_SIZE) {
    return reject("size", `must be an integer from 1 to ${MAX_LIST_SIZE}, got ${size}`)
  }
  const params: Record<string, string> = {}
  for (const key of [...spec.keys, ...(spec.dates ?? [])]) {
    const value = filter[key]
    if (value === undefined) continue
    if (typeof value !== "string" || value.trim() === "") return reject(key, "must be a non-blank string")
    if (spec.dates?.includes(key) === true && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || toEpochDay(value) === undefined)) {
      return reject(key, `must be a date yyyy-MM-dd, got ${JSON.stringify(value).slice(0, 40)}`)
    }
    params[key] = value
  }
  return Either.map(checkPage(filter.page ?? 0, spec.endpoint), (page) => ({ page, size, params }))
}
