/** The meet-in-the-middle subset-sum of the group solvers (matching.md §7.6) agrees with trying every subset. */
import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@clara-recon/domain"
import { subsetSums } from "../src/internal/SubsetSum.js"

interface Options {
  readonly minItems: number
  readonly maxItems: number
  readonly tolerancePerItem: number
  readonly limit: number
}

/** The specification, by brute force: the fewest-item subsets within tolerance, ascending bit masks, `limit` of them. */
const bruteForce = (values: ReadonlyArray<number>, target: number, options: Options) => {
  let best = options.maxItems
  let found: Array<number> = []
  for (let mask = 1; mask < 1 << values.length; mask++) {
    let sum = 0
    let count = 0
    for (let i = 0; i < values.length; i++) {
      if (mask & (1 << i)) {
        sum += values[i]!
        count++
      }
    }
    if (count < options.minItems || count > best || Math.abs(target - sum) > options.tolerancePerItem * count) continue
    if (count < best) {
      best = count
      found = []
    }
    found.push(mask)
  }
  return found.sort((a, b) => a - b).slice(0, options.limit).map((mask) =>
    values.flatMap((_, i) => (mask & (1 << i) ? [i] : []))
  )
}

/** Seeded pools: minor-unit integers (some repeated, some large) or, for the non-integer path, decimals. */
const pools = (seed: number, integers: boolean) => {
  const prng = new Prng(seed)
  return Array.from({ length: 150 }, () => {
    const length = prng.int(1, 13)
    const values = Array.from({ length }, () => {
      const base = prng.chance(0.1) ? prng.int(1, 9) * 1_000_000_000_000 : prng.int(1, 500_000)
      return integers ? base : base / 7
    })
    // repeated amounts make ties, so the mask order matters
    if (length > 3 && prng.chance(0.5)) values[1] = values[0]!
    const picked = values.filter(() => prng.chance(0.4))
    // decimals: the offset stays a quarter away from any tolerance boundary, which rounding could otherwise tip
    const offset = integers ? (prng.chance(0.5) ? prng.int(-3, 3) : 0) : prng.int(-6, 6) / 2 + 0.25
    const target = picked.reduce((a, b) => a + b, 0) + offset
    const options = {
      minItems: prng.int(1, 2),
      maxItems: prng.int(2, 6),
      tolerancePerItem: integers ? prng.int(0, 2) : prng.int(1, 2),
      limit: prng.int(1, 16)
    }
    return { values, target, options }
  })
}

describe("subsetSums", () => {
  it("finds exactly the subsets brute force finds, in the same order (integer minor units)", () => {
    let nonEmpty = 0
    for (const { options, target, values } of pools(7, true)) {
      const found = subsetSums(values, target, options)
      assert.deepStrictEqual(found, bruteForce(values, target, options), JSON.stringify({ values, target, options }))
      if (found.length > 0) nonEmpty++
    }
    assert.isAbove(nonEmpty, 50)
  })

  it("agrees with brute force on values that cannot be packed (decimals)", () => {
    let nonEmpty = 0
    for (const { options, target, values } of pools(11, false)) {
      const found = subsetSums(values, target, options)
      assert.deepStrictEqual(found, bruteForce(values, target, options), JSON.stringify({ values, target, options }))
      if (found.length > 0) nonEmpty++
    }
    assert.isAbove(nonEmpty, 30)
  })

  it("returns nothing for an empty pool or one above 30 items", () => {
    assert.deepStrictEqual(subsetSums([], 0, { minItems: 1, maxItems: 2, tolerancePerItem: 0, limit: 4 }), [])
    const many = Array.from({ length: 31 }, () => 1)
    assert.deepStrictEqual(subsetSums(many, 2, { minItems: 1, maxItems: 2, tolerancePerItem: 0, limit: 4 }), [])
  })
})
