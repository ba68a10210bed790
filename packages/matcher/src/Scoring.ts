/**
 * Integer-point scoring of a (transaction, evidence cluster) pair (matching.md §7.4): one amount class, identity
 * (max of the identity terms plus the penalty), date points (CFDI or receipt table) and corroboration.
 *
 * Scoring runs on every candidate, so it first computes points with few allocations and stops as soon as the edge
 * cannot reach `edgePoints`; the human-readable details of the terms are built only for the edges that are kept.
 */
import * as BigDecimal from "effect/BigDecimal"
import type { EvidenceCluster } from "./Clusters.js"
import { absBig, formatMinor, formatMinorMoney } from "./internal/Minor.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import { nameTables } from "./NameTables.js"
import type { DocumentView, TransactionView } from "./Prepared.js"
import { mayShareDistinctive, profileSimilarity, type TokenWeigher } from "./Similarity.js"

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

/** How an amount class was reached, for its detail. */
type AmountRoute = "total" | "lessTip" | "original" | "converted" | "threeWay"

interface AmountMatch {
  readonly cls: AmountClass
  readonly points: number
  readonly gapMinor: bigint
  readonly member: DocumentView
  readonly route: AmountRoute
  readonly receipt?: DocumentView
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

const better = (a: AmountMatch | undefined, b: AmountMatch | undefined): AmountMatch | undefined =>
  a === undefined
    ? b
    : b === undefined
    ? a
    : b.points > a.points || (b.points === a.points && absBig(b.gapMinor) < absBig(a.gapMinor))
    ? b
    : a

const amountForMember = (
  ctx: ScoringContext,
  tx: TransactionView,
  member: DocumentView,
  tipPlausible: boolean
): AmountMatch | undefined => {
  const charge = tx.amountMinor
  let best: AmountMatch | undefined
  const original = tx.original
  if (original && original.currency === member.currency && absBig(original.minor - member.totalMinor) <= 1n) {
    best = { cls: "A1_ORIGINAL_EXACT", points: 9, gapMinor: 0n, member, route: "original" }
  }
  if (member.currency === tx.currency) {
    const direct = sameCurrencyClass(ctx.config, charge, member.totalMinor, tipPlausible)
    if (direct) {
      const gapMinor = charge - member.totalMinor
      best = better(best, { cls: direct[0], points: direct[1], gapMinor, member, route: "total" })
    }
    const lessTip = member.totalMinor - member.tipMinor
    if (!member.fiscal && member.tipMinor > 0n && absBig(charge - lessTip) <= 1n) {
      best = better(best, { cls: "A2_EXACT", points: 8, gapMinor: charge - lessTip, member, route: "lessTip" })
    }
  } else if (member.convertedMinor !== undefined && tx.currency === "MXN") {
    const points = fxPoints(charge, member.convertedMinor)
    if (points !== undefined) {
      best = better(best, {
        cls: "A4_CONVERTED",
        points,
        gapMinor: charge - member.convertedMinor,
        member,
        route: "converted"
      })
    }
  }
  return best
}

const threeWay = (tx: TransactionView, cluster: EvidenceCluster): AmountMatch | undefined => {
  const invoice = cluster.fiscal
  if (!invoice || invoice.currency !== tx.currency) return undefined
  for (const receipt of cluster.documents) {
    if (
      receipt.tipMinor > 0n && receipt.currency === tx.currency && absBig(receipt.totalMinor - tx.amountMinor) <= 1n &&
      absBig(receipt.totalMinor - receipt.tipMinor - invoice.totalMinor) <= 1n
    ) {
      const gapMinor = tx.amountMinor - invoice.totalMinor
      return { cls: "A2_THREE_WAY_TIP", points: 8, gapMinor, member: invoice, route: "threeWay", receipt }
    }
  }
  return undefined
}

const amountOf = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): AmountMatch | undefined => {
  const tipPlausible = tx.restaurant || cluster.tipped
  if (cluster.fiscal) return better(amountForMember(ctx, tx, cluster.fiscal, tipPlausible), threeWay(tx, cluster))
  let best: AmountMatch | undefined
  for (const receipt of cluster.documents) best = better(best, amountForMember(ctx, tx, receipt, tipPlausible))
  return best
}

const amountTerm = (tx: TransactionView, match: AmountMatch): AmountTerm => {
  const { gapMinor, member } = match
  const detail: Record<string, string> = {
    transaction: formatMinorMoney(tx.amountMinor, tx.currency),
    member: member.doc.id,
    [member.fiscal ? "cfdiTotal" : "documentTotal"]: formatMinorMoney(member.totalMinor, member.currency),
    gap: formatMinor(gapMinor)
  }
  if (match.route === "original" && tx.original) {
    detail.original = formatMinorMoney(tx.original.minor, tx.original.currency)
  }
  if (match.route === "lessTip") detail.tipNotCharged = formatMinorMoney(member.tipMinor, member.currency)
  if (match.route === "converted" && member.convertedMinor !== undefined) {
    const rate = member.doc.exchangeRate
    detail.exchangeRate = rate ? BigDecimal.format(BigDecimal.normalize(rate)) : ""
    detail.converted = formatMinorMoney(member.convertedMinor, "MXN")
  }
  if (match.receipt) {
    detail.receipt = match.receipt.doc.id
    detail.documentTotal = formatMinorMoney(match.receipt.totalMinor, match.receipt.currency)
    detail.tip = formatMinorMoney(match.receipt.tipMinor, match.receipt.currency)
  }
  return { cls: match.cls, points: match.points, gapMinor, detail }
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
  if (member.attachedTo.includes(tx.uuid)) return true
  return member.attachedTo.length === 0 && tx.userUuid !== undefined && member.uploadedBy === tx.userUuid
}

/** The best name similarity between the transaction's names and the cluster's issuer names. */
export const clusterSimilarity = (tx: TransactionView, cluster: EvidenceCluster): number => {
  let sim = 0
  for (const a of tx.names) for (const b of cluster.issuerNames) sim = Math.max(sim, profileSimilarity(a, b))
  return sim
}

const namesMayShare = (tx: TransactionView, cluster: EvidenceCluster): boolean => {
  for (const a of tx.names) for (const b of cluster.issuerNames) if (mayShareDistinctive(a, b)) return true
  return false
}

interface IdentityMatch {
  readonly cls: string
  readonly points: number
  /** Computed only when the points depend on it. */
  readonly sim: number | undefined
  readonly receipt: DocumentView | undefined
  readonly aliasRfc: string | undefined
}

/**
 * Identity (§7.4): the max of RFC equality (+7: a receipt tied to this charge, by a Clara attachment or by its
 * uploader being the cardholder, whose `taxIdentifier` equals the invoice's Emisor RFC; or a confirmed alias of the
 * descriptor) and the name-similarity band (+5/+3/+1/0), plus the penalty: -6 when an alias points to a different
 * RFC, or when both sides have distinctive tokens, similarity is under 0.30 and no RFC equality holds.
 * `undefined` when even the best identity cannot lift `partial` points to `edgePoints`.
 */
const identityOf = (
  ctx: ScoringContext,
  tx: TransactionView,
  cluster: EvidenceCluster,
  partial: number
): IdentityMatch | undefined => {
  const invoiceRfc = cluster.fiscal?.issuerRfc
  let receipt: DocumentView | undefined
  if (invoiceRfc !== undefined) {
    receipt = cluster.documents.find((d) => d.issuerRfc === invoiceRfc && tiedTo(d, tx))
  }
  const aliasRfc = ctx.aliases.get(tx.descriptorKey)
  const aliasEqual = aliasRfc !== undefined && cluster.rfcs.includes(aliasRfc)
  const penalty = aliasRfc !== undefined && !aliasEqual && cluster.rfcs.length > 0 ? 6 : 0
  const make = (cls: string, points: number, sim: number | undefined): IdentityMatch => ({
    cls,
    points,
    sim,
    receipt,
    aliasRfc
  })
  if (receipt !== undefined || aliasEqual) {
    return make(penalty ? "ALIAS_CONFLICT" : receipt ? "RFC_EQUAL" : "RFC_ALIAS", 7 - penalty, undefined)
  }
  if (!tx.informative || cluster.issuerNames.length === 0) {
    return make(penalty ? "ALIAS_CONFLICT" : "UNINFORMATIVE", -penalty, undefined)
  }
  const need = ctx.config.edgePoints - partial + penalty
  if (need > 5) return undefined
  // Without a shared distinctive token the similarity is at most 0.40 (band 0): skip it unless the penalty matters.
  if (need > 0 && !namesMayShare(tx, cluster)) return undefined
  const sim = clusterSimilarity(tx, cluster)
  const [cls, points] = nameBand(sim)
  if (penalty) return make("ALIAS_CONFLICT", points - penalty, sim)
  return sim < 0.3 && tx.distinctive && cluster.distinctive ? make("CONTRADICTING", -6, sim) : make(cls, points, sim)
}

const identityTerm = (tx: TransactionView, cluster: EvidenceCluster, match: IdentityMatch): Term => {
  const detail: Record<string, string> = {
    descriptor: tx.tx.descriptor,
    sim: (match.sim ?? clusterSimilarity(tx, cluster)).toFixed(2)
  }
  const issuer = cluster.members.find((m) => m.doc.issuer.name !== undefined)?.doc.issuer.name
  if (issuer !== undefined) detail.issuer = issuer
  if (cluster.rfcs.length > 0) detail.rfc = cluster.rfcs.join(",")
  if (match.aliasRfc !== undefined) detail.aliasRfc = match.aliasRfc
  if (match.receipt) detail.receipt = match.receipt.doc.id
  return { cls: match.cls, points: match.points, detail }
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

interface DateMatch {
  readonly points: number
  readonly member: DocumentView
  readonly deltaDays: number
}

/** Date points (§7.4): the best member inside its window (CFDI [-3, +35/+45] days, receipt +/-7); none outside. */
const dateOf = (config: MatcherConfig, tx: TransactionView, cluster: EvidenceCluster): DateMatch | undefined => {
  if (tx.day === undefined) return undefined
  let best: DateMatch | undefined
  for (const member of cluster.members) {
    const deltaDays = member.day - tx.day
    const points = member.fiscal ? cfdiDatePoints(config, tx, deltaDays) : receiptDatePoints(config, deltaDays)
    if (points === undefined) continue
    if (
      best === undefined || points > best.points ||
      (points === best.points && Math.abs(deltaDays) < Math.abs(best.deltaDays))
    ) best = { points, member, deltaDays }
  }
  return best
}

const dateTerm = (tx: TransactionView, match: DateMatch): Term & { readonly deltaDays: number } => ({
  cls: match.member.fiscal ? "CFDI_DATE" : "RECEIPT_DATE",
  points: match.points,
  deltaDays: match.deltaDays,
  detail: {
    operationDate: tx.tx.operationDate,
    documentDate: match.member.doc.issueDate,
    deltaDays: match.deltaDays,
    member: match.member.doc.id
  }
})

const cardFormasPago: ReadonlySet<string> = new Set(["04", "28", "29"])
const nonCardFormasPago: ReadonlySet<string> = new Set(["01", "02", "03"])

/**
 * Corroboration (§7.4): attached to this charge in Clara +6, uploaded by the cardholder +1, CFDI FormaPago
 * 04/28/29 +1 or 01/02/03 -3, MCC consistent with ClaveProdServ +1. Returns the points; pushes the terms into
 * `terms` when given.
 */
export const corroborate = (tx: TransactionView, cluster: EvidenceCluster, terms?: Array<Term>): number => {
  let points = 0
  const uuid = tx.uuid
  const uploader = tx.userUuid
  let attached: DocumentView | undefined
  let uploaded: DocumentView | undefined
  for (const member of cluster.members) {
    if (attached === undefined && member.attachedTo.includes(uuid)) attached = member
    if (uploaded === undefined && uploader !== undefined && member.uploadedBy === uploader) uploaded = member
  }
  if (attached) {
    points += 6
    terms?.push({ cls: "ATTACHED_IN_CLARA", points: 6, detail: { member: attached.doc.id } })
  }
  if (uploaded) {
    points += 1
    terms?.push({ cls: "UPLOADED_BY_CARDHOLDER", points: 1, detail: { member: uploaded.doc.id } })
  }
  const invoice = cluster.fiscal
  const formaPago = invoice?.formaPago
  if (formaPago !== undefined && cardFormasPago.has(formaPago)) {
    points += 1
    terms?.push({ cls: "FORMA_PAGO_CARD", points: 1, detail: { formaPago } })
  } else if (formaPago !== undefined && nonCardFormasPago.has(formaPago)) {
    points -= 3
    terms?.push({ cls: "FORMA_PAGO_NOT_CARD", points: -3, detail: { formaPago } })
  }
  const clave = invoice?.claveProdServ
  const mcc = tx.mcc
  const prefixes = mcc === undefined || clave === undefined ? undefined : nameTables.mccProductPrefixes[mcc]
  if (mcc !== undefined && clave !== undefined && prefixes?.some((prefix) => clave.startsWith(prefix))) {
    points += 1
    terms?.push({ cls: "MCC_CONSISTENT", points: 1, detail: { mcc, claveProdServ: clave } })
  }
  return points
}

/**
 * Scores one pair; `undefined` when there is no edge: direction mismatch (a purchase needs a type I CFDI or a
 * receipt, a refund a type E CFDI), no amount class, outside every date window, or fewer than `edgePoints` points
 * (§7.3 step 3).
 */
export const scoreEdge = (
  ctx: ScoringContext,
  tx: TransactionView,
  cluster: EvidenceCluster
): ScoredEdge | undefined => {
  if (cluster.direction !== tx.type) return undefined
  const amount = amountOf(ctx, tx, cluster)
  if (amount === undefined) return undefined
  const date = dateOf(ctx.config, tx, cluster)
  if (date === undefined) return undefined
  const partial = amount.points + date.points + corroborate(tx, cluster)
  const identity = identityOf(ctx, tx, cluster, partial)
  if (identity === undefined) return undefined
  const points = partial + identity.points
  if (points < ctx.config.edgePoints) return undefined
  const corroboration: Array<Term> = []
  corroborate(tx, cluster, corroboration)
  return {
    tx: tx.index,
    cluster: cluster.index,
    points,
    amount: amountTerm(tx, amount),
    identity: identityTerm(tx, cluster, identity),
    date: dateTerm(tx, date),
    corroboration,
    absGap: absBig(amount.gapMinor),
    absDays: Math.abs(date.deltaDays)
  }
}
