/**
 * Fingerprints of planned postings (erp.md §5.1 `Fingerprint`): what `verify()` compares after a write, and what makes
 * an export auditable. Also the canonical JSON and SHA-256 helpers adapters share.
 */
import { createHash } from "node:crypto"
import type { PostingDocument } from "@clara-recon/domain"
import { formatFixed } from "@clara-recon/domain"
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

/** JSON text with object keys sorted (code-unit order) and no whitespace: equal values give equal text. */
export const canonicalJson = (value: Json): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  const record = value as { readonly [key: string]: Json }
  const keys = Object.keys(record).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k] ?? null)}`).join(",")}}`
}

/** SHA-256 of text (encoded as UTF-8) or bytes, as lowercase hex. */
export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex")

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
