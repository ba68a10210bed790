/**
 * A set of SHA-256 digests that worker threads read without a copy: the digests as sorted 32-byte records in one
 * `SharedArrayBuffer`, looked up by binary search. `CfdiReaderPool.documents` hands it to every worker, so a file
 * whose bytes the caller already holds a document for (a parse cache) is hashed and not parsed again, whatever its
 * path or modification time.
 */

/** Bytes per digest. */
const DIGEST_BYTES = 32

/** SHA-256 digests, sorted by their bytes, in memory shared with worker threads (`postMessage` does not copy it). */
export interface DigestSet {
  /** `size` records of 32 bytes, ascending, no duplicates; backed by a `SharedArrayBuffer`. */
  readonly records: Uint8Array
  readonly size: number
}

const HEX = /^[0-9a-f]{64}$/

/** The 32 bytes of a lower-case hex SHA-256, or `undefined` when `hex` is not one. */
const bytesOf = (hex: string): Uint8Array | undefined =>
  HEX.test(hex) ? Buffer.from(hex, "hex") : undefined

/** Compares the digest at record `i` of `records` with `digest`: negative, zero or positive. */
const compareAt = (records: Uint8Array, i: number, digest: Uint8Array): number => {
  const at = i * DIGEST_BYTES
  for (let k = 0; k < DIGEST_BYTES; k++) {
    const d = records[at + k]! - digest[k]!
    if (d !== 0) return d
  }
  return 0
}

/** Whether every digest is valid and each is greater than the one before (then nothing is to sort). */
const strictlyAscending = (hexDigests: ReadonlyArray<string>): boolean => {
  for (let i = 0; i < hexDigests.length; i++) {
    if (!HEX.test(hexDigests[i]!) || (i > 0 && hexDigests[i - 1]! >= hexDigests[i]!)) return false
  }
  return true
}

/**
 * The set of the given lower-case hex SHA-256 digests (as `sha256Hex` writes them); anything else is left out, and
 * duplicates count once. O(n) when they come in ascending order (a query ordered by its primary key), else
 * O(n log n).
 */
export const makeDigestSet = (hexDigests: ReadonlyArray<string>): DigestSet => {
  // lower-case hex sorts as its bytes do
  const sorted = strictlyAscending(hexDigests)
    ? hexDigests
    : [...new Set(hexDigests)].filter((hex) => HEX.test(hex)).sort()
  const records = Buffer.from(new SharedArrayBuffer(sorted.length * DIGEST_BYTES))
  sorted.forEach((hex, i) => records.write(hex, i * DIGEST_BYTES, DIGEST_BYTES, "hex"))
  return { records: new Uint8Array(records.buffer), size: sorted.length }
}

/** Whether `set` holds the lower-case hex SHA-256 `hex`. O(log n). */
export const digestSetHas = (set: DigestSet, hex: string): boolean => {
  const digest = bytesOf(hex)
  if (digest === undefined) return false
  let lo = 0
  let hi = set.size
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const c = compareAt(set.records, mid, digest)
    if (c === 0) return true
    if (c < 0) lo = mid + 1
    else hi = mid
  }
  return false
}
