import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { formatFixed, fromWireNumber, roundHalfUp, sumAmounts, toMinorUnits } from "../src/Money.js"
import { addDays, civilDateOf, daysBetween, endOfMonth, toEpochDay } from "../src/CivilDate.js"

const d = (s: string) => BigDecimal.unsafeFromString(s)

describe("Money", () => {
  it("rounds half-up away from zero to 2 places", () => {
    assert.strictEqual(formatFixed(roundHalfUp(d("10.005"))), "10.01")
    assert.strictEqual(formatFixed(roundHalfUp(d("-10.005"))), "-10.01")
    assert.strictEqual(formatFixed(d("0.5")), "0.50")
    assert.strictEqual(formatFixed(d("1250")), "1250.00")
    assert.strictEqual(formatFixed(d("0.004")), "0.00")
  })
  it("sums exactly where floats drift", () => {
    assert.strictEqual(formatFixed(sumAmounts([d("0.1"), d("0.2")])), "0.30")
    assert.isTrue(BigDecimal.equals(sumAmounts([d("0.1"), d("0.2")]), d("0.3")))
  })
  it("reads wire numbers through their shortest text", () => {
    assert.strictEqual(formatFixed(fromWireNumber(3200.1)!), "3200.10")
    assert.strictEqual(formatFixed(fromWireNumber("12.50")!), "12.50")
    assert.isUndefined(fromWireNumber(Number.NaN))
    assert.isUndefined(fromWireNumber("abc"))
    assert.strictEqual(toMinorUnits(d("12.345")), 1235n)
  })
})

describe("CivilDate", () => {
  it("counts civil days without time zones", () => {
    assert.strictEqual(daysBetween("2026-01-31", "2026-02-01"), 1)
    assert.strictEqual(addDays("2026-02-27", 2), "2026-03-01")
    assert.strictEqual(endOfMonth("2024-02-10"), "2024-02-29")
    assert.strictEqual(civilDateOf("2026-01-15T23:59:59"), "2026-01-15")
    assert.isUndefined(toEpochDay("2026-02-30"))
  })
})
