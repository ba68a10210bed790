/**
 * Candidate generation by index (matching.md §7.3 step 2, §4.1): clusters are bucketed by issue week and sorted by
 * amount key (minor units); a transaction looks only at the weeks inside its date window and, in each, at the
 * amount bands it can match; identity blocks (name keys, RFC, Clara attachment, uploader) add the candidates that
 * weak amount classes need. Never all pairs.
 */
import type { EvidenceCluster } from "./Clusters.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import { lowerBound } from "./internal/LowerBound.js"
import type { TransactionView } from "./Prepared.js"
import { buildClusterTable, chargeFields, quickReject } from "./QuickReject.js"
import { compareEdges, type ScoredEdge, scoreEdge, type ScoringContext } from "./Scoring.js"
import { type NameProfile, nameKeys, type TokenWeigher } from "./Similarity.js"

interface Bucket {
  readonly keys: Float64Array
  readonly clusters: Int32Array
}

/**
 * The amount-sorted buckets of one currency (or name key), by week: `dense[w - first]` when the weeks are dense
 * enough, else `sparse.get(w)` (documents with far-apart dates).
 */
interface Weeks {
  readonly first: number
  readonly dense: ReadonlyArray<Bucket | undefined> | undefined
  readonly sparse: ReadonlyMap<number, Bucket> | undefined
}

const bucketAt = (weeks: Weeks, w: number): Bucket | undefined =>
  weeks.dense !== undefined ? weeks.dense[w - weeks.first] : weeks.sparse!.get(w)

/** currency -> weeks of amount-sorted buckets. */
type SubIndex = ReadonlyMap<string, Weeks>

/** The entries of one name key, all weeks together, sorted by amount key (then week, then cluster). */
interface NameBlock {
  readonly keys: Float64Array
  readonly weeks: Int32Array
  readonly clusters: Int32Array
}

/** `"<currency> <name key>"` -> its entries. */
type NameIndex = ReadonlyMap<string, NameBlock>

/**
 * The index. Amount keys are exact integers (minor units below 2^53, held as numbers for speed; scoring re-checks
 * every candidate with bigint arithmetic). `direct` holds every member total (and a receipt's total - tip) in its
 * own currency; `converted` the MXN value of foreign CFDIs (`TipoCambio`); both by currency, then week. `byName`
 * holds member totals under `"<currency> <name key>"`, all weeks in one amount-sorted block with each entry's week
 * (`byNameTipped` only those of clusters carrying a tip), so the name block is searched by amount window too. The
 * other identity blocks (RFC, Clara attachment, uploader) are plain lists.
 */
export interface CandidateIndex {
  readonly direct: SubIndex
  readonly converted: SubIndex
  readonly byName: NameIndex
  readonly byNameTipped: NameIndex
  readonly byRfc: ReadonlyMap<string, ReadonlyArray<number>>
  readonly byAttachedTransaction: ReadonlyMap<string, ReadonlyArray<number>>
  readonly byUploader: ReadonlyMap<string, ReadonlyArray<number>>
  /** First and last member day of each cluster. */
  readonly firstDay: Int32Array
  readonly lastDay: Int32Array
  /** Member currencies and totals (minor units as numbers) of each cluster, for the weak-amount filter. */
  readonly totals: ReadonlyArray<ReadonlyArray<readonly [currency: string, total: number]>>
  /** 1 where some member carries a tip (tips plausible). */
  readonly tipped: Uint8Array
  readonly clusterCount: number
}

/** The edges of a run and their adjacency. */
export interface EdgeGraph {
  /** All edges, in transaction order, each transaction's edges best first (`compareEdges`). */
  readonly edges: ReadonlyArray<ScoredEdge>
  readonly byTx: ReadonlyArray<ReadonlyArray<ScoredEdge>>
  readonly byCluster: ReadonlyArray<ReadonlyArray<ScoredEdge>>
}

/** The edges `keep` accepts, in the same order. */
export const restrictGraph = (graph: EdgeGraph, keep: (edge: ScoredEdge) => boolean): EdgeGraph => ({
  edges: graph.edges.filter(keep),
  byTx: graph.byTx.map((list) => list.filter(keep)),
  byCluster: graph.byCluster.map((list) => list.filter(keep))
})

const week = (day: number): number => Math.floor(day / 7)

/** Collects (name group, week, amount key, cluster) entries, then builds the name index. */
class NameIndexBuilder {
  private readonly groups = new Map<string, { keys: Array<number>; weeks: Array<number>; clusters: Array<number> }>()

  add(group: string, w: number, key: number, cluster: number): void {
    let list = this.groups.get(group)
    if (list === undefined) this.groups.set(group, list = { keys: [], weeks: [], clusters: [] })
    list.keys.push(key)
    list.weeks.push(w)
    list.clusters.push(cluster)
  }

  build(): NameIndex {
    const index = new Map<string, NameBlock>()
    for (const [group, list] of this.groups) {
      const order = Int32Array.from(list.keys, (_, i) => i)
      order.sort((a, b) =>
        list.keys[a]! - list.keys[b]! || list.weeks[a]! - list.weeks[b]! || list.clusters[a]! - list.clusters[b]!
      )
      index.set(group, {
        keys: Float64Array.from(order, (i) => list.keys[i]!),
        weeks: Int32Array.from(order, (i) => list.weeks[i]!),
        clusters: Int32Array.from(order, (i) => list.clusters[i]!)
      })
    }
    return index
  }
}

/** Collects (group, week, amount key, cluster) entries without a tuple per entry, then builds the sub-index. */
class SubIndexBuilder {
  private readonly groups = new Map<string, Map<number, { keys: Array<number>; clusters: Array<number> }>>()

  add(group: string, w: number, key: number, cluster: number): void {
    let byWeek = this.groups.get(group)
    if (byWeek === undefined) this.groups.set(group, byWeek = new Map())
    let list = byWeek.get(w)
    if (list === undefined) byWeek.set(w, list = { keys: [], clusters: [] })
    list.keys.push(key)
    list.clusters.push(cluster)
  }

  build(): SubIndex {
    const index = new Map<string, Weeks>()
    for (const [group, byWeek] of this.groups) {
      let first = Number.POSITIVE_INFINITY
      let last = Number.NEGATIVE_INFINITY
      const sparse = new Map<number, Bucket>()
      for (const [w, list] of byWeek) {
        const order = Int32Array.from(list.keys, (_, i) => i)
        order.sort((a, b) => list.keys[a]! - list.keys[b]! || list.clusters[a]! - list.clusters[b]!)
        sparse.set(w, {
          keys: Float64Array.from(order, (i) => list.keys[i]!),
          clusters: Int32Array.from(order, (i) => list.clusters[i]!)
        })
        first = Math.min(first, w)
        last = Math.max(last, w)
      }
      if (last - first < 4 * sparse.size + 64) {
        const dense = new Array<Bucket | undefined>(last - first + 1).fill(undefined)
        for (const [w, bucket] of sparse) dense[w - first] = bucket
        index.set(group, { first, dense, sparse: undefined })
      } else index.set(group, { first, dense: undefined, sparse })
    }
    return index
  }
}

const addTo = (map: Map<string, Array<number>>, key: string, cluster: number) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [cluster])
  else if (list[list.length - 1] !== cluster) list.push(cluster)
}

/** Builds the index over clusters (each cluster under the week of every member date). O(m log m). */
export const buildCandidateIndex = (clusters: ReadonlyArray<EvidenceCluster>, weigh: TokenWeigher): CandidateIndex => {
  const direct = new SubIndexBuilder()
  const converted = new SubIndexBuilder()
  const byName = new NameIndexBuilder()
  const byNameTipped = new NameIndexBuilder()
  const byRfc = new Map<string, Array<number>>()
  const byAttachedTransaction = new Map<string, Array<number>>()
  const byUploader = new Map<string, Array<number>>()
  const firstDay = new Int32Array(clusters.length)
  const lastDay = new Int32Array(clusters.length)
  const totals = clusters.map((cluster) => cluster.members.map((m) => [m.currency, Number(m.totalMinor)] as const))
  const tipped = Uint8Array.from(clusters, (cluster) => (cluster.tipped ? 1 : 0))
  // Issuer names repeat (and normalised token lists are shared): their keys are computed once.
  const keysOf = new Map<ReadonlyArray<string>, ReadonlyArray<string>>()
  const weeks: Array<number> = []
  for (const cluster of clusters) {
    const c = cluster.index
    let first = Number.POSITIVE_INFINITY
    let last = Number.NEGATIVE_INFINITY
    weeks.length = 0
    for (const member of cluster.members) {
      first = Math.min(first, member.day)
      last = Math.max(last, member.day)
      if (!weeks.includes(week(member.day))) weeks.push(week(member.day))
    }
    firstDay[c] = first
    lastDay[c] = last
    for (const member of cluster.members) {
      const total = Number(member.totalMinor)
      const lessTip = member.tipMinor > 0n && !member.fiscal ? Number(member.totalMinor - member.tipMinor) : undefined
      for (const w of weeks) {
        direct.add(member.currency, w, total, c)
        if (lessTip !== undefined) direct.add(member.currency, w, lessTip, c)
        if (member.convertedMinor !== undefined) converted.add("MXN", w, Number(member.convertedMinor), c)
      }
      let keys = keysOf.get(member.issuerName)
      if (keys === undefined) keysOf.set(member.issuerName, keys = nameKeys(member.issuerName, weigh))
      for (const key of keys) {
        const group = `${member.currency} ${key}`
        for (const w of weeks) {
          byName.add(group, w, total, c)
          if (cluster.tipped) byNameTipped.add(group, w, total, c)
        }
      }
      for (const uuid of member.attachedTo) addTo(byAttachedTransaction, uuid, c)
      if (member.uploadedBy !== undefined) addTo(byUploader, member.uploadedBy, c)
    }
    for (const rfc of cluster.rfcs) addTo(byRfc, rfc, c)
  }
  return {
    direct: direct.build(),
    converted: converted.build(),
    byName: byName.build(),
    byNameTipped: byNameTipped.build(),
    byRfc,
    byAttachedTransaction,
    byUploader,
    firstDay,
    lastDay,
    totals,
    tipped,
    clusterCount: clusters.length
  }
}

/**
 * The windows of a document total (minor units) where the weak amount classes can hold for a charge: A6 IVA-only
 * (charge / 1.16 and charge / 1.08, +/-0.2 pp) and A5 tip-plausible (charge / (1 + tipMaxPercent %) to
 * charge / (1 + tipMinPercent %), only where tips are plausible). Widened by 2 minor units, so float rounding never
 * drops a pair that exact scoring keeps.
 */
const weakWindows = (
  charge: number,
  config: MatcherConfig
): ReadonlyArray<readonly [lo: number, hi: number, tipsOnly: boolean]> => [
  [Math.floor(charge / 1.162) - 2, Math.ceil(charge / 1.158) + 2, false],
  [Math.floor(charge / 1.082) - 2, Math.ceil(charge / 1.078) + 2, false],
  [
    Math.floor((charge * 100) / (100 + config.tipMaxPercent)) - 2,
    Math.ceil((charge * 100) / (100 + config.tipMinPercent)) + 2,
    true
  ]
]

/** A reusable scratch marker so each cluster is scored once per transaction, and the name keys of each profile. */
export interface CandidateScratch {
  readonly seen: Int32Array
  readonly nameKeys: Map<NameProfile, ReadonlyArray<string>>
}

/** Scratch space for `candidateClusters` over an index. */
export const makeScratch = (index: CandidateIndex): CandidateScratch => ({
  seen: new Int32Array(index.clusterCount).fill(-1),
  nameKeys: new Map()
})

/** Appends the clusters of `weeks` in weeks [w0, w1] with an amount key in [lo, hi] not yet seen by `mark`. */
const scanInto = (
  found: Array<number>,
  seen: Int32Array,
  mark: number,
  weeks: Weeks | undefined,
  w0: number,
  w1: number,
  lo: number,
  hi: number
): void => {
  if (weeks === undefined) return
  for (let w = w0; w <= w1; w++) {
    const bucket = bucketAt(weeks, w)
    if (bucket === undefined) continue
    const { clusters, keys } = bucket
    if (keys[0]! > hi || keys[keys.length - 1]! < lo) continue
    for (let i = lowerBound(keys, lo); i < keys.length && keys[i]! <= hi; i++) {
      const c = clusters[i]!
      if (seen[c] !== mark) {
        seen[c] = mark
        found.push(c)
      }
    }
  }
}

/** Appends the clusters of a name block in weeks [w0, w1] with an amount key in [lo, hi] not yet seen by `mark`. */
const nameScanInto = (
  found: Array<number>,
  seen: Int32Array,
  mark: number,
  block: NameBlock | undefined,
  w0: number,
  w1: number,
  lo: number,
  hi: number
): void => {
  if (block === undefined) return
  const { clusters, keys, weeks } = block
  if (keys[0]! > hi || keys[keys.length - 1]! < lo) return
  for (let i = lowerBound(keys, lo); i < keys.length && keys[i]! <= hi; i++) {
    const w = weeks[i]!
    const c = clusters[i]!
    if (w >= w0 && w <= w1 && seen[c] !== mark) {
      seen[c] = mark
      found.push(c)
    }
  }
}

/** Some member of cluster `c` in `currency` lies in a weak-amount window (A5 windows only where tips are plausible). */
const weakAmount = (
  index: CandidateIndex,
  c: number,
  currency: string,
  windows: ReadonlyArray<readonly [lo: number, hi: number, tipsOnly: boolean]>,
  restaurant: boolean
): boolean => {
  for (const [memberCurrency, total] of index.totals[c]!) {
    if (memberCurrency !== currency) continue
    for (const [lo, hi, tipsOnly] of windows) {
      if (total >= lo && total <= hi && (!tipsOnly || restaurant || index.tipped[c] === 1)) return true
    }
  }
  return false
}

/** Appends the clusters of an identity block inside [from, to] with a weak amount class, not yet seen by `mark`. */
const blockInto = (
  found: Array<number>,
  seen: Int32Array,
  mark: number,
  index: CandidateIndex,
  clusters: ReadonlyArray<number>,
  from: number,
  to: number,
  tx: TransactionView,
  windows: ReadonlyArray<readonly [lo: number, hi: number, tipsOnly: boolean]>
): void => {
  for (const c of clusters) {
    if (
      seen[c] !== mark && index.lastDay[c]! >= from && index.firstDay[c]! <= to &&
      weakAmount(index, c, tx.currency, windows, tx.restaurant)
    ) {
      seen[c] = mark
      found.push(c)
    }
  }
}

/**
 * Indices of the candidate clusters of a transaction, each at most once, inside its date window (CFDI [-3, +35]
 * days, +45 at month end; receipts +/-7):
 * - by amount: +/-max(0.50, 0.2 %) in the account currency, exact on `originalAmount` in its currency, +/-4 % on
 *   CFDIs converted with their `TipoCambio`;
 * - by identity: clusters attached to it in Clara, uploaded by its cardholder, carrying its alias RFC, or sharing a
 *   name key with it, when some member in the account currency totals charge / 1.16 or charge / 1.08 (A6 IVA-only)
 *   or, where tips are plausible, lies in the tip band (A5: charge / 1.25 to charge / 1.03 by default). Every other
 *   amount class is inside the bands above, and a pair with no amount class is no edge.
 * The weak amount classes are found through the identity blocks only: with +2 or +1 for the amount, an edge needs a
 * name similarity of at least 0.60, hence a shared distinctive token, or an RFC or Clara tie. Matches whose only
 * shared distinctive token differs within its first 4 characters (a Jaro-Winkler-only or abbreviation match) are
 * not searched for these weak classes.
 */
export const candidateClusters = (
  index: CandidateIndex,
  tx: TransactionView,
  ctx: ScoringContext,
  scratch: CandidateScratch
): ReadonlyArray<number> => {
  if (tx.day === undefined) return []
  const { config } = ctx
  const found: Array<number> = []
  const { seen } = scratch
  const mark = tx.index
  const from = tx.day - Math.max(config.cfdiDaysBefore, config.receiptDays)
  const to = tx.day + Math.max(tx.monthEnd ? config.cfdiDaysAfterMonthEnd : config.cfdiDaysAfter, config.receiptDays)
  const w0 = week(from)
  const w1 = week(to)
  const charge = Number(tx.amountMinor)
  const windows = weakWindows(charge, config)
  const tolerance = Math.max(config.roundingMinor, Math.ceil((charge * config.roundingPermille) / 1000))
  scanInto(found, seen, mark, index.direct.get(tx.currency), w0, w1, charge - tolerance, charge + tolerance)
  if (tx.original) {
    const original = Number(tx.original.minor)
    scanInto(found, seen, mark, index.direct.get(tx.original.currency), w0, w1, original - 1, original + 1)
  }
  if (tx.currency === "MXN") {
    const converted = index.converted.get("MXN")
    scanInto(found, seen, mark, converted, w0, w1, Math.floor(charge * 0.96) - 1, Math.ceil(charge * 1.04) + 1)
  }
  const attached = index.byAttachedTransaction.get(tx.uuid)
  if (attached !== undefined) blockInto(found, seen, mark, index, attached, from, to, tx, windows)
  const uploaded = tx.userUuid === undefined ? undefined : index.byUploader.get(tx.userUuid)
  if (uploaded !== undefined) blockInto(found, seen, mark, index, uploaded, from, to, tx, windows)
  const alias = ctx.aliases.size === 0 ? undefined : ctx.aliases.get(tx.descriptorKey)
  const aliased = alias === undefined ? undefined : index.byRfc.get(alias)
  if (aliased !== undefined) blockInto(found, seen, mark, index, aliased, from, to, tx, windows)
  const keys: Array<string> = []
  for (const name of tx.names) {
    let own = scratch.nameKeys.get(name)
    if (own === undefined) {
      own = nameKeys(name.tokens, ctx.weigh)
      scratch.nameKeys.set(name, own)
    }
    for (const key of own) if (!keys.includes(key)) keys.push(key)
  }
  for (const key of keys) {
    const blockKey = `${tx.currency} ${key}`
    const all = index.byName.get(blockKey)
    if (all === undefined) continue
    const tipped = tx.restaurant ? all : index.byNameTipped.get(blockKey)
    for (const [lo, hi, tipsOnly] of windows) nameScanInto(found, seen, mark, tipsOnly ? tipped : all, w0, w1, lo, hi)
  }
  return found
}

/**
 * Scores every candidate of every subject transaction and keeps each transaction's best `topK` edges of at least
 * `edgePoints` points (§7.3 steps 2-3). Transactions are given in index order. Candidates that `quickReject` proves
 * to be no edge are not scored.
 */
export const generateEdges = (
  transactions: ReadonlyArray<TransactionView>,
  clusters: ReadonlyArray<EvidenceCluster>,
  index: CandidateIndex,
  ctx: ScoringContext
): EdgeGraph => {
  const scratch = makeScratch(index)
  const table = buildClusterTable(clusters)
  const byTx: Array<ReadonlyArray<ScoredEdge>> = transactions.map(() => [])
  // Charges are visited by currency and amount, so that consecutive charges scan the same amount bands and read
  // the same clusters (memory locality); edges are then gathered in transaction order, so the order of the visit
  // changes nothing.
  const order = transactions.filter((tx) => tx.subject)
  order.sort((a, b) =>
    a.currency < b.currency ? -1 : a.currency > b.currency ? 1 :
    a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : a.index - b.index
  )
  for (const tx of order) {
    const scored: Array<ScoredEdge> = []
    const fields = chargeFields(ctx, table, tx)
    for (const c of candidateClusters(index, tx, ctx, scratch)) {
      if (quickReject(ctx, table, tx, fields, c)) continue
      const edge = scoreEdge(ctx, tx, clusters[c]!)
      if (edge) scored.push(edge)
    }
    scored.sort(compareEdges)
    byTx[tx.index] = scored.slice(0, ctx.config.topK)
  }
  const edges: Array<ScoredEdge> = []
  const byCluster: Array<Array<ScoredEdge>> = clusters.map(() => [])
  for (const kept of byTx) {
    for (const edge of kept) {
      edges.push(edge)
      byCluster[edge.cluster]!.push(edge)
    }
  }
  for (const list of byCluster) list.sort(compareEdges)
  return { edges, byTx, byCluster }
}
