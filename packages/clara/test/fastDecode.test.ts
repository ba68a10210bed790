/**
 * The compiled decoder (`internal/fastDecode.ts`) against the schema library's own decoder, on every schema the
 * package exports: for seeded valid inputs (drawn from each schema's encoded side) and seeded corruptions of them
 * (a field set to null, another type, removed, or an extra key), the fast path must give `FAIL` exactly when
 * `Schema.decodeUnknownEither` fails, and otherwise the same value with the same keys in the same order.
 */
import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@clara-recon/domain"
import { Arbitrary, Either, FastCheck, Schema } from "effect"
import * as Clara from "../src/index.js"
import { decodeItems } from "../src/internal/decode.js"
import { compile, FAIL } from "../src/internal/fastDecode.js"

const SAMPLES = 60

/** Every exported schema that has an encoded-side arbitrary (records, pages, envelopes, filters, errors). */
const exportedSchemas = Object.entries(Clara).flatMap(([name, value]) => {
  if (!Schema.isSchema(value)) return []
  const schema = value as Schema.Schema<unknown, unknown, never>
  try {
    return [{ name, schema, arbitrary: Arbitrary.make(Schema.encodedSchema(schema)) }]
  } catch {
    return []
  }
})

const REPLACEMENTS: ReadonlyArray<unknown> = [null, undefined, 0, -1.5, "", "x", true, false, {}, [], [1], { code: 1 }]

/** A deep copy of `value` with one seeded change somewhere in it. */
const corrupt = (value: unknown, prng: Prng): unknown => {
  if (typeof value !== "object" || value === null) return prng.pick(REPLACEMENTS)
  const copy: any = Array.isArray(value) ? [...value] : { ...value }
  const keys = Object.keys(copy)
  if (keys.length === 0 || prng.chance(0.15)) {
    if (Array.isArray(copy)) copy.push(prng.pick(REPLACEMENTS))
    else copy[`extra${prng.int(0, 9)}`] = prng.pick(REPLACEMENTS)
    return copy
  }
  const key = prng.pick(keys)
  const roll = prng.next()
  if (roll < 0.4) copy[key] = corrupt(copy[key], prng)
  else if (roll < 0.55 && !Array.isArray(copy)) delete copy[key]
  else copy[key] = prng.pick(REPLACEMENTS)
  return copy
}

/** Asserts the fast path agrees with the schema library on `input`; returns whether the input decoded. */
const agree = (name: string, schema: Schema.Schema<unknown, unknown, never>, input: unknown): boolean => {
  const slow = Schema.decodeUnknownEither(schema, { errors: "first" })(input)
  const fast = compile(schema.ast)(input)
  if (Either.isLeft(slow)) {
    assert.strictEqual(fast, FAIL, `${name}: the fast path accepted what the schema rejects: ${JSON.stringify(input)}`)
    return false
  }
  assert.notStrictEqual(fast, FAIL, `${name}: the fast path rejected a valid input: ${JSON.stringify(input)}`)
  assert.deepStrictEqual(fast, slow.right, name)
  assert.strictEqual(JSON.stringify(fast), JSON.stringify(slow.right), `${name}: key order`)
  return true
}

describe("compiled decoder", () => {
  it("covers the package's wire schemas", () => {
    const names = exportedSchemas.map((s) => s.name)
    for (const expected of ["TransactionResponseV3", "CardV3", "RawSpringPage", "TokenResponse", "InvoiceV3"]) {
      assert.include(names, expected)
    }
  })

  it("gives the schema library's result on valid and corrupted inputs of every exported schema", () => {
    const prng = new Prng(20_261_122)
    let valid = 0
    let rejected = 0
    exportedSchemas.forEach(({ arbitrary, name, schema }, i) => {
      for (const input of FastCheck.sample(arbitrary, { seed: 1_000 + i, numRuns: SAMPLES })) {
        if (agree(name, schema, input)) valid++
        if (agree(name, schema, corrupt(input, prng))) valid++
        else rejected++
      }
    })
    // both sides of the equivalence were exercised, many times
    assert.isAbove(valid, exportedSchemas.length * SAMPLES)
    assert.isAbove(rejected, exportedSchemas.length * 10)
  })

  it("keeps the union member the schema library picks: discriminated members first, then declaration order", () => {
    const Loose = Schema.Struct({ kind: Schema.optional(Schema.String), a: Schema.optional(Schema.Number) })
    const Tagged = Schema.Struct({ kind: Schema.Literal("b"), b: Schema.optional(Schema.Number) })
    const Either2 = Schema.Union(Loose, Tagged)
    const Nested = Schema.Struct({ items: Schema.Array(Schema.Union(Schema.NumberFromString, Schema.Number)) })
    for (const input of [{ kind: "b", a: 1, b: 2 }, { kind: "c", a: 1, b: 2 }, { a: 1 }, { kind: "b" }]) {
      agree("Union(Loose, Tagged)", Either2 as Schema.Schema<unknown, unknown, never>, input)
    }
    assert.deepStrictEqual(compile(Either2.ast)({ kind: "b", a: 1, b: 2 }), { kind: "b", b: 2 })
    for (const input of [{ items: ["1", 2, "x"] }, { items: ["1", 2] }, { items: [] }, { items: "1" }]) {
      agree("Nested transformation", Nested as Schema.Schema<unknown, unknown, never>, input)
    }
    assert.deepStrictEqual(compile(Nested.ast)({ items: ["1", 2] }), { items: [1, 2] })
  })

  it("decodes a page's records on the fast path and explains a bad one as before", () => {
    const good = { uuid: "a", type: "PURCHASE", amountValue: { value: 10.5, currency: "MXN" }, numberless: 1 }
    const bad = { uuid: "b", type: "PURCHASE", amountValue: { value: true, currency: "MXN" } }
    const items = decodeItems(Clara.TransactionResponseV3, [good, bad], {
      endpoint: "GET /v3/transactions",
      where: "page 0",
      field: "content"
    })
    assert.deepStrictEqual(items[0], {
      _tag: "Ok",
      value: { uuid: "a", type: "PURCHASE", amountValue: { value: 10.5, currency: "MXN" } }
    })
    const invalid = items[1]!
    assert.strictEqual(invalid._tag, "Invalid")
    if (invalid._tag === "Invalid") {
      assert.strictEqual(invalid.error.path, "content[1].amountValue.value")
      assert.strictEqual(invalid.error.record, "page 0 #1 uuid b")
      assert.strictEqual(invalid.error.sample, "true")
    }
  })
})
