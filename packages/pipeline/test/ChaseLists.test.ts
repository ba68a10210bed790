/**
 * The chase lists a cardholder opens in a spreadsheet: a merchant descriptor or a name that starts like a formula is
 * written with a leading apostrophe (never run), a refund's negative amount stays a number.
 */
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { type ChaseRow, renderChaseLists } from "../src/report/ChaseLists.js"
import { spreadsheetSafe } from "../src/report/SpreadsheetSafe.js"

const row = (merchant: string, amount: string): ChaseRow => ({
  date: "2026-01-10",
  merchant,
  amount,
  currency: "MXN",
  cardLastFour: "1234",
  transactionUuid: "t1",
  ageDays: "12",
  suggestedAction: "Request the CFDI from the merchant or the cardholder."
})

describe("chase lists", () => {
  it("never write a cell a spreadsheet would run as a formula", () => {
    const [list] = renderChaseLists(new Map([[
      "Ana",
      [row(`=HYPERLINK("http://x.example","pay")`, "250.00"), row("@SUM(A1)", "-250.00"), row("+52 55 1234", "10.00")]
    ]]))
    const cells = (parse(list!.csv, { columns: true }) as Array<Record<string, string>>).map((r) => [r["merchant"], r["amount"]])
    assert.deepStrictEqual(cells, [
      [`'=HYPERLINK("http://x.example","pay")`, "250.00"],
      ["'@SUM(A1)", "-250.00"],
      ["'+52 55 1234", "10.00"]
    ])
  })

  it("leaves ordinary text and numbers alone", () => {
    assert.deepStrictEqual(
      ["OXXO", "-12.50", "-5", "-INVALID", "\tX"].map(spreadsheetSafe),
      ["OXXO", "-12.50", "-5", "'-INVALID", "'\tX"]
    )
  })
})
