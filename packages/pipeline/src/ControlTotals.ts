/**
 * Control totals (matching.md §7.10): per currency, the sum of all transactions must equal the sum of the linked
 * ones, the ones in exceptions and the ones not subject to matching. Any drift means a record was lost or counted
 * twice, so `balanced` is computed from three independent lists, not from one partition.
 */
import * as BigDecimal from "effect/BigDecimal"
import { type CardTransaction, formatFixed, isSubjectToMatching, type MatchLink, zeroAmount } from "@clara-recon/domain"

/** Totals of one currency, as decimal strings with 2 places (currency units). */
export interface CurrencyControlTotal {
  readonly transactions: string
  readonly linked: string
  readonly exceptions: string
  readonly notSubject: string
}

/** The control totals of a run. */
export interface ControlTotals {
  readonly byCurrency: Readonly<Record<string, CurrencyControlTotal>>
  readonly balanced: boolean
  /** Transactions counted in no bucket or in more than one (empty when balanced). */
  readonly unbalancedTransactions: ReadonlyArray<string>
}

/**
 * Computes the control totals from the transactions of the run and the uuids the matcher linked, put in exceptions
 * and found not subject. A transaction must be in exactly one of the three sets.
 */
export const controlTotals = (
  transactions: ReadonlyArray<CardTransaction>,
  linked: ReadonlySet<string>,
  inExceptions: ReadonlySet<string>,
  notSubject: ReadonlySet<string>
): ControlTotals => {
  const sums = new Map<string, [BigDecimal.BigDecimal, BigDecimal.BigDecimal, BigDecimal.BigDecimal, BigDecimal.BigDecimal]>()
  const unbalanced: Array<string> = []
  for (const tx of transactions) {
    const entry = sums.get(tx.amount.currency) ?? [zeroAmount, zeroAmount, zeroAmount, zeroAmount]
    const amount = tx.amount.amount
    entry[0] = BigDecimal.sum(entry[0], amount)
    const memberships = [linked.has(tx.uuid), inExceptions.has(tx.uuid), notSubject.has(tx.uuid)]
    memberships.forEach((member, i) => {
      if (member) entry[i + 1] = BigDecimal.sum(entry[i + 1]!, amount)
    })
    if (memberships.filter(Boolean).length !== 1) unbalanced.push(tx.uuid)
    sums.set(tx.amount.currency, entry)
  }
  const byCurrency: Record<string, CurrencyControlTotal> = {}
  let balanced = unbalanced.length === 0
  for (const currency of [...sums.keys()].sort()) {
    const [total, l, e, n] = sums.get(currency)!
    if (!BigDecimal.equals(total, BigDecimal.sum(BigDecimal.sum(l, e), n))) balanced = false
    byCurrency[currency] = {
      transactions: formatFixed(total),
      linked: formatFixed(l),
      exceptions: formatFixed(e),
      notSubject: formatFixed(n)
    }
  }
  return { byCurrency, balanced, unbalancedTransactions: unbalanced.sort() }
}

/**
 * The control totals of a run from its links and the uuids the matcher left in exceptions: linked = the charges of
 * every link (all members of a group), not subject = FEE, PAYMENT, CREDIT and rejected transactions that no link
 * holds (a person's link on one counts as linked, as in the matcher's dispositions, so it is not counted twice).
 */
export const runControlTotals = (
  transactions: ReadonlyArray<CardTransaction>,
  links: ReadonlyArray<MatchLink>,
  exceptionUuids: ReadonlyArray<string>
): ControlTotals => {
  const linked = new Set(links.flatMap((l) => [l.transactionUuid, ...l.explanation.members.transactions]))
  const notSubject = new Set(
    transactions.filter((t) => (!isSubjectToMatching(t.type) || t.status === "REJECTED") && !linked.has(t.uuid))
      .map((t) => t.uuid)
  )
  return controlTotals(transactions, linked, new Set(exceptionUuids), notSubject)
}
