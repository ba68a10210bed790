/**
 * Name similarity between a card descriptor and a document issuer name (matching.md §7.2 "Name similarity", §4.5).
 *
 * An IDF-weighted soft token score over normalised tokens: two tokens are equal when identical, when the shorter is
 * a prefix of the longer and has at least 5 characters, or when their Jaro-Winkler similarity is at least 0.92;
 * adjacent tokens may be joined (`WAL MART` = `WALMART`). Generic business words weigh 0.2, city names 0.15, other
 * tokens 1. `sim = 0.85 * coverage(smaller side) + 0.15 * weighted Dice`, capped at 0.40 when no distinctive
 * (weight 1) token is shared.
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
 * The token-equality rule of §7.2 with the character masks of both tokens: identical, a prefix of at least 5
 * characters, or Jaro-Winkler >= 0.92. Cheap rejections first: Jaro-Winkler >= 0.92 needs Jaro >= 0.867, hence
 * m / |a| + m / |b| >= 1.6 for the m matching characters, and m is at most the length minus the characters whose
 * letter is missing from the other token.
 */
const softEqual = (a: string, maskA: number, b: string, maskB: number): boolean => {
  if (a === b) return true
  const la = a.length
  const lb = b.length
  if (la <= lb ? la >= 5 && b.startsWith(a) : lb >= 5 && a.startsWith(b)) return true
  const upper = Math.min(la - popcount(maskA & ~maskB), lb - popcount(maskB & ~maskA))
  if (upper / la + upper / lb < 1.6 - 1e-9) return false
  return jaroWinkler(a, b) >= 0.92
}

/** The token-equality rule of §7.2: identical, a prefix of at least 5 characters, or Jaro-Winkler >= 0.92. */
export const softTokenEqual = (a: string, b: string): boolean => softEqual(a, characterMask(a), b, characterMask(b))

/** Options of `makeTokenWeigher`. */
export interface TokenWeigherOptions {
  readonly tables?: NameTables
  /** Tokens found generic in the tenant's own issuer names (see `corpusGenericTokens`). */
  readonly corpusGeneric?: ReadonlySet<string>
  readonly genericWeight: number
  readonly cityWeight: number
}

/**
 * A memoised weigher: generic words (seeded list, a prefix of at least 5 characters of a seeded word such as
 * `TECHNOLOG`, or corpus-generic) weigh `genericWeight`; city names `cityWeight`; everything else 1.
 */
export const makeTokenWeigher = (options: TokenWeigherOptions): TokenWeigher => {
  const tables = options.tables ?? nameTables
  const generic = new Set(tables.genericWords)
  const cities = new Set(tables.cityNames)
  const cache = new Map<string, number>()
  return (token) => {
    const cached = cache.get(token)
    if (cached !== undefined) return cached
    const isGeneric = generic.has(token) || options.corpusGeneric?.has(token) === true ||
      (token.length >= 5 && tables.genericWords.some((word) => word.startsWith(token)))
    const weight = isGeneric ? options.genericWeight : cities.has(token) ? options.cityWeight : distinctiveWeight
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

/** True when some token weighs as much as a distinctive token. */
export const hasDistinctiveToken = (tokens: ReadonlyArray<string>, weigh: TokenWeigher): boolean =>
  tokens.some((token) => weigh(token) >= distinctiveWeight)

/** A name prepared for comparison: tokens with their weights and adjacent joins. */
interface Profile {
  readonly tokens: ReadonlyArray<string>
  readonly weights: ReadonlyArray<number>
  /** `joins[i]` = tokens[i] + tokens[i + 1]. */
  readonly joins: ReadonlyArray<string>
  readonly masks: ReadonlyArray<number>
  readonly joinMasks: ReadonlyArray<number>
  readonly key: string
  readonly total: number
}

const profileOf = (tokens: ReadonlyArray<string>, weigh: TokenWeigher): Profile => {
  const weights = tokens.map(weigh)
  const joins = tokens.slice(1).map((token, i) => tokens[i]! + token)
  return {
    tokens,
    weights,
    joins,
    masks: tokens.map(characterMask),
    joinMasks: joins.map(characterMask),
    key: tokens.join(" "),
    total: weights.reduce((acc, w) => acc + w, 0)
  }
}

/** Running totals of one comparison. */
interface Tally {
  matchedA: number
  matchedB: number
  distinctiveShared: boolean
}


const matchSingles = (a: Profile, usedA: Uint8Array, b: Profile, usedB: Uint8Array, soft: boolean, tally: Tally) => {
  for (let i = 0; i < a.tokens.length; i++) {
    if (usedA[i]) continue
    for (let j = 0; j < b.tokens.length; j++) {
      if (usedB[j]) continue
      if (soft ? !softEqual(a.tokens[i]!, a.masks[i]!, b.tokens[j]!, b.masks[j]!) : a.tokens[i] !== b.tokens[j]) continue
      usedA[i] = 1
      usedB[j] = 1
      tally.matchedA += a.weights[i]!
      tally.matchedB += b.weights[j]!
      if (a.weights[i]! >= distinctiveWeight && b.weights[j]! >= distinctiveWeight) tally.distinctiveShared = true
      break
    }
  }
}

/** Joins of x matched against single tokens of y; `xIsA` says which tally side x is. */
const matchJoins = (
  x: Profile,
  usedX: Uint8Array,
  y: Profile,
  usedY: Uint8Array,
  soft: boolean,
  xIsA: boolean,
  tally: Tally
) => {
  for (let i = 0; i < x.joins.length; i++) {
    if (usedX[i] || usedX[i + 1]) continue
    for (let j = 0; j < y.tokens.length; j++) {
      if (usedY[j]) continue
      if (soft ? !softEqual(x.joins[i]!, x.joinMasks[i]!, y.tokens[j]!, y.masks[j]!) : x.joins[i] !== y.tokens[j]) continue
      usedX[i] = 1
      usedX[i + 1] = 1
      usedY[j] = 1
      const xWeight = x.weights[i]! + x.weights[i + 1]!
      const yWeight = y.weights[j]!
      tally.matchedA += xIsA ? xWeight : yWeight
      tally.matchedB += xIsA ? yWeight : xWeight
      if (Math.max(x.weights[i]!, x.weights[i + 1]!) >= distinctiveWeight && yWeight >= distinctiveWeight) {
        tally.distinctiveShared = true
      }
      break
    }
  }
}

const similarity = (a: Profile, b: Profile): number => {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0
  if (a.key > b.key) return similarity(b, a)
  const usedA = new Uint8Array(a.tokens.length)
  const usedB = new Uint8Array(b.tokens.length)
  const tally: Tally = { matchedA: 0, matchedB: 0, distinctiveShared: false }
  for (const soft of [false, true]) {
    matchSingles(a, usedA, b, usedB, soft, tally)
    matchJoins(a, usedA, b, usedB, soft, true, tally)
    matchJoins(b, usedB, a, usedA, soft, false, tally)
  }
  const coverageA = tally.matchedA / a.total
  const coverageB = tally.matchedB / b.total
  const coverage = a.total < b.total ? coverageA : b.total < a.total ? coverageB : Math.max(coverageA, coverageB)
  const dice = (tally.matchedA + tally.matchedB) / (a.total + b.total)
  const sim = 0.85 * coverage + 0.15 * dice
  return tally.distinctiveShared ? sim : Math.min(sim, 0.4)
}

/**
 * Similarity in [0, 1] of two normalised token lists (matching.md §7.2). Symmetric, deterministic.
 * `DISTRIBUIDORA PREZ` vs `DISTRIBUIDORA CRISTAL PREZ` = 0.96; `GRUPO GASOLINERA BERISA` vs `GASOLINERA GRUPO QL`
 * (only generic words shared) = 0.29.
 */
export const nameSimilarity = (a: ReadonlyArray<string>, b: ReadonlyArray<string>, weigh: TokenWeigher): number =>
  similarity(profileOf(a, weigh), profileOf(b, weigh))

/** Name comparisons of one run, memoised per pair of token lists (keyed by list identity). */
export interface NameMatcher {
  /** `nameSimilarity` of two token lists. */
  readonly similarity: (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => number
  /**
   * A cheap necessary condition for a similarity above 0.40: some distinctive token (or a join containing one) on
   * each side is softly equal. When false, the similarity is at most 0.40.
   */
  readonly mayShareDistinctive: (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => boolean
}

interface Keyed {
  readonly text: string
  readonly mask: number
}

interface CachedProfile extends Profile {
  readonly id: number
  readonly results: Map<number, number>
  readonly distinctiveTokens: ReadonlyArray<Keyed>
  readonly distinctiveJoins: ReadonlyArray<Keyed>
}

const anyEqual = (xs: ReadonlyArray<Keyed>, ys: ReadonlyArray<Keyed>): boolean => {
  for (const x of xs) for (const y of ys) if (softEqual(x.text, x.mask, y.text, y.mask)) return true
  return false
}

/** A memoised `NameMatcher` for one run; token lists should be shared (memoised) arrays. */
export const makeNameMatcher = (weigh: TokenWeigher): NameMatcher => {
  const profiles = new Map<ReadonlyArray<string>, CachedProfile>()
  const profile = (tokens: ReadonlyArray<string>): CachedProfile => {
    let found = profiles.get(tokens)
    if (found === undefined) {
      const base = profileOf(tokens, weigh)
      const distinctive = (i: number) => base.weights[i]! >= distinctiveWeight
      found = {
        ...base,
        id: profiles.size,
        results: new Map(),
        distinctiveTokens: tokens.flatMap((text, i) => (distinctive(i) ? [{ text, mask: base.masks[i]! }] : [])),
        distinctiveJoins: base.joins.flatMap((text, i) =>
          distinctive(i) || distinctive(i + 1) ? [{ text, mask: base.joinMasks[i]! }] : []
        )
      }
      profiles.set(tokens, found)
    }
    return found
  }
  return {
    similarity: (a, b) => {
      const pa = profile(a)
      const pb = profile(b)
      let result = pa.results.get(pb.id)
      if (result === undefined) {
        result = similarity(pa, pb)
        pa.results.set(pb.id, result)
      }
      return result
    },
    mayShareDistinctive: (a, b) => {
      const pa = profile(a)
      const pb = profile(b)
      return anyEqual(pa.distinctiveTokens, pb.distinctiveTokens) ||
        anyEqual(pa.distinctiveJoins, pb.distinctiveTokens) || anyEqual(pb.distinctiveJoins, pa.distinctiveTokens)
    }
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
