/**
 * RFC helpers for synthetic data (cfdi.md §2.2): a legal entity's RFC is 3 letters + YYMMDD + a 2-character
 * homoclave + a mod-11 check digit.
 */

const ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"

/** Appends the SAT mod-11 check digit to the first 11 characters of a legal entity's RFC (`"GIT180312AB"`). */
export const withCheckDigit = (base: string): string => {
  const padded = ` ${base}`
  let sum = 0
  for (let i = 0; i < 12; i++) sum += ALPHABET.indexOf(padded[i]!) * (13 - i)
  const remainder = sum % 11
  const digit = remainder === 0 ? "0" : 11 - remainder === 10 ? "A" : String(11 - remainder)
  return `${base}${digit}`
}
