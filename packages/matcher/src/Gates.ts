/**
 * Decision gates (matching.md §7.5): which assigned edges auto-link, which become suggestions, and which
 * transactions are ambiguous. Gate 9 ("earned autonomy": an identity auto-links only after 3 confirmations) is not
 * applied yet: there is no decision history in the inputs. Vetoes (cancelled or substituted CFDIs, CFDI types that
 * cannot back the transaction, dates outside every window) act earlier: such pairs never become edges.
 */
import * as BigDecimal from "effect/BigDecimal"
import type { Assignment } from "./Assignment.js"
import type { EdgeGraph } from "./Candidates.js"
import type { EvidenceCluster } from "./Clusters.js"
import { absMinor } from "./internal/Minor.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { TransactionView } from "./Prepared.js"
import { autoLinkAmountClasses, compareEdges, type ScoredEdge } from "./Scoring.js"

/** Names of the auto-link gates, as reported in `Explanation.gatesFailed`. */
export type GateName =
  | "points"
  | "margin"
  | "amountClass"
  | "identity"
  | "documentNotVerified"
  | "unattendedCap"
  | "dense"
  | "groupSize"
  | "keptLink"

/** Vetoes every edge has passed, as reported in `Explanation.vetoesChecked`. */
export const vetoesChecked: ReadonlyArray<string> = ["cfdiStatus", "cfdiSubstituted", "comprobanteType", "dateWindow"]

/** A decided pair. */
export interface Decision {
  readonly edge: ScoredEdge
  readonly decision: "AUTO_LINKED" | "SUGGESTED"
  readonly margin: number
  readonly gatesFailed: ReadonlyArray<GateName>
  /** The best competing edge of either end, if any. */
  readonly runnerUp: ScoredEdge | undefined
}

/** What happened to one transaction. */
export interface TransactionOutcome {
  readonly link: Decision | undefined
  /** Best first; the first is the top suggestion. */
  readonly suggestions: ReadonlyArray<Decision>
  /** At least two candidates within the margin (on the transaction's side or the document's). */
  readonly ambiguous: boolean
}

/** All decisions of a run. */
export interface Decisions {
  readonly links: ReadonlyArray<Decision>
  readonly suggestions: ReadonlyArray<Decision>
  /** By transaction index. */
  readonly outcomes: ReadonlyArray<TransactionOutcome>
  /** Clusters that appear in a link or a suggestion. */
  readonly decidedClusters: ReadonlySet<number>
}

/** Per-currency unattended caps in minor units. */
export const capsInMinor = (config: MatcherConfig): ReadonlyMap<string, bigint> =>
  new Map(
    Object.entries(config.unattendedCaps).flatMap(([currency, amount]) => {
      const parsed = BigDecimal.fromString(amount)
      return parsed._tag === "Some" ? [[currency, absMinor(parsed.value)] as const] : []
    })
  )

/** The auto-link gates (§7.5 gates 1-8) an edge fails; empty means it may auto-link. */
export const failedGates = (
  edge: ScoredEdge,
  margin: number,
  dense: boolean,
  tx: TransactionView,
  cluster: EvidenceCluster,
  config: MatcherConfig,
  caps: ReadonlyMap<string, bigint>
): ReadonlyArray<GateName> => {
  const failed: Array<GateName> = []
  if (edge.points < config.autoPoints) failed.push("points")
  if (margin < config.marginPoints) failed.push("margin")
  if (!autoLinkAmountClasses.has(edge.amount.cls)) failed.push("amountClass")
  // A document Clara itself lists under this transaction is a pinned fact (§7.3 step 0): Clara's link is the identity.
  const heldByClara = cluster.members.some((m) => m.attachedTo.includes(tx.uuid))
  if (edge.identity.points < 3 && !heldByClara) failed.push("identity")
  if (cluster.members.some((m) => m.notVerified)) failed.push("documentNotVerified")
  const cap = caps.get(tx.currency)
  if (cap === undefined || tx.amountMinor > cap) failed.push("unattendedCap")
  if (dense) failed.push("dense")
  return failed
}

const runnerUpOf = (edge: ScoredEdge, graph: EdgeGraph): ScoredEdge | undefined => {
  let best: ScoredEdge | undefined
  // The transaction's edges, then the cluster's (the order of ties), without concatenating the lists.
  for (const other of graph.byTx[edge.tx]!) {
    if (other !== edge && (best === undefined || compareEdges(other, best) < 0)) best = other
  }
  for (const other of graph.byCluster[edge.cluster]!) {
    if (other !== edge && (best === undefined || compareEdges(other, best) < 0)) best = other
  }
  return best
}

/**
 * Applies the gates to the assignment. An assigned edge passing every gate auto-links. Every other subject
 * transaction gets its top suggestion (its assigned edge, else its best open edge of at least `suggestPoints`: to a
 * document neither auto-linked nor assigned to another transaction by `marginPoints` or more) plus its other open
 * edges within `marginPoints` of it; it is ambiguous when it has two or more, or when another transaction not
 * auto-linked holds an edge to the same document within the margin.
 */
export const decide = (
  transactions: ReadonlyArray<TransactionView>,
  clusters: ReadonlyArray<EvidenceCluster>,
  graph: EdgeGraph,
  assignment: Assignment,
  config: MatcherConfig,
  invoiceAlonePoints?: (edge: ScoredEdge) => number | undefined
): Decisions => {
  const caps = capsInMinor(config)
  // A receipt merged into an invoice by amount (not by UUID) may belong to another charge of the same amount: the
  // invoice alone must still lead every other charge by the margin.
  const mergeAmbiguous = (edge: ScoredEdge): boolean => {
    if (!clusters[edge.cluster]!.mergedByAmount || invoiceAlonePoints === undefined) return false
    const rivals = graph.byCluster[edge.cluster]!.filter((e) => e.tx !== edge.tx)
    if (rivals.length === 0) return false
    const alone = invoiceAlonePoints(edge) ?? 0
    return rivals.some((e) => e.points > alone - config.marginPoints)
  }
  const make = <D extends Decision["decision"]>(edge: ScoredEdge, margin: number, dense: boolean, decision: D) => {
    const gates = failedGates(edge, margin, dense, transactions[edge.tx]!, clusters[edge.cluster]!, config, caps)
    return {
      edge,
      margin,
      gatesFailed: !gates.includes("margin") && gates.length === 0 && mergeAmbiguous(edge)
        ? ["margin" as const]
        : gates,
      runnerUp: runnerUpOf(edge, graph),
      decision
    }
  }
  const autoByTx = new Map<number, Decision>()
  for (const assigned of assignment.byTx.values()) {
    const candidate = make(assigned.edge, assigned.margin, assigned.dense, "AUTO_LINKED")
    if (candidate.gatesFailed.length === 0) autoByTx.set(assigned.edge.tx, candidate)
  }
  const autoClusters = new Set([...autoByTx.values()].map((d) => d.edge.cluster))
  // A document is open to a transaction unless it auto-linked, or went to another transaction by a clear margin.
  const open = (edge: ScoredEdge) => {
    const owner = assignment.byCluster.get(edge.cluster)?.edge
    const clearlyTaken = owner !== undefined && owner.tx !== edge.tx && owner.points - edge.points >= config.marginPoints
    return edge.points >= config.suggestPoints && !autoClusters.has(edge.cluster) && !clearlyTaken
  }
  const outcomes = transactions.map((tx): TransactionOutcome => {
    const link = autoByTx.get(tx.index)
    if (link || !tx.subject) return { link, suggestions: [], ambiguous: false }
    const assigned = assignment.byTx.get(tx.index)
    const available = graph.byTx[tx.index]!.filter(open)
    const top = assigned?.edge ?? available[0]
    if (top === undefined) return { link, suggestions: [], ambiguous: false }
    const within = (edge: ScoredEdge) => Math.abs(top.points - edge.points) < config.marginPoints
    const others = available.filter((edge) => edge !== top && within(edge))
    const rivals = graph.byCluster[top.cluster]!.filter((edge) =>
      edge.tx !== tx.index && edge.points >= config.suggestPoints && !autoByTx.has(edge.tx) && within(edge)
    )
    const suggestions = [
      make(top, assigned?.margin ?? 0, assigned?.dense ?? false, "SUGGESTED"),
      ...others.map((edge) => make(edge, 0, false, "SUGGESTED"))
    ]
    return { link, suggestions, ambiguous: others.length > 0 || rivals.length > 0 }
  })
  const links = [...autoByTx.values()]
  const suggestions = outcomes.flatMap((o) => o.suggestions)
  const decidedClusters = new Set([...links, ...suggestions].map((d) => d.edge.cluster))
  return { links, suggestions, outcomes, decidedClusters }
}
