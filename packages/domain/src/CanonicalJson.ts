/**
 * Canonical JSON and SHA-256: the one implementation behind explanation and link ids (matching.md §7.11-7.12),
 * posting fingerprints (erp.md §5.1) and content hashes of files. Deterministic computation, not I/O.
 */
import * as BigDecimal from "effect/BigDecimal"
import { createHash } from "node:crypto"

const encode = (value: unknown): string | undefined => {
  if (value === null) return "null"
  switch (typeof value) {
    case "undefined":
    case "function":
    case "symbol":
      return undefined
    case "boolean":
      return value ? "true" : "false"
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null"
    case "bigint":
      return JSON.stringify(value.toString())
    case "string":
      return JSON.stringify(value)
  }
  if (BigDecimal.isBigDecimal(value)) return JSON.stringify(BigDecimal.format(BigDecimal.normalize(value)))
  if (Array.isArray(value)) return `[${value.map((item) => encode(item) ?? "null").join(",")}]`
  if (value instanceof Map) return encode(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])))
  if (value instanceof Set) {
    const items = [...value].map((item) => encode(item) ?? "null").sort()
    return `[${items.join(",")}]`
  }
  const record = value as Record<string, unknown>
  const parts: Array<string> = []
  for (const key of sortedKeys(record)) {
    const encoded = encode(record[key])
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`)
  }
  return `{${parts.join(",")}}`
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

// Records of one class usually have the same keys in the same order: remember the last sorted order per prototype.
interface KeyOrder {
  readonly keys: ReadonlyArray<string>
  readonly sorted: ReadonlyArray<string>
}

const lastOrder = new WeakMap<object, KeyOrder>()

const sortedKeys = (record: Record<string, unknown>): ReadonlyArray<string> => {
  const keys = Object.keys(record)
  const proto = Object.getPrototypeOf(record) as object | null
  if (proto === null) return keys.sort(byCodeUnit)
  const cached = lastOrder.get(proto)
  if (cached !== undefined && cached.keys.length === keys.length && cached.keys.every((key, i) => key === keys[i])) {
    return cached.sorted
  }
  const sorted = [...keys].sort(byCodeUnit)
  lastOrder.set(proto, { keys, sorted })
  return sorted
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped. `BigDecimal` values
 * and bigints become decimal strings (`"1250.5"`), `Map`s objects keyed by `String(key)`, `Set`s sorted arrays.
 * Schema classes encode as their fields. Equal values give byte-identical text.
 */
export const canonicalJson = (value: unknown): string => encode(value) ?? "null"

/** Lower-case hex SHA-256 of bytes, or of the UTF-8 text of a string or of all parts in order. */
export const sha256Hex = (data: Uint8Array | string | Iterable<string>): string => {
  const hash = createHash("sha256")
  if (typeof data === "string") hash.update(data, "utf8")
  else if (data instanceof Uint8Array) hash.update(data)
  else for (const part of data) hash.update(part, "utf8")
  return hash.digest("hex")
}
