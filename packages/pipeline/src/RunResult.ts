/**
 * What one reconciliation run produced, and the `summary.json` built from it.
 */
import type { CardTransaction, FiscalDocument, MatchLink, ReconciliationException } from "@clara-recon/domain"
import type { ControlTotals } from "./ControlTotals.js"

/** Posting outcome of a run: `new` postings exported now, `skipped` ones already in the ledger from an earlier run. */
export interface PostingOutcome {
  readonly new: number
  readonly skipped: number
  readonly failed: number
}

/** Everything a run computed; the reports are views of it. Dates are civil dates (America/Mexico_City). */
export interface RunResult {
  readonly runId: string
  readonly tenant: string
  readonly period: { readonly from: string; readonly to: string }
  readonly asOf: string
  readonly transactions: ReadonlyArray<CardTransaction>
  readonly documents: ReadonlyArray<FiscalDocument>
  readonly links: ReadonlyArray<MatchLink>
  readonly suggestions: ReadonlyArray<MatchLink>
  readonly exceptions: ReadonlyArray<ReconciliationException>
  readonly postings: PostingOutcome
  readonly controlTotals: ControlTotals
  readonly engine: { readonly version: string; readonly configHash: string; readonly inputsHash: string }
}

/** The `summary.json` shape (issue #2): counts, exceptions by code, postings and the control totals per currency. */
export interface Summary {
  readonly runId: string
  readonly period: { readonly from: string; readonly to: string }
  readonly transactions: number
  readonly documents: number
  readonly linked: number
  readonly suggested: number
  readonly exceptions: Readonly<Record<string, number>>
  readonly postings: { readonly new: number; readonly skipped: number; readonly failed: number }
  readonly controlTotal: Readonly<Record<string, unknown>> & { readonly balanced: boolean }
  readonly engine: RunResult["engine"]
}

/** Builds the summary of a run. Exception codes are listed in alphabetical order. */
export const summarize = (run: RunResult): Summary => {
  const exceptions: Record<string, number> = {}
  for (const e of run.exceptions) exceptions[e.code] = (exceptions[e.code] ?? 0) + 1
  const sortedExceptions = Object.fromEntries(Object.entries(exceptions).sort(([a], [b]) => a.localeCompare(b)))
  return {
    runId: run.runId,
    period: run.period,
    transactions: run.transactions.length,
    documents: run.documents.length,
    linked: new Set(run.links.map((l) => l.transactionUuid)).size,
    suggested: new Set(run.suggestions.map((l) => l.transactionUuid)).size,
    exceptions: sortedExceptions,
    postings: { new: run.postings.new, skipped: run.postings.skipped, failed: run.postings.failed },
    controlTotal: { ...run.controlTotals.byCurrency, balanced: run.controlTotals.balanced },
    engine: run.engine
  }
}
