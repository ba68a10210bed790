/**
 * Exact subset-sum by meet in the middle (matching.md §7.6): all subsets of the fewest items whose sum is within
 * `tolerancePerItem x k` of the target. O(2^(p/2) log 2^(p/2)) for p items; amounts are integer minor units.
 */

interface Half {
  readonly sums: Float64Array
  readonly masks: Int32Array
  readonly counts: Uint8Array
}

/** Sums and item counts of every subset of `values[offset .. offset + length)`, indexed by bit mask. */
const subsetTable = (values: ReadonlyArray<number>, offset: number, length: number) => {
  const size = 1 << length
  const sums = new Float64Array(size)
  const counts = new Uint8Array(size)
  for (let mask = 1; mask < size; mask++) {
    // the subset without its highest item, plus that item: items added in ascending order, as a loop over the bits
    const high = 31 - Math.clz32(mask)
    const rest = mask ^ (1 << high)
    sums[mask] = sums[rest]! + values[offset + high]!
    counts[mask] = counts[rest]! + 1
  }
  return { sums, counts }
}

/**
 * The subsets of at most `maxItems` items of `values[offset .. offset + length)`, ordered by sum then mask. When the
 * values are non-negative safe integers (minor units, the matcher's case), sum and mask are packed into one exact
 * number and sorted natively; otherwise by comparison.
 */
const enumerate = (values: ReadonlyArray<number>, offset: number, length: number, maxItems: number): Half => {
  const size = 1 << length
  const table = subsetTable(values, offset, length)
  let kept = 0
  for (let mask = 0; mask < size; mask++) if (table.counts[mask]! <= maxItems) kept++
  const order = new Float64Array(kept)
  let total = 0
  let packable = true
  for (let i = offset; i < offset + length; i++) {
    const value = values[i]!
    total += value
    if (!Number.isSafeInteger(value) || value < 0) packable = false
  }
  packable = packable && Number.isSafeInteger(total * size + size)
  let k = 0
  for (let mask = 0; mask < size; mask++) {
    if (table.counts[mask]! > maxItems) continue
    order[k++] = packable ? table.sums[mask]! * size + mask : mask
  }
  if (packable) order.sort()
  else order.sort((a, b) => table.sums[a]! - table.sums[b]! || a - b)
  const sums = new Float64Array(kept)
  const masks = new Int32Array(kept)
  const counts = new Uint8Array(kept)
  for (let i = 0; i < kept; i++) {
    const mask = packable ? order[i]! % size : order[i]!
    sums[i] = table.sums[mask]!
    masks[i] = mask << offset
    counts[i] = table.counts[mask]!
  }
  return { sums, masks, counts }
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
