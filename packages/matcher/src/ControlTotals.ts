/**
 * Control totals per statement period (matching.md §7.10, after Formance): per month of `operationDate` and
 * currency, the statement total must equal Σ linked + Σ in exceptions + Σ not subject, each bucket computed from
 * its own list, and every transaction must fall in exactly one bucket. Any drift means a record was lost or
 * double-counted.
 */
import { type CardTransaction, toMinorUnits } from "@clara-recon/domain"
import { formatMinor } from "./internal/Minor.js"

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
  const buckets = new Map<string, { sums: [bigint, bigint, bigint, bigint]; count: number; bad: Array<string> }>()
  for (const tx of transactions) {
    const key = `${tx.operationDate.slice(0, 7)}|${tx.amount.currency}`
    const bucket = buckets.get(key) ?? { sums: [0n, 0n, 0n, 0n], count: 0, bad: [] }
    buckets.set(key, bucket)
    const minor = toMinorUnits(tx.amount.amount)
    bucket.sums[0] += minor
    bucket.count++
    const memberships = [linked.has(tx.uuid), inExceptions.has(tx.uuid), notSubject.has(tx.uuid)]
    memberships.forEach((member, i) => {
      if (member) bucket.sums[i + 1] += minor
    })
    if (memberships.filter(Boolean).length !== 1) bucket.bad.push(tx.uuid)
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
