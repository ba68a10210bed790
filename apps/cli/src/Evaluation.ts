/**
 * Scores a run against a sandbox scenario's ground truth: precision and recall of auto-links and of
 * `MISSING_INVOICE` exceptions. Ratios are decimal strings with 4 places ("1.0000"); "n/a" when undefined (0/0).
 */
import type { RunResult } from "@clara-recon/pipeline"
import type { GroundTruth } from "@clara-recon/sandbox"

/** Precision and recall of one decision, with the counts behind them. */
export interface Score {
  readonly truePositives: number
  readonly predicted: number
  readonly expected: number
  readonly precision: string
  readonly recall: string
}

/** The evaluation printed by `demo`. */
export interface Evaluation {
  readonly autoLinks: Score
  readonly missingInvoice: Score
}

const ratio = (n: number, d: number): string => (d === 0 ? "n/a" : (n / d).toFixed(4))

const score = (predicted: ReadonlyArray<string>, expected: ReadonlySet<string>): Score => {
  const unique = new Set(predicted)
  const truePositives = [...unique].filter((p) => expected.has(p)).length
  return {
    truePositives,
    predicted: unique.size,
    expected: expected.size,
    precision: ratio(truePositives, unique.size),
    recall: ratio(truePositives, expected.size)
  }
}

/** Evaluates a run against the ground truth, restricted to the transactions the run saw. */
export const evaluate = (run: RunResult, truth: GroundTruth): Evaluation => {
  const seen = new Set(run.transactions.map((t) => t.uuid))
  const expectedLinks = new Set(
    truth.links.filter((l) => seen.has(l.transactionUuid)).map((l) => `${l.transactionUuid}|${l.cfdiUuid.toUpperCase()}`)
  )
  const autoLinks = run.links.map((l) => `${l.transactionUuid}|${l.documentId.toUpperCase()}`)
  const expectedMissing = new Set(truth.missingInvoice.filter((uuid) => seen.has(uuid)))
  const missing = run.exceptions.filter((e) => e.code === "MISSING_INVOICE" && e.transactionUuid !== undefined)
    .map((e) => e.transactionUuid!)
  return { autoLinks: score(autoLinks, expectedLinks), missingInvoice: score(missing, expectedMissing) }
}
