/** RFC checks for identity (matching.md §7.2 "Identity (RFC)"). */

const rfcPattern = /^[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}$/
const genericRfcs: ReadonlySet<string> = new Set(["XAXX010101000", "XEXX010101000"])

/** The RFC upper-cased and trimmed. */
export const normaliseRfc = (rfc: string): string => rfc.trim().toUpperCase()

/** True for the generic RFCs of the public in general and of foreigners. */
export const isGenericRfc = (rfc: string): boolean => genericRfcs.has(normaliseRfc(rfc))

/** The RFC when it is well formed (12 or 13 characters) and not generic: only such an RFC counts as identity. */
export const identityRfc = (rfc: string | undefined): string | undefined => {
  if (rfc === undefined) return undefined
  const normalised = normaliseRfc(rfc)
  return rfcPattern.test(normalised) && !genericRfcs.has(normalised) ? normalised : undefined
}
