/**
 * Reading back the JSON our own encoders write (`fiscalDocumentJson`, `matchLinkJson`) without the schema machinery:
 * small readers that return a field when it has the encoder's shape and throw `NOT_PLAIN` otherwise, and
 * `fastOrSchema`, which then hands the parsed value to the schema decoder (for its error, or for a shape the encoder
 * never writes but the schema accepts).
 */

/** Thrown by the readers at the first field that is not as our encoders write it. */
export const NOT_PLAIN: unique symbol = Symbol("not as our JSON encoders write it")

/** A record type with its fields writable, to fill a class's fields one by one before building the instance. */
export type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/** A JSON object. */
export type Json = Readonly<Record<string, unknown>>

export const record = (value: unknown): Json => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw NOT_PLAIN
  return value as Json
}

export const text = (value: unknown): string => {
  if (typeof value !== "string") throw NOT_PLAIN
  return value
}

export const number = (value: unknown): number => {
  if (typeof value !== "number") throw NOT_PLAIN
  return value
}

export const list = <A>(value: unknown, read: (item: unknown) => A): Array<A> => {
  if (!Array.isArray(value)) throw NOT_PLAIN
  return value.map(read)
}

export const texts = (value: unknown): Array<string> => list(value, text)

/** `value` when it is one of `allowed` (a schema literal). */
export const oneOf = <A extends string>(value: unknown, allowed: ReadonlyArray<A>): A => {
  if (!allowed.includes(value as A)) throw NOT_PLAIN
  return value as A
}

/**
 * `fast(JSON.parse(json))`, or the schema decoder's `slow` of the parsed value when `fast` throws `NOT_PLAIN` (slow
 * throws its `ParseError` naming the field). Invalid JSON throws `SyntaxError`.
 */
export const fastOrSchema = <A>(json: string, fast: (value: unknown) => A, slow: (value: unknown) => A): A => {
  const parsed: unknown = JSON.parse(json)
  try {
    return fast(parsed)
  } catch (cause) {
    if (cause !== NOT_PLAIN) throw cause
    return slow(parsed)
  }
}
