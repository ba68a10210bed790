/**
 * Debit and credit totals of a posting document, exact (no rounding): the balance rule every adapter relies on.
 */
import type { PostingDocument } from "@clara-recon/domain"
import { sumAmounts } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"

/** Σ debit and Σ credit line amounts of a document, in its currency units. */
export interface PostingTotals {
  readonly debit: BigDecimal.BigDecimal
  readonly credit: BigDecimal.BigDecimal
}

/** Sums the debit and the credit lines of `document`. */
export const postingTotals = (document: PostingDocument): PostingTotals => ({
  debit: sumAmounts(document.lines.filter((l) => l.side === "debit").map((l) => l.amount)),
  credit: sumAmounts(document.lines.filter((l) => l.side === "credit").map((l) => l.amount))
})

/** True when debits equal credits exactly (lines are already rounded to the cent). */
export const isBalanced = (document: PostingDocument): boolean => {
  const totals = postingTotals(document)
  return BigDecimal.equals(totals.debit, totals.credit)
}
