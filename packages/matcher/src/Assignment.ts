/**
 * One-to-one assignment per connected component (matching.md §7.5): exact maximum-weight Hungarian with a "leave
 * unassigned" option worth (suggest - 0.5) points per transaction, regret margins, and a deterministic greedy pass
 * for components with more than `maxExactSide` transactions or clusters (flagged dense).
 */
import type { EdgeGraph } from "./Candidates.js"
import { solveAssignment } from "./internal/Hungarian.js"
import { UnionFind } from "./internal/UnionFind.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import { compareEdges, type ScoredEdge } from "./Scoring.js"

/** A chosen edge. */
export interface Assigned {
  readonly edge: ScoredEdge
  /**
   * Points lost if this edge were forbidden (regret: the re-solved component, where leaving a transaction
   * unassigned is worth suggest - 0.5); in dense components, the lead over the best competing edge of either end.
   * 0 means a tie broken by the stable order.
   */
  readonly margin: number
  readonly dense: boolean
}

/** The chosen edges, by transaction index and by cluster index. */
export interface Assignment {
  readonly byTx: ReadonlyMap<number, Assigned>
  readonly byCluster: ReadonlyMap<number, Assigned>
  readonly componentCount: number
  readonly denseComponentCount: number
}

const compareTieBreak = (a: ScoredEdge, b: ScoredEdge): number =>
  (a.absGap < b.absGap ? -1 : a.absGap > b.absGap ? 1 : 0) || a.absDays - b.absDays || a.tx - b.tx ||
  a.cluster - b.cluster

const sortedUnique = (values: Iterable<number>): Array<number> => [...new Set(values)].sort((a, b) => a - b)

const solveExact = (edges: ReadonlyArray<ScoredEdge>, config: MatcherConfig): Array<Assigned> => {
  if (edges.length === 1) {
    // One edge (the common component): the solver takes it (its 2 x points >= 2 x suggest beats unassigned, worth
    // 2 x suggest - 1), and forbidding it leaves the charge unassigned. The same arithmetic as below, without it.
    const edge = edges[0]!
    return [{ edge, margin: (2 * edge.points - (2 * config.suggestPoints - 1)) / 2, dense: false }]
  }
  const txs = sortedUnique(edges.map((e) => e.tx))
  const clusters = sortedUnique(edges.map((e) => e.cluster))
  const rows = txs.length
  const k = clusters.length
  const cols = k + rows
  const rowOf = new Map(txs.map((t, i) => [t, i]))
  const colOf = new Map(clusters.map((c, j) => [c, j]))
  // Integer weights: primary = 2 x points (so suggest - 0.5 is an integer), secondary = tie-break rank, kept below
  // one primary unit in any total so it only decides between equal-point optima.
  const scale = edges.length * rows + 1
  const unassigned = 2 * config.suggestPoints - 1
  const ranked = [...edges].sort(compareTieBreak)
  const forbidden = edges.reduce((acc, e) => acc + 2 * e.points * scale + edges.length, rows * unassigned * scale) + 1
  const cost = new Float64Array(rows * cols).fill(forbidden)
  const edgeAt = new Map<number, ScoredEdge>()
  ranked.forEach((edge, rank) => {
    const cell = rowOf.get(edge.tx)! * cols + colOf.get(edge.cluster)!
    cost[cell] = -(2 * edge.points * scale + (edges.length - rank))
    edgeAt.set(cell, edge)
  })
  for (let r = 0; r < rows; r++) cost[r * cols + k + r] = -unassigned * scale
  const primary = (colOfRow: Int32Array): number => {
    let total = 0
    colOfRow.forEach((col, r) => {
      total += col < k ? 2 * edgeAt.get(r * cols + col)!.points : unassigned
    })
    return total
  }
  const best = solveAssignment(cost, rows, cols)
  const bestPrimary = primary(best)
  const chosen: Array<Assigned> = []
  best.forEach((col, r) => {
    if (col >= k) return
    const cell = r * cols + col
    const saved = cost[cell]!
    cost[cell] = forbidden
    const regret = (bestPrimary - primary(solveAssignment(cost, rows, cols))) / 2
    cost[cell] = saved
    chosen.push({ edge: edgeAt.get(cell)!, margin: regret, dense: false })
  })
  return chosen
}

const solveGreedy = (edges: ReadonlyArray<ScoredEdge>, graph: EdgeGraph, config: MatcherConfig): Array<Assigned> => {
  const takenTx = new Set<number>()
  const takenCluster = new Set<number>()
  const chosen: Array<Assigned> = []
  for (const edge of [...edges].sort(compareEdges)) {
    if (takenTx.has(edge.tx) || takenCluster.has(edge.cluster)) continue
    takenTx.add(edge.tx)
    takenCluster.add(edge.cluster)
    const competitors = [...graph.byTx[edge.tx]!, ...graph.byCluster[edge.cluster]!].filter((e) => e !== edge)
    const runnerUp = Math.max(config.suggestPoints - 0.5, ...competitors.map((e) => e.points))
    chosen.push({ edge, margin: Math.max(0, edge.points - runnerUp), dense: true })
  }
  return chosen
}

/**
 * Solves every connected component of the assignable edges (points >= suggest; weaker edges can never beat
 * "unassigned"). Components are found with union-find and visited in transaction order; rows and columns are in
 * index order, so the result is deterministic.
 */
export const assign = (graph: EdgeGraph, txCount: number, clusterCount: number, config: MatcherConfig): Assignment => {
  const assignable = graph.edges.filter((e) => e.points >= config.suggestPoints)
  const sets = new UnionFind(txCount + clusterCount)
  for (const edge of assignable) sets.union(edge.tx, txCount + edge.cluster)
  const components = new Map<number, Array<ScoredEdge>>()
  for (const edge of assignable) {
    const root = sets.find(edge.tx)
    const list = components.get(root) ?? []
    components.set(root, list)
    list.push(edge)
  }
  const byTx = new Map<number, Assigned>()
  const byCluster = new Map<number, Assigned>()
  let dense = 0
  for (const edges of components.values()) {
    const sides = edges.length === 1
      ? 1
      : Math.max(new Set(edges.map((e) => e.tx)).size, new Set(edges.map((e) => e.cluster)).size)
    const isDense = sides > config.maxExactSide
    if (isDense) dense++
    for (const assigned of isDense ? solveGreedy(edges, graph, config) : solveExact(edges, config)) {
      byTx.set(assigned.edge.tx, assigned)
      byCluster.set(assigned.edge.cluster, assigned)
    }
  }
  return { byTx, byCluster, componentCount: components.size, denseComponentCount: dense }
}
