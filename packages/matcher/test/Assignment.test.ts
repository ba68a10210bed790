import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { solveAssignment } from "../src/internal/Hungarian.js"
import { match } from "../src/Matcher.js"
import { cfdi, tx } from "./Builders.js"

const bruteForce = (cost: ReadonlyArray<number>, rows: number, cols: number): number => {
  let best = Infinity
  const used = new Array<boolean>(cols).fill(false)
  const go = (r: number, total: number) => {
    if (r === rows) {
      best = Math.min(best, total)
      return
    }
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue
      used[c] = true
      go(r + 1, total + cost[r * cols + c]!)
      used[c] = false
    }
  }
  go(0, 0)
  return best
}

describe("solveAssignment (Hungarian)", () => {
  it("finds the minimum-cost assignment of every rectangular matrix (seeded property)", () => {
    const matrix = FastCheck.integer({ min: 1, max: 4 }).chain((rows) =>
      FastCheck.integer({ min: rows, max: 6 }).chain((cols) =>
        FastCheck.array(FastCheck.integer({ min: -50, max: 50 }), { minLength: rows * cols, maxLength: rows * cols })
          .map((cells) => ({ rows, cols, cells }))
      )
    )
    FastCheck.assert(
      FastCheck.property(matrix, ({ cells, cols, rows }) => {
        const colOfRow = solveAssignment(Float64Array.from(cells), rows, cols)
        const seen = new Set(colOfRow)
        const total = Array.from(colOfRow).reduce((acc, c, r) => acc + cells[r * cols + c]!, 0)
        return seen.size === rows && !seen.has(-1) && total === bruteForce(cells, rows, cols)
      }),
      { seed: 20250116, numRuns: 300 }
    )
  })
})

describe("assign (matching.md §7.5)", () => {
  const rfc = "FIN010101AB1"
  const name = "FINKOK SA DE CV"

  it("solves a conflict globally instead of greedily", () => {
    // t1-C1 16, t2-C1 15, t1-C2 13 (C2 is outside t2's window). Greedy by points gives C1 to t1 and nothing to t2;
    // the optimum (13 + 15 > 16 + unassigned 8.5) gives C2 to t1 and C1 to t2.
    const result = match({
      asOf: "2025-03-31",
      transactions: [
        tx({ uuid: "t1", amount: "500.00", date: "2025-01-10", descriptor: "FINKOK MX" }),
        tx({ uuid: "t2", amount: "500.00", date: "2025-01-11", descriptor: "FINKOK MX" })
      ],
      documents: [
        cfdi({ id: "C1", total: "500.00", date: "2025-01-10", rfc, name }),
        cfdi({ id: "C2", total: "500.00", date: "2025-01-07", rfc, name })
      ]
    })
    const top = result.suggestions.filter((l) => l.margin > 0).map((l) => `${l.transactionUuid}->${l.documentId}`)
    top.sort()
    assert.deepStrictEqual(top, ["t1->C2", "t2->C1"])
  })

  it("reports an exact tie as margin 0 and never auto-links it", () => {
    const result = match({
      asOf: "2025-03-31",
      transactions: [tx({ uuid: "t1", amount: "500.00", date: "2025-01-10", descriptor: "FINKOK MX" })],
      documents: [
        cfdi({ id: "C1", total: "500.00", date: "2025-01-10", rfc, name }),
        cfdi({ id: "C2", total: "500.00", date: "2025-01-10", rfc, name })
      ]
    })
    assert.strictEqual(result.links.length, 0)
    assert.strictEqual(result.suggestions.length, 2)
    assert.strictEqual(result.suggestions[0]!.margin, 0)
    assert.strictEqual(result.suggestions[0]!.documentId, "C1")
    assert.include(result.suggestions[0]!.explanation.gatesFailed, "margin")
    const lostBecause = result.suggestions[0]!.explanation.runnerUp?.lostBecause ?? []
    assert.include(lostBecause, "tie on points, broken by |gap|, |days| and ids")
  })

  it("solves components larger than maxExactSide greedily and flags them dense", () => {
    const result = match({
      asOf: "2025-03-31",
      config: { maxExactSide: 1 },
      transactions: [
        tx({ uuid: "t1", amount: "500.00", date: "2025-01-10", descriptor: "FINKOK MX" }),
        tx({ uuid: "t2", amount: "500.00", date: "2025-01-11", descriptor: "FINKOK MX" })
      ],
      documents: [cfdi({ id: "C1", total: "500.00", date: "2025-01-10", rfc, name })]
    })
    const top = result.suggestions.find((l) => l.transactionUuid === "t1")!
    assert.strictEqual(top.documentId, "C1")
    assert.include(top.explanation.gatesFailed, "dense")
    assert.strictEqual(top.margin, 1)
  })
})
