/**
 * Tax-identifier formats by market, checked before creating or updating a user (clara-api.md §2.1: "tax-id validation
 * by country", Jul 2025; §1.3): the RFC in Mexico (12 characters for companies, 13 for people), the CPF (11 digits,
 * two check digits) or CNPJ (14 digits) in Brazil, the NIT / cédula (5-10 digits, optional `-` check digit) in
 * Colombia. Separators `.`, `-`, `/` and spaces are ignored for BR.
 */

/** The RFC pattern: 3-4 letters, `yyMMdd`, 3 alphanumeric characters (homoclave). */
const RFC = /^[A-ZÑ&]{3,4}\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[A-Z0-9]{3}$/

const cpfValid = (digits: string): boolean => {
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false
  const check = (length: number) => {
    const sum = [...digits.slice(0, length)].reduce((acc, d, i) => acc + Number(d) * (length + 1 - i), 0)
    const rest = (sum * 10) % 11
    return rest === 10 ? 0 : rest
  }
  return check(9) === Number(digits[9]) && check(10) === Number(digits[10])
}

/** Why `taxIdentifier` is not valid in `country` (any of the three when unknown), or undefined when it is. */
export const taxIdentifierProblem = (
  taxIdentifier: string,
  country: "MX" | "BR" | "CO" | undefined
): string | undefined => {
  const text = taxIdentifier.trim().toUpperCase()
  const rules = {
    MX: [RFC.test(text), "an RFC (12 or 13 characters)"],
    BR: [cpfValid(text.replace(/[.\-/\s]/g, "")) || /^\d{14}$/.test(text.replace(/[.\-/\s]/g, "")), "a CPF or CNPJ"],
    CO: [/^\d{5,10}(-\d)?$/.test(text), "a NIT or cédula (5-10 digits, optional -check digit)"]
  } as const
  const markets = country === undefined ? (["MX", "BR", "CO"] as const) : [country]
  if (markets.some((m) => rules[m][0])) return undefined
  return `must be ${markets.map((m) => rules[m][1]).join(" or ")}`
}
