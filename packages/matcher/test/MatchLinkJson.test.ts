/**
 * The domain's `matchLinkJson` (the stored text of a link, written without the schema encoder) against the schema
 * encoder itself, on every link and suggestion the engine makes for the hand-made stories and a generated world:
 * groups, runner-ups, receipts, gates and every evidence detail shape; and its reverse, `matchLinkFromJson`, against
 * the schema decoder on the same links and on texts the encoder never writes.
 */
import { assert, describe, it } from "@effect/vitest"
import { MatchLink, matchLinkFromJson, matchLinkJson } from "@clara-recon/domain"
import { Either, Schema } from "effect"
import { match } from "../src/Matcher.js"
import { generateScenario } from "../src/Synthetic.js"
import { kitchenSink } from "./Fixtures.js"

const schemaJson = (link: MatchLink) => JSON.stringify(Schema.encodeSync(MatchLink)(link))

describe("matchLinkJson", () => {
  it("writes exactly what the MatchLink schema encodes, for every engine output", () => {
    const world = generateScenario({ seed: 5, transactions: 400 })
    const results = [
      match(kitchenSink),
      match({
        transactions: world.transactions,
        documents: world.documents,
        asOf: world.asOf,
        companyRfc: world.companyRfc,
        fxRates: world.fxRates
      })
    ]
    let compared = 0
    let withRunnerUp = 0
    for (const result of results) {
      for (const link of [...result.links, ...result.suggestions]) {
        const json = matchLinkJson(link)
        assert.strictEqual(json, schemaJson(link), link.linkId)
        const decoded = Schema.decodeUnknownSync(MatchLink)(JSON.parse(json))
        assert.deepStrictEqual(matchLinkFromJson(json), decoded, link.linkId)
        compared++
        if (link.explanation.runnerUp !== undefined) withRunnerUp++
      }
    }
    assert.isAbove(compared, 300)
    assert.isAbove(withRunnerUp, 10)
  })

  it("round-trips through the schema decoder to an equal link", () => {
    const link = match(kitchenSink).links[0]!
    const decoded = Schema.decodeUnknownSync(MatchLink)(JSON.parse(matchLinkJson(link)))
    assert.strictEqual(matchLinkJson(decoded), matchLinkJson(link))
  })

  it("leaves a text the encoder never writes to the schema decoder: same value, or the same error", () => {
    // what `f` throws as `<name>: <message>` (a Left), or what it returns (a Right)
    const outcome = (f: () => unknown) =>
      Either.try({ try: f, catch: (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)) })
    const schemaDecode = (json: string) => Schema.decodeUnknownSync(MatchLink)(JSON.parse(json))
    const plain = JSON.parse(matchLinkJson(match(kitchenSink).links[0]!)) as Record<string, any>
    const extra = JSON.stringify({ ...plain, note: "dropped", explanation: { ...plain["explanation"], extra: 1 } })
    assert.deepStrictEqual(matchLinkFromJson(extra), schemaDecode(extra))
    const evidence = plain["explanation"]["evidence"][0]
    for (const broken of [
      { ...plain, decision: "MAYBE" },
      { ...plain, points: "12" },
      { ...plain, explanation: { ...plain["explanation"], threshold: { auto: 15 } } },
      { ...plain, explanation: { ...plain["explanation"], evidence: [{ ...evidence, detail: { gap: null } }] } },
      { ...plain, explanation: { ...plain["explanation"], runnerUp: { points: 1 } } }
    ]) {
      const json = JSON.stringify(broken)
      const fast = outcome(() => matchLinkFromJson(json))
      assert.deepStrictEqual(fast, outcome(() => schemaDecode(json)))
      assert.match(Either.isLeft(fast) ? fast.left : "no error", /^ParseError/)
    }
  })
})
