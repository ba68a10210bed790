/**
 * Canonical JSON and SHA-256: the one implementation behind explanation and link ids (matching.md §7.11-7.12),
 * posting fingerprints (erp.md §5.1) and content hashes of files. Deterministic computation, not I/O.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Crypto from "node:crypto"

// The encoder appends to one string (`out`) instead of building and joining arrays of parts: V8 keeps the appends as
// a rope and flattens it once. `canonicalJson` saves and restores `out`, so a nested call cannot mix outputs.
let out = ""

/** Whether a value is dropped from objects (and becomes `null` in arrays and at the top). */
const skipped = (value: unknown): boolean => {
  const type = typeof value
  return type === "undefined" || type === "function" || type === "symbol"
}

/**
 * Whether `JSON.stringify` would only add quotes around a string: no quote, backslash, control character (< U+0020) nor
 * surrogate code unit (well-formed `JSON.stringify` escapes lone ones; this leaves pairs to it too).
 */
const plain = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false
  }
  return true
}

/** Appends the canonical JSON of a value that is not `skipped`. */
const write = (value: unknown): void => {
  if (value === null) {
    out += "null"
    return
  }
  switch (typeof value) {
    case "boolean":
      out += value ? "true" : "false"
      return
    case "number":
      // For finite numbers `JSON.stringify` is `Number.prototype.toString` (-0 gives "0" both ways).
      out += Number.isFinite(value) ? `${value}` : "null"
      return
    case "bigint":
      // Decimal digits and "-" need no escaping.
      out += `"${value}"`
      return
    case "string":
      out += plain(value) ? `"${value}"` : JSON.stringify(value)
      return
  }
  if (BigDecimal.isBigDecimal(value)) {
    // Digits, "-", "." and exponent marks ("1e+21"): nothing to escape.
    out += `"${BigDecimal.format(BigDecimal.normalize(value))}"`
    return
  }
  if (Array.isArray(value)) {
    out += "["
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ","
      const item: unknown = value[i]
      if (skipped(item)) out += "null"
      else write(item)
    }
    out += "]"
    return
  }
  if (value instanceof Map) {
    writeRecord(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])) as Record<string, unknown>)
    return
  }
  if (value instanceof Set) {
    const items = [...value].map((item) => canonicalJson(item)).sort()
    out += `[${items.join(",")}]`
    return
  }
  writeRecord(value as Record<string, unknown>)
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** One object shape: its own keys in `Object.keys` order, and the sorted keys with their encoded prefixes. */
interface Shape {
  readonly keys: ReadonlyArray<string>
  readonly sorted: ReadonlyArray<string>
  /** `"key":` per sorted key. */
  readonly first: ReadonlyArray<string>
  /** `,"key":` per sorted key. */
  readonly next: ReadonlyArray<string>
}

const makeShape = (keys: ReadonlyArray<string>): Shape => {
  const sorted = [...keys].sort(byCodeUnit)
  const first = sorted.map((key) => `${JSON.stringify(key)}:`)
  return { keys, sorted, first, next: first.map((prefix) => `,${prefix}`) }
}

// Records of one class have one or a few shapes (optional fields present or absent): the last few per prototype.
const shapesOf = new WeakMap<object, Array<Shape>>()
const maxShapes = 8

const sameKeys = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const shapeOf = (record: object): Shape => {
  const keys = Object.keys(record)
  const proto = Object.getPrototypeOf(record) as object | null
  if (proto === null) return makeShape(keys)
  let shapes = shapesOf.get(proto)
  if (shapes === undefined) {
    shapes = []
    shapesOf.set(proto, shapes)
  }
  for (let i = 0; i < shapes.length; i++) {
    const shape = shapes[i]!
    if (sameKeys(shape.keys, keys)) return shape
  }
  const shape = makeShape(keys)
  if (shapes.length >= maxShapes) shapes.pop()
  shapes.unshift(shape)
  return shape
}

const writeRecord = (record: Record<string, unknown>): void => {
  const shape = shapeOf(record)
  const { first, next, sorted } = shape
  out += "{"
  let empty = true
  for (let i = 0; i < sorted.length; i++) {
    const member: unknown = record[sorted[i]!]
    if (skipped(member)) continue
    out += empty ? first[i]! : next[i]!
    empty = false
    write(member)
  }
  out += "}"
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped. `BigDecimal` values
 * and bigints become decimal strings (`"1250.5"`), `Map`s objects keyed by `String(key)`, `Set`s sorted arrays.
 * Schema classes encode as their fields. Equal values give byte-identical text.
 */
export const canonicalJson = (value: unknown): string => {
  if (skipped(value)) return "null"
  const saved = out
  out = ""
  try {
    write(value)
    return out
  } finally {
    out = saved
  }
}

const oneShot = typeof Crypto.hash === "function" ? Crypto.hash : undefined

/** Lower-case hex SHA-256 of bytes, or of the UTF-8 text of a string or of all parts in order. */
export const sha256Hex = (data: Uint8Array | string | Iterable<string>): string => {
  // One-shot `crypto.hash` (Node >= 20.12) for a string: the same digest without a Hash object per call.
  if (typeof data === "string" && oneShot !== undefined) return oneShot("sha256", data, "hex")
  const hash = Crypto.createHash("sha256")
  if (typeof data === "string") hash.update(data, "utf8")
  else if (data instanceof Uint8Array) hash.update(data)
  else for (const part of data) hash.update(part, "utf8")
  return hash.digest("hex")
}
