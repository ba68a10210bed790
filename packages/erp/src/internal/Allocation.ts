/**
 * Allocation of a document's journal lines over the several card charges that pay it (matching.md §7.6 N charges :
 * 1 CFDI: MSI instalments, split tender; erp.md §5.2 "Lines (JE strategy)"), by cumulative rounding: with the charges
 * in order (operation date, then uuid), cum_k the sum of the amounts of charges 1..k and T the document total, charge
 * k's part of a line L is round(L * cum_k / T) - round(L * cum_(k-1) / T). The parts of a line over a complete group
 * (cum_n = T) add up to L exactly, and a charge's part depends only on the charges before it, so it never changes
 * when later charges (instalments) arrive.
 *
 * Pure and exact: amounts are `BigDecimal` in decimal currency units (not cents); rounding is half-up (away from zero
 * on a tie), the posting rule of `roundHalfUp`.
 */
import type { CivilDate } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"

/** A charge of a group for the allocation: its uuid, its positive amount (decimal currency units), its date. */
export interface AllocatedCharge {
  readonly uuid: string
  readonly amount: BigDecimal.BigDecimal
  /** Civil date in America/Mexico_City (`CardTransaction.operationDate`). */
  readonly operationDate: CivilDate
}

/**
 * The charges in allocation order: operation date ascending, then uuid (code-unit order), so the order is the same
 * on every run whatever order the charges came in.
 */
export const allocationOrder = <A extends AllocatedCharge>(charges: ReadonlyArray<A>): Array<A> =>
  [...charges].sort((a, b) =>
    a.operationDate < b.operationDate ? -1 :
    a.operationDate > b.operationDate ? 1 :
    a.uuid < b.uuid ? -1 :
    a.uuid > b.uuid ? 1 :
    0
  )

/**
 * Where charge `uuid` sits in the group: `before` = cum_(k-1), the sum of the amounts of the charges ordered before
 * it, and `through` = cum_k = `before` + its amount (decimal currency units); `undefined` when `uuid` is not among
 * `charges`.
 */
export const cumulativeBounds = (
  charges: ReadonlyArray<AllocatedCharge>,
  uuid: string
): { readonly before: BigDecimal.BigDecimal; readonly through: BigDecimal.BigDecimal } | undefined => {
  let before = BigDecimal.fromBigInt(0n)
  for (const charge of allocationOrder(charges)) {
    const through = BigDecimal.sum(before, charge.amount)
    if (charge.uuid === uuid) return { before, through }
    before = through
  }
  return undefined
}

const pow10 = (n: number): bigint => 10n ** BigInt(n)

/**
 * round(`line` * `cumulative` / `total`) to `scale` places, half-up, computed exactly on integers (no intermediate
 * rounding, no float). `total` must not be zero (the caller checks it); amounts in decimal currency units.
 */
export const proRata = (
  line: BigDecimal.BigDecimal,
  cumulative: BigDecimal.BigDecimal,
  total: BigDecimal.BigDecimal,
  scale = 2
): BigDecimal.BigDecimal => {
  const product = BigDecimal.multiply(line, cumulative)
  // product / total * 10^scale = product.value * 10^(total.scale + scale - product.scale) / total.value
  const exponent = total.scale + scale - product.scale
  const numerator = exponent >= 0 ? product.value * pow10(exponent) : product.value
  const denominator = exponent >= 0 ? total.value : total.value * pow10(-exponent)
  const negative = (numerator < 0n) !== (denominator < 0n)
  const a = numerator < 0n ? -numerator : numerator
  const b = denominator < 0n ? -denominator : denominator
  const quotient = a / b + (2n * (a % b) >= b ? 1n : 0n)
  return BigDecimal.make(negative ? -quotient : quotient, scale)
}

/**
 * One charge's part of `line`: round(L * through / T) - round(L * before / T), `before` and `through` from
 * {@link cumulativeBounds}, each capped at `total` (a group whose charges pass the total within the tolerance never
 * allocates more than the line; the excess is left to the rounding line). `total` must be positive. Decimal currency
 * units, `scale` places.
 */
export const cumulativeShare = (
  line: BigDecimal.BigDecimal,
  bounds: { readonly before: BigDecimal.BigDecimal; readonly through: BigDecimal.BigDecimal },
  total: BigDecimal.BigDecimal,
  scale = 2
): BigDecimal.BigDecimal => {
  const cap = (x: BigDecimal.BigDecimal) => BigDecimal.min(x, total)
  return BigDecimal.subtract(
    proRata(line, cap(bounds.through), total, scale),
    proRata(line, cap(bounds.before), total, scale)
  )
}

/**
 * `line` split in proportion to `weights` (non-negative, decimal currency units) by cumulative rounding: with W the
 * sum of the weights and cum_k the sum of weights 1..k, part k = round(L * cum_k / W) - round(L * cum_(k-1) / W), so
 * the parts add up to `line` exactly. When the weights sum to zero the first part is the whole line.
 */
export const splitByWeights = (
  line: BigDecimal.BigDecimal,
  weights: ReadonlyArray<BigDecimal.BigDecimal>,
  scale = 2
): Array<BigDecimal.BigDecimal> => {
  const zero = BigDecimal.fromBigInt(0n)
  const total = weights.reduce((acc, w) => BigDecimal.sum(acc, w), zero)
  if (!BigDecimal.isPositive(total)) return weights.map((_, i) => (i === 0 ? line : zero))
  let before = zero
  return weights.map((weight) => {
    const bounds = { before, through: BigDecimal.sum(before, weight) }
    before = bounds.through
    return cumulativeShare(line, bounds, total, scale)
  })
}
