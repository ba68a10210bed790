import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import { ClaraDecodeError } from "../ClaraError.js"
import { type ClaraItem, itemInvalid, itemOk } from "../ClaraItem.js"
import { compile, FAIL } from "./fastDecode.js"
import { stripSensitive } from "./sensitive.js"

/** Where a value being decoded came from. `sensitive` bodies (token responses) never get a sample. */
export interface DecodeContext {
  readonly endpoint: string
  readonly record?: string | undefined
  readonly pathPrefix?: ReadonlyArray<PropertyKey>
  readonly sensitive?: boolean
}

const SAMPLE_MAX = 80

/** `["content", 3, "amountValue", "value"]` -> `content[3].amountValue.value`. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, key) => typeof key === "number" ? `${acc}[${key}]` : acc === "" ? String(key) : `${acc}.${String(key)}`,
    ""
  )

/** The value as short JSON: digit runs of 12 or more (card numbers) masked but for their last four, then truncated. */
export const sampleOf = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  const masked = text.replace(/\d{12,}/g, (digits) => `${"*".repeat(digits.length - 4)}${digits.slice(-4)}`)
  return masked.length > SAMPLE_MAX ? `${masked.slice(0, SAMPLE_MAX - 3)}...` : masked
}

const valueAt = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    root
  )

const decodeError = (ctx: DecodeContext, path: ReadonlyArray<PropertyKey>, description: string, value: unknown) =>
  new ClaraDecodeError({
    endpoint: ctx.endpoint,
    record: ctx.record,
    path: formatPath([...(ctx.pathPrefix ?? []), ...path]),
    description,
    sample: ctx.sensitive === true || value === undefined ? undefined : sampleOf(value)
  })

const samePath = (a: ReadonlyArray<PropertyKey>, b: ReadonlyArray<PropertyKey>): boolean =>
  a.length === b.length && a.every((key, i) => key === b[i])

/**
 * What was expected at the first issue's path (`expected number or string`), without the actual value: samples are
 * shown apart, masked and truncated, and sensitive bodies must not echo their values at all.
 */
const describeIssues = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>): string => {
  const first = issues[0]
  if (first === undefined) return "is invalid"
  const expected = issues
    .filter((issue) => samePath(issue.path, first.path))
    .flatMap((issue) => /^Expected ([\s\S]*?), actual /.exec(issue.message)?.[1] ?? [])
  return expected.length > 0
    ? `expected ${[...new Set(expected)].join(" or ")}`
    : first.message.replace(/,? actual [\s\S]*$/, "")
}

/**
 * Decodes `input` with `schema`; the first issue becomes a `ClaraDecodeError` with its JSON path and a sample. Without
 * `options`, a valid input takes the compiled fast path (`fastDecode.ts`, same result); an invalid one is explained by
 * the schema library's decoder.
 */
export const decodeWith = <A, I>(
  schema: Schema.Schema<A, I, never>,
  input: unknown,
  ctx: DecodeContext,
  options?: SchemaAST.ParseOptions
): Either.Either<A, ClaraDecodeError> => {
  if (options === undefined) {
    const fast = compile(schema.ast)(input)
    if (fast !== FAIL) return Either.right(fast as A)
  }
  return Either.mapLeft(Schema.decodeUnknownEither(schema, { ...options, errors: "first" })(input), (error) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    const path = issues[0]?.path ?? []
    return decodeError(ctx, path, describeIssues(issues), valueAt(input, path))
  })
}

const utf8 = new TextDecoder()

/** Parses a UTF-8 JSON body. */
export const parseJson = (body: Uint8Array, ctx: DecodeContext): Either.Either<unknown, ClaraDecodeError> => {
  const text = utf8.decode(body)
  return Either.try({
    try: (): unknown => JSON.parse(text),
    catch: () => decodeError(ctx, [], "body is not JSON", ctx.sensitive === true ? undefined : text)
  })
}

/**
 * Parses a UTF-8 JSON body and removes the card secrets from it at any depth (`stripSensitive`); a body that is not
 * JSON gives `ClaraDecodeError` ("body is not JSON", no sample when `ctx.sensitive`).
 */
export const parseJsonClean = (body: Uint8Array, ctx: DecodeContext): Either.Either<unknown, ClaraDecodeError> =>
  Either.map(parseJson(body, ctx), stripSensitive)

/** The `uuid` of a raw record, when it has a string one (to name the record in errors). */
const uuidOf = (raw: unknown): string | undefined => {
  const uuid = typeof raw === "object" && raw !== null ? (raw as { readonly uuid?: unknown }).uuid : undefined
  return typeof uuid === "string" ? uuid : undefined
}

/**
 * Decodes each raw record on its own. Errors carry `record` = `<where> #<index>` plus the record's uuid when it has
 * one, and `path` = `<field>[<index>].<bad field>`.
 */
export const decodeItems = <A, I>(
  schema: Schema.Schema<A, I, never>,
  raws: ReadonlyArray<unknown>,
  ctx: { readonly endpoint: string; readonly where: string; readonly field: string }
): ReadonlyArray<ClaraItem<A>> => {
  const fast = compile(schema.ast)
  return raws.map((raw, index) => {
    const value = fast(raw)
    if (value !== FAIL) return itemOk(value as A)
    // only a bad record pays for naming it
    const uuid = uuidOf(raw)
    const record = `${ctx.where} #${index}${uuid === undefined ? "" : ` uuid ${uuid}`}`
    return Either.match(decodeWith(schema, raw, { endpoint: ctx.endpoint, record, pathPrefix: [ctx.field, index] }), {
      onLeft: (error) => itemInvalid<A>(error),
      onRight: (decoded) => itemOk(decoded)
    })
  })
}
