/**
 * A compiled fast path for decoding wire records (clara-api.md §5.1: a list page holds up to 100 of them, each decoded
 * on its own). It walks a schema's AST once and builds plain functions for the JSON shapes wire schemas are made of
 * (structs, arrays, unions, strings, numbers, booleans, literals), so a valid record is decoded without the generic
 * parser's per-node `Either` values. Any other node (transformations, declarations, refinements, recursive schemas)
 * runs the schema library's own parser for that subtree.
 *
 * The result of a successful fast decode equals what `Schema.decodeUnknownEither(schema, { errors: "first" })`
 * returns: the same keys in the same order (excess properties dropped), the same union member chosen. It never
 * explains a failure: on the first mismatch it returns `FAIL`, and the caller runs the schema library's decoder to
 * get the issue (path, message) exactly as before.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

/** The result of a fast decode that did not match (the slow decoder then explains why). */
export const FAIL: unique symbol = Symbol.for("@clara-recon/clara/fastDecode/FAIL")

/** A compiled decoder: the decoded value, or `FAIL`. */
export type FastDecoder = (input: unknown) => unknown

/** The options every fast decoder reproduces (`decodeWith`'s default). */
const FIRST_ERROR: SchemaAST.ParseOptions = { errors: "first" }

const compiled = new WeakMap<SchemaAST.AST, FastDecoder>()

/** The schema library's own decoder for `ast`, as a fast decoder (its errors become `FAIL`). */
const delegate = (ast: SchemaAST.AST): FastDecoder => {
  const decode = ParseResult.decodeUnknownEither(Schema.make(ast), FIRST_ERROR)
  return (input) => {
    const result = decode(input)
    return Either.isRight(result) ? result.right : FAIL
  }
}

/** Whether the generic parser would treat `ast` as it is (no per-node parse options or decoding fallback). */
const plain = (ast: SchemaAST.AST): boolean =>
  Option.isNone(SchemaAST.getParseOptionsAnnotation(ast)) && Option.isNone(SchemaAST.getDecodingFallbackAnnotation(ast))

/**
 * Whether a union member carries a required literal-typed field or element (looking through refinements,
 * transformations, suspensions and surrogates, as the generic parser does): the generic parser tries such members
 * first (its discriminant search), so a union holding one is left to it.
 */
const hasDiscriminant = (member: SchemaAST.AST): boolean => {
  switch (member._tag) {
    case "TypeLiteral":
      return member.propertySignatures.some((ps) =>
        !ps.isOptional && SchemaAST.isLiteral(SchemaAST.encodedAST(ps.type))
      )
    case "TupleType":
      return member.elements.some((e) => !e.isOptional && SchemaAST.isLiteral(SchemaAST.encodedAST(e.type)))
    case "Refinement":
      return hasDiscriminant(member.from)
    case "Transformation":
      return hasDiscriminant(member.from)
    case "Suspend":
      return hasDiscriminant(member.f())
    case "Declaration":
      return Option.match(SchemaAST.getSurrogateAnnotation(member), { onNone: () => false, onSome: hasDiscriminant })
    default:
      return false
  }
}

const isString: FastDecoder = (u) => (typeof u === "string" ? u : FAIL)
const isNumber: FastDecoder = (u) => (typeof u === "number" ? u : FAIL)
const isBoolean: FastDecoder = (u) => (typeof u === "boolean" ? u : FAIL)
const isUndefined: FastDecoder = (u) => (u === undefined ? u : FAIL)

const typeLiteral = (ast: SchemaAST.TypeLiteral): FastDecoder => {
  if (ast.propertySignatures.length === 0) return (u) => (u !== null && u !== undefined ? u : FAIL)
  const names = ast.propertySignatures.map((ps) => ps.name as string)
  const optional = ast.propertySignatures.map((ps) => ps.isOptional)
  const fields = ast.propertySignatures.map((ps) => compile(ps.type))
  const count = names.length
  return (input) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return FAIL
    const record = input as Record<string, unknown>
    const output: Record<string, unknown> = {}
    for (let i = 0; i < count; i++) {
      const name = names[i]!
      if (optional[i] && !Object.prototype.hasOwnProperty.call(record, name)) continue
      const value = fields[i]!(record[name])
      if (value === FAIL) return FAIL
      output[name] = value
    }
    return output
  }
}

const arrayOf = (item: FastDecoder): FastDecoder => (input) => {
  if (!Array.isArray(input)) return FAIL
  const output: Array<unknown> = new Array(input.length)
  for (let i = 0; i < input.length; i++) {
    const value = item(input[i])
    if (value === FAIL) return FAIL
    output[i] = value
  }
  return output
}

/** Tried in order: the first member that decodes the input gives the value (the generic parser's rule). */
const firstOf = (members: ReadonlyArray<FastDecoder>): FastDecoder => (input) => {
  for (const member of members) {
    const value = member(input)
    if (value !== FAIL) return value
  }
  return FAIL
}

/** A member that accepts some primitives (or null) as they are and nothing else. */
const isPrimitive = (ast: SchemaAST.AST): boolean =>
  plain(ast) && (ast._tag === "StringKeyword" || ast._tag === "NumberKeyword" || ast._tag === "BooleanKeyword" ||
    ast._tag === "UndefinedKeyword" || ast._tag === "Literal")

/** A member compiled to a decoder that accepts only non-null objects (arrays or records). */
const isObjectOnly = (ast: SchemaAST.AST): boolean =>
  plain(ast) && (
    (ast._tag === "TypeLiteral" && ast.propertySignatures.length > 0 && ast.indexSignatures.length === 0 &&
      ast.propertySignatures.every((ps) => typeof ps.name === "string")) ||
    (ast._tag === "TupleType" && ast.elements.length === 0 && ast.rest.length === 1)
  )

/**
 * A union. When every member either accepts primitives as they are or accepts only objects, a primitive input goes
 * straight to a `typeof` check (whichever primitive member matches, the value is the input) and an object input to the
 * object members in order; otherwise the members are tried in order.
 */
const union = (types: ReadonlyArray<SchemaAST.AST>): FastDecoder => {
  const members = types.map(compile)
  // (`Set` equality would take a NaN literal, which `===` never matches)
  const nanLiteral = types.some((t) => t._tag === "Literal" && Number.isNaN(t.literal))
  if (nanLiteral || !types.every((t) => isPrimitive(t) || isObjectOnly(t))) return firstOf(members)
  const objects = firstOf(members.filter((_, i) => isObjectOnly(types[i]!)))
  let strings = false, numbers = false, booleans = false, undefinedOk = false, nullOk = false
  const literals = new Set<unknown>()
  for (const t of types) {
    if (t._tag === "StringKeyword") strings = true
    else if (t._tag === "NumberKeyword") numbers = true
    else if (t._tag === "BooleanKeyword") booleans = true
    else if (t._tag === "UndefinedKeyword") undefinedOk = true
    else if (t._tag === "Literal" && t.literal === null) nullOk = true
    else if (t._tag === "Literal") literals.add(t.literal)
  }
  const anyLiteral = literals.size > 0
  return (input) => {
    switch (typeof input) {
      case "object":
        return input === null ? (nullOk ? input : FAIL) : objects(input)
      case "string":
        return strings || (anyLiteral && literals.has(input)) ? input : FAIL
      case "number":
        return numbers || (anyLiteral && literals.has(input)) ? input : FAIL
      case "boolean":
        return booleans || (anyLiteral && literals.has(input)) ? input : FAIL
      case "undefined":
        return undefinedOk ? input : FAIL
      default:
        return anyLiteral && literals.has(input) ? input : FAIL
    }
  }
}

const build = (ast: SchemaAST.AST): FastDecoder => {
  if (!plain(ast)) return delegate(ast)
  switch (ast._tag) {
    case "StringKeyword":
      return isString
    case "NumberKeyword":
      return isNumber
    case "BooleanKeyword":
      return isBoolean
    case "UndefinedKeyword":
      return isUndefined
    case "Literal": {
      const literal = ast.literal
      return (u) => (u === literal ? u : FAIL)
    }
    case "UnknownKeyword":
    case "AnyKeyword":
      return (u) => u
    case "TupleType":
      return ast.elements.length === 0 && ast.rest.length === 1 ? arrayOf(compile(ast.rest[0]!.type)) : delegate(ast)
    case "TypeLiteral":
      return ast.indexSignatures.length === 0 && ast.propertySignatures.every((ps) => typeof ps.name === "string")
        ? typeLiteral(ast)
        : delegate(ast)
    case "Union":
      return ast.types.some(hasDiscriminant) ? delegate(ast) : union(ast.types)
    default:
      return delegate(ast)
  }
}

/** The fast decoder of `ast`, built once per AST node. */
export const compile = (ast: SchemaAST.AST): FastDecoder => {
  const known = compiled.get(ast)
  if (known !== undefined) return known
  const decoder = build(ast)
  compiled.set(ast, decoder)
  return decoder
}
