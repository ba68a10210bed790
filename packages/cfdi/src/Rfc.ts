/** RFC helpers (cfdi.md §2.2). RFCs are compared trimmed and upper case. */

/** 3 (legal entity) or 4 (individual) letters, YYMMDD, 3-character homoclave. */
const RFC = /^[A-ZÑ&]{3,4}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[A-Z0-9]{2}[0-9A]$/

/** The generic RFCs: public in general and foreign receiver. */
export const GENERIC_RFCS: ReadonlySet<string> = new Set(["XAXX010101000", "XEXX010101000"])

/** True when `rfc` is a well-formed 12-character (legal entity) or 13-character (individual) RFC. */
export const isRfcWellFormed = (rfc: string): boolean => RFC.test(rfc)

const CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"

/**
 * True when the last character matches the mod-11 check digit (12-character RFCs are padded with a leading space).
 * SAT has issued RFCs whose check digit does not verify, so callers report a mismatch as a warning only.
 */
export const hasValidCheckDigit = (rfc: string): boolean => {
  const padded = rfc.length === 12 ? ` ${rfc}` : rfc
  let sum = 0
  for (let i = 0; i < 12; i++) sum += CHECK_ALPHABET.indexOf(padded[i]!) * (13 - i)
  const digit = 11 - (sum % 11)
  const expected = digit === 11 ? "0" : digit === 10 ? "A" : String(digit)
  return padded[12] === expected
}
