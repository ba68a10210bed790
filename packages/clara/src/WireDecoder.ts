/**
 * Decoding wire records outside the client (a transactions export, a webhook body kept on disk) at the client's
 * speed: the compiled fast path of `internal/fastDecode.ts` for valid records, the schema library's decoder for the
 * others, so a failure is explained exactly as `Schema.decodeUnknownEither(schema, { errors: "first" })` explains it.
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { compile, FAIL } from "./internal/fastDecode.js"

/**
 * A decoder for `schema` (a wire schema such as `TransactionResponseV3`): the same value, key order included, as
 * `Schema.decodeUnknownEither(schema, { errors: "first" })`, and the same `ParseError` (first issue) on a bad record.
 */
export const wireDecoder = <A, I>(
  schema: Schema.Schema<A, I, never>
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const fast = compile(schema.ast)
  const explain = Schema.decodeUnknownEither(schema, { errors: "first" })
  return (input) => {
    const value = fast(input)
    return value === FAIL ? explain(input) : Either.right(value as A)
  }
}
