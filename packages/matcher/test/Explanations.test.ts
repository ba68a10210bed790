/**
 * Golden snapshots of explanations (matching.md §7.11, §7.12): the canonical JSON of every explanation of the
 * hand-made stories, and the one-line texts of a generated scenario. A change to scoring, gates, groups or wording
 * shows up as a diff of `__snapshots__/*.golden.json` (update deliberately with `vitest -u`).
 */
import { describe, expect, it } from "@effect/vitest"
import { canonicalJson } from "@clara-recon/domain"
import { match } from "../src/Matcher.js"
import { generateScenario } from "../src/Synthetic.js"
import { kitchenSink } from "./Fixtures.js"

const pretty = (value: unknown): string => `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 1)}\n`

describe("explanations (golden)", () => {
  it("hand-made stories: full canonical explanations", async () => {
    const result = match(kitchenSink)
    const explanations = [...result.links, ...result.suggestions].map((l) => l.explanation)
    await expect(pretty(explanations)).toMatchFileSnapshot("./__snapshots__/explanations.golden.json")
  })

  it("a generated scenario: one line per decision", async () => {
    const world = generateScenario({ seed: 3, transactions: 250 })
    const result = match({
      transactions: world.transactions,
      documents: world.documents,
      asOf: world.asOf,
      companyRfc: world.companyRfc,
      fxRates: world.fxRates
    })
    const lines = [...result.links, ...result.suggestions].map((l) => ({
      transaction: l.transactionUuid,
      document: l.documentId,
      text: l.explanation.text
    }))
    await expect(pretty({ engine: result.engine, lines })).toMatchFileSnapshot("./__snapshots__/texts.golden.json")
  })
})
