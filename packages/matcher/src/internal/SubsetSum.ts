/**
 * Exact subset-sum by meet in the middle (matching.md §7.6): all subsets of the fewest items whose sum is within
 * `tolerancePerItem x k` of the target. O(2^(p/2) log 2^(p/2)) for p items; amounts are integer minor units.
 */
import { lowerBound } from "./LowerBound.js"

interface Half {
  readonly sums: Float64Array
  readonly masks: Int32Array
  readonly counts: Uint8Array
}

/**
 * The subsets of at most `maxItems` items of `values[offset .. offset + length)`, ordered by sum then mask, built by
 * merging instead of sorting: the subsets of the first i items, in order, merged with the same subsets plus item i.
 * On equal sums the subset without item i comes first (its mask is the smaller); sums add the items in ascending
 * order, as a loop over the bits would.
 */
const enumerate = (values: ReadonlyArray<number>, offset: number, length: number, maxItems: number): Half => {
  const capacity = 1 << length
  let sums = new Float64Array(capacity)
  let masks = new Int32Array(capacity)
  let counts = new Uint8Array(capacity)
  let nextSums = new Float64Array(capacity)
  let nextMasks = new Int32Array(capacity)
  let nextCounts = new Uint8Array(capacity)
  let size = 1
  for (let i = 0; i < length; i++) {
    const value = values[offset + i]!
    const bit = 1 << i
    let a = 0
    let b = 0
    let k = 0
    while (a < size || b < size) {
      while (b < size && counts[b]! >= maxItems) b++
      if (b >= size && a >= size) break
      const withItem = b < size ? sums[b]! + value : Infinity
      if (a < size && (b >= size || sums[a]! <= withItem)) {
        nextSums[k] = sums[a]!
        nextMasks[k] = masks[a]!
        nextCounts[k++] = counts[a++]!
      } else {
        nextSums[k] = withItem
        nextMasks[k] = masks[b]! | bit
        nextCounts[k++] = counts[b++]! + 1
      }
    }
    ;[sums, nextSums] = [nextSums, sums]
    ;[masks, nextMasks] = [nextMasks, masks]
    ;[counts, nextCounts] = [nextCounts, counts]
    size = k
  }
  const shifted = new Int32Array(size)
  for (let i = 0; i < size; i++) shifted[i] = masks[i]! << offset
  return { sums: sums.slice(0, size), masks: shifted, counts: counts.slice(0, size) }
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
  let bestCount = options.maxItems
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
