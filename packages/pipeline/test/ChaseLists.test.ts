/**
 * The chase lists a cardholder opens in a spreadsheet: a merchant descriptor or a name that starts like a formula is
 * written with a leading apostrophe (never run), a refund's negative amount stays a number; one list per Clara user,
 * even when two users share a name.
 */
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { CardTransaction, ReconciliationException } from "@clara-recon/domain"
import { chaseLists, type ChaseRow, renderChaseLists } from "../src/report/ChaseLists.js"
import { spreadsheetSafe } from "../src/report/SpreadsheetSafe.js"
import { transaction } from "./Fixtures.js"

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
    const [list] = renderChaseLists([{
      key: "user:u1",
      cardholder: "Ana",
      rows: [
        row(`=HYPERLINK("http://x.example","pay")`, "250.00"),
        row("@SUM(A1)", "-250.00"),
        row("+52 55 1234", "10.00")
      ]
    }])
    const cells = (parse(list!.csv, { columns: true }) as Array<Record<string, string>>).map((r) => [r["merchant"], r["amount"]])
    assert.deepStrictEqual(cells, [
      [`'=HYPERLINK("http://x.example","pay")`, "250.00"],
      ["'@SUM(A1)", "-250.00"],
      ["'+52 55 1234", "10.00"]
    ])
  })

  it("give two cardholders with the same name a list each, by Clara user", () => {
    const juan = (uuid: string, userUuid: string, card: string, amount: string) =>
      new CardTransaction({
        ...transaction(uuid, amount),
        userUuid,
        userName: "Juan Pérez",
        cardLastFour: card
      })
    const txs = [
      juan("t1", "u1", "1111", "100.00"),
      juan("t2", "u2", "2222", "300.00"),
      juan("t3", "u1", "1111", "50.00")
    ]
    const missing = txs.map((t) =>
      new ReconciliationException({
        code: "MISSING_INVOICE",
        severity: "high",
        message: "no CFDI",
        transactionUuid: t.uuid,
        amountAtRisk: t.amount,
        suggestedAction: "Request the CFDI."
      })
    )
    const lists = chaseLists(missing, new Map(txs.map((t) => [t.uuid, t])))
    const shown = lists.map((l) => [l.key, l.cardholder, l.rows.map((r) => `${r.transactionUuid} ${r.cardLastFour}`)])
    assert.deepStrictEqual(shown, [
      ["user:u1", "Juan Pérez", ["t1 1111", "t3 1111"]],
      ["user:u2", "Juan Pérez", ["t2 2222"]]
    ])
    assert.deepStrictEqual(renderChaseLists(lists).map((f) => f.name), ["juan-perez.csv", "juan-perez-2.csv"])
  })

  it("leaves ordinary text and numbers alone", () => {
    assert.deepStrictEqual(
      ["OXXO", "-12.50", "-5", "-INVALID", "\tX"].map(spreadsheetSafe),
      ["OXXO", "-12.50", "-5", "'-INVALID", "'\tX"]
    )
  })
})
