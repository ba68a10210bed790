/** A generated 10k run scored against its ground truth (matching.md §7.15); correctness only, no timing. */
import { assert, describe, it } from "@effect/vitest"
import { evaluate, evaluationTargets } from "../src/Evaluate.js"
import { match } from "../src/Matcher.js"
import { generateScenario } from "../src/Synthetic.js"

describe("scale", () => {
  it("meets the §7.15 targets on 10,000 generated transactions", { timeout: 180_000 }, () => {
    const world = generateScenario({ seed: 2025, transactions: 10_000 })
    assert.strictEqual(world.transactions.length, 10_000)
    const result = match({
      transactions: world.transactions,
      documents: world.documents,
      asOf: world.asOf,
      companyRfc: world.companyRfc,
      fxRates: world.fxRates
    })
    assert.strictEqual(result.dispositions.size, 10_000)
    const metrics = evaluate(world, result)
    assert.isAtLeast(metrics.autoPrecision.value!, evaluationTargets.autoPrecision)
    assert.isAtLeast(metrics.autoCoverage.value!, evaluationTargets.autoCoverage)
    assert.isAtLeast(metrics.top1Accuracy.value!, evaluationTargets.top1Accuracy)
    assert.strictEqual(metrics.missingInvoiceRecall.value, 1)
    const linkedTx = new Set(result.links.flatMap((l) => l.explanation.members.transactions))
    for (const [uuid, disposition] of result.dispositions) {
      assert.strictEqual(disposition === "LINKED", linkedTx.has(uuid), uuid)
    }
    assert.isTrue(result.controlTotals.every((c) => c.balanced))
  })
})
