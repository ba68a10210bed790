/**
 * Canonical JSON and SHA-256 helpers for explanations, link ids and engine hashes (matching.md §7.11, §7.12).
 * Hashing is deterministic computation, not I/O.
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
  if (value instanceof Map) {
    return encodeEntries([...value.entries()].map(([k, v]) => [String(k), v] as const))
  }
  if (value instanceof Set) {
    const items = [...value].map((item) => encode(item) ?? "null").sort()
    return `[${items.join(",")}]`
  }
  return encodeEntries(Object.entries(value as Record<string, unknown>))
}

const encodeEntries = (entries: ReadonlyArray<readonly [string, unknown]>): string => {
  const parts: Array<string> = []
  for (const [key, item] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const encoded = encode(item)
    if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`)
  }
  return `{${parts.join(",")}}`
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped. `BigDecimal` values
 * and bigints become decimal strings (`"1250.5"`), `Map`s objects keyed by `String(key)`, `Set`s sorted arrays.
 * Schema classes encode as their fields. Equal values give byte-identical text.
 */
export const canonicalJson = (value: unknown): string => encode(value) ?? "null"

/** Lower-case hex SHA-256 of the UTF-8 text of all parts, in order. */
export const sha256Hex = (parts: string | Iterable<string>): string => {
  const hash = createHash("sha256")
  for (const part of typeof parts === "string" ? [parts] : parts) hash.update(part, "utf8")
  return hash.digest("hex")
}
