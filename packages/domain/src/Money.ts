/**
 * Money: an exact decimal amount in currency units (not cents) with its ISO 4217 currency code.
 *
 * This module is the one place where amounts are rounded for postings (half-up to 2 places) and printed.
 * Never a JS float: amounts are effect `BigDecimal`, decoded from and encoded to decimal strings.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Schema from "effect/Schema"

/** An ISO 4217 alphabetic currency code, upper case (e.g. `MXN`, `USD`, `BRL`, `COP`). */
export const CurrencyCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z]{3}$/),
  Schema.annotations({ identifier: "CurrencyCode", description: "ISO 4217 alphabetic code" })
)
export type CurrencyCode = typeof CurrencyCode.Type

/** An amount in currency units with its currency; encodes as `{ amount: "1250.00", currency: "MXN" }`. */
export class Money extends Schema.Class<Money>("Money")({
  amount: Schema.BigDecimal,
  currency: CurrencyCode
}) {}

/** The zero amount. */
export const zeroAmount: BigDecimal.BigDecimal = BigDecimal.fromBigInt(0n)

/** Builds a `Money` from a decimal string such as `"1250.5"`; throws only on a malformed literal (programmer error). */
export const money = (amount: string, currency: string): Money =>
  new Money({ amount: BigDecimal.unsafeFromString(amount), currency })

/** Rounds half-up (away from zero on a tie) to `scale` decimal places: the posting rounding rule. */
export const roundHalfUp = (value: BigDecimal.BigDecimal, scale = 2): BigDecimal.BigDecimal =>
  BigDecimal.round(value, { scale, mode: "half-from-zero" })

/** Formats with exactly `scale` decimal places, `.` as separator, no grouping: `1250.5` -> `"1250.50"`. */
export const formatFixed = (value: BigDecimal.BigDecimal, scale = 2): string => {
  const rounded = BigDecimal.scale(roundHalfUp(value, scale), scale)
  const negative = rounded.value < 0n
  const digits = (negative ? -rounded.value : rounded.value).toString().padStart(scale + 1, "0")
  const body = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  return negative ? `-${body}` : body
}

/** Formats `Money` for people: `"1250.00 MXN"`. */
export const formatMoney = (m: Money): string => `${formatFixed(m.amount)} ${m.currency}`

/** Sums a list of amounts exactly. */
export const sumAmounts = (values: Iterable<BigDecimal.BigDecimal>): BigDecimal.BigDecimal => {
  let total = zeroAmount
  for (const v of values) total = BigDecimal.sum(total, v)
  return total
}

/** The amount in minor units (cents) rounded half-up, as a bigint: an index key for bucketing, never for display. */
export const toMinorUnits = (value: BigDecimal.BigDecimal, scale = 2): bigint =>
  BigDecimal.scale(roundHalfUp(value, scale), scale).value

/** Reads a JSON number or numeric string as an exact decimal, using the number's shortest round-trip text. */
export const fromWireNumber = (value: number | string): BigDecimal.BigDecimal | undefined => {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim()
  if (text === "") return undefined
  const plain = /e/i.test(text) ? Number(text).toFixed(10) : text
  const parsed = BigDecimal.fromString(plain)
  return parsed._tag === "Some" ? BigDecimal.normalize(parsed.value) : undefined
}
