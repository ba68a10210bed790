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

/** The missing invoices of one cardholder: `key` tells cardholders apart (Clara user uuid, else the name). */
export interface ChaseList {
  readonly key: string
  /** The cardholder's name as shown (Clara `userName`, the exception's cardholder, or `unknownCardholder`). */
  readonly cardholder: string
  /** Largest amount first. */
  readonly rows: ReadonlyArray<ChaseRow>
}

/**
 * Groups the missing invoices by cardholder: by Clara user uuid, so two people with the same name get a list each,
 * and by name only for a transaction without a user. Lists in name order, then key; rows largest amount first.
 * Transactions are looked up by uuid for the merchant, date and card; an exception without a transaction is left out.
 */
export const chaseLists = (
  exceptions: ReadonlyArray<ReconciliationException>,
  transactions: ReadonlyMap<string, CardTransaction>
): ReadonlyArray<ChaseList> => {
  const groups = new Map<string, { cardholder: string; rows: Array<ChaseRow> }>()
  for (const e of sortExceptions(exceptions.filter((x) => x.code === "MISSING_INVOICE"))) {
    const tx = e.transactionUuid === undefined ? undefined : transactions.get(e.transactionUuid)
    if (tx === undefined) continue
    const cardholder = e.cardholder ?? tx.userName ?? unknownCardholder
    const key = tx.userUuid === undefined ? `name:${cardholder}` : `user:${tx.userUuid}`
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
    const group = groups.get(key)
    if (group === undefined) groups.set(key, { cardholder, rows: [row] })
    else group.rows.push(row)
  }
  return [...groups.entries()]
    .map(([key, { cardholder, rows }]) => ({ key, cardholder, rows }))
    .sort((a, b) => a.cardholder.localeCompare(b.cardholder) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** One chase-list file: its name under `chase-lists/`, the list's key and cardholder, and the CSV text. */
export interface ChaseFile {
  readonly name: string
  readonly key: string
  readonly cardholder: string
  readonly csv: string
}

/**
 * The chase-list files: `<slug>.csv` per cardholder (UTF-8, header row, RFC 4180 quoting by csv-stringify, no cell
 * a spreadsheet would run: `spreadsheetSafe`). Two cardholders with the same slug get `-2`, `-3`... in list order.
 */
export const renderChaseLists = (
  lists: ReadonlyArray<ChaseList>
): ReadonlyArray<ChaseFile> => {
  const used = new Map<string, number>()
  return lists.map(({ cardholder, key, rows }) => {
    const slug = cardholderSlug(cardholder)
    const n = (used.get(slug) ?? 0) + 1
    used.set(slug, n)
    return {
      name: `${n === 1 ? slug : `${slug}-${n}`}.csv`,
      key,
      cardholder,
      csv: stringify(rows.map((r) => ({ ...r })), {
        header: true,
        columns: [...chaseColumns],
        cast: spreadsheetSafeCast
      })
    }
  })
}
