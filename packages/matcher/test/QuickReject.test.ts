/**
 * The quick tests in front of scoring (matching.md §7.3 step 3) never change a result: a pair `quickReject` turns
 * away is one `scoreEdge` scores as no edge, and two names `mayShareToken` says share nothing have no soft-equal
 * token (similarity 0). Checked over every pair of seeded worlds, with aliases, tips, receipts, USD and decoys.
 */
import { assert, describe, it } from "@effect/vitest"
import type { MatchInput } from "../src/Matcher.js"
import { matchStages } from "../src/Matcher.js"
import { buildClusterTable, chargeFields, quickReject } from "../src/QuickReject.js"
import { scoreEdge, type ScoringContext } from "../src/Scoring.js"
import { makeTokenWeigher, mayShareToken, type NameProfile, nameSimilarity, softTokenEqual } from "../src/Similarity.js"
import { generateScenario } from "../src/Synthetic.js"
import { kitchenSink } from "./Fixtures.js"

/** Every pair: quick rejections agree with scoring; returns [pairs rejected, pairs that are edges]. */
const checkAllPairs = (input: MatchInput): readonly [number, number] => {
  const stages = matchStages(input)
  const { clusters, config, transactions } = stages
  const aliases = new Map<string, string>()
  for (const [key, rfc] of input.aliases ?? []) aliases.set(key, rfc)
  const ctx: ScoringContext = { config, weigh: makeTokenWeigher(config), aliases, similarity: stages.similarity }
  const table = buildClusterTable(clusters)
  let rejected = 0
  let edges = 0
  for (const tx of transactions.filter((t) => t.subject)) {
    const fields = chargeFields(ctx, table, tx)
    for (const cluster of clusters) {
      const edge = scoreEdge(ctx, tx, cluster)
      if (edge !== undefined) edges++
      if (!quickReject(ctx, table, tx, fields, cluster.index)) continue
      rejected++
      assert.isUndefined(edge, `${tx.uuid} x ${cluster.id}: rejected, yet scored ${edge?.points} points`)
    }
  }
  return [rejected, edges]
}

describe("quickReject", () => {
  it("rejects only pairs that scoring finds no edge (every pair of a seeded world)", { timeout: 60_000 }, () => {
    for (const seed of [3, 11]) {
      const world = generateScenario({ seed, transactions: 200 })
      const [rejected, edges] = checkAllPairs({
        transactions: world.transactions,
        documents: world.documents,
        asOf: world.asOf,
        companyRfc: world.companyRfc,
        fxRates: world.fxRates
      })
      assert.isAtLeast(edges, 120)
      assert.isAtLeast(rejected, 10_000)
    }
  })

  it("agrees with scoring under confirmed aliases (conflicting and matching RFCs)", { timeout: 60_000 }, () => {
    const world = generateScenario({ seed: 4, transactions: 150 })
    const stages = matchStages({ transactions: world.transactions, documents: world.documents, asOf: world.asOf })
    const rfcs = stages.clusters.flatMap((c) => c.rfcs)
    const aliases = new Map(stages.transactions.slice(0, 60).map((t, i) => [t.descriptorKey, rfcs[i % rfcs.length]!]))
    const [rejected] = checkAllPairs({
      transactions: world.transactions,
      documents: world.documents,
      asOf: world.asOf,
      aliases
    })
    assert.isAtLeast(rejected, 1000)
  })

  it("agrees with scoring on the hand-made stories (tips, receipts, USD, refunds, MSI)", () => {
    const [rejected, edges] = checkAllPairs(kitchenSink)
    assert.isAbove(rejected, 0)
    assert.isAbove(edges, 0)
  })
})

/** Some token or join of one name soft-equals a token of the other (§7.2), by brute force. */
const shareBrute = (a: NameProfile, b: NameProfile): boolean => {
  const one = (x: NameProfile, y: NameProfile) =>
    [...x.tokens, ...x.joins].some((s) => y.tokens.some((t) => softTokenEqual(s, t)))
  return one(a, b) || one(b, a)
}

describe("mayShareToken", () => {
  it("is false only for names that share no soft-equal token, whose similarity is 0", { timeout: 60_000 }, () => {
    const world = generateScenario({ seed: 9, transactions: 300 })
    const stages = matchStages({ transactions: world.transactions, documents: world.documents, asOf: world.asOf })
    const weigh = makeTokenWeigher(stages.config)
    const left = [...new Map(stages.transactions.flatMap((t) => t.names).map((n) => [n.id, n])).values()]
    const right = [...new Map(stages.clusters.flatMap((c) => c.issuerNames).map((n) => [n.id, n])).values()]
    let disjoint = 0
    let shared = 0
    for (const a of left) {
      for (const b of right) {
        if (mayShareToken(a, b)) {
          if (shareBrute(a, b)) shared++
          continue
        }
        disjoint++
        assert.isFalse(shareBrute(a, b), `${a.key} / ${b.key}`)
        assert.strictEqual(nameSimilarity(a.tokens, b.tokens, weigh), 0, `${a.key} / ${b.key}`)
      }
    }
    assert.isAtLeast(disjoint, 1000)
    assert.isAtLeast(shared, 50)
  })
})
