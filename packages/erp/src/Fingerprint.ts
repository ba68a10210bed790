/**
 * Fingerprints of planned postings (erp.md §5.1 `Fingerprint`): what `verify()` compares after a write, and what makes
 * an export auditable. Canonical JSON and SHA-256 come from `@clara-recon/domain`.
 */
import type { PostingDocument } from "@clara-recon/domain"
import { canonicalJson, formatFixed, sha256Hex } from "@clara-recon/domain"
import { postingTotals } from "./PostingTotals.js"

/** A JSON value; payloads are fingerprinted through their canonical JSON text. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/**
 * The identity of a planned posting.
 * - `hash`: SHA-256 (lowercase hex) of the payload's canonical JSON.
 * - `totals`: Σ debit and Σ credit of the document lines, decimal strings with 2 places.
 * - `date`: the posting date (civil date, America/Mexico_City); `currency`: ISO 4217.
 */
export interface Fingerprint {
  readonly hash: string
  readonly totals: { readonly debit: string; readonly credit: string }
  readonly lineCount: number
  readonly date: string
  readonly currency: string
}

/** The fingerprint of `document` planned as `payload`. */
export const fingerprintOf = (document: PostingDocument, payload: Json): Fingerprint => {
  const totals = postingTotals(document)
  return {
    hash: sha256Hex(canonicalJson(payload)),
    totals: { debit: formatFixed(totals.debit), credit: formatFixed(totals.credit) },
    lineCount: document.lines.length,
    date: document.postingDate,
    currency: document.currency
  }
}
