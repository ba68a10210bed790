/**
 * The engine builds Schema class instances without the constructor's copies (domain `trustedInstance`), and the canonical
 * JSON behind `inputsHash` and link ids is appended to one string: both must give exactly what the plain forms give.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  canonicalJson,
  Evidence,
  Explanation,
  MatchLink,
  Money,
  Prng,
  ReconciliationException,
  RunnerUp,
  trustedInstance
} from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Equal from "effect/Equal"
import * as Schema from "effect/Schema"
import { generateScenario } from "../src/Synthetic.js"

/** The straightforward canonical JSON (sorted keys, parts joined): the specification the fast encoder must meet. */
const reference = (value: unknown): string | undefined => {
  if (value === null) return "null"
  switch (typeof value) {
    case "undefined":
    case "function":
    case "symbol":
      return undefined
    case "boolean":
      return value ? "true" : "false"
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null"
    case "bigint":
      return JSON.stringify(value.toString())
    case "string":
      return JSON.stringify(value)
  }
  if (BigDecimal.isBigDecimal(value)) return JSON.stringify(BigDecimal.format(BigDecimal.normalize(value)))
  if (Array.isArray(value)) return `[${value.map((item) => reference(item) ?? "null").join(",")}]`
  if (value instanceof Map) return reference(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])))
  if (value instanceof Set) return `[${[...value].map((item) => reference(item) ?? "null").sort().join(",")}]`
  const record = value as Record<string, unknown>
  const parts: Array<string> = []
  for (const key of Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const encoded = reference(record[key])
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`)
  }
  return `{${parts.join(",")}}`
}

class Shape {
  constructor(readonly z: unknown, readonly a: unknown, readonly m?: unknown) {}
}

const texts = [
  "", "a", "\"q\"", "\\", "\u0000\u001f", "ñé", "\ud800", "😀", "__proto__", "b", "1", "10", "A", "k y"
]

/** A seeded random value of every kind the encoder distinguishes. */
const randomValue = (prng: Prng, depth: number): unknown => {
  const pick = <A>(items: ReadonlyArray<A>): A => items[prng.int(0, items.length - 1)]!
  const r = prng.next()
  if (depth > 3 || r < 0.3) {
    return pick<unknown>([null, undefined, true, false, 0, -0, 1.5, 1e21, NaN, -Infinity, -3, 2n ** 70n, -5n, () => 1,
      Symbol("s"), pick(texts), BigDecimal.unsafeFromString(pick(["1.50", "0", "-0.001", "1e20", "123.4500"])),
      new Date(0)])
  }
  const some = () => Array.from({ length: prng.int(0, 3) }, () => randomValue(prng, depth + 1))
  if (r < 0.45) return some()
  if (r < 0.5) return new Map(some().map((v, i) => [i % 2 === 0 ? i : pick(texts), v]))
  if (r < 0.55) return new Set(some())
  if (r < 0.65) {
    return prng.next() < 0.5
      ? new Shape(randomValue(prng, depth + 1), pick(texts))
      : new Shape(1, pick(texts), randomValue(prng, depth + 1))
  }
  const record: Record<string, unknown> = prng.next() < 0.2 ? Object.create(null) : {}
  for (const v of some()) {
    Object.defineProperty(record, pick(texts), { value: v, enumerable: true, writable: true, configurable: true })
  }
  return record
}

describe("trustedInstance", () => {
  it("builds what the constructor builds (validation off) for the classes the engine uses", () => {
    const amount = BigDecimal.make(12345n, 2)
    type AnyClass = Schema.Schema.Any & (new (fields: any, options?: any) => object)
    const cases: ReadonlyArray<readonly [AnyClass, object]> = [
      [Money, { amount, currency: "MXN" }],
      [ReconciliationException, {
        transactionUuid: "t-1",
        code: "AMBIGUOUS",
        subtype: undefined,
        severity: "medium",
        message: "m",
        amountAtRisk: new Money({ amount, currency: "MXN" }),
        suggestedAction: "s"
      }],
      [Evidence, { feature: "amount", class: "A2_EXACT", points: 6, detail: { gap: "0.00" } }],
      [RunnerUp, { document: "D-2", points: 7, lostBecause: ["x"] }]
    ]
    for (const [klass, fields] of cases) {
      const built = new klass(fields as never, true)
      const fast = trustedInstance(klass, fields as never)
      assert.strictEqual(Object.getPrototypeOf(fast), Object.getPrototypeOf(built))
      assert.deepStrictEqual(Object.keys(fast), Object.keys(built))
      assert.isTrue(Equal.equals(fast, built))
      assert.isTrue(Schema.is(klass)(fast))
      assert.strictEqual(canonicalJson(fast), canonicalJson(built))
      const encode = Schema.encodeSync(klass as unknown as Schema.Schema<object, object>)
      assert.deepStrictEqual(encode(fast), encode(built))
    }
  })
})

describe("canonicalJson", () => {
  it("equals the straightforward encoder on seeded random values of every kind", () => {
    const prng = new Prng(5)
    for (let i = 0; i < 20_000; i++) {
      const value = randomValue(prng, 0)
      assert.strictEqual(canonicalJson(value), reference(value) ?? "null")
    }
  })

  it("equals the straightforward encoder on a generated world's transactions and documents", () => {
    const world = generateScenario({ seed: 3, transactions: 300 })
    for (const record of [...world.transactions, ...world.documents]) {
      assert.strictEqual(canonicalJson(record), reference(record))
    }
  })
})
