/**
 * Chase lists: one CSV per cardholder of the transactions still missing their CFDI (MISSING_INVOICE exceptions), for
 * the person who must ask for the invoices: `chase-lists/<cardholder slug>.csv`. Only the card's last four digits
 * appear; a full card number or CVV is never part of a transaction (see `CardTransaction.cardLastFour`).
 */
import { stringify } from "csv-stringify/sync"
import { spreadsheetSafeCast } from "./SpreadsheetSafe.js"
import { type CardTransaction, formatFixed, type ReconciliationException } from "@clara-recon/domain"
import { sortExceptions } from "./ExceptionRows.js"

/** One row of a chase list. Amount in currency units with 2 places; date the operation date (civil date, Mexico City). */
export interface ChaseRow {
  readonly date: string
  readonly merchant: string
  readonly amount: string
  readonly currency: string
  readonly cardLastFour: string
  readonly transactionUuid: string
  readonly ageDays: string
  readonly suggestedAction: string
}

/** Column order of a chase-list CSV. */
export const chaseColumns: ReadonlyArray<keyof ChaseRow> = [
  "date",
  "merchant",
  "amount",
  "currency",
  "cardLastFour",
  "transactionUuid",
  "ageDays",
  "suggestedAction"
]

/** The cardholder name used for transactions without one. */
export const unknownCardholder = "(unknown cardholder)"

/**
 * A file-name slug of a cardholder name: accents removed, lower case, runs of other characters as `-`, at most 60
 * characters; `unknown-cardholder` when nothing is left.
 */
export const cardholderSlug = (name: string): string =>
  name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 60) || "unknown-cardholder"

/**
 * Groups the missing invoices by cardholder (name -> rows, largest amount first). Transactions are looked up by uuid
 * for the merchant, date and card; an exception without a transaction is left out.
 */
export const chaseLists = (
  exceptions: ReadonlyArray<ReconciliationException>,
  transactions: ReadonlyMap<string, CardTransaction>
): ReadonlyMap<string, ReadonlyArray<ChaseRow>> => {
  const groups = new Map<string, Array<ChaseRow>>()
  for (const e of sortExceptions(exceptions.filter((x) => x.code === "MISSING_INVOICE"))) {
    const tx = e.transactionUuid === undefined ? undefined : transactions.get(e.transactionUuid)
    if (tx === undefined) continue
    const who = e.cardholder ?? tx.userName ?? unknownCardholder
    const row: ChaseRow = {
      date: tx.operationDate,
      merchant: tx.merchantName ?? tx.descriptor,
      amount: formatFixed((e.amountAtRisk ?? tx.amount).amount),
      currency: (e.amountAtRisk ?? tx.amount).currency,
      cardLastFour: tx.cardLastFour ?? "",
      transactionUuid: tx.uuid,
      ageDays: e.ageDays === undefined ? "" : String(e.ageDays),
      suggestedAction: e.suggestedAction
    }
    const group = groups.get(who)
    if (group === undefined) groups.set(who, [row])
    else group.push(row)
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)))
}

/**
 * The chase-list files: `<slug>.csv` per cardholder (UTF-8, header row, RFC 4180 quoting by csv-stringify, no cell
 * a spreadsheet would run: `spreadsheetSafe`). Two cardholders with the same slug get `-2`, `-3`... in name order.
 */
export const renderChaseLists = (
  lists: ReadonlyMap<string, ReadonlyArray<ChaseRow>>
): ReadonlyArray<{ readonly name: string; readonly cardholder: string; readonly csv: string }> => {
  const used = new Map<string, number>()
  return [...lists.entries()].map(([cardholder, rows]) => {
    const slug = cardholderSlug(cardholder)
    const n = (used.get(slug) ?? 0) + 1
    used.set(slug, n)
    return {
      name: `${n === 1 ? slug : `${slug}-${n}`}.csv`,
      cardholder,
      csv: stringify(rows.map((r) => ({ ...r })), {
        header: true,
        columns: [...chaseColumns],
        cast: spreadsheetSafeCast
      })
    }
  })
}
