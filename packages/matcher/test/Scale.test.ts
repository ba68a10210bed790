/** A generated 10k x 10k run: correctness only (no timing assertion). */
import { assert, describe, it } from "@effect/vitest"
import { match } from "../src/Matcher.js"
import { generateScenario } from "../src/Synthetic.js"

describe("scale", () => {
  it("matches 10,000 transactions against ~10,000 documents", { timeout: 120_000 }, () => {
    const world = generateScenario({ seed: 2025, transactions: 10_000 })
    assert.isAtLeast(world.documents.length, 9_000)
    const result = match({
      transactions: world.transactions,
      documents: world.documents,
      asOf: world.asOf,
      companyRfc: world.companyRfc
    })
    assert.strictEqual(result.dispositions.size, 10_000)
    const linkedTx = new Set(result.links.map((l) => l.transactionUuid))
    const linkedDocs = new Set(result.links.map((l) => l.documentId))
    assert.strictEqual(linkedTx.size, result.links.length)
    assert.strictEqual(linkedDocs.size, result.links.length)
    const correct = result.links.filter((l) => world.truth.get(l.transactionUuid) === l.documentId).length
    assert.isAtLeast(result.links.length, 0.6 * world.truth.size)
    assert.isAtLeast(correct / result.links.length, 0.995)
    for (const [uuid, disposition] of result.dispositions) {
      assert.strictEqual(disposition === "LINKED", linkedTx.has(uuid), uuid)
    }
  })
})
