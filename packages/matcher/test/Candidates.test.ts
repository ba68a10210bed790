/** matching.md §7.3 step 2: candidate generation by index loses no edge that scoring every pair would keep. */
import { assert, describe, it } from "@effect/vitest"
import { matchStages } from "../src/Matcher.js"
import { compareEdges, scoreEdge, type ScoringContext } from "../src/Scoring.js"
import { makeTokenWeigher } from "../src/Similarity.js"
import { generateScenario } from "../src/Synthetic.js"

describe("candidate generation", () => {
  it("keeps the same top-K edges as brute force over all pairs (tips, receipts, USD, decoys)", () => {
    const world = generateScenario({ seed: 5, transactions: 400 })
    const stages = matchStages({ transactions: world.transactions, documents: world.documents, asOf: world.asOf })
    const { config } = stages
    const weigh = makeTokenWeigher(config)
    const ctx: ScoringContext = { config, weigh, aliases: new Map(), similarity: stages.similarity }
    const key = (edge: { readonly cluster: number; readonly points: number }) => `${edge.cluster}:${edge.points}`
    let edges = 0
    for (const tx of stages.transactions.filter((t) => t.subject)) {
      const brute = stages.clusters.flatMap((cluster) => scoreEdge(ctx, tx, cluster) ?? [])
      const expected = brute.sort(compareEdges).slice(0, config.topK).map(key)
      assert.deepStrictEqual(stages.graph.byTx[tx.index]!.map(key), expected, tx.uuid)
      edges += expected.length
    }
    assert.isAtLeast(edges, 300)
  })
})
