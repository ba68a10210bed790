/**
 * Candidate generation by index (matching.md §7.3 step 2, §4.1): clusters are bucketed by issue week and sorted by
 * amount key (minor units); a transaction looks only at the weeks inside its date window and, in each, at the
 * amount bands it can match; identity blocks (name keys, RFC, Clara attachment, uploader) add the candidates that
 * weak amount classes need. Never all pairs.
 */
import type { EvidenceCluster } from "./Clusters.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { TransactionView } from "./Prepared.js"
import { compareEdges, type ScoredEdge, scoreEdge, type ScoringContext } from "./Scoring.js"
import { nameKeys, type TokenWeigher } from "./Similarity.js"

interface Bucket {
  readonly keys: Float64Array
  readonly clusters: Int32Array
}

/** currency -> week -> amount-sorted bucket. */
type SubIndex = ReadonlyMap<string, ReadonlyMap<number, Bucket>>

/**
 * The index. Amount keys are exact integers (minor units below 2^53, held as numbers for speed; scoring re-checks
 * every candidate with bigint arithmetic). `direct` holds every member total (and a receipt's total - tip) in its
 * own currency; `converted` the MXN value of foreign CFDIs (`TipoCambio`). `byName` holds member totals under
 * `"<currency> <name key>"` instead of the currency (`byNameTipped` only those of clusters carrying a tip), so the
 * name block is searched by amount window too. The other identity blocks (RFC, Clara attachment, uploader) are
 * plain lists.
 */
export interface CandidateIndex {
  readonly direct: SubIndex
  readonly converted: SubIndex
  readonly byName: SubIndex
  readonly byNameTipped: SubIndex
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

const week = (day: number): number => Math.floor(day / 7)

type Entry = readonly [currency: string, week: number, key: number, cluster: number]

const buildSubIndex = (entries: ReadonlyArray<Entry>): SubIndex => {
  const groups = new Map<string, Map<number, Array<readonly [number, number]>>>()
  for (const [currency, w, key, cluster] of entries) {
    const byWeek = groups.get(currency) ?? new Map<number, Array<readonly [number, number]>>()
    groups.set(currency, byWeek)
    const list = byWeek.get(w) ?? []
    byWeek.set(w, list)
    list.push([key, cluster])
  }
  const index = new Map<string, Map<number, Bucket>>()
  for (const [currency, byWeek] of groups) {
    const weeks = new Map<number, Bucket>()
    for (const [w, list] of byWeek) {
      list.sort((a, b) => a[0] - b[0] || a[1] - b[1])
      weeks.set(w, { keys: Float64Array.from(list, (e) => e[0]), clusters: Int32Array.from(list, (e) => e[1]) })
    }
    index.set(currency, weeks)
  }
  return index
}

const addTo = (map: Map<string, Array<number>>, key: string, cluster: number) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [cluster])
  else if (list[list.length - 1] !== cluster) list.push(cluster)
}

/** Builds the index over clusters (each cluster under the week of every member date). O(m log m). */
export const buildCandidateIndex = (clusters: ReadonlyArray<EvidenceCluster>, weigh: TokenWeigher): CandidateIndex => {
  const direct: Array<Entry> = []
  const converted: Array<Entry> = []
  const byName: Array<Entry> = []
  const byNameTipped: Array<Entry> = []
  const byRfc = new Map<string, Array<number>>()
  const byAttachedTransaction = new Map<string, Array<number>>()
  const byUploader = new Map<string, Array<number>>()
  const firstDay = new Int32Array(clusters.length)
  const lastDay = new Int32Array(clusters.length)
  const totals = clusters.map((cluster) => cluster.members.map((m) => [m.currency, Number(m.totalMinor)] as const))
  const tipped = Uint8Array.from(clusters, (cluster) => (cluster.tipped ? 1 : 0))
  for (const cluster of clusters) {
    const c = cluster.index
    const days = cluster.members.map((m) => m.day)
    firstDay[c] = Math.min(...days)
    lastDay[c] = Math.max(...days)
    const weeks = [...new Set(days.map(week))]
    for (const member of cluster.members) {
      const keys = member.tipMinor > 0n && !member.fiscal
        ? [member.totalMinor, member.totalMinor - member.tipMinor]
        : [member.totalMinor]
      for (const w of weeks) {
        for (const key of keys) direct.push([member.currency, w, Number(key), c])
        if (member.convertedMinor !== undefined) converted.push(["MXN", w, Number(member.convertedMinor), c])
      }
      for (const key of nameKeys(member.issuerName, weigh)) {
        for (const w of weeks) {
          const entry = [`${member.currency} ${key}`, w, Number(member.totalMinor), c] as const
          byName.push(entry)
          if (cluster.tipped) byNameTipped.push(entry)
        }
      }
      for (const uuid of member.attachedTo) addTo(byAttachedTransaction, uuid, c)
      if (member.uploadedBy !== undefined) addTo(byUploader, member.uploadedBy, c)
    }
    for (const rfc of cluster.rfcs) addTo(byRfc, rfc, c)
  }
  return {
    direct: buildSubIndex(direct),
    converted: buildSubIndex(converted),
    byName: buildSubIndex(byName),
    byNameTipped: buildSubIndex(byNameTipped),
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

/** A reusable scratch marker so each cluster is scored once per transaction. */
export interface CandidateScratch {
  readonly seen: Int32Array
}

/** Scratch space for `candidateClusters` over an index. */
export const makeScratch = (index: CandidateIndex): CandidateScratch => ({
  seen: new Int32Array(index.clusterCount).fill(-1)
})

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
  const from = tx.day - Math.max(config.cfdiDaysBefore, config.receiptDays)
  const to = tx.day + Math.max(tx.monthEnd ? config.cfdiDaysAfterMonthEnd : config.cfdiDaysAfter, config.receiptDays)
  const add = (cluster: number) => {
    if (scratch.seen[cluster] === tx.index) return
    scratch.seen[cluster] = tx.index
    found.push(cluster)
  }
  const scan = (sub: SubIndex, currency: string, lo: number, hi: number) => {
    const weeks = sub.get(currency)
    if (!weeks) return
    for (let w = week(from); w <= week(to); w++) {
      const bucket = weeks.get(w)
      if (!bucket) continue
      for (let i = lowerBound(bucket.keys, lo); i < bucket.keys.length && bucket.keys[i]! <= hi; i++) {
        add(bucket.clusters[i]!)
      }
    }
  }
  const charge = Number(tx.amountMinor)
  const windows = weakWindows(charge, config)
  const weakAmount = (c: number) =>
    index.totals[c]!.some(([currency, total]) =>
      currency === tx.currency &&
      windows.some(([lo, hi, tipsOnly]) =>
        total >= lo && total <= hi && (!tipsOnly || tx.restaurant || index.tipped[c] === 1)
      )
    )
  const block = (clusters: ReadonlyArray<number> | undefined) => {
    for (const c of clusters ?? []) {
      if (index.lastDay[c]! >= from && index.firstDay[c]! <= to && weakAmount(c)) add(c)
    }
  }
  const tolerance = Math.max(config.roundingMinor, Math.ceil((charge * config.roundingPermille) / 1000))
  scan(index.direct, tx.currency, charge - tolerance, charge + tolerance)
  if (tx.original) {
    const original = Number(tx.original.minor)
    scan(index.direct, tx.original.currency, original - 1, original + 1)
  }
  if (tx.currency === "MXN") scan(index.converted, "MXN", Math.floor(charge * 0.96) - 1, Math.ceil(charge * 1.04) + 1)
  block(index.byAttachedTransaction.get(tx.uuid))
  if (tx.userUuid !== undefined) block(index.byUploader.get(tx.userUuid))
  const alias = ctx.aliases.get(tx.descriptorKey)
  if (alias !== undefined) block(index.byRfc.get(alias))
  const keys = new Set(tx.names.flatMap((name) => nameKeys(name.tokens, ctx.weigh)))
  for (const key of keys) {
    for (const [lo, hi, tipsOnly] of windows) {
      scan(tipsOnly && !tx.restaurant ? index.byNameTipped : index.byName, `${tx.currency} ${key}`, lo, hi)
    }
  }
  return found
}

/**
 * Scores every candidate of every subject transaction and keeps each transaction's best `topK` edges of at least
 * `edgePoints` points (§7.3 steps 2-3). Transactions are given in index order.
 */
export const generateEdges = (
  transactions: ReadonlyArray<TransactionView>,
  clusters: ReadonlyArray<EvidenceCluster>,
  index: CandidateIndex,
  ctx: ScoringContext
): EdgeGraph => {
  const scratch = makeScratch(index)
  const edges: Array<ScoredEdge> = []
  const byTx: Array<ReadonlyArray<ScoredEdge>> = []
  const byCluster: Array<Array<ScoredEdge>> = clusters.map(() => [])
  for (const tx of transactions) {
    if (!tx.subject) {
      byTx.push([])
      continue
    }
    const scored: Array<ScoredEdge> = []
    for (const c of candidateClusters(index, tx, ctx, scratch)) {
      const edge = scoreEdge(ctx, tx, clusters[c]!)
      if (edge) scored.push(edge)
    }
    scored.sort(compareEdges)
    const kept = scored.slice(0, ctx.config.topK)
    byTx.push(kept)
    for (const edge of kept) {
      edges.push(edge)
      byCluster[edge.cluster]!.push(edge)
    }
  }
  for (const list of byCluster) list.sort(compareEdges)
  return { edges, byTx, byCluster }
}
