/**
 * Control totals per statement period (matching.md §7.10, after Formance): per month of `operationDate` and
 * currency, the statement total must equal Σ linked + Σ in exceptions + Σ not subject, each bucket computed from
 * its own list, and every transaction must fall in exactly one bucket. Any drift means a record was lost or
 * double-counted.
 */
import type { CardTransaction } from "@clara-recon/domain"
import { formatMinor, minorUnits } from "./internal/Minor.js"

/** The control total of one statement period and currency. Amounts are signed decimal strings, 2 places. */
export interface PeriodControlTotal {
  /** `YYYY-MM` of the transactions' `operationDate` (civil date, America/Mexico_City). */
  readonly period: string
  readonly currency: string
  readonly count: number
  readonly statement: string
  readonly linked: string
  readonly exceptions: string
  readonly notSubject: string
  /** Σ buckets = statement and no transaction in zero or two buckets. */
  readonly balanced: boolean
  /** Transactions counted in no bucket or in more than one (sorted; empty when balanced). */
  readonly unbalancedTransactions: ReadonlyArray<string>
}

/**
 * Computes the control totals from the unique transactions of a run and three independent sets of uuids: those in
 * `links`, those with an open-item exception, and those not subject to matching. Sorted by period then currency.
 */
export const controlTotalsByPeriod = (
  transactions: ReadonlyArray<CardTransaction>,
  linked: ReadonlySet<string>,
  inExceptions: ReadonlySet<string>,
  notSubject: ReadonlySet<string>
): ReadonlyArray<PeriodControlTotal> => {
  type Bucket = { sums: [bigint, bigint, bigint, bigint]; count: number; bad: Array<string> }
  const buckets = new Map<string, Bucket>()
  // operationDate -> currency -> bucket: the "period|currency" key is built once per distinct date and currency.
  const byDate = new Map<string, Map<string, Bucket>>()
  for (const tx of transactions) {
    const currency = tx.amount.currency
    let perCurrency = byDate.get(tx.operationDate)
    if (perCurrency === undefined) byDate.set(tx.operationDate, perCurrency = new Map())
    let bucket = perCurrency.get(currency)
    if (bucket === undefined) {
      const key = `${tx.operationDate.slice(0, 7)}|${currency}`
      bucket = buckets.get(key)
      if (bucket === undefined) buckets.set(key, bucket = { sums: [0n, 0n, 0n, 0n], count: 0, bad: [] })
      perCurrency.set(currency, bucket)
    }
    const minor = minorUnits(tx.amount.amount)
    const sums = bucket.sums
    sums[0] += minor
    bucket.count++
    const uuid = tx.uuid
    let memberships = 0
    if (linked.has(uuid)) {
      sums[1] += minor
      memberships++
    }
    if (inExceptions.has(uuid)) {
      sums[2] += minor
      memberships++
    }
    if (notSubject.has(uuid)) {
      sums[3] += minor
      memberships++
    }
    if (memberships !== 1) bucket.bad.push(uuid)
  }
  return [...buckets.keys()].sort().map((key) => {
    const [period, currency] = key.split("|") as [string, string]
    const { bad, count, sums } = buckets.get(key)!
    return {
      period,
      currency,
      count,
      statement: formatMinor(sums[0]),
      linked: formatMinor(sums[1]),
      exceptions: formatMinor(sums[2]),
      notSubject: formatMinor(sums[3]),
      balanced: bad.length === 0 && sums[0] === sums[1] + sums[2] + sums[3],
      unbalancedTransactions: bad.sort()
    }
  })
}
