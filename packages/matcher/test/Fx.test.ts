/** matching.md §7.7: original amount first, then the CFDI's TipoCambio, then the FX table given as input. */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { makeFxLookup } from "../src/Fx.js"
import { match, type MatchInput } from "../src/Matcher.js"
import { cfdi, tx } from "./Builders.js"

const aws = { rfc: "AWS010101AB1", name: "AWS EMEA SARL" }
const table = [
  { currency: "USD", date: "2025-01-02", mxnPerUnit: BigDecimal.unsafeFromString("20.00") },
  { currency: "USD", date: "2025-01-06", mxnPerUnit: BigDecimal.unsafeFromString("17.00") }
]
const run = (input: Omit<MatchInput, "asOf">) => match({ asOf: "2025-03-31", ...input })
const amountOf = (result: ReturnType<typeof match>) =>
  [...result.links, ...result.suggestions][0]?.explanation.evidence.find((e) => e.feature === "amount")

describe("FX (matching.md §7.7)", () => {
  it("compares in the original currency first (A1), whatever the rates say", () => {
    const result = run({
      transactions: [
        tx({ uuid: "t1", amount: "2000.00", original: ["100.00", "USD"], date: "2025-01-03", descriptor: "AWS EMEA" })
      ],
      documents: [cfdi({ id: "C1", total: "100.00", currency: "USD", exchangeRate: "15", date: "2025-01-03", ...aws })],
      fxRates: table
    })
    assert.strictEqual(amountOf(result)?.class, "A1_ORIGINAL_EXACT")
    assert.strictEqual(result.links.length, 1)
  })

  it("then converts with the CFDI's TipoCambio, ignoring the table", () => {
    const result = run({
      transactions: [tx({ uuid: "t1", amount: "1720.00", date: "2025-01-03", descriptor: "AWS EMEA" })],
      documents: [cfdi({ id: "C1", total: "100.00", currency: "USD", exchangeRate: "17.2", date: "2025-01-03", ...aws })],
      fxRates: table
    })
    const amount = amountOf(result)!
    assert.strictEqual(amount.class, "A4_CONVERTED")
    assert.strictEqual(amount.points, 6)
    assert.strictEqual(amount.detail.exchangeRate, "17.2")
  })

  it("then uses the table's latest rate on or before the CFDI date; without one, NO_FX_RATE", () => {
    const input = {
      transactions: [tx({ uuid: "t1", amount: "2010.00", date: "2025-01-04", descriptor: "AWS EMEA" })],
      documents: [cfdi({ id: "C1", total: "100.00", currency: "USD", date: "2025-01-05", ...aws })]
    }
    const withTable = run({ ...input, fxRates: table })
    assert.strictEqual(amountOf(withTable)?.class, "A4_CONVERTED")
    assert.strictEqual(amountOf(withTable)?.detail.exchangeRate, "20")
    const gap = withTable.exceptions.find((e) => e.code === "AMOUNT_MISMATCH")!
    assert.strictEqual(gap.subtype, "FX_DIFFERENCE")
    assert.include(gap.message, "(FX_TABLE 2025-01-02)")
    const without = run(input)
    assert.strictEqual(without.suggestions.length, 0)
    assert.deepStrictEqual(without.exceptions.map((e) => e.code).sort(), ["MISSING_INVOICE", "NO_FX_RATE"])
  })

  it("looks rates up by currency and day, at most fxTableMaxAgeDays old", () => {
    const lookup = makeFxLookup(table, 7)
    const day = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000)
    assert.strictEqual(lookup("usd", day("2025-01-05"))?.date, "2025-01-02")
    assert.strictEqual(lookup("USD", day("2025-01-06"))?.date, "2025-01-06")
    assert.isUndefined(lookup("USD", day("2025-01-01")))
    assert.isUndefined(lookup("USD", day("2025-01-20")))
    assert.isUndefined(lookup("EUR", day("2025-01-06")))
  })
})
