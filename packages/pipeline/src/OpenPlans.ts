/**
 * The CFDIs of MSI plans a run carries over from earlier periods (matching.md §7.6: link the group as it grows). A
 * monthly job finds a purchase's CFDI in the period of the purchase (the invoices folder, Clara), while its later
 * instalments fall in later periods. For a run's charge that is instalment k > 1 of a plan, the instalment before it
 * (same card, merchant and plan length) is looked up among the stored transactions of the days before it, and the
 * documents an earlier run posted it against (the ledger) join the run's documents: the matcher then links the lone
 * later instalment (it dates the plan from its first instalment) and the plan step gives it its share after the
 * earlier ones (`earlierInstalments`).
 */
import * as Effect from "effect/Effect"
import { addDays, type CardTransaction } from "@clara-recon/domain"
import { instalmentOf } from "@clara-recon/matcher"
import { decodeStoredTransactions, storedDocuments } from "./LoadRun.js"
import { ReconStore } from "./ReconStore.js"

/** How far before a later instalment the one before it is looked for: a month of instalments plus statement slack. */
const PREVIOUS_INSTALMENT_DAYS = 40

/** Card, plan length and merchant of an instalment: equal for every instalment of one plan. */
const planKey = (tx: CardTransaction, of: number): string => {
  const merchant = (tx.merchantName ?? tx.descriptor).toUpperCase()
    .replace(/\bMSI\b|\b\d+\s*\/\s*\d+\b/g, " ").replace(/\s+/g, " ").trim()
  return `${tx.cardUuid ?? tx.cardLastFour ?? ""}|${of}|${merchant}`
}

/**
 * The documents to add to a run of `tenant` from `from` whose transactions are `transactions` and whose documents
 * have the ids in `present`: the CFDIs earlier runs posted the previous instalments of the run's later instalments
 * against (`excluded` postings left out), each once, in id order. Empty when the run has no later instalment, which
 * costs no store read. Fails with `StoreError`.
 */
export const openPlanDocuments = (input: {
  readonly tenant: string
  readonly from: string
  readonly transactions: ReadonlyArray<CardTransaction>
  readonly present: ReadonlySet<string>
}) =>
  Effect.gen(function*() {
    const wanted = new Map<string, number>() // plan key -> the latest instalment number of the run's first charges
    let since: string | undefined
    for (const tx of input.transactions) {
      const instalment = instalmentOf(tx)
      if (instalment === undefined || instalment.number < 2 || tx.type !== "PURCHASE") continue
      const key = planKey(tx, instalment.of)
      wanted.set(key, Math.max(wanted.get(key) ?? 0, instalment.number))
      const start = addDays(tx.operationDate, -PREVIOUS_INSTALMENT_DAYS)
      if (since === undefined || start < since) since = start
    }
    if (since === undefined || since >= input.from) return []
    const store = yield* ReconStore
    const earlier = decodeStoredTransactions(
      yield* store.instalmentTransactionsInPeriod(input.tenant, since, addDays(input.from, -1))
    ).transactions.filter((tx) => {
      const instalment = instalmentOf(tx)
      const latest = instalment === undefined ? undefined : wanted.get(planKey(tx, instalment.of))
      return instalment !== undefined && latest !== undefined && instalment.number < latest
    })
    if (earlier.length === 0) return []
    const postings = (yield* store.ledgerOfTransactions(earlier.map((tx) => tx.uuid)))
      .filter((row) => row.state !== "excluded" && !input.present.has(row.documentId))
    return yield* storedDocuments([...new Set(postings.map((row) => row.documentId))].sort())
  })
