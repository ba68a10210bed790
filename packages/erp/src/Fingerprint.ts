/**
 * Fingerprints of planned postings (erp.md §5.1 `Fingerprint`): what `verify()` compares after a write, and what makes
 * an export auditable. Canonical JSON and SHA-256 come from `@clara-recon/domain`.
 */
import type { PostingDocument } from "@clara-recon/domain"
import { canonicalJson, formatFixed, sha256Hex } from "@clara-recon/domain"
import { postingTotals } from "./PostingTotals.js"

/** A JSON value; payloads are fingerprinted through their canonical JSON text. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** One line of a fingerprint: side, GL account and amount (decimal string, 2 places). */
export interface FingerprintLine {
  readonly side: "debit" | "credit"
  readonly account: string
  readonly amount: string
}

/**
 * The identity of a planned posting.
 * - `hash`: SHA-256 (lowercase hex) of the payload's canonical JSON.
 * - `totals`: Σ debit and Σ credit of the document lines, decimal strings with 2 places.
 * - `date`: the posting date (civil date, America/Mexico_City); `currency`: ISO 4217.
 * - `lines`, `companyCode` (`withLines`): every line's side, GL account and amount, in (side, account, amount)
 *   order, and the document's company, for an adapter whose read-back sees the record's lines rather than a payload
 *   hash it can compare (erp.md §5.1 verify: "totals, line count, accounts, date and currency"). Absent otherwise,
 *   and in fingerprints of earlier versions.
 */
export interface Fingerprint {
  readonly hash: string
  readonly totals: { readonly debit: string; readonly credit: string }
  readonly lineCount: number
  readonly date: string
  readonly currency: string
  readonly lines?: ReadonlyArray<FingerprintLine>
  readonly companyCode?: string
}

const lineKey = (line: FingerprintLine): string => `${line.side} ${line.account} ${line.amount}`

/** The lines of a fingerprint as sorted `side account amount` keys, for comparing them as a multiset. */
export const fingerprintLineKeys = (lines: ReadonlyArray<FingerprintLine>): ReadonlyArray<string> =>
  lines.map(lineKey).sort()

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

/** `fingerprint` with the lines and company of `document` (`Fingerprint.lines`, `companyCode`). */
export const withLines = (fingerprint: Fingerprint, document: PostingDocument): Fingerprint => ({
  ...fingerprint,
  lines: document.lines
    .map((line): FingerprintLine => ({ side: line.side, account: line.account, amount: formatFixed(line.amount) }))
    .sort((a, b) => (lineKey(a) < lineKey(b) ? -1 : lineKey(a) > lineKey(b) ? 1 : 0)),
  ...(document.companyCode === undefined ? {} : { companyCode: document.companyCode })
})
