import { assert, describe, it } from "@effect/vitest"
import { match } from "@clara-recon/matcher"
import { CardTransaction } from "@clara-recon/domain"
import { controlTotals, runControlTotals } from "../src/ControlTotals.js"
import { invoiceCfdi, transaction } from "./Fixtures.js"

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

describe("runControlTotals", () => {
  it("counts a rejected charge a person linked once, as linked, like the matcher's dispositions", () => {
    const charge = transaction("a", "1160.00")
    const cfdi = invoiceCfdi("A1", { taxId: "PHI010101AB1", name: "EL PALACIO DE HIERRO" }, {
      subTotal: "1000.00",
      iva: "160.00",
      total: "1160.00"
    }, charge.operationDate)
    // the link a person confirmed earlier, then Clara rejected the charge
    const rejected = new CardTransaction({ ...charge, status: "REJECTED" })
    const result = match({
      transactions: [rejected, txs[2]!],
      documents: [cfdi],
      asOf: "2026-03-31",
      pinned: [
        { transactionUuid: "a", documentId: "A1", status: "CONFIRMED", who: "ana", when: "2026-02-01T10:00:00Z" }
      ]
    })
    assert.deepStrictEqual(result.links.map((l) => l.transactionUuid), ["a"])
    const exceptionUuids = [...result.dispositions].filter(([, d]) => d === "EXCEPTION").map(([uuid]) => uuid)
    const totals = runControlTotals([rejected, txs[2]!], result.links, exceptionUuids)
    assert.isTrue(totals.balanced, totals.unbalancedTransactions.join())
    assert.deepStrictEqual(totals.byCurrency.MXN, {
      transactions: "1140.00",
      linked: "1160.00",
      exceptions: "0.00",
      notSubject: "-20.00"
    })
  })
})
