/**
 * Group solvers (matching.md §7.6), run on what the one-to-one assignment left open:
 * - 1 charge : N CFDIs (split invoices, a hotel folio): exact subset-sum by meet in the middle over the open CFDIs
 *   of one issuer RFC in the charge's window, the `groupPoolSize` nearest by date, each at most the charge;
 * - 1 charge : a CFDI net of its credit notes (cfdi.md §2.7, matching.md §7.8): an invoice (type I) whose open type E
 *   CFDIs name it in `CfdiRelacionados` (TipoRelacion 01 credit note, 03 return, 07 advance applied), when the
 *   charge paid I.Total minus the Totals of some of them (a discount or an advance granted on a separate CFDI, no
 *   card refund);
 * - N charges : 1 CFDI, MSI (meses sin intereses): the instalments of one plan, each about Total / n;
 * - N charges : 1 CFDI, split tender (deposit + balance, incremental authorisation): charges of one card and
 *   descriptor within `splitTenderDays` days whose sum is the CFDI total.
 * Every member pair must carry identity (an RFC alias or a name similarity of at least 0.75) and lie in the date
 * window. Groups are explained as groups; groups of more than `groupMaxAutoItems` CFDIs, or with a second solution
 * of the same size, are only suggested.
 */
import { endOfMonth, fromEpochDay, toEpochDay } from "@clara-recon/domain"
import type { EvidenceCluster } from "./Clusters.js"
import { type GateName, capsInMinor } from "./Gates.js"
import { subsetSums } from "./internal/SubsetSum.js"
import { fiscalUuidOf, type TransactionView } from "./Prepared.js"
import { type DateMatch, type IdentityMatch, pairDate, pairIdentity, type ScoringContext } from "./Scoring.js"
import { nameKeys } from "./Similarity.js"

/** The kinds of group (§7.6; CREDIT_NOTE_NETTED, §7.8). */
export type GroupKind = "SPLIT_INVOICES" | "CREDIT_NOTE_NETTED" | "MSI" | "SPLIT_TENDER"

/** A group of one charge and several documents (one link row), as opposed to several charges paying one CFDI. */
export const isOneCharge = (kind: GroupKind): boolean => kind === "SPLIT_INVOICES" || kind === "CREDIT_NOTE_NETTED"

/**
 * A group link or suggestion. Indices are transaction (uuid order) and cluster (id order) indices, ascending; an
 * MSI plan's charges are in day order (its last is the latest instalment), and for CREDIT_NOTE_NETTED the
 * invoice's cluster comes first, then its credit notes ascending.
 */
export interface GroupDecision {
  readonly kind: GroupKind
  readonly transactions: ReadonlyArray<number>
  readonly clusters: ReadonlyArray<number>
  /** CONFIRMED: a group a person confirmed (`confirmedGroup`), kept as is whatever its gates. */
  readonly decision: "AUTO_LINKED" | "SUGGESTED" | "CONFIRMED"
  /** Amount (8: the sum is exact within 0.01 per item) + the weakest identity + the weakest date term. */
  readonly points: number
  /** Points over leaving the members unassigned (suggest - 0.5, rounded down); 0 when another solution ties. */
  readonly margin: number
  /** The weakest identity term, and the date term (1:N the weakest, N:1 the best), with their pairs. */
  readonly identity: { readonly tx: number; readonly cluster: number; readonly match: IdentityMatch }
  readonly date: { readonly tx: number; readonly cluster: number; readonly match: DateMatch }
  /** Sum of the charges minus sum of the documents, minor units of the account currency. */
  readonly gapMinor: bigint
  readonly sumTransactionsMinor: bigint
  /** Sum of the documents' Totals, minor units; a credit note of CREDIT_NOTE_NETTED counts negative. */
  readonly sumDocumentsMinor: bigint
  readonly gatesFailed: ReadonlyArray<GateName>
  /** Other solutions with as few items (1:N), 0 when unique. */
  readonly alternatives: number
  /** `MSI k/n` for instalment plans. */
  readonly status: string | undefined
  /**
   * MSI: the plan length n, the instalments linked so far (this group's charges and the `instalmentsBefore` an
   * earlier period holds), and the epoch day the next instalment is due (undefined when complete).
   */
  readonly msi: { readonly of: number; readonly linked: number; readonly nextDueDay: number | undefined } | undefined
  /**
   * MSI whose first charge here is instalment k > 1 (the earlier ones fell in an earlier period): the CFDI was dated
   * against the plan's first instalment, `instalmentsBefore` = k - 1 months of 30 days before that charge, at epoch
   * day `day`. Undefined otherwise.
   */
  readonly anchor: { readonly day: number; readonly instalmentsBefore: number } | undefined
  /** Who confirmed a CONFIRMED group, and when (ISO-8601 UTC). */
  readonly confirmedBy?: { readonly who: string; readonly when: string }
}

/** What the group solvers may use. */
export interface GroupInput {
  readonly transactions: ReadonlyArray<TransactionView>
  readonly clusters: ReadonlyArray<EvidenceCluster>
  /** Subject transactions left without a link, ascending. */
  readonly openTransactions: ReadonlyArray<number>
  /** Clusters left unassigned, ascending. */
  readonly openClusters: ReadonlyArray<number>
  readonly ctx: ScoringContext
  /** Forbidden (rejected) pairs as `${tx}:${cluster}`: no group holds one (§7.13). */
  readonly forbidden?: ReadonlySet<string>
}

/** Whether the pair (`t`, `c`) may be in a group: not rejected by a person. */
const allowed = (input: GroupInput, t: number, c: number): boolean => input.forbidden?.has(`${t}:${c}`) !== true

const identityFloor = 3

interface Pair {
  readonly identity: IdentityMatch
  readonly date: DateMatch
}

const fiscalTotal = (cluster: EvidenceCluster): bigint => cluster.fiscal!.totalMinor

/** A document's Total in a group's sum: a credit note netted against its invoice counts negative. */
const signedTotal = (kind: GroupKind, cluster: EvidenceCluster): bigint =>
  kind === "CREDIT_NOTE_NETTED" && cluster.direction === "REFUND" ? -fiscalTotal(cluster) : fiscalTotal(cluster)

/** Calendar week of an epoch day (pool look-ups are bucketed by week). */
const weekOf = (day: number): number => Math.floor(day / 7)

/**
 * Open fiscal purchase clusters by name key and by RFC, for pool look-ups; each key's clusters are bucketed by the
 * week of every member day, so a look-up reads only the weeks of a charge's date window, never every cluster of a
 * merchant (matching.md §7.14: candidates, never all pairs).
 */
const indexClusters = (input: GroupInput) => {
  const byKey = new Map<string, Map<number, Array<number>>>()
  const byRfc = new Map<string, Map<number, Array<number>>>()
  const push = (map: Map<string, Map<number, Array<number>>>, key: string, weeks: ReadonlyArray<number>, c: number) => {
    let byWeek = map.get(key)
    if (byWeek === undefined) map.set(key, byWeek = new Map())
    for (const w of weeks) {
      const list = byWeek.get(w)
      if (list === undefined) byWeek.set(w, [c])
      else if (list[list.length - 1] !== c) list.push(c)
    }
  }
  for (const c of input.openClusters) {
    const cluster = input.clusters[c]!
    if (cluster.fiscal === undefined || cluster.direction !== "PURCHASE") continue
    const weeks = [...new Set(cluster.members.map((m) => weekOf(m.day)))]
    for (const name of cluster.issuerNames) {
      for (const key of nameKeys(name.tokens, input.ctx.weigh)) push(byKey, key, weeks, c)
    }
    for (const rfc of cluster.rfcs) push(byRfc, rfc, weeks, c)
  }
  return { byKey, byRfc }
}

/**
 * Open clusters sharing a name key or the alias RFC with a charge, ascending, restricted to those with a member day
 * inside the widest date window of any member kind (CFDI [-3, +45], receipt +/-7): the others have no date term,
 * so every caller's `pairOf` would reject them anyway.
 */
const candidatesOf = (
  tx: TransactionView,
  index: ReturnType<typeof indexClusters>,
  ctx: ScoringContext
): Array<number> => {
  if (tx.day === undefined) return []
  const { config } = ctx
  const from = tx.day - Math.max(config.cfdiDaysBefore, config.receiptDays)
  const to = tx.day + Math.max(config.cfdiDaysAfterMonthEnd, config.cfdiDaysAfter, config.receiptDays)
  const found = new Set<number>()
  const collect = (byWeek: ReadonlyMap<number, ReadonlyArray<number>> | undefined) => {
    if (byWeek === undefined) return
    for (let w = weekOf(from); w <= weekOf(to); w++) for (const c of byWeek.get(w) ?? []) found.add(c)
  }
  for (const name of tx.names) for (const key of nameKeys(name.tokens, ctx.weigh)) collect(index.byKey.get(key))
  const alias = ctx.aliases.get(tx.descriptorKey)
  if (alias !== undefined) collect(index.byRfc.get(alias))
  return [...found].sort((a, b) => a - b)
}

const pairOf = (ctx: ScoringContext, tx: TransactionView, cluster: EvidenceCluster): Pair | undefined => {
  if (cluster.direction !== tx.type || cluster.fiscal === undefined) return undefined
  if (cluster.fiscal.currency !== tx.currency) return undefined
  const date = pairDate(ctx.config, tx, cluster)
  if (date === undefined) return undefined
  const identity = pairIdentity(ctx, tx, cluster)
  return identity.points >= identityFloor ? { identity, date } : undefined
}

/** The date pair of an anchored MSI chain (`GroupDecision.anchor`): its first charge dated at the anchor day. */
interface AnchoredDate {
  readonly anchor: NonNullable<GroupDecision["anchor"]>
  readonly date: GroupDecision["date"]
}

const build = (
  input: GroupInput,
  kind: GroupKind,
  txs: ReadonlyArray<number>,
  cls: ReadonlyArray<number>,
  alternatives: number,
  msi: GroupDecision["msi"],
  anchored?: AnchoredDate,
  confirmed = false
): GroupDecision | undefined => {
  const { config } = input.ctx
  let identity: GroupDecision["identity"] | undefined
  // N:1 takes the best-aligned date: an anchored chain's first instalment competes with its charges here.
  let date: GroupDecision["date"] | undefined = anchored?.date
  for (const t of txs) {
    for (const c of cls) {
      const pair = pairOf(input.ctx, input.transactions[t]!, input.clusters[c]!)
      if (pair === undefined) {
        // A member pair outside the window (a later instalment, a later split): identity still required.
        const identityOnly = pairIdentity(input.ctx, input.transactions[t]!, input.clusters[c]!)
        if (identityOnly.points < identityFloor && !confirmed) return undefined
        if (identity === undefined || identityOnly.points < identity.match.points) {
          identity = { tx: t, cluster: c, match: identityOnly }
        }
        continue
      }
      if (identity === undefined || pair.identity.points < identity.match.points) {
        identity = { tx: t, cluster: c, match: pair.identity }
      }
      // 1:N: every CFDI must be near the charge (the weakest date counts); N:1: the CFDI dates the group's
      // completion, so the best-aligned charge counts (a deposit days before the final charge is normal). A credit
      // note never pairs with a purchase (other direction): only its invoice dates the group.
      if (
        date === undefined ||
        (kind === "SPLIT_INVOICES" ? pair.date.points < date.match.points : pair.date.points > date.match.points)
      ) date = { tx: t, cluster: c, match: pair.date }
    }
  }
  if (confirmed && date === undefined) date = undatedPair(input, txs[0]!, cls[0]!)
  if (identity === undefined || date === undefined) return undefined
  const sumTx = txs.reduce((acc, t) => acc + input.transactions[t]!.amountMinor, 0n)
  const sumDocs = cls.reduce((acc, c) => acc + signedTotal(kind, input.clusters[c]!), 0n)
  const points = 8 + identity.match.points + date.match.points
  const gates: Array<GateName> = []
  if (points < config.autoPoints) gates.push("points")
  if (alternatives > 0) gates.push("margin")
  if (kind === "SPLIT_INVOICES" && cls.length > config.groupMaxAutoItems) gates.push("groupSize")
  if (identity.match.points < identityFloor) gates.push("identity")
  const members = cls.flatMap((c) => input.clusters[c]!.members)
  if (members.some((m) => m.notVerified)) gates.push("documentNotVerified")
  const currency = input.transactions[txs[0]!]!.currency
  const cap = capsInMinor(config).get(currency)
  // an MSI plan is capped by its CFDI, the whole purchase: the same gate from its first instalment to its last (a
  // plan that grew past the cap by its charges would drop the AUTO links of its earlier instalments)
  const atRisk = kind === "MSI" && sumDocs > sumTx ? sumDocs : sumTx
  if (cap === undefined || atRisk > cap) gates.push("unattendedCap")
  return {
    kind,
    transactions: txs,
    clusters: cls,
    decision: confirmed ? "CONFIRMED" : gates.length === 0 ? "AUTO_LINKED" : "SUGGESTED",
    points,
    margin: alternatives > 0 ? 0 : Math.max(0, points - config.suggestPoints + 1),
    identity,
    date,
    gapMinor: sumTx - sumDocs,
    sumTransactionsMinor: sumTx,
    sumDocumentsMinor: sumDocs,
    gatesFailed: gates,
    alternatives,
    status: msi === undefined ? undefined : `MSI ${msi.linked}/${msi.of}`,
    msi,
    // the anchor is told only when it dates the group (no charge of it aligns better)
    anchor: anchored !== undefined && date === anchored.date ? anchored.anchor : undefined
  }
}

/** A pair with no date evidence left (0 points), for a confirmed group whose dates fall outside every window. */
const undatedPair = (input: GroupInput, t: number, c: number): GroupDecision["date"] => {
  const member = input.clusters[c]!.members[0]!
  return { tx: t, cluster: c, match: { points: 0, member, deltaDays: member.day - (input.transactions[t]!.day ?? member.day) } }
}

const spread = (input: GroupInput, cls: ReadonlyArray<number>): number => {
  const days = cls.map((c) => input.clusters[c]!.fiscal!.day)
  return Math.max(...days) - Math.min(...days)
}

const idKey = (input: GroupInput, cls: ReadonlyArray<number>): string =>
  cls.map((c) => input.clusters[c]!.id).sort().join("\n")

/** 1 charge : N CFDIs. */
const splitInvoices = (
  input: GroupInput,
  t: number,
  pool: ReadonlyArray<number>,
  taken: Set<number>
): GroupDecision | undefined => {
  const tx = input.transactions[t]!
  if (tx.day === undefined || tx.original !== undefined) return undefined
  const { config } = input.ctx
  const charge = tx.amountMinor
  const byRfc = new Map<string, Array<{ c: number; days: number }>>()
  for (const c of pool) {
    if (taken.has(c)) continue
    const cluster = input.clusters[c]!
    if (fiscalTotal(cluster) > charge || cluster.rfcs.length === 0) continue
    if (pairOf(input.ctx, tx, cluster) === undefined) continue
    const rfc = cluster.rfcs[0]!
    const list = byRfc.get(rfc) ?? []
    byRfc.set(rfc, list)
    list.push({ c, days: Math.abs(cluster.fiscal!.day - tx.day) })
  }
  let best: { cls: Array<number>; alternatives: number } | undefined
  for (const rfc of [...byRfc.keys()].sort()) {
    const pool = byRfc.get(rfc)!
    if (pool.length < 2) continue
    pool.sort((a, b) => a.days - b.days || a.c - b.c)
    const chosen = pool.slice(0, config.groupPoolSize).map((p) => p.c)
    const solutions = subsetSums(chosen.map((c) => Number(fiscalTotal(input.clusters[c]!))), Number(charge), {
      minItems: 2,
      maxItems: config.groupMaxItems,
      tolerancePerItem: 1,
      limit: 16
    }).map((items) => items.map((i) => chosen[i]!).sort((a, b) => a - b))
    if (solutions.length === 0) continue
    solutions.sort((a, b) =>
      a.length - b.length || spread(input, a) - spread(input, b) ||
      (idKey(input, a) < idKey(input, b) ? -1 : idKey(input, a) > idKey(input, b) ? 1 : 0)
    )
    const first = solutions[0]!
    const ties = solutions.filter((s) => s.length === first.length).length - 1
    if (best === undefined || first.length < best.cls.length) best = { cls: first, alternatives: ties }
    else if (first.length === best.cls.length) best = { cls: best.cls, alternatives: best.alternatives + 1 }
  }
  return best === undefined ? undefined : build(input, "SPLIT_INVOICES", [t], best.cls, best.alternatives, undefined)
}

/** TipoRelacion codes by which a type E CFDI reduces the invoice it names (cfdi.md §1.5, §2.7). */
const creditRelations: ReadonlySet<string> = new Set(["01", "03", "07"])

/**
 * Open credit notes by the UUID (upper case) of the invoice they reduce: type E CFDIs whose credit relations
 * (`creditRelations`) name exactly one invoice. A credit note naming several cannot be split between them here.
 */
const creditNotesByInvoice = (input: GroupInput): ReadonlyMap<string, ReadonlyArray<number>> => {
  const out = new Map<string, Array<number>>()
  for (const c of input.openClusters) {
    const fiscal = input.clusters[c]!.fiscal
    if (fiscal === undefined || fiscal.direction !== "REFUND") continue
    const named = new Set(
      fiscal.doc.relations.filter((r) => creditRelations.has(r.tipoRelacion.trim()))
        .flatMap((r) => r.uuids.map((uuid) => uuid.trim().toUpperCase()))
    )
    if (named.size !== 1) continue
    const [invoice] = named
    const list = out.get(invoice!) ?? []
    out.set(invoice!, list)
    list.push(c)
  }
  return out
}

/** Most credit notes of one invoice a netting considers (the nearest by date). */
const MAX_NOTES = 12

/**
 * 1 charge : a CFDI net of some of its credit notes. Among the open invoices of the charge's pool (`pool`: same
 * currency, identity and date as a 1:1 pair), those with open credit notes in that currency where I.Total - the sum of
 * some notes equals the charge within 0.01 per document: the fewest notes (subset-sum), so a later note the charge
 * does not explain (a return refunded next month) leaves the netting as it was. The nearest invoice by date wins;
 * another invoice, or another set of as many notes, is an alternative (a suggestion).
 */
const netOfCreditNotes = (
  input: GroupInput,
  t: number,
  pool: ReadonlyArray<number>,
  credits: ReadonlyMap<string, ReadonlyArray<number>>,
  taken: ReadonlySet<number>
): GroupDecision | undefined => {
  const tx = input.transactions[t]!
  if (tx.day === undefined || tx.original !== undefined || credits.size === 0) return undefined
  const found: Array<{ readonly cls: ReadonlyArray<number>; readonly days: number; readonly ties: number }> = []
  for (const c of pool) {
    if (taken.has(c)) continue
    const invoice = input.clusters[c]!
    const distance = (e: number) => Math.abs(input.clusters[e]!.fiscal!.day - tx.day!)
    const notes = (credits.get(fiscalUuidOf(invoice.fiscal!.doc)) ?? [])
      .filter((e) => !taken.has(e) && input.clusters[e]!.fiscal!.currency === tx.currency && allowed(input, t, e))
      .sort((a, b) => distance(a) - distance(b) || a - b)
      .slice(0, MAX_NOTES)
    const credited = fiscalTotal(invoice) - tx.amountMinor
    if (notes.length === 0 || credited <= 0n || pairOf(input.ctx, tx, invoice) === undefined) continue
    const solutions = subsetSums(notes.map((e) => Number(fiscalTotal(input.clusters[e]!))), Number(credited), {
      minItems: 1,
      maxItems: notes.length,
      tolerancePerItem: 1,
      limit: 8
    })
    if (solutions.length === 0) continue
    const chosen = solutions[0]!.map((i) => notes[i]!).sort((a, b) => a - b)
    found.push({ cls: [c, ...chosen], days: Math.abs(invoice.fiscal!.day - tx.day), ties: solutions.length - 1 })
  }
  if (found.length === 0) return undefined
  found.sort((a, b) => a.days - b.days || a.cls[0]! - b.cls[0]!)
  const alternatives = found.length - 1 + found[0]!.ties
  return build(input, "CREDIT_NOTE_NETTED", [t], found[0]!.cls, alternatives, undefined)
}

const monthDays = 30

/**
 * `tx` as if charged `months` months of 30 days earlier: the day, and whether that day is near its month's end (the
 * CFDI window's upper bound depends on it, matching.md §7.4).
 */
const earlierView = (tx: TransactionView, months: number, config: ScoringContext["config"]): TransactionView => {
  const day = tx.day! - monthDays * months
  const lastDay = toEpochDay(endOfMonth(fromEpochDay(day)))!
  return { ...tx, day, monthEnd: lastDay - day < config.monthEndDays }
}

/** The MSI chain a charge belongs to: card, descriptor, plan length and currency. */
const msiChainKey = (tx: TransactionView): string =>
  `${tx.cardKey ?? ""}|${tx.descriptorKey}|${tx.instalment?.of ?? ""}|${tx.currency}`

/**
 * N charges : 1 CFDI, MSI instalment plans (matching.md §7.6): the charges of one card, descriptor, plan length and
 * currency, each about Total / n, linked to the CFDI of the plan's first charge as the group grows. A monthly job
 * sees a plan one instalment at a time: when the chain's first charge here is instalment k > 1, the CFDI is dated
 * against the plan's first instalment, k - 1 months (of 30 days) before it (`GroupDecision.anchor`), so a lone 2/3
 * is linked to the purchase's CFDI instead of being reported as a charge without invoice.
 */
const msiGroups = (
  input: GroupInput,
  index: ReturnType<typeof indexClusters>,
  takenTx: Set<number>,
  taken: Set<number>
): Array<GroupDecision> => {
  const { config } = input.ctx
  const chains = new Map<string, Array<number>>()
  for (const t of input.openTransactions) {
    const tx = input.transactions[t]!
    if (tx.instalment === undefined || tx.type !== "PURCHASE" || tx.day === undefined) continue
    if (!config.msiPlans.includes(tx.instalment.of)) continue
    const key = msiChainKey(tx)
    const list = chains.get(key) ?? []
    chains.set(key, list)
    list.push(t)
  }
  const out: Array<GroupDecision> = []
  // Chains by key, those that start at their first instalment before those dated from an earlier period: a chain
  // that holds its plan's start takes its CFDI first.
  const ordered = [...chains.keys()].sort().map((key) =>
    chains.get(key)!.sort((a, b) => input.transactions[a]!.day! - input.transactions[b]!.day! || a - b)
  )
  const startsHere = (chain: ReadonlyArray<number>) => input.transactions[chain[0]!]!.instalment!.number <= 1
  for (const chain of [...ordered.filter(startsHere), ...ordered.filter((chain) => !startsHere(chain))]) {
    const first = input.transactions[chain[0]!]!
    const n = first.instalment!.of
    const before = Math.min(first.instalment!.number, n) - 1
    const planStart = before > 0 ? earlierView(first, before, config) : first
    const tolerance = BigInt(config.msiToleranceMinor)
    let match: number | undefined
    let startPair: Pair | undefined
    for (const c of candidatesOf(planStart, index, input.ctx)) {
      if (taken.has(c)) continue
      const total = fiscalTotal(input.clusters[c]!)
      const expected = total / BigInt(n)
      const diff = first.amountMinor - expected
      if ((diff < 0n ? -diff : diff) > tolerance) continue
      startPair = pairOf(input.ctx, planStart, input.clusters[c]!)
      if (startPair === undefined) continue
      match = c
      break
    }
    if (match === undefined) continue
    const expected = fiscalTotal(input.clusters[match]!) / BigInt(n)
    const members = chain.filter((t) => {
      const diff = input.transactions[t]!.amountMinor - expected
      return (diff < 0n ? -diff : diff) <= tolerance && allowed(input, t, match!)
    }).slice(0, n - before)
    if (members.length === 0) continue
    const linked = before + members.length
    const lastDay = input.transactions[members[members.length - 1]!]!.day!
    const nextDueDay = linked < n ? lastDay + monthDays : undefined
    // the plan is dated from its first member: the chain's first charge, or the next one when a person rejected it
    const lead = input.transactions[members[0]!]!
    const leadBefore = members[0] === chain[0] ? before : Math.min(lead.instalment!.number, n) - 1
    const leadStart = members[0] === chain[0] ? planStart : earlierView(lead, leadBefore, config)
    const leadPair = members[0] === chain[0] ? startPair : pairOf(input.ctx, leadStart, input.clusters[match]!)
    if (leadPair === undefined) continue
    const anchored = leadBefore > 0
      ? {
        anchor: { day: leadStart.day!, instalmentsBefore: leadBefore },
        date: { tx: members[0]!, cluster: match, match: leadPair.date }
      }
      : undefined
    const group = build(input, "MSI", members, [match], 0, { of: n, linked, nextDueDay }, anchored)
    if (group === undefined) continue
    for (const t of members) takenTx.add(t)
    taken.add(match)
    out.push(group)
  }
  return out
}

/** N charges : 1 CFDI of one card and descriptor within `splitTenderDays` days (deposit + balance). */
const splitTender = (
  input: GroupInput,
  index: ReturnType<typeof indexClusters>,
  takenTx: Set<number>,
  taken: Set<number>
): Array<GroupDecision> => {
  const { config } = input.ctx
  const byKey = new Map<string, Array<number>>()
  for (const t of input.openTransactions) {
    const tx = input.transactions[t]!
    if (takenTx.has(t) || tx.type !== "PURCHASE" || tx.day === undefined || tx.original !== undefined) continue
    const key = `${tx.cardKey ?? ""}|${tx.descriptorKey}|${tx.currency}`
    const list = byKey.get(key) ?? []
    byKey.set(key, list)
    list.push(t)
  }
  const out: Array<GroupDecision> = []
  for (const key of [...byKey.keys()].sort()) {
    const list = byKey.get(key)!
    if (list.length < 2) continue
    list.sort((a, b) => input.transactions[a]!.day! - input.transactions[b]!.day! || a - b)
    const days = list.map((s) => input.transactions[s]!.day!)
    let start = 0
    for (const t of list) {
      if (takenTx.has(t)) continue
      const tx = input.transactions[t]!
      // Siblings: the first 8 others of the list (day order) dated from the charge's day to `splitTenderDays`
      // after it; the list is sorted by day, so they are read from the first entry of that day on, not filtered.
      while (days[start]! < tx.day!) start++
      const siblings: Array<number> = []
      for (let i = start; i < list.length && days[i]! <= tx.day! + config.splitTenderDays && siblings.length < 8; i++) {
        const s = list[i]!
        if (s !== t && !takenTx.has(s)) siblings.push(s)
      }
      if (siblings.length === 0) continue
      const pool = [t, ...siblings]
      const max = pool.reduce((acc, s) => acc + input.transactions[s]!.amountMinor, 0n)
      for (const c of candidatesOf(tx, index, input.ctx)) {
        if (taken.has(c)) continue
        const total = fiscalTotal(input.clusters[c]!)
        if (total <= tx.amountMinor || total > max + BigInt(pool.length)) continue
        if (pairOf(input.ctx, tx, input.clusters[c]!) === undefined) continue
        const solutions = subsetSums(pool.map((s) => Number(input.transactions[s]!.amountMinor)), Number(total), {
          minItems: 2,
          maxItems: config.splitTenderMaxItems,
          tolerancePerItem: 1,
          limit: 8
        }).filter((items) => items.includes(0) && items.every((i) => allowed(input, pool[i]!, c)))
        if (solutions.length === 0) continue
        const members = solutions[0]!.map((i) => pool[i]!).sort((a, b) => a - b)
        const group = build(input, "SPLIT_TENDER", members, [c], solutions.length - 1, undefined)
        if (group === undefined) continue
        for (const m of members) takenTx.add(m)
        taken.add(c)
        out.push(group)
        break
      }
    }
  }
  return out
}

/**
 * A group a person confirmed (matching.md §7.13), re-scored on this run's data and kept whatever its gates: decision
 * CONFIRMED, with its current evidence (identity without floor; a 0-point date when every date fell out of its
 * window). `txs` ascending; `cls` ascending, a CREDIT_NOTE_NETTED invoice first. An MSI plan goes on growing: the
 * charges of `openTransactions` in its chain, each about Total / n, join it up to the plan's length. Undefined when
 * a member cluster has no fiscal document any more.
 */
export const confirmedGroup = (
  input: GroupInput,
  kind: GroupKind,
  txs: ReadonlyArray<number>,
  cls: ReadonlyArray<number>,
  confirmedBy: NonNullable<GroupDecision["confirmedBy"]>
): GroupDecision | undefined => {
  if (txs.length === 0 || cls.length === 0 || cls.some((c) => input.clusters[c]!.fiscal === undefined)) return undefined
  const first = input.transactions[txs[0]!]!
  const n = first.instalment?.of
  if (kind !== "MSI" || n === undefined || first.day === undefined || cls.length !== 1) {
    const group = build(input, kind, txs, cls, 0, undefined, undefined, true)
    return group && { ...group, confirmedBy }
  }
  const expected = fiscalTotal(input.clusters[cls[0]!]!) / BigInt(n)
  const tolerance = BigInt(input.ctx.config.msiToleranceMinor)
  const key = msiChainKey(first)
  // a charge of the chain joins with an instalment number the plan does not hold yet (not a second plan's 1/3)
  const held = new Set(txs.map((t) => input.transactions[t]!.instalment?.number))
  const joining = input.openTransactions.filter((t) => {
    const tx = input.transactions[t]!
    const diff = tx.amountMinor - expected
    return !txs.includes(t) && tx.day !== undefined && msiChainKey(tx) === key &&
      (diff < 0n ? -diff : diff) <= tolerance && !held.has(tx.instalment?.number)
  })
  const byDay = (a: number, b: number) =>
    (input.transactions[a]!.day ?? 0) - (input.transactions[b]!.day ?? 0) || a - b
  const ordered = [...txs, ...joining].sort(byDay)
  const before = Math.min(input.transactions[ordered[0]!]!.instalment?.number ?? 1, n) - 1
  // the confirmed charges stay whatever the plan's length; joining ones fill what is left of it. In day order, as
  // the solver's plans: the last member is the latest instalment (MSI_INCOMPLETE is raised on it)
  const members = [...txs, ...ordered.filter((t) => !txs.includes(t)).slice(0, Math.max(0, n - before - txs.length))]
    .sort(byDay)
  const linked = before + members.length
  const lastDay = Math.max(...members.map((t) => input.transactions[t]!.day ?? 0))
  const msi = { of: n, linked, nextDueDay: linked < n ? lastDay + monthDays : undefined }
  const group = build(input, kind, members, cls, 0, msi, undefined, true)
  return group && { ...group, confirmedBy }
}

/**
 * Runs the group solvers in a fixed order (MSI, split tender, then per open transaction in index order a CFDI net
 * of its credit notes, else 1:N); a cluster or transaction joins at most one group. Deterministic: every list is
 * visited in index or key order.
 */
export const solveGroups = (input: GroupInput): ReadonlyArray<GroupDecision> => {
  const index = indexClusters(input)
  const credits = creditNotesByInvoice(input)
  const taken = new Set<number>()
  const takenTx = new Set<number>()
  const groups = [...msiGroups(input, index, takenTx, taken), ...splitTender(input, index, takenTx, taken)]
  for (const t of input.openTransactions) {
    if (takenTx.has(t) || input.transactions[t]!.type !== "PURCHASE") continue
    // the open invoices near the charge, shared by both 1:N solvers
    const pool = candidatesOf(input.transactions[t]!, index, input.ctx).filter((c) => allowed(input, t, c))
    const group = netOfCreditNotes(input, t, pool, credits, taken) ?? splitInvoices(input, t, pool, taken)
    if (group === undefined) continue
    takenTx.add(t)
    for (const c of group.clusters) taken.add(c)
    groups.push(group)
  }
  return groups
}
