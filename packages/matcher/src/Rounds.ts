/**
 * One-to-one decisions in rounds (matching.md §7.5 and §7.13): the assignment and the gates, then again on what is
 * left once the round's AUTO links are taken out, until a round links nothing more.
 *
 * A re-run keeps the previous run's AUTO links and matches the other charges without them. Deciding those charges
 * the same way within a run makes a re-run on unchanged inputs reach the same links, suggestions and exceptions: a
 * charge auto-linked to another document is no rival any more (it no longer holds back a receipt merged by amount),
 * and it no longer shifts the margins and tie-breaks of the charges left open.
 */
import { type Assigned, type Assignment, assign } from "./Assignment.js"
import { type EdgeGraph, restrictGraph } from "./Candidates.js"
import type { EvidenceCluster } from "./Clusters.js"
import { type Decision, type Decisions, decide, type TransactionOutcome } from "./Gates.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { TransactionView } from "./Prepared.js"
import type { ScoredEdge } from "./Scoring.js"

/**
 * Decides `graph` in rounds. The result's assignment holds every round's AUTO-linked edges and the last round's
 * other choices; its decisions hold every round's links, and each other charge's outcome (suggestions, ambiguity)
 * from the last round. Component counts are the first round's (the whole graph). Pure and deterministic.
 */
export const decideInRounds = (
  transactions: ReadonlyArray<TransactionView>,
  clusters: ReadonlyArray<EvidenceCluster>,
  graph: EdgeGraph,
  config: MatcherConfig,
  invoiceAlonePoints: (edge: ScoredEdge) => number | undefined
): { readonly assignment: Assignment; readonly decisions: Decisions } => {
  const first = assign(graph, transactions.length, clusters.length, config)
  let assignment = first
  let round = decide(transactions, clusters, graph, assignment, config, invoiceAlonePoints)
  const links: Array<Decision> = []
  const linked: Array<Assigned> = []
  const linkOutcomes = new Map<number, TransactionOutcome>()
  const takenTx = new Set<number>()
  const takenClusters = new Set<number>()
  let rest = graph
  while (round.links.length > 0) {
    for (const link of round.links) {
      links.push(link)
      linked.push(assignment.byTx.get(link.edge.tx)!)
      linkOutcomes.set(link.edge.tx, round.outcomes[link.edge.tx]!)
      takenTx.add(link.edge.tx)
      takenClusters.add(link.edge.cluster)
    }
    rest = restrictGraph(rest, (e) => !takenTx.has(e.tx) && !takenClusters.has(e.cluster))
    assignment = assign(rest, transactions.length, clusters.length, config)
    round = decide(transactions, clusters, rest, assignment, config, invoiceAlonePoints)
  }
  if (links.length === 0) return { assignment, decisions: round }
  const outcomes = round.outcomes.map((outcome, t) => linkOutcomes.get(t) ?? outcome)
  const suggestions = outcomes.flatMap((o) => o.suggestions)
  const byTx = new Map(assignment.byTx)
  const byCluster = new Map(assignment.byCluster)
  for (const chosen of linked) {
    byTx.set(chosen.edge.tx, chosen)
    byCluster.set(chosen.edge.cluster, chosen)
  }
  return {
    assignment: { ...first, byTx, byCluster },
    decisions: {
      links,
      suggestions,
      outcomes,
      decidedClusters: new Set([...links, ...suggestions].map((d) => d.edge.cluster))
    }
  }
}
