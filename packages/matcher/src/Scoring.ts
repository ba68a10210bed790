/**
 * Integer-point scoring of a (transaction, evidence cluster) pair (matching.md §7.4): one amount class, identity
 * (max of the identity terms plus the penalty), date points (CFDI or receipt table) and corroboration.
 *
 * Scoring runs on every candidate, so it first computes points only; the human-readable details of a term are
 * built only for the edges that are kept.
 */
import * as BigDecimal from "effect/BigDecimal"
import type { EvidenceCluster } from "./Clusters.js"
import { absBig, formatMinor, formatMinorMoney } from "./internal/Minor.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import { nameTables } from "./NameTables.js"
import type { DocumentView, TransactionView } from "./Prepared.js"
import { distinctiveWeight, type SimilarityCache, type TokenWeigher } from "./Similarity.js"

/** Detail values of a term: amounts as decimal strings, dates as civil dates or day counts. */
export type TermDetail = Readonly<Record<string, string | number | boolean>>

/** One scored feature. */
export interface Term {
  readonly cls: string
  readonly points: number
  readonly detail: TermDetail
}

/** Amount classes of §7.4. */
export type AmountClass =
  | "A1_ORIGINAL_EXACT"
  | "A2_EXACT"
  | "A2_THREE_WAY_TIP"
  | "A3_ROUNDING"
  | "A4_CONVERTED"
  | "A5_TIP_PLAUSIBLE"
  | "A6_IVA_ONLY"

/** The amount explanation chosen for a pair. */
export interface AmountTerm extends Term {
  readonly cls: AmountClass
  /** Charge minus document amount in minor units of the account currency (0 for A1). */
  readonly gapMinor: bigint
}

/** A scored candidate edge. */
export interface ScoredEdge {
  /** Transaction index (uuid order) and cluster index (id order). */
  readonly tx: number
  readonly cluster: number
  readonly points: number
  readonly amount: AmountTerm
  readonly identity: Term
  readonly date: Term & { readonly deltaDays: number }
  readonly corroboration: ReadonlyArray<Term>
  /** |gap| in minor units and |date delta| in days, for tie-breaking. */
  readonly absGap: bigint
  readonly absDays: number
}

/** Everything scoring reads besides the pair. */
export interface ScoringContext {
  readonly config: MatcherConfig
  readonly weigh: TokenWeigher
  /** Memoised name similarity for this run. */
  readonly similarity: SimilarityCache
  /** Normalised descriptor -> RFC (confirmed aliases). */
  readonly aliases: ReadonlyMap<string, string>
}

/** Amount classes that may auto-link (§7.5 gate 3). */
export const autoLinkAmountClasses: ReadonlySet<AmountClass> = new Set([
  "A1_ORIGINAL_EXACT",
  "A2_EXACT",
  "A2_THREE_WAY_TIP",
  "A3_ROUNDING"
])

/** Total order on edges (§7.12): points desc, |gap| asc, |days| asc, transaction id, cluster id. */
export const compareEdges = (a: ScoredEdge, b: ScoredEdge): number =>
  b.points - a.points || (a.absGap < b.absGap ? -1 : a.absGap > b.absGap ? 1 : 0) || a.absDays - b.absDays ||
  a.tx - b.tx || a.cluster - b.cluster

/** A scored term whose detail is built on demand. */
interface Lazy<C extends string = string> {
  readonly cls: C
  readonly points: number
  readonly detail: () => TermDetail
}

interface LazyAmount extends Lazy<AmountClass> {
  readonly gapMinor: bigint
}

const sameCurrencyClass = (
  config: MatcherConfig,
  charge: bigint,
  total: bigint,
  tipPlausible: boolean
): readonly [AmountClass, number] | undefined => {
  const gap = charge - total
  const abs = absBig(gap)
  if (abs <= 1n) return ["A2_EXACT", 8]
  const rounding = BigInt(config.roundingMinor) * 1000n
  const relative = BigInt(config.roundingPermille) * charge
  if (abs * 1000n <= (rounding > relative ? rounding : relative)) return ["A3_ROUNDING", 6]
  if (
    tipPlausible && gap > 0n && gap * 100n >= BigInt(config.tipMinPercent) * total &&
    gap * 100n <= BigInt(config.tipMaxPercent) * total
  ) return ["A5_TIP_PLAUSIBLE", 2]
  for (const ratio of [1160n, 1080n]) {
    if (absBig(charge * 1000n - ratio * total) <= 2n * total) return ["A6_IVA_ONLY", 1]
  }
  return undefined
}

const fxPoints = (charge: bigint, converted: bigint): number | undefined => {
  const gap = absBig(converted - charge) * 1000n
  return gap <= 5n * charge ? 6 : gap <= 20n * charge ? 4 : gap <= 40n * charge ? 2 : undefined
}

const better = (a: LazyAmount | undefined, b: LazyAmount | undefined): LazyAmount | undefined =>
  a === undefined
    ? b
    : b === undefined
    ? a
    : b.points > a.points || (b.points === a.points && absBig(b.gapMinor) < absBig(a.gapMinor))
    ? b
    : a

const memberDetail = (tx: TransactionView, member: DocumentView, gapMinor: bigint): Record<string, string> => ({
  transaction: formatMinorMoney(tx.amountMinor, tx.currency),
  member: member.doc.id,
  [member.fiscal ? "cfdiTotal" : "documentTotal"]: formatMinorMoney(member.totalMinor, member.currency),
  gap: formatMinor(gapMinor)
})

const amountForMember = (
  ctx: ScoringContext,
  tx: TransactionView,
  member: DocumentView,
  tipPlausible: boolean
): LazyAmount | undefined => {
  const charge = tx.amountMinor
  let best: LazyAmount | undefined
  const original = tx.original
  if (original && original.currency === member.currency && absBig(original.minor - member.totalMinor) <= 1n) {
    best = {
      cls: "A1_ORIGINAL_EXACT",
      points: 9,
      gapMinor: 0n,
      detail: () => ({ ...memberDetail(tx, member, 0n), original: formatMinorMoney(original.minor, original.currency) })
    }
  }
  if (member.currency === tx.currency) {
    const direct = sameCurrencyClass(ctx.config, charge, member.totalMinor, tipPlausible)
    if (direct) {
      const gapMinor = charge - member.totalMinor
      best = better(best, { cls: direct[0], points: direct[1], gapMinor, detail: () => memberDetail(tx, member, gapMinor) })
    }
    const lessTip = member.totalMinor - member.tipMinor
    if (!member.fiscal && member.tipMinor > 0n && absBig(charge - lessTip) <= 1n) {
      const gapMinor = charge - lessTip
      best = better(best, {
        cls: "A2_EXACT",
        points: 8,
        gapMinor,
        detail: () => ({ ...memberDetail(tx, member, gapMinor), tipNotCharged: formatMinorMoney(member.tipMinor, member.currency) })
      })
    }
  } else if (member.convertedMinor !== undefined && tx.currency === "MXN") {
    const converted = member.convertedMinor
    const points = fxPoints(charge, converted)
    if (points !== undefined) {
      const gapMinor = charge - converted
      best = better(best, {
        cls: "A4_CONVERTED",
        points,
        gapMinor,
        detail: () => ({
          ...memberDetail(tx, member, gapMinor),
          exchangeRate: member.doc.exchangeRate ? BigDecimal.format(BigDecimal.normalize(member.doc.exchangeRate)) : "",
          converted: formatMinorMoney(converted, "MXN")
        })
      })
    }
  }
  return best
}

const threeWay = (tx: TransactionView, cluster: EvidenceCluster): LazyAmount | undefined => {
  const invoice = cluster.fiscal
  if (!invoice || invoice.currency !== tx.currency) return undefined
  for (const receipt of cluster.documents) {
    if (
      receipt.tipMinor > 0n && receipt.currency === tx.currency && absBig(receipt.totalMinor - tx.amountMinor) <= 1n &&
      absBig(receipt.totalMinor - receipt.tipMinor - invoice.totalMinor) <= 1n
    ) {
      const gapMinor = tx.amountMinor - invoice.totalMinor
      return {
        cls: "A2_THREE_WAY_TIP",
        points: 8,
        gapMinor,
        detail: () => ({
          ...memberDetail(tx, invoice, gapMinor),
          receipt: receipt.doc.id,
          documentTotal: formatMinorMoney(receipt.totalMinor, receipt.currency),
          tip: formatMinorMoney(receipt.tipMinor, receipt.currency)
        })
      }
    }
  }
  return undefined
}

const amountOf = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): LazyAmount | undefined => {
  const tipPlausible = tx.restaurant || cluster.tipped
  if (cluster.fiscal) return better(amountForMember(ctx, tx, cluster.fiscal, tipPlausible), threeWay(tx, cluster))
  let best: LazyAmount | undefined
  for (const receipt of cluster.documents) best = better(best, amountForMember(ctx, tx, receipt, tipPlausible))
  return best
}

const nameBand = (sim: number): readonly [string, number] =>
  sim >= 0.9
    ? ["NAME_SIM_HIGH", 5]
    : sim >= 0.75
    ? ["NAME_SIM_MEDIUM", 3]
    : sim >= 0.6
    ? ["NAME_SIM_LOW", 1]
    : ["NAME_SIM_NONE", 0]

const tiedTo = (member: DocumentView, tx: TransactionView): boolean => {
  const attachedTo = member.doc.claraTransactionUuids
  if (attachedTo.includes(tx.tx.uuid)) return true
  return attachedTo.length === 0 && tx.tx.userUuid !== undefined && member.doc.uploadedByUserUuid === tx.tx.userUuid
}

/** The best name similarity between the transaction's names and the cluster's issuer names. */
export const clusterSimilarity = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): number => {
  let sim = 0
  for (const a of tx.names) for (const b of cluster.issuerNames) sim = Math.max(sim, ctx.similarity(a, b))
  return sim
}

const identityOf = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): Lazy => {
  const invoiceRfc = cluster.fiscal?.issuerRfc
  const receipt = invoiceRfc === undefined
    ? undefined
    : cluster.documents.find((d) => d.issuerRfc === invoiceRfc && tiedTo(d, tx))
  const aliasRfc = ctx.aliases.get(tx.descriptorKey)
  const aliasEqual = aliasRfc !== undefined && cluster.rfcs.includes(aliasRfc)
  const aliasConflict = aliasRfc !== undefined && !aliasEqual && cluster.rfcs.length > 0
  const informative = tx.informative && cluster.issuerNames.length > 0
  const rfcEqual = receipt !== undefined || aliasEqual
  // RFC equality (+7) dominates every name band, so the similarity is needed only for the detail.
  const sim = informative && (!rfcEqual || aliasConflict) ? clusterSimilarity(ctx, tx, cluster) : undefined
  const [nameClass, namePoints] = !informative ? ["UNINFORMATIVE", 0] as const : nameBand(sim ?? 1)
  const [cls, points] = rfcEqual ? [receipt ? "RFC_EQUAL" : "RFC_ALIAS", 7] as const : [nameClass, namePoints] as const
  const clusterDistinctive = () =>
    cluster.issuerNames.some((tokens) => tokens.some((token) => ctx.weigh(token) >= distinctiveWeight))
  const penalty = aliasConflict
    ? "ALIAS_CONFLICT"
    : !rfcEqual && informative && sim! < 0.3 && tx.distinctive && clusterDistinctive()
    ? "CONTRADICTING"
    : undefined
  const detail = () => {
    const issuer = cluster.members.find((m) => m.doc.issuer.name !== undefined)?.doc.issuer.name
    const out: Record<string, string> = {
      descriptor: tx.tx.descriptor,
      sim: (sim ?? clusterSimilarity(ctx, tx, cluster)).toFixed(2)
    }
    if (issuer !== undefined) out.issuer = issuer
    if (cluster.rfcs.length > 0) out.rfc = cluster.rfcs.join(",")
    if (aliasRfc !== undefined) out.aliasRfc = aliasRfc
    if (receipt) out.receipt = receipt.doc.id
    return out
  }
  return penalty === undefined ? { cls, points, detail } : { cls: penalty, points: points - 6, detail }
}

const cfdiDatePoints = (config: MatcherConfig, tx: TransactionView, delta: number): number | undefined => {
  const after = tx.monthEnd ? config.cfdiDaysAfterMonthEnd : config.cfdiDaysAfter
  if (delta < -config.cfdiDaysBefore || delta > after) return undefined
  if (delta >= 0 && delta <= 1) return 3
  if ((delta >= 2 && delta <= 3) || delta === -1) return 2
  if (delta >= 4 && delta <= 10) return 1
  return 0
}

const receiptDatePoints = (config: MatcherConfig, delta: number): number | undefined => {
  const abs = Math.abs(delta)
  return abs > config.receiptDays ? undefined : abs <= 1 ? 3 : abs <= 3 ? 2 : 1
}

const dateOf = (
  config: MatcherConfig,
  tx: TransactionView,
  cluster: EvidenceCluster
): (Lazy & { readonly deltaDays: number }) | undefined => {
  if (tx.day === undefined) return undefined
  let best: DocumentView | undefined
  let bestPoints = -1
  for (const member of cluster.members) {
    const delta = member.day - tx.day
    const points = member.fiscal ? cfdiDatePoints(config, tx, delta) : receiptDatePoints(config, delta)
    if (points === undefined) continue
    if (points > bestPoints || (points === bestPoints && Math.abs(delta) < Math.abs(best!.day - tx.day))) {
      best = member
      bestPoints = points
    }
  }
  if (best === undefined) return undefined
  const member = best
  const deltaDays = member.day - tx.day
  return {
    cls: member.fiscal ? "CFDI_DATE" : "RECEIPT_DATE",
    points: bestPoints,
    deltaDays,
    detail: () => ({ operationDate: tx.tx.operationDate, documentDate: member.doc.issueDate, deltaDays, member: member.doc.id })
  }
}

const cardFormasPago: ReadonlySet<string> = new Set(["04", "28", "29"])
const nonCardFormasPago: ReadonlySet<string> = new Set(["01", "02", "03"])

/** Corroboration terms (§7.4): Clara attachment +6, uploaded by the cardholder +1, FormaPago +1/-3, MCC +1. */
export const scoreCorroboration = (tx: TransactionView, cluster: EvidenceCluster): ReadonlyArray<Term> => {
  const terms: Array<Term> = []
  const attached = cluster.members.find((m) => m.doc.claraTransactionUuids.includes(tx.tx.uuid))
  if (attached) terms.push({ cls: "ATTACHED_IN_CLARA", points: 6, detail: { member: attached.doc.id } })
  const uploader = tx.tx.userUuid
  const uploaded = uploader === undefined ? undefined : cluster.documents.find((d) => d.doc.uploadedByUserUuid === uploader)
  if (uploaded) terms.push({ cls: "UPLOADED_BY_CARDHOLDER", points: 1, detail: { member: uploaded.doc.id } })
  const invoice = cluster.fiscal
  const formaPago = invoice?.doc.kind === "CFDI" ? invoice.doc.formaPago?.trim() : undefined
  if (formaPago !== undefined && cardFormasPago.has(formaPago)) {
    terms.push({ cls: "FORMA_PAGO_CARD", points: 1, detail: { formaPago } })
  } else if (formaPago !== undefined && nonCardFormasPago.has(formaPago)) {
    terms.push({ cls: "FORMA_PAGO_NOT_CARD", points: -3, detail: { formaPago } })
  }
  const clave = invoice?.doc.claveProdServ
  const mcc = tx.tx.mcc
  const prefixes = mcc === undefined ? undefined : nameTables.mccProductPrefixes[mcc]
  if (mcc !== undefined && clave !== undefined && prefixes?.some((prefix) => clave.startsWith(prefix))) {
    terms.push({ cls: "MCC_CONSISTENT", points: 1, detail: { mcc, claveProdServ: clave } })
  }
  return terms
}

const materialise = <T extends Lazy>({ detail, ...rest }: T): Omit<T, "detail"> & Term => ({ ...rest, detail: detail() })

/**
 * Scores one pair; `undefined` when there is no edge: direction mismatch, no amount class, outside every date
 * window, or fewer than `edgePoints` points (§7.3 step 3). Identity is scored last, and only when the other terms
 * plus the best possible identity (+7) can reach `edgePoints`.
 */
export const scoreEdge = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): ScoredEdge | undefined => {
  if (cluster.direction !== tx.tx.type) return undefined
  const amount = amountOf(ctx, tx, cluster)
  if (amount === undefined) return undefined
  const date = dateOf(ctx.config, tx, cluster)
  if (date === undefined) return undefined
  const corroboration = scoreCorroboration(tx, cluster)
  const partial = amount.points + date.points + corroboration.reduce((acc, t) => acc + t.points, 0)
  if (partial + 7 < ctx.config.edgePoints) return undefined
  const identity = identityOf(ctx, tx, cluster)
  const points = partial + identity.points
  if (points < ctx.config.edgePoints) return undefined
  return {
    tx: tx.index,
    cluster: cluster.index,
    points,
    amount: materialise(amount),
    identity: materialise(identity),
    date: materialise(date),
    corroboration,
    absGap: absBig(amount.gapMinor),
    absDays: Math.abs(date.deltaDays)
  }
}
