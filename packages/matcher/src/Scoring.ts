/**
 * Integer-point scoring of a (transaction, evidence cluster) pair (matching.md §7.4): one amount class, identity
 * (max of the identity terms plus the penalty), date points (CFDI or receipt table) and corroboration.
 *
 * Scoring runs on every candidate, so it computes points with few allocations and stops as soon as the edge cannot
 * reach `edgePoints`. An edge records which class each term took and why (members, gaps, similarity); the
 * human-readable terms with their details are built by `edgeTerms`, only for the edges that are explained.
 */
import * as BigDecimal from "effect/BigDecimal"
import type { EvidenceCluster } from "./Clusters.js"
import { absBig, formatMinor, formatMinorMoney } from "./internal/Minor.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import { nameTables } from "./NameTables.js"
import type { DocumentView, TransactionView } from "./Prepared.js"
import type { NameProfile, TokenWeigher } from "./Similarity.js"

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

/** How an amount class was reached, for its detail. */
export type AmountRoute = "total" | "lessTip" | "original" | "converted" | "threeWay"

/** The amount explanation chosen for a pair (§7.4: the best class that applies). */
export interface AmountMatch {
  readonly cls: AmountClass
  readonly points: number
  /** Charge minus document amount in minor units of the account currency (0 for A1). */
  readonly gapMinor: bigint
  /** The member whose amount matched, and for a three-way match the receipt. */
  readonly member: DocumentView
  readonly route: AmountRoute
  readonly receipt?: DocumentView
}

/** The identity term of a pair: class, points, and what it rests on. */
export interface IdentityMatch {
  readonly cls: string
  readonly points: number
  /** The name similarity, when the points depended on it. */
  readonly sim: number | undefined
  /** A receipt tied to the charge whose RFC equals the invoice's. */
  readonly receipt: DocumentView | undefined
  readonly aliasRfc: string | undefined
}

/** The date term of a pair: the best member inside its window. */
export interface DateMatch {
  readonly points: number
  readonly member: DocumentView
  readonly deltaDays: number
}

/** A scored candidate edge: the class and points of each term (`edgeTerms` renders them). */
export interface ScoredEdge {
  /** Transaction index (uuid order) and cluster index (id order). */
  readonly tx: number
  readonly cluster: number
  readonly points: number
  readonly amount: AmountMatch
  readonly identity: IdentityMatch
  readonly date: DateMatch
  /** Sum of the corroboration points. */
  readonly corroborationPoints: number
  /** |gap| in minor units and |date delta| in days, for tie-breaking. */
  readonly absGap: bigint
  readonly absDays: number
}

/** The terms of an edge with their human-readable details (§7.11 evidence). */
export interface EdgeTerms {
  readonly amount: AmountTerm
  readonly identity: Term
  readonly date: Term & { readonly deltaDays: number }
  readonly corroboration: ReadonlyArray<Term>
}

/** Similarity of two name profiles (`profileSimilarity`, usually memoised per pair). */
export type NameSimilarity = (a: NameProfile, b: NameProfile) => number

/** Everything scoring reads besides the pair. */
export interface ScoringContext {
  readonly config: MatcherConfig
  readonly weigh: TokenWeigher
  /** Normalised descriptor -> RFC (confirmed aliases). */
  readonly aliases: ReadonlyMap<string, string>
  readonly similarity: NameSimilarity
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

/** The amount tolerances of a config as bigints, computed once per config. */
interface AmountLimits {
  readonly rounding: bigint
  readonly roundingPermille: bigint
  readonly tipMinPercent: bigint
  readonly tipMaxPercent: bigint
}

const limitsByConfig = new WeakMap<MatcherConfig, AmountLimits>()

const amountLimits = (config: MatcherConfig): AmountLimits => {
  let limits = limitsByConfig.get(config)
  if (limits === undefined) {
    limits = {
      rounding: BigInt(config.roundingMinor) * 1000n,
      roundingPermille: BigInt(config.roundingPermille),
      tipMinPercent: BigInt(config.tipMinPercent),
      tipMaxPercent: BigInt(config.tipMaxPercent)
    }
    limitsByConfig.set(config, limits)
  }
  return limits
}

const exact = ["A2_EXACT", 8] as const
const rounding = ["A3_ROUNDING", 6] as const
const tipPlausibleClass = ["A5_TIP_PLAUSIBLE", 2] as const
const ivaOnly = ["A6_IVA_ONLY", 1] as const

const sameCurrencyClass = (
  config: MatcherConfig,
  charge: bigint,
  total: bigint,
  tipPlausible: boolean
): readonly [AmountClass, number] | undefined => {
  const gap = charge - total
  const abs = absBig(gap)
  if (abs <= 1n) return exact
  const limits = amountLimits(config)
  const relative = limits.roundingPermille * charge
  if (abs * 1000n <= (limits.rounding > relative ? limits.rounding : relative)) return rounding
  if (
    tipPlausible && gap > 0n && gap * 100n >= limits.tipMinPercent * total &&
    gap * 100n <= limits.tipMaxPercent * total
  ) return tipPlausibleClass
  const scaled = charge * 1000n
  if (absBig(scaled - 1160n * total) <= 2n * total || absBig(scaled - 1080n * total) <= 2n * total) return ivaOnly
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
    const rate = member.fx?.rate
    detail.exchangeRate = rate ? BigDecimal.format(BigDecimal.normalize(rate)) : ""
    detail.fxSource = member.fx?.source ?? ""
    detail.fxDate = member.fx?.date ?? ""
    detail.converted = formatMinorMoney(member.convertedMinor, "MXN")
  }
  if (match.receipt) {
    detail.receipt = match.receipt.doc.id
    detail.documentTotal = formatMinorMoney(match.receipt.totalMinor, match.receipt.currency)
    detail.tip = formatMinorMoney(match.receipt.tipMinor, match.receipt.currency)
  }
  return { cls: match.cls, points: match.points, gapMinor, detail }
}

const nameBands: ReadonlyArray<readonly [minimum: number, cls: string, points: number]> = [
  [0.9, "NAME_SIM_HIGH", 5],
  [0.75, "NAME_SIM_MEDIUM", 3],
  [0.6, "NAME_SIM_LOW", 1],
  [-Infinity, "NAME_SIM_NONE", 0]
]

/** The name-similarity band of `sim` (§7.4): minimum, class and points (+5 / +3 / +1 / 0). */
export const nameBand = (sim: number): readonly [minimum: number, cls: string, points: number] =>
  nameBands.find(([minimum]) => sim >= minimum)!

const tiedTo = (member: DocumentView, tx: TransactionView): boolean => {
  if (member.attachedTo.includes(tx.uuid)) return true
  return member.attachedTo.length === 0 && tx.userUuid !== undefined && member.uploadedBy === tx.userUuid
}

/** The best name similarity between the transaction's names and the cluster's issuer names. */
export const clusterSimilarity = (
  similarity: NameSimilarity,
  tx: TransactionView,
  cluster: EvidenceCluster
): number => {
  let sim = 0
  for (const a of tx.names) for (const b of cluster.issuerNames) sim = Math.max(sim, similarity(a, b))
  return sim
}

const identityMatch = (
  cls: string,
  points: number,
  sim: number | undefined,
  receipt: DocumentView | undefined,
  aliasRfc: string | undefined
): IdentityMatch => ({ cls, points, sim, receipt, aliasRfc })

/**
 * Identity (§7.4): the max of RFC equality (+7: a receipt tied to this charge, by a Clara attachment or by its
 * uploader being the cardholder, whose `taxIdentifier` equals the invoice's Emisor RFC; or a confirmed alias of the
 * descriptor) and the name-similarity band (+5/+3/+1/0), plus the penalty: -6 when an alias points to a different
 * RFC, or when both sides have distinctive tokens, similarity is under 0.30 and no RFC equality holds.
 * `undefined` when the identity cannot lift `partial` points to `edgePoints` (scoring drops such a pair anyway).
 */
const identityOf = (
  ctx: ScoringContext,
  tx: TransactionView,
  cluster: EvidenceCluster,
  partial: number
): IdentityMatch | undefined => {
  const invoiceRfc = cluster.fiscal?.issuerRfc
  let receipt: DocumentView | undefined
  if (invoiceRfc !== undefined && cluster.documents.length > 0) {
    receipt = cluster.documents.find((d) => d.issuerRfc === invoiceRfc && tiedTo(d, tx))
  }
  const aliasRfc = ctx.aliases.size === 0 ? undefined : ctx.aliases.get(tx.descriptorKey)
  const aliasEqual = aliasRfc !== undefined && cluster.rfcs.includes(aliasRfc)
  const penalty = aliasRfc !== undefined && !aliasEqual && cluster.rfcs.length > 0 ? 6 : 0
  if (receipt !== undefined || aliasEqual) {
    const cls = penalty ? "ALIAS_CONFLICT" : receipt ? "RFC_EQUAL" : "RFC_ALIAS"
    return identityMatch(cls, 7 - penalty, undefined, receipt, aliasRfc)
  }
  if (!tx.informative || cluster.issuerNames.length === 0) {
    return identityMatch(penalty ? "ALIAS_CONFLICT" : "UNINFORMATIVE", -penalty, undefined, receipt, aliasRfc)
  }
  const need = ctx.config.edgePoints - partial + penalty
  if (need > 5) return undefined
  const sim = clusterSimilarity(ctx.similarity, tx, cluster)
  const contradicting = penalty === 0 && sim < 0.3 && tx.distinctive && cluster.distinctive
  // A pair that cannot reach `edgePoints` is dropped before its identity record is built: most candidates of a
  // dense run are coincidental same-amount documents of another merchant, and end here as contradicting names.
  if (contradicting && need > -6) return undefined
  const [, cls, points] = nameBand(sim)
  if (!contradicting && points < need) return undefined
  if (penalty) return identityMatch("ALIAS_CONFLICT", points - penalty, sim, receipt, aliasRfc)
  return contradicting
    ? identityMatch("CONTRADICTING", -6, sim, receipt, aliasRfc)
    : identityMatch(cls, points, sim, receipt, aliasRfc)
}

/** The name similarity of an edge as displayed (2 decimals), computed when its points did not need it. */
export const edgeSimilarityText = (
  similarity: NameSimilarity,
  tx: TransactionView,
  cluster: EvidenceCluster,
  edge: Pick<ScoredEdge, "identity">
): string => (edge.identity.sim ?? clusterSimilarity(similarity, tx, cluster)).toFixed(2)

const identityTerm = (
  similarity: NameSimilarity,
  tx: TransactionView,
  cluster: EvidenceCluster,
  match: IdentityMatch
): Term => {
  const detail: Record<string, string> = {
    descriptor: tx.tx.descriptor,
    sim: edgeSimilarityText(similarity, tx, cluster, { identity: match })
  }
  const issuer = cluster.members.find((m) => m.doc.issuer.name !== undefined)?.doc.issuer.name
  if (issuer !== undefined) detail.issuer = issuer
  if (cluster.rfcs.length > 0) detail.rfc = cluster.rfcs.join(",")
  if (match.aliasRfc !== undefined) detail.aliasRfc = match.aliasRfc
  if (match.receipt) detail.receipt = match.receipt.doc.id
  return { cls: match.cls, points: match.points, detail }
}

/** CFDI date points (§7.4) for `delta` = CFDI day - charge day; `undefined` outside the window. */
export const cfdiDatePoints = (config: MatcherConfig, tx: TransactionView, delta: number): number | undefined => {
  const after = tx.monthEnd ? config.cfdiDaysAfterMonthEnd : config.cfdiDaysAfter
  if (delta < -config.cfdiDaysBefore || delta > after) return undefined
  if (delta >= 0 && delta <= 1) return 3
  if ((delta >= 2 && delta <= 3) || delta === -1) return 2
  if (delta >= 4 && delta <= 10) return 1
  return 0
}

/** Receipt date points (§7.4) for `delta` = receipt day - charge day; `undefined` outside +/-`receiptDays`. */
export const receiptDatePoints = (config: MatcherConfig, delta: number): number | undefined => {
  const abs = Math.abs(delta)
  return abs > config.receiptDays ? undefined : abs <= 1 ? 3 : abs <= 3 ? 2 : 1
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

const mccPrefixes: ReadonlyMap<string, ReadonlyArray<string>> = new Map(Object.entries(nameTables.mccProductPrefixes))

/** The MCC is consistent with the ClaveProdServ (§7.4 corroboration, `nameTables.mccProductPrefixes`). */
export const mccFits = (mcc: string, clave: string): boolean => {
  for (const prefix of mccPrefixes.get(mcc) ?? []) if (clave.startsWith(prefix)) return true
  return false
}

/** FormaPago corroboration points of a CFDI (§7.4): 04/28/29 +1, 01/02/03 -3, otherwise (or none) 0. */
export const formaPagoPoints = (formaPago: string | undefined): number =>
  formaPago === undefined ? 0 : cardFormasPago.has(formaPago) ? 1 : nonCardFormasPago.has(formaPago) ? -3 : 0

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
    if (attached === undefined && member.attachedTo.length > 0 && member.attachedTo.includes(uuid)) attached = member
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
  if (mcc !== undefined && clave !== undefined && mccFits(mcc, clave)) {
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
  // The date test first: it is cheaper (numbers) and rejects more of the band's candidates than the amount test.
  const date = dateOf(ctx.config, tx, cluster)
  if (date === undefined) return undefined
  const amount = amountOf(ctx, tx, cluster)
  if (amount === undefined) return undefined
  const partial = amount.points + date.points + corroborate(tx, cluster)
  const identity = identityOf(ctx, tx, cluster, partial)
  if (identity === undefined) return undefined
  const points = partial + identity.points
  if (points < ctx.config.edgePoints) return undefined
  return {
    tx: tx.index,
    cluster: cluster.index,
    points,
    amount,
    identity,
    date,
    corroborationPoints: partial - amount.points - date.points,
    absGap: absBig(amount.gapMinor),
    absDays: Math.abs(date.deltaDays)
  }
}

/** The identity term of a pair regardless of amount (§7.4 identity table), for the group solvers of §7.6. */
export const pairIdentity = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): IdentityMatch =>
  identityOf(ctx, tx, cluster, Number.POSITIVE_INFINITY)!

/** The date term of a pair (§7.4 date tables), `undefined` outside every window. */
export const pairDate = (config: MatcherConfig, tx: TransactionView, cluster: EvidenceCluster): DateMatch | undefined =>
  dateOf(config, tx, cluster)

/** The identity term of an edge rendered with its details (`edgeTerms` for one term). */
export const identityTermOf = (
  similarity: NameSimilarity,
  tx: TransactionView,
  cluster: EvidenceCluster,
  match: IdentityMatch
): Term => identityTerm(similarity, tx, cluster, match)

/** The date term of a pair rendered with its details. */
export const dateTermOf = (tx: TransactionView, match: DateMatch): Term & { readonly deltaDays: number } =>
  dateTerm(tx, match)

/** The terms of an edge between `tx` and `cluster`, with their details (amounts as decimal strings, civil dates). */
export const edgeTerms = (
  similarity: NameSimilarity,
  tx: TransactionView,
  cluster: EvidenceCluster,
  edge: ScoredEdge
): EdgeTerms => {
  const corroboration: Array<Term> = []
  corroborate(tx, cluster, corroboration)
  return {
    amount: amountTerm(tx, edge.amount),
    identity: identityTerm(similarity, tx, cluster, edge.identity),
    date: dateTerm(tx, edge.date),
    corroboration
  }
}
