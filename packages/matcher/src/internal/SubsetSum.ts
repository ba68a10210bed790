/**
 * Exact subset-sum by meet in the middle (matching.md §7.6): all subsets of the fewest items whose sum is within
 * `tolerancePerItem x k` of the target. O(2^(p/2) log 2^(p/2)) for p items; amounts are integer minor units.
 */

interface Half {
  readonly sums: Float64Array
  readonly masks: Int32Array
  readonly counts: Uint8Array
}

const enumerate = (values: ReadonlyArray<number>, offset: number, length: number, maxItems: number): Half => {
  const sums: Array<number> = []
  const masks: Array<number> = []
  const counts: Array<number> = []
  for (let mask = 0; mask < 1 << length; mask++) {
    let sum = 0
    let count = 0
    for (let i = 0; i < length; i++) {
      if (mask & (1 << i)) {
        sum += values[offset + i]!
        count++
      }
    }
    if (count > maxItems) continue
    sums.push(sum)
    masks.push(mask << offset)
    counts.push(count)
  }
  const order = sums.map((_, i) => i).sort((a, b) => sums[a]! - sums[b]! || masks[a]! - masks[b]!)
  return {
    sums: Float64Array.from(order, (i) => sums[i]!),
    masks: Int32Array.from(order, (i) => masks[i]!),
    counts: Uint8Array.from(order, (i) => counts[i]!)
  }
}

const lowerBound = (keys: Float64Array, value: number): number => {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Subsets (as sorted index lists) of `values` (at most 30 items) with `minItems` to `maxItems` items whose sum is
 * within `tolerancePerItem x k` of `target`, keeping only those of the fewest items k; at most `limit` of them, in
 * ascending bit-mask order (deterministic).
 */
export const subsetSums = (
  values: ReadonlyArray<number>,
  target: number,
  options: {
    readonly minItems: number
    readonly maxItems: number
    readonly tolerancePerItem: number
    readonly limit: number
  }
): ReadonlyArray<ReadonlyArray<number>> => {
  const p = values.length
  if (p === 0 || p > 30) return []
  const leftLength = Math.ceil(p / 2)
  const left = enumerate(values, 0, leftLength, options.maxItems)
  const right = enumerate(values, leftLength, p - leftLength, options.maxItems)
  const slack = options.tolerancePerItem * options.maxItems
  let bestCount = options.maxItems + 1
  let found: Array<number> = []
  for (let a = 0; a < left.sums.length; a++) {
    const need = target - left.sums[a]!
    for (let b = lowerBound(right.sums, need - slack); b < right.sums.length && right.sums[b]! <= need + slack; b++) {
      const count = left.counts[a]! + right.counts[b]!
      if (count < options.minItems || count > bestCount) continue
      if (Math.abs(need - right.sums[b]!) > options.tolerancePerItem * count) continue
      if (count < bestCount) {
        bestCount = count
        found = []
      }
      found.push(left.masks[a]! | right.masks[b]!)
    }
  }
  found.sort((x, y) => x - y)
  return found.slice(0, options.limit).map((mask) => {
    const items: Array<number> = []
    for (let i = 0; i < p; i++) if (mask & (1 << i)) items.push(i)
    return items
  })
}
