/** Minor-unit (centavo) helpers: exact bigint keys derived from `BigDecimal` amounts (matching.md §7.1 item 2). */
import { toMinorUnits } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"

// 10^k for the exact path of `minorUnits`.
const powersOfTen: ReadonlyArray<bigint> = Array.from({ length: 19 }, (_, k) => 10n ** BigInt(k))

/**
 * `toMinorUnits(value)` (half-up to 2 places), without rounding arithmetic when `value` has at most 2 decimals: then
 * rounding is exact and the result is `value.value * 10^(2 - scale)` (the usual case: amounts in centavos).
 */
export const minorUnits = (value: BigDecimal.BigDecimal): bigint => {
  const shift = 2 - value.scale
  return shift >= 0 && shift < powersOfTen.length ? value.value * powersOfTen[shift]! : toMinorUnits(value)
}

/** |value| in minor units, rounded half-up. */
export const absMinor = (value: BigDecimal.BigDecimal): bigint => {
  const minor = minorUnits(value)
  return minor < 0n ? -minor : minor
}

/** |value| of a bigint. */
export const absBig = (value: bigint): bigint => (value < 0n ? -value : value)

/** Minor units as a decimal string with 2 places: `125000n` -> `"1250.00"`, `-5n` -> `"-0.05"` (as `formatFixed`). */
export const formatMinor = (minor: bigint): string => {
  const digits = absBig(minor).toString().padStart(3, "0")
  const body = `${digits.slice(0, -2)}.${digits.slice(-2)}`
  return minor < 0n ? `-${body}` : body
}

/** Minor units with a currency: `"1250.00 MXN"`. */
export const formatMinorMoney = (minor: bigint, currency: string): string => `${formatMinor(minor)} ${currency}`

/** Minor units back to an exact `BigDecimal`. */
export const minorToDecimal = (minor: bigint): BigDecimal.BigDecimal => BigDecimal.make(minor, 2)
