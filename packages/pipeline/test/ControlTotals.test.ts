import { assert, describe, it } from "@effect/vitest"
import { controlTotals } from "../src/ControlTotals.js"
import { transaction } from "./Fixtures.js"

const txs = [transaction("a", "100.10"), transaction("b", "50.05"), transaction("c", "-20.00", "PAYMENT")]

describe("controlTotals", () => {
  it("balances when every transaction is in exactly one group", () => {
    const totals = controlTotals(txs, new Set(["a"]), new Set(["b"]), new Set(["c"]))
    assert.isTrue(totals.balanced)
    assert.deepStrictEqual(totals.byCurrency.MXN, {
      transactions: "130.15",
      linked: "100.10",
      exceptions: "50.05",
      notSubject: "-20.00"
    })
  })

  it("is not balanced when a transaction is lost or counted twice", () => {
    const lost = controlTotals(txs, new Set(["a"]), new Set([]), new Set(["c"]))
    assert.isFalse(lost.balanced)
    assert.deepStrictEqual(lost.unbalancedTransactions, ["b"])
    const twice = controlTotals(txs, new Set(["a", "b"]), new Set(["b"]), new Set(["c"]))
    assert.isFalse(twice.balanced)
    assert.deepStrictEqual(twice.unbalancedTransactions, ["b"])
  })
})
