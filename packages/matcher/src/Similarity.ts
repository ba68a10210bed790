/**
 * Name similarity between a card descriptor and a document issuer name (matching.md §7.2 "Name similarity", §4.5).
 *
 * An IDF-weighted soft token score over normalised tokens: two tokens are equal when identical, when the shorter is
 * a prefix of the longer and has at least 5 characters, or when their Jaro-Winkler similarity is at least 0.92;
 * adjacent tokens may be joined (`WAL MART` = `WALMART`). Once a distinctive token is shared, distinctive tokens
 * left over may match as abbreviations (`EJEC` of `EJECUTIVOS`, `RAP` of `RAPIDOS`: card networks print at most 22
 * characters), credited at `abbreviationCredit` of a full match. Generic business words weigh 0.2, city names and
 * compass words 0.15, descriptor product noise 0.05, other tokens 1. `sim = 0.85 * coverage(smaller side) +
 * 0.15 * weighted Dice`, capped at 0.40 when no distinctive (weight 1) token is shared.
 */
import { type NameTables, nameTables } from "./NameTables.js"

/** Weight of a token in the similarity: 1 distinctive, lower for generic words and city names. */
export type TokenWeigher = (token: string) => number

/** Weight of a distinctive token. */
export const distinctiveWeight = 1

// Reused match flags (single-threaded, fully reset on each call): no allocation per comparison.
let scratchA = new Uint8Array(64)
let scratchB = new Uint8Array(64)

/**
 * Jaro-Winkler similarity in [0, 1] (Winkler's prefix scale 0.1, prefix up to 4 characters).
 * `jaroWinkler("MARTHA", "MARHTA")` = 0.961.
 */

export const jaroWinkler = (a: string, b: string): number => {
  if (a === b) return 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1)
  if (scratchA.length < la) scratchA = new Uint8Array(la * 2)
  if (scratchB.length < lb) scratchB = new Uint8Array(lb * 2)
  const matchedA = scratchA.fill(0, 0, la)
  const matchedB = scratchB.fill(0, 0, lb)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window)
    const to = Math.min(lb - 1, i + window)
    for (let j = from; j <= to; j++) {
      if (matchedB[j] === 0 && a.charCodeAt(i) === b.charCodeAt(j)) {
        matchedA[i] = 1
        matchedB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue
    while (matchedB[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3
  let prefix = 0
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

/** A 27-bit set of the characters of a token: one bit per letter A-Z, one for any other character. */
export const characterMask = (token: string): number => {
  let mask = 0
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i) - 65
    mask |= code >= 0 && code < 26 ? 1 << code : 1 << 26
  }
  return mask
}

const popcount = (x: number): number => {
  let n = x - ((x >>> 1) & 0x55555555)
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333)
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/**
 * The token-equality rule of §7.2 on prepared tokens (text, interned id, character mask, length): identical, a
 * prefix of at least 5 characters, or Jaro-Winkler >= 0.92. The text is read only when cheap bounds pass: a prefix
 * needs the shorter token's characters to be a subset of the longer's; Jaro-Winkler >= 0.92 needs Jaro >= 0.867,
 * hence m / |a| + m / |b| >= 1.6 for the m matching characters, and m is at most the length minus the characters
 * whose letter is missing from the other token.
 */
const softEqual = (
  a: string,
  idA: number,
  maskA: number,
  la: number,
  b: string,
  idB: number,
  maskB: number,
  lb: number
): boolean => {
  if (idA === idB) return true
  const onlyA = maskA & ~maskB
  const onlyB = maskB & ~maskA
  if (la <= lb ? la >= 5 && onlyA === 0 && b.startsWith(a) : lb >= 5 && onlyB === 0 && a.startsWith(b)) return true
  const upper = Math.min(la - popcount(onlyA), lb - popcount(onlyB))
  if (upper / la + upper / lb < 1.6 - 1e-9) return false
  return jaroWinkler(a, b) >= 0.92
}

/** The token-equality rule of §7.2: identical, a prefix of at least 5 characters, or Jaro-Winkler >= 0.92. */
export const softTokenEqual = (a: string, b: string): boolean =>
  a === b || softEqual(a, -1, characterMask(a), a.length, b, -2, characterMask(b), b.length)

/** Credit of an abbreviation match, as a share of the weights a full match would credit. */
export const abbreviationCredit = 0.8

// Bit of `characterMask` for characters other than A-Z.
const nonLetter = 1 << 26

const isSubsequence = (short: string, long: string): boolean => {
  let j = 0
  for (let i = 0; i < short.length; i++) {
    const code = short.charCodeAt(i)
    while (j < long.length && long.charCodeAt(j) !== code) j++
    if (j === long.length) return false
    j++
  }
  return true
}

/**
 * The abbreviation rule on prepared tokens: both are letters only, the shorter has at least 3 letters and at most
 * 70 % of the longer's length, starts with the same letter and is a subsequence of it.
 */
const abbreviates = (short: string, maskS: number, long: string, maskL: number): boolean =>
  short.length >= 3 && short.length * 10 <= long.length * 7 && short.charCodeAt(0) === long.charCodeAt(0) &&
  ((maskS | maskL) & nonLetter) === 0 && (maskS & ~maskL) === 0 && isSubsequence(short, long)

/**
 * Whether one token abbreviates the other (either order): letters only, the shorter of at least 3 letters and at
 * most 70 % of the longer's length, the same first letter, and the shorter's letters in order in the longer:
 * `ABTS`/`ABARROTES`, `NTE`/`NORTE`, `COMB`/`COMBUSTIBLES` yes; `WAL`/`WALMART` yes; `NORTE`/`NORESTE` no (too long).
 * The similarity applies it only between distinctive tokens left over once a distinctive token is fully shared.
 */
export const isAbbreviation = (a: string, b: string): boolean =>
  a.length <= b.length
    ? abbreviates(a, characterMask(a), b, characterMask(b))
    : abbreviates(b, characterMask(b), a, characterMask(a))

/** Options of `makeTokenWeigher`. */
export interface TokenWeigherOptions {
  readonly tables?: NameTables
  /** Tokens found generic in the tenant's own issuer names (see `corpusGenericTokens`). */
  readonly corpusGeneric?: ReadonlySet<string>
  readonly genericWeight: number
  readonly cityWeight: number
  readonly noiseWeight: number
}

/**
 * A memoised weigher: descriptor product noise (`CLOUD`, `SUBSCR`) weighs `noiseWeight`; generic words (seeded
 * list, a prefix of at least 5 characters of a seeded word such as `TECHNOLOG`, or corpus-generic) `genericWeight`;
 * city names and compass words `cityWeight`; everything else 1.
 */
export const makeTokenWeigher = (options: TokenWeigherOptions): TokenWeigher => {
  const tables = options.tables ?? nameTables
  const noise = new Set(tables.noiseWords)
  const generic = new Set(tables.genericWords)
  const cities = new Set(tables.cityNames)
  const cache = new Map<string, number>()
  return (token) => {
    const cached = cache.get(token)
    if (cached !== undefined) return cached
    const isGeneric = generic.has(token) || options.corpusGeneric?.has(token) === true ||
      (token.length >= 5 && tables.genericWords.some((word) => word.startsWith(token)))
    const weight = noise.has(token)
      ? options.noiseWeight
      : isGeneric
      ? options.genericWeight
      : cities.has(token)
      ? options.cityWeight
      : distinctiveWeight
    cache.set(token, weight)
    return weight
  }
}

/**
 * Tokens that appear in at least `minNames` distinct names and in at least `sharePermille` per mille of them:
 * the tenant-IDF part of the generic list. Order-independent.
 */
export const corpusGenericTokens = (
  names: Iterable<ReadonlyArray<string>>,
  minNames: number,
  sharePermille: number
): ReadonlySet<string> => {
  const distinct = new Set<string>()
  const frequency = new Map<string, number>()
  for (const tokens of names) {
    const key = tokens.join(" ")
    if (tokens.length === 0 || distinct.has(key)) continue
    distinct.add(key)
    for (const token of new Set(tokens)) frequency.set(token, (frequency.get(token) ?? 0) + 1)
  }
  const result = new Set<string>()
  for (const [token, count] of frequency) {
    if (count >= minNames && count * 1000 >= sharePermille * distinct.size) result.add(token)
  }
  return result
}

/** A name prepared for comparison once per run: tokens and adjacent joins with interned ids, masks, lengths. */
export interface NameProfile {
  /** Interned id of `key`: profiles with the same id have the same tokens, hence the same similarities. */
  readonly id: number
  readonly tokens: ReadonlyArray<string>
  readonly ids: ReadonlyArray<number>
  readonly masks: ReadonlyArray<number>
  readonly lengths: ReadonlyArray<number>
  readonly weights: ReadonlyArray<number>
  /** `joins[i]` = tokens[i] + tokens[i + 1]. */
  readonly joins: ReadonlyArray<string>
  readonly joinIds: ReadonlyArray<number>
  readonly joinMasks: ReadonlyArray<number>
  readonly joinLengths: ReadonlyArray<number>
  /** Tokens joined by spaces; `order` is its first two characters, for a quick canonical order. */
  readonly key: string
  readonly order: number
  readonly total: number
  /** Some token is distinctive. */
  readonly distinctive: boolean
  /**
   * Quick-test fields of the tokens, then of the joins, 4 integers each: interned id, character mask, length, and
   * a hash of the first 5 characters (-1 when shorter), for `mayShareToken`.
   */
  readonly quick: Int32Array
}

/** Maps each distinct string to a small integer, so equal tokens compare as integers. */
export type Interner = (text: string) => number

/** A fresh interner. */
export const makeInterner = (): Interner => {
  const ids = new Map<string, number>()
  return (text) => {
    let id = ids.get(text)
    if (id === undefined) {
      id = ids.size
      ids.set(text, id)
    }
    return id
  }
}

/** Prepares a token list for comparison; profiles compared with each other must share the interner. */
export const profileName = (tokens: ReadonlyArray<string>, weigh: TokenWeigher, intern: Interner): NameProfile => {
  const weights = tokens.map(weigh)
  const joins = tokens.slice(1).map((token, i) => tokens[i]! + token)
  const key = tokens.join(" ")
  const quick = new Int32Array(4 * (tokens.length + joins.length))
  ;[...tokens, ...joins].forEach((text, i) => {
    quick[4 * i] = intern(text)
    quick[4 * i + 1] = characterMask(text)
    quick[4 * i + 2] = text.length
    quick[4 * i + 3] = text.length < 5 ? -1 : firstFiveHash(text)
  })
  return {
    id: intern(key),
    tokens,
    ids: tokens.map(intern),
    masks: tokens.map(characterMask),
    lengths: tokens.map((token) => token.length),
    weights,
    joins,
    joinIds: joins.map(intern),
    joinMasks: joins.map(characterMask),
    joinLengths: joins.map((join) => join.length),
    key,
    order: (key.charCodeAt(0) || 0) * 65536 + (key.charCodeAt(1) || 0),
    total: weights.reduce((acc, w) => acc + w, 0),
    distinctive: weights.some((w) => w >= distinctiveWeight),
    quick
  }
}

const firstFiveHash = (text: string): number => {
  let hash = 0
  for (let i = 0; i < 5; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0
  return hash & 0x7fffffff
}

/**
 * Whether some entry in [xFrom, xTo) of `x` (token or join quick fields) may equal some entry in [yFrom, yTo) of `y`
 * (tokens) under the §7.2 rule: the same id, the same first 5 characters (a prefix of at least 5 characters), or
 * the character-mask bound of Jaro-Winkler >= 0.92 that `softEqual` applies. A necessary condition only.
 */
const mayMatch = (x: Int32Array, xFrom: number, xTo: number, y: Int32Array, yFrom: number, yTo: number): boolean => {
  for (let i = xFrom; i < xTo; i++) {
    const id = x[4 * i]!
    const maskA = x[4 * i + 1]!
    const la = x[4 * i + 2]!
    const five = x[4 * i + 3]!
    for (let j = yFrom; j < yTo; j++) {
      if (y[4 * j] === id) return true
      if (five !== -1 && y[4 * j + 3] === five) return true
      const maskB = y[4 * j + 1]!
      const lb = y[4 * j + 2]!
      const upper = Math.min(la - popcount(maskA & ~maskB), lb - popcount(maskB & ~maskA))
      if (!(upper / la + upper / lb < 1.6 - 1e-9)) return true
    }
  }
  return false
}

/**
 * Whether two profiles may share a token under the §7.2 rule (a token or a join of one side equal to a token of
 * the other): when not, their similarity is 0. A necessary condition, on integers only.
 */
export const mayShareToken = (a: NameProfile, b: NameProfile): boolean =>
  mayShareTokenWith(a, b.quick, 0, b.tokens.length, b.joins.length)

/**
 * `mayShareToken` of `a` and a profile whose quick fields (`NameProfile.quick`: `tokens` entries then `joins`
 * entries, 4 integers each) start at integer `start` of `pool`.
 */
export const mayShareTokenWith = (
  a: NameProfile,
  pool: Int32Array,
  start: number,
  tokens: number,
  joins: number
): boolean => {
  const na = a.tokens.length
  const from = start >> 2
  return mayMatch(a.quick, 0, na + a.joins.length, pool, from, from + tokens) ||
    mayMatch(pool, from + tokens, from + tokens + joins, a.quick, 0, na)
}

/** A memoised `profileName` for one run (keyed by token-list identity: pass memoised lists). */
export const makeProfiler = (weigh: TokenWeigher): (tokens: ReadonlyArray<string>) => NameProfile => {
  const profiles = new Map<ReadonlyArray<string>, NameProfile>()
  const intern = makeInterner()
  return (tokens) => {
    let found = profiles.get(tokens)
    if (found === undefined) {
      found = profileName(tokens, weigh, intern)
      profiles.set(tokens, found)
    }
    return found
  }
}

/** Token i of a profile equals token j of another under the §7.2 rule. */
const tokenEqual = (a: NameProfile, i: number, b: NameProfile, j: number, soft: boolean): boolean =>
  soft
    ? softEqual(
      a.tokens[i]!,
      a.ids[i]!,
      a.masks[i]!,
      a.lengths[i]!,
      b.tokens[j]!,
      b.ids[j]!,
      b.masks[j]!,
      b.lengths[j]!
    )
    : a.ids[i] === b.ids[j]

/** Join i of a profile equals token j of another under the §7.2 rule. */
const joinEqual = (x: NameProfile, i: number, y: NameProfile, j: number, soft: boolean): boolean =>
  soft
    ? softEqual(
      x.joins[i]!,
      x.joinIds[i]!,
      x.joinMasks[i]!,
      x.joinLengths[i]!,
      y.tokens[j]!,
      y.ids[j]!,
      y.masks[j]!,
      y.lengths[j]!
    )
    : x.joinIds[i] === y.ids[j]

// Reused match flags and totals (single-threaded; reset at the start of each comparison): no allocation per call.
let usedA = new Uint8Array(32)
let usedB = new Uint8Array(32)
let matchedA = 0
let matchedB = 0
let distinctiveShared = false

const matchSingles = (a: NameProfile, b: NameProfile, soft: boolean): void => {
  for (let i = 0; i < a.tokens.length; i++) {
    if (usedA[i]) continue
    for (let j = 0; j < b.tokens.length; j++) {
      if (usedB[j]) continue
      if (!tokenEqual(a, i, b, j, soft)) continue
      usedA[i] = 1
      usedB[j] = 1
      matchedA += a.weights[i]!
      matchedB += b.weights[j]!
      if (a.weights[i]! >= distinctiveWeight && b.weights[j]! >= distinctiveWeight) distinctiveShared = true
      break
    }
  }
}

/** Joins of x matched against single tokens of y; `xIsA` says which side x is. */
const matchJoins = (x: NameProfile, y: NameProfile, soft: boolean, xIsA: boolean): void => {
  const usedX = xIsA ? usedA : usedB
  const usedY = xIsA ? usedB : usedA
  for (let i = 0; i < x.joins.length; i++) {
    if (usedX[i] || usedX[i + 1]) continue
    for (let j = 0; j < y.tokens.length; j++) {
      if (usedY[j]) continue
      if (!joinEqual(x, i, y, j, soft)) continue
      usedX[i] = 1
      usedX[i + 1] = 1
      usedY[j] = 1
      const xWeight = x.weights[i]! + x.weights[i + 1]!
      const yWeight = y.weights[j]!
      matchedA += xIsA ? xWeight : yWeight
      matchedB += xIsA ? yWeight : xWeight
      if (Math.max(x.weights[i]!, x.weights[i + 1]!) >= distinctiveWeight && yWeight >= distinctiveWeight) {
        distinctiveShared = true
      }
      break
    }
  }
}

/**
 * Distinctive tokens left unmatched that abbreviate each other, credited at `abbreviationCredit`. Run only once a
 * distinctive token is fully shared: an abbreviation completes a match, it never starts one (`SAN` abbreviates
 * `SANBORNS`, yet `TACOS SAN JUAN` is not `SANBORNS HERMANOS`).
 */
const matchAbbreviations = (a: NameProfile, b: NameProfile): void => {
  for (let i = 0; i < a.tokens.length; i++) {
    if (usedA[i] || a.weights[i]! < distinctiveWeight) continue
    for (let j = 0; j < b.tokens.length; j++) {
      if (usedB[j] || b.weights[j]! < distinctiveWeight) continue
      const la = a.lengths[i]!
      const lb = b.lengths[j]!
      const match = la <= lb
        ? abbreviates(a.tokens[i]!, a.masks[i]!, b.tokens[j]!, b.masks[j]!)
        : abbreviates(b.tokens[j]!, b.masks[j]!, a.tokens[i]!, a.masks[i]!)
      if (!match) continue
      usedA[i] = 1
      usedB[j] = 1
      matchedA += abbreviationCredit * a.weights[i]!
      matchedB += abbreviationCredit * b.weights[j]!
      break
    }
  }
}

/** `nameSimilarity` of two profiles. */
export const profileSimilarity = (a: NameProfile, b: NameProfile): number => {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0
  // No token nor join can match: no weight is matched, and the similarity is 0 (the common case between the names of
  // different merchants).
  if (!mayShareToken(a, b)) return 0
  if (a.order > b.order || (a.order === b.order && a.key > b.key)) return profileSimilarity(b, a)
  if (usedA.length < a.tokens.length) usedA = new Uint8Array(a.tokens.length * 2)
  if (usedB.length < b.tokens.length) usedB = new Uint8Array(b.tokens.length * 2)
  usedA.fill(0, 0, a.tokens.length)
  usedB.fill(0, 0, b.tokens.length)
  matchedA = 0
  matchedB = 0
  distinctiveShared = false
  for (let pass = 0; pass < 2; pass++) {
    const soft = pass === 1
    matchSingles(a, b, soft)
    matchJoins(a, b, soft, true)
    matchJoins(b, a, soft, false)
  }
  if (distinctiveShared) matchAbbreviations(a, b)
  const coverageA = matchedA / a.total
  const coverageB = matchedB / b.total
  const coverage = a.total < b.total ? coverageA : b.total < a.total ? coverageB : Math.max(coverageA, coverageB)
  const dice = (matchedA + matchedB) / (a.total + b.total)
  const sim = 0.85 * coverage + 0.15 * dice
  return distinctiveShared ? sim : Math.min(sim, 0.4)
}

/**
 * Similarity in [0, 1] of two normalised token lists (matching.md §7.2). Symmetric, deterministic.
 * `DISTRIBUIDORA PREZ` vs `DISTRIBUIDORA CRISTAL PREZ` = 0.96; `GRUPO GASOLINERA BERISA` vs `GASOLINERA GRUPO QL`
 * (only generic words shared) = 0.29.
 */
export const nameSimilarity = (a: ReadonlyArray<string>, b: ReadonlyArray<string>, weigh: TokenWeigher): number => {
  const intern = makeInterner()
  return profileSimilarity(profileName(a, weigh, intern), profileName(b, weigh, intern))
}

/**
 * `profileSimilarity` behind a fixed-size direct-mapped cache keyed by the ordered pair of profile ids, for one run
 * (profiles from one profiler). Names repeat (one merchant, many charges), so the pairs that recur are compared
 * once; pairs seen once (the coincidental same-amount candidates of a dense run) cost no lasting memory: a slot is
 * simply overwritten. 2^16 slots in typed arrays, so a look-up allocates nothing and the heap does not grow with the
 * number of candidates. Results are the same with or without the cache.
 */
export const makeSimilarityMemo = (): (a: NameProfile, b: NameProfile) => number => {
  const bits = 16
  const keysA = new Int32Array(1 << bits).fill(-1)
  const keysB = new Int32Array(1 << bits)
  const values = new Float64Array(1 << bits)
  return (a, b) => {
    // Most pairs of a dense run share no token: answered without touching the cache.
    if (!mayShareToken(a, b)) return 0
    const slot = (Math.imul(a.id, 0x9e3779b1) ^ Math.imul(b.id + 0x7f4a7c15, 0x85ebca77)) >>> (32 - bits)
    if (keysA[slot] === a.id && keysB[slot] === b.id) return values[slot]!
    const sim = profileSimilarity(a, b)
    keysA[slot] = a.id
    keysB[slot] = b.id
    values[slot] = sim
    return sim
  }
}

/**
 * Blocking keys of a name for candidate generation: the first 4 characters of each distinctive token, and of its
 * join with the next token when it is shorter than 4 (`WAL MART` -> `WAL`, `WALM`). Two names whose distinctive
 * tokens are identical, prefixes of at least 5 characters, or joined spellings (`WALMART`) share a key.
 */
export const nameKeys = (tokens: ReadonlyArray<string>, weigh: TokenWeigher): ReadonlyArray<string> => {
  const keys = new Set<string>()
  tokens.forEach((token, i) => {
    if (weigh(token) < distinctiveWeight) return
    keys.add(token.slice(0, 4))
    const next = tokens[i + 1]
    if (token.length < 4 && next !== undefined) keys.add((token + next).slice(0, 4))
  })
  return [...keys]
}
