/**
 * The domain's `matchLinkJson` (the stored text of a link, written without the schema encoder) against the schema
 * encoder itself, on every link and suggestion the engine makes for the hand-made stories and a generated world:
 * groups, runner-ups, receipts, gates and every evidence detail shape.
 */
import { assert, describe, it } from "@effect/vitest"
import { MatchLink, matchLinkJson } from "@clara-recon/domain"
import { Schema } from "effect"
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
        assert.strictEqual(matchLinkJson(link), schemaJson(link), link.linkId)
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
})
