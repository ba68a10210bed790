/**
 * Pagination envelopes (clara-api.md §3.1, §5.1).
 */
import * as Schema from "effect/Schema"

/**
 * A Spring Data page: `{content, totalElements, totalPages, size, number}` with a zero-based `number`.
 * Undocumented Spring fields (`first`, `last`, `pageable`, ...) are accepted and ignored.
 */
export const SpringPage = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    content: Schema.Array(item),
    totalElements: Schema.optional(Schema.Number),
    totalPages: Schema.optional(Schema.Number),
    size: Schema.optional(Schema.Number),
    number: Schema.optional(Schema.Number),
    last: Schema.optional(Schema.Boolean)
  })

/** The Spring page with items left undecoded, so one bad record never fails a whole page. */
export const RawSpringPage = SpringPage(Schema.Unknown)
export type RawSpringPage = typeof RawSpringPage.Type

/**
 * Whether there is a page after `page` (clara-api.md §5.1): stop when `number == totalPages - 1`, when `last` is true,
 * on an empty page, or on fewer than `requestedSize` items.
 */
export const hasNextPage = (page: RawSpringPage, requestedSize: number): boolean => {
  if (page.content.length === 0 || page.content.length < requestedSize) return false
  if (page.last === true) return false
  if (page.totalPages !== undefined && page.number !== undefined) return page.number + 1 < page.totalPages
  return true
}
