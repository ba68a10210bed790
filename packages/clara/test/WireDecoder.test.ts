/**
 * `wireDecoder`: on seeded transaction records (drawn from the encoded side of `TransactionResponseV3`) and seeded
 * damage to them, the same `Either` as `Schema.decodeUnknownEither(schema, { errors: "first" })`: equal values
 * (key order included) for valid records, and the same first issue for bad ones.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck, ParseResult, Schema } from "effect"
import { TransactionResponseV3, wireDecoder } from "../src/index.js"

const issue = (error: ParseResult.ParseError) => JSON.stringify(ParseResult.ArrayFormatter.formatErrorSync(error))

describe("wireDecoder", () => {
  it("decodes and fails exactly as the schema library", () => {
    const decode = wireDecoder(TransactionResponseV3)
    const reference = Schema.decodeUnknownEither(TransactionResponseV3, { errors: "first" })
    const arbitrary = Arbitrary.make(Schema.encodedSchema(TransactionResponseV3))
    const records = FastCheck.sample(arbitrary, { numRuns: 80, seed: 7 })
    const damaged = records.map((r, i) => ({ ...(r as object), uuid: i % 2 === 0 ? 42 : null }))
    let valid = 0
    for (const input of [...records, ...damaged, "not a record", null]) {
      const ours = decode(input)
      const theirs = reference(input)
      assert.strictEqual(ours._tag, theirs._tag)
      if (Either.isRight(ours) && Either.isRight(theirs)) {
        valid++
        assert.strictEqual(JSON.stringify(ours.right), JSON.stringify(theirs.right))
        assert.deepStrictEqual(ours.right, theirs.right)
      }
      if (Either.isLeft(ours) && Either.isLeft(theirs)) assert.strictEqual(issue(ours.left), issue(theirs.left))
    }
    assert.strictEqual(valid, records.length)
  })
})
