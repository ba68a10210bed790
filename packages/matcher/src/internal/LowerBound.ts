/** The first index of the ascending `keys` whose key is not below `value` (`keys.length` when none). O(log n). */
export const lowerBound = (keys: Float64Array, value: number): number => {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}
