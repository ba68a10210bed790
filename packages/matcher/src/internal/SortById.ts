/**
 * Sorting records by a string id in code-unit order (`a < b`), as the matcher's canonical orders need (matching.md
 * §7.12), without reading the id strings in most comparisons: the first 7 code units of each id are packed into an
 * exact number once (base 129, 0 = end of id, so a prefix sorts first), and strings are compared only on equal
 * prefixes or for ids with a code unit >= 128 among their first 7. The order is exactly that of comparing the ids.
 */

const prefixLength = 7
const base = 129

/** The packed prefix of an id, or -1 when one of its first 7 code units is >= 128. */
const packedPrefix = (id: string): number => {
  let key = 0
  for (let i = 0; i < prefixLength; i++) {
    const code = i < id.length ? id.charCodeAt(i) + 1 : 0
    if (code > 128) return -1
    key = key * base + code
  }
  return key
}

/**
 * A copy of `items` sorted by `idOf` in code-unit order; items with equal ids keep their relative order (stable).
 * O(n log n) comparisons, most on numbers.
 */
export const sortById = <A>(items: ReadonlyArray<A>, idOf: (item: A) => string): Array<A> => {
  const n = items.length
  const ids = new Array<string>(n)
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const id = idOf(items[i]!)
    ids[i] = id
    keys[i] = packedPrefix(id)
  }
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => {
    const ka = keys[a]!
    const kb = keys[b]!
    if (ka !== kb && ka >= 0 && kb >= 0) return ka - kb
    const ia = ids[a]!
    const ib = ids[b]!
    return ia < ib ? -1 : ia > ib ? 1 : a - b
  })
  return order.map((i) => items[i]!)
}
