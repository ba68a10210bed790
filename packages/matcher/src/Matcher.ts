/**
 * The matcher (matching.md §7): a pure, deterministic function from card transactions and fiscal documents to
 * links, suggestions, exceptions and dispositions. No I/O and no clock: `asOf`, the FX table, the alias table and
 * the decisions of earlier runs are inputs.
 */
import {
  type CardTransaction,
  type CivilDate,
  type FiscalDocument,
  type MatchLink,
  Money,
  ReconciliationException,
  toEpochDay,
  trustedInstance
} from "@clara-recon/domain"
import type { Assignment } from "./Assignment.js"
import { buildCandidateIndex, type EdgeGraph, generateEdges, restrictGraph } from "./Candidates.js"
import { canonicalJson, sha256Hex } from "@clara-recon/domain"
import { buildClusters, type EvidenceCluster, fiscalOnly } from "./Clusters.js"
import { controlTotalsByPeriod, type PeriodControlTotal } from "./ControlTotals.js"
import {
  documentExceptions,
  type ExceptionContext,
  rejectedDocumentExceptions,
  type TopSuggestion,
  transactionExceptions
} from "./Exceptions.js"
import {
  type EngineInfo,
  groupToMatchLinks,
  type PinnedPair,
  pinnedToMatchLink,
  toMatchLink
} from "./Explanation.js"
import { type FxRate, makeFxLookup } from "./Fx.js"
import { capsInMinor, type Decision, type Decisions, failedGates, type TransactionOutcome } from "./Gates.js"
import { confirmedGroup, type GroupDecision, isOneCharge, solveGroups } from "./Groups.js"
import type { LinkDecision, LinkGroup, PreviousLink } from "./Incremental.js"
import { minorToDecimal } from "./internal/Minor.js"
import { identityRfc } from "./internal/Rfc.js"
import { sortById } from "./internal/SortById.js"
import { configHash, engineVersion, type MatcherConfig, resolveConfig } from "./MatcherConfig.js"
import { descriptorKey, normaliseName } from "./Normalisation.js"
import {
  cancelledLinkedException,
  duplicateDocumentExceptions,
  duplicateTransactionExceptions,
  findReversals,
  noFxRateExceptions,
  overallocationExceptions,
  type PaymentComplement,
  ppdExceptions,
  type Reversal
} from "./PostRules.js"
import {
  type DocumentRejection,
  type DocumentView,
  prepareDocuments,
  type PreparedDocuments,
  prepareTransactions,
  type TransactionView
} from "./Prepared.js"
import { decideInRounds } from "./Rounds.js"
import { type NameSimilarity, type ScoredEdge, scoreEdge, type ScoringContext } from "./Scoring.js"
import { corpusGenericTokens, makeProfiler, makeSimilarityMemo, makeTokenWeigher } from "./Similarity.js"

/** Input of one matching run. */
export interface MatchInput {
  readonly transactions: ReadonlyArray<CardTransaction>
  /** CFDIs (and NF-e) and extracted documents. */
  readonly documents: ReadonlyArray<FiscalDocument>
  /** "Today" for grace periods and ages: a civil date in America/Mexico_City. */
  readonly asOf: CivilDate
  /** The company's RFC, for receptor checks (§7.8); optional. */
  readonly companyRfc?: string
  /** Confirmed aliases: descriptor (normalised with `descriptorKey`; raw text is normalised) -> issuer RFC. */
  readonly aliases?: ReadonlyMap<string, string>
  /** Overrides of the defaults of `defaultMatcherConfig`. */
  readonly config?: Partial<MatcherConfig>
  /** The DOF/Banxico FIX table (§7.7 step 3), for foreign CFDIs without `TipoCambio`. */
  readonly fxRates?: ReadonlyArray<FxRate>
  /**
   * People's decisions (§7.13): CONFIRMED and MANUAL pairs are pinned (taken first, kept as is); REJECTED entries
   * here count as `rejected`.
   */
  readonly pinned?: ReadonlyArray<LinkDecision>
  /** Forbidden pairs (§7.13): never linked nor suggested again. A `LinkDecision` fits. */
  readonly rejected?: ReadonlyArray<Pick<LinkDecision, "transactionUuid" | "documentId">>
  /** AUTO links of the previous run: kept unless beaten by `relinkPoints` (then RELINK_PROPOSED, never a move). */
  readonly previous?: ReadonlyArray<PreviousLink>
  /** Payment complements (type P) known to the caller, for the PPD check (§7.8). */
  readonly paymentComplements?: ReadonlyArray<PaymentComplement>
}

/** What became of a transaction. */
export type Disposition = "LINKED" | "EXCEPTION" | "NOT_SUBJECT"

/** Output of one matching run. Lists are sorted by transaction date, then id (§7.12). */
export interface MatchResult {
  /** Decision AUTO_LINKED. */
  readonly links: ReadonlyArray<MatchLink>
  /** Decision SUGGESTED (points >= suggest, not auto): top suggestions first within a transaction. */
  readonly suggestions: ReadonlyArray<MatchLink>
  readonly exceptions: ReadonlyArray<ReconciliationException>
  /** Every input transaction uuid exactly once. */
  readonly dispositions: ReadonlyMap<string, Disposition>
  readonly engine: EngineInfo
  /** Per statement period (month of `operationDate`) and currency (§7.10). */
  readonly controlTotals: ReadonlyArray<PeriodControlTotal>
}

/** The intermediate products of a run, for benchmarks and diagnostics. */
export interface MatchStages {
  readonly config: MatcherConfig
  readonly transactions: ReadonlyArray<TransactionView>
  readonly clusters: ReadonlyArray<EvidenceCluster>
  readonly graph: EdgeGraph
  readonly assignment: Assignment
  readonly decisions: Decisions
  /** The run's memoised name similarity (explanations reuse it). */
  readonly similarity: NameSimilarity
  /** Documents that did not enter matching, with the reason. */
  readonly rejected: PreparedDocuments["rejected"]
  /** Every edge (forbidden pairs removed), including those of pinned transactions and clusters. */
  readonly fullGraph: EdgeGraph
  /** Pinned pairs: people's links first, then AUTO links kept from the previous run. */
  readonly pins: ReadonlyArray<PinnedPair>
  /** Earlier links (Clara's, people's, the previous run's) whose CFDI is now cancelled or substituted. */
  readonly cancelledLinks: ReadonlyArray<CancelledLink>
  /** Previous AUTO links that no longer score (their evidence changed): not kept, reported. */
  readonly lapsedPrevious: ReadonlyArray<{ readonly tx: number; readonly cluster: number; readonly points: number }>
  /** Group links and suggestions (§7.6), groups people confirmed (decision CONFIRMED) first. */
  readonly groups: ReadonlyArray<GroupDecision>
  /** Refunds that fully reverse a purchase without a credit note (§7.8). */
  readonly reversals: ReadonlyArray<Reversal>
  readonly reservedTx: ReadonlySet<number>
  readonly reservedClusters: ReadonlySet<number>
}

/** An earlier link whose CFDI is cancelled or substituted now. */
export interface CancelledLink {
  readonly doc: FiscalDocument
  readonly transactionUuid: string
  readonly reason: "CANCELLED" | "SUBSTITUTED"
}

const sortedCanonical = <A>(items: ReadonlyArray<A>): Array<string> => items.map((item) => canonicalJson(item)).sort()

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * `"sha256:<hex>"` of the canonical inputs: the header (dates, RFC, aliases, config, FX table, decisions) and every
 * record's canonical JSON, records in id order (equal ids by canonical JSON), so input order is irrelevant.
 */
export const inputsHash = (input: MatchInput): string => hashInputs(input, sortInputs(input))

/** The transactions in uuid order and the documents in id order (`sortById`), sorted once per run. */
interface SortedInputs {
  readonly transactions: ReadonlyArray<CardTransaction>
  readonly documents: ReadonlyArray<FiscalDocument>
}

const sortInputs = (input: MatchInput): SortedInputs => ({
  transactions: sortById(input.transactions, (t) => t.uuid),
  documents: sortById(input.documents, (d) => d.id)
})

const hashInputs = (input: MatchInput, sortedInputs: SortedInputs): string => {
  const sortedLines = (items: ReadonlyArray<unknown> | undefined) =>
    items === undefined ? undefined : sortedCanonical(items)
  const header = canonicalJson({
    asOf: input.asOf,
    companyRfc: input.companyRfc,
    aliases: input.aliases === undefined ? undefined : [...input.aliases.entries()].sort(),
    config: input.config,
    fxRates: sortedLines(input.fxRates),
    pinned: sortedLines(input.pinned),
    rejected: sortedLines(input.rejected?.map((r) => [r.transactionUuid, r.documentId])),
    previous: sortedLines(input.previous?.map((p) => [p.transactionUuid, p.documentId, p.points])),
    paymentComplements: sortedLines(input.paymentComplements)
  })
  // The bytes: header, "\ntransactions\n", one line per transaction, "documents\n", one line per document, fed to
  // the hash in ~64 KB chunks (one native update per chunk; the generator yields per chunk, not per record).
  function* chunks(): Generator<string> {
    let buffer = `${header}\ntransactions\n`
    function* section<A>(sorted: ReadonlyArray<A>, idOf: (record: A) => string): Generator<string> {
      // Records in id order, records sharing an id in canonical order: canonical JSON is built one record at a time.
      const ids = sorted.map(idOf)
      for (let i = 0; i < sorted.length;) {
        let j = i + 1
        while (j < sorted.length && ids[j] === ids[i]) j++
        if (j - i === 1) buffer += `${canonicalJson(sorted[i])}\n`
        else for (const line of sorted.slice(i, j).map((r) => canonicalJson(r)).sort()) buffer += `${line}\n`
        i = j
        if (buffer.length >= 65_536) {
          yield buffer
          buffer = ""
        }
      }
    }
    yield* section(sortedInputs.transactions, (t) => t.uuid)
    buffer += "documents\n"
    yield* section(sortedInputs.documents, (d) => d.id)
    if (buffer.length > 0) yield buffer
  }
  return `sha256:${sha256Hex(chunks())}`
}

const upperId = (id: string): string => id.trim().toUpperCase()

const byPair = <A extends { readonly transactionUuid: string; readonly documentId: string }>(a: A, b: A): number =>
  a.transactionUuid < b.transactionUuid ? -1 : a.transactionUuid > b.transactionUuid ? 1 :
  upperId(a.documentId) < upperId(b.documentId) ? -1 : upperId(a.documentId) > upperId(b.documentId) ? 1 : 0

const statusRank: Record<LinkDecision["status"], number> = { CONFIRMED: 0, MANUAL: 1, REJECTED: 2 }
const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Which of two decisions on one pair stands: the later; at the same instant a rejection, then a manual link. */
const standsOver = (a: LinkDecision, b: LinkDecision): boolean =>
  (order(a.when, b.when) || statusRank[a.status] - statusRank[b.status] || order(b.who, a.who) ||
    order(JSON.stringify(a.group ?? null), JSON.stringify(b.group ?? null))) > 0

/**
 * The decision that stands on each (transaction, document) pair (`standsOver`), sorted by pair: the same whatever
 * the order of `decisions`.
 */
const latestDecisions = (decisions: ReadonlyArray<LinkDecision>): Array<LinkDecision> => {
  const standing = new Map<string, LinkDecision>()
  for (const d of decisions) {
    const key = `${d.transactionUuid}\n${upperId(d.documentId)}`
    const current = standing.get(key)
    if (current === undefined || standsOver(d, current)) standing.set(key, d)
  }
  return [...standing.values()].sort(byPair)
}

/**
 * Runs the pipeline up to the decisions (§7.3 steps 0-7): pinned facts and forbidden pairs, clusters, candidates,
 * scoring, assignment and the §7.5 gates, the group solvers of §7.6 on what is left, and refund reversals (§7.8).
 */
export const matchStages = (input: MatchInput): MatchStages => stagesOf(input, sortInputs(input))

const stagesOf = (input: MatchInput, sorted: SortedInputs): MatchStages => {
  const config = resolveConfig(input.config)
  const names = new Map<string, ReadonlyArray<string>>()
  const normalise = (text: string) => {
    let tokens = names.get(text)
    if (tokens === undefined) {
      tokens = normaliseName(text)
      names.set(text, tokens)
    }
    return tokens
  }
  const fx = input.fxRates === undefined ? undefined : makeFxLookup(input.fxRates, config.fxTableMaxAgeDays)
  const documents = prepareDocuments(input.documents, normalise, fx, sorted.documents)
  const weigh = makeTokenWeigher({
    corpusGeneric: corpusGenericTokens(
      documents.views.map((v) => v.issuerName),
      config.corpusGenericMinNames,
      config.corpusGenericSharePermille
    ),
    genericWeight: config.genericWeight,
    cityWeight: config.cityWeight,
    noiseWeight: config.noiseWeight
  })
  const profile = makeProfiler(weigh)
  const transactions = prepareTransactions(input.transactions, normalise, profile, config, sorted.transactions)
  const clusters = buildClusters(documents.views, profile)
  const aliases = new Map<string, string>()
  for (const [key, rfc] of [...(input.aliases ?? new Map<string, string>()).entries()].sort()) {
    const usable = identityRfc(rfc)
    if (usable !== undefined) aliases.set(descriptorKey(key), usable)
  }
  const similarity = makeSimilarityMemo()
  const ctx: ScoringContext = { config, weigh, aliases, similarity }

  // §7.3 step 0: pinned facts and forbidden pairs.
  const txIndex = new Map(transactions.map((t) => [t.uuid, t.index]))
  const clusterOf = new Map<string, number>()
  for (const cluster of clusters) for (const m of cluster.members) clusterOf.set(upperId(m.doc.id), cluster.index)
  const dropped = new Map<string, { doc: FiscalDocument; reason: DocumentRejection }>()
  for (const r of documents.rejected) dropped.set(upperId(r.doc.id), r)
  const forbidden = new Set<string>()
  const decided = latestDecisions(input.pinned ?? [])
  const rejectedPairs = [...(input.rejected ?? []), ...decided.filter((p) => p.status === "REJECTED")]
  for (const pair of rejectedPairs) {
    const t = txIndex.get(pair.transactionUuid)
    const c = clusterOf.get(upperId(pair.documentId))
    if (t !== undefined && c !== undefined) forbidden.add(`${t}:${c}`)
  }
  const cancelledLinks: Array<CancelledLink> = []
  const cancelledSeen = new Set<string>()
  const noteCancelled = (transactionUuid: string, documentId: string): boolean => {
    const gone = dropped.get(upperId(documentId))
    if (gone === undefined || (gone.reason !== "CANCELLED" && gone.reason !== "SUBSTITUTED")) return false
    const key = `${transactionUuid}\n${upperId(documentId)}`
    if (!cancelledSeen.has(key)) {
      cancelledSeen.add(key)
      cancelledLinks.push({ doc: gone.doc, transactionUuid, reason: gone.reason })
    }
    return true
  }
  for (const r of [...documents.rejected].sort((a, b) => (a.doc.id < b.doc.id ? -1 : a.doc.id > b.doc.id ? 1 : 0))) {
    for (const uuid of [...r.doc.claraTransactionUuids].sort()) noteCancelled(uuid, r.doc.id)
  }
  const pins: Array<PinnedPair> = []
  const reservedTx = new Set<number>()
  const reservedClusters = new Set<number>()
  const pinnedPairs = new Set<string>()
  const people = decided.filter((p) => p.status !== "REJECTED")
  const confirmedGroups: Array<GroupDecision> = []
  // the document each charge's previous AUTO link holds: an MSI plan grows only by charges not linked elsewhere
  const previousCluster = new Map<number, number>()
  for (const link of input.previous ?? []) {
    const t = txIndex.get(link.transactionUuid)
    const c = clusterOf.get(upperId(link.documentId))
    if (t !== undefined && c !== undefined) previousCluster.set(t, c)
  }
  // A confirmed group is pinned whole (an MSI plan: the instalments this run knows, growing by the open charges of
  // its chain). A cancelled, rejected, unknown or already pinned member lets the engine match the others again.
  const pinGroup = (decision: LinkDecision, group: LinkGroup): void => {
    const cancelled = group.documents.filter((id) => noteCancelled(decision.transactionUuid, id))
    if (cancelled.length > 0) return
    const known = <A>(values: ReadonlyArray<A | undefined>): Array<A> => values.filter((v): v is A => v !== undefined)
    const head = clusterOf.get(upperId(decision.documentId))
    if (head === undefined) return
    // another row of a group pinned already (an MSI or split-tender group has a row per charge)
    const t = txIndex.get(decision.transactionUuid)
    if (confirmedGroups.some((g) => g.clusters[0] === head && t !== undefined && g.transactions.includes(t))) return
    const txIds = group.transactions.map((uuid) => txIndex.get(uuid))
    const clusterIds = group.documents.map((id) => clusterOf.get(upperId(id)))
    // a group holds only whole, but an MSI plan's earlier instalments may be an earlier period's: a member this run
    // does not know, or another confirmed group holds, lets the engine match the others again
    const whole = [...txIds, ...clusterIds].every((i) => i !== undefined) &&
      !txIds.some((i) => reservedTx.has(i!)) && !clusterIds.some((c) => reservedClusters.has(c!))
    if (group.kind !== "MSI" && !whole) return
    if (reservedClusters.has(head)) return
    const txs = [...new Set(known(txIds))].filter((i) => !reservedTx.has(i)).sort((a, b) => a - b)
    const rest = [...new Set(known(clusterIds))].filter((c) => c !== head).sort((a, b) => a - b)
    const cls = group.kind === "CREDIT_NOTE_NETTED" ? [head, ...rest] : [head, ...rest].sort((a, b) => a - b)
    const open = group.kind !== "MSI" ? [] : transactions.filter((v) =>
      v.subject && v.instalment !== undefined && !reservedTx.has(v.index) && !txs.includes(v.index) &&
      !forbidden.has(`${v.index}:${head}`) && (previousCluster.get(v.index) ?? head) === head
    ).map((v) => v.index)
    const groupInput = { transactions, clusters, openTransactions: open, openClusters: [], ctx }
    // a member pair a person rejected: the group no longer holds (the engine matches the others again)
    if (txs.some((i) => cls.some((c) => forbidden.has(`${i}:${c}`)))) return
    const pinned = confirmedGroup(groupInput, group.kind, txs, cls, { who: decision.who, when: decision.when })
    if (pinned === undefined) return
    confirmedGroups.push(pinned)
    for (const t of pinned.transactions) reservedTx.add(t)
    for (const c of pinned.clusters) reservedClusters.add(c)
  }
  // groups first, then pairs: which pin stands does not depend on the order of the uuids
  for (const decision of people) if (decision.group !== undefined) pinGroup(decision, decision.group)
  const groupClusters = new Set(confirmedGroups.flatMap((g) => g.clusters))
  const groupTxs = new Set(confirmedGroups.flatMap((g) => g.transactions))
  for (const decision of people) {
    if (decision.group !== undefined) continue
    if (noteCancelled(decision.transactionUuid, decision.documentId)) continue
    const t = txIndex.get(decision.transactionUuid)
    const c = clusterOf.get(upperId(decision.documentId))
    if (t === undefined || c === undefined || pinnedPairs.has(`${t}:${c}`) || forbidden.has(`${t}:${c}`)) continue
    if (groupClusters.has(c) || groupTxs.has(t)) continue
    pinnedPairs.add(`${t}:${c}`)
    pins.push({
      tx: t,
      cluster: c,
      decision: decision.status === "MANUAL" ? "MANUAL" : "CONFIRMED",
      edge: scoreEdge(ctx, transactions[t]!, clusters[c]!),
      who: decision.who,
      when: decision.when
    })
    reservedTx.add(t)
    reservedClusters.add(c)
  }
  const lapsedPrevious: Array<{ tx: number; cluster: number; points: number }> = []
  for (const link of [...(input.previous ?? [])].sort(byPair)) {
    if (noteCancelled(link.transactionUuid, link.documentId)) continue
    const t = txIndex.get(link.transactionUuid)
    const c = clusterOf.get(upperId(link.documentId))
    if (t === undefined || c === undefined || forbidden.has(`${t}:${c}`)) continue
    if (reservedTx.has(t) || reservedClusters.has(c)) continue
    // a charge no longer subject to invoicing (Clara rejected it since) keeps no AUTO link
    if (!transactions[t]!.subject) continue
    const edge = scoreEdge(ctx, transactions[t]!, clusters[c]!)
    if (edge === undefined) {
      lapsedPrevious.push({ tx: t, cluster: c, points: link.points })
      continue
    }
    pins.push({ tx: t, cluster: c, decision: "AUTO_LINKED", edge, who: undefined, when: undefined })
    reservedTx.add(t)
    reservedClusters.add(c)
  }

  const generated = generateEdges(transactions, clusters, buildCandidateIndex(clusters, weigh), ctx)
  const fullGraph = forbidden.size === 0
    ? generated
    : restrictGraph(generated, (e) => !forbidden.has(`${e.tx}:${e.cluster}`))
  const graph = reservedTx.size === 0 && reservedClusters.size === 0
    ? fullGraph
    : restrictGraph(fullGraph, (e) => !reservedTx.has(e.tx) && !reservedClusters.has(e.cluster))
  const { assignment, decisions } = decideInRounds(transactions, clusters, graph, config, (edge) => {
    const alone = fiscalOnly(clusters[edge.cluster]!, profile)
    return alone === undefined ? undefined : scoreEdge(ctx, transactions[edge.tx]!, alone)?.points
  })

  // §7.6: group solvers on what is left open.
  const autoClusters = new Set(decisions.links.map((d) => d.edge.cluster))
  const openTransactions = transactions.filter((t) =>
    t.subject && decisions.outcomes[t.index]!.link === undefined && !reservedTx.has(t.index)
  ).map((t) => t.index)
  const openClusters = clusters.filter((c) =>
    !assignment.byCluster.has(c.index) && !autoClusters.has(c.index) && !reservedClusters.has(c.index)
  ).map((c) => c.index)
  const groups = [
    ...confirmedGroups,
    ...solveGroups({ transactions, clusters, openTransactions, openClusters, ctx, forbidden })
  ]

  // §7.8: refunds without a credit note that fully reverse a purchase.
  const grouped = new Set(groups.filter((g) => g.decision !== "SUGGESTED").flatMap((g) => g.transactions))
  const openRefunds = openTransactions.filter((t) => transactions[t]!.type === "REFUND" && !grouped.has(t))
  const reversals = findReversals(transactions, openRefunds, config)
  return {
    config,
    transactions,
    clusters,
    graph,
    assignment,
    decisions,
    similarity,
    rejected: documents.rejected,
    fullGraph,
    pins,
    cancelledLinks,
    lapsedPrevious,
    groups,
    reversals,
    reservedTx,
    reservedClusters
  }
}

interface SortableException {
  readonly date: string
  readonly id: string
  readonly exception: ReconciliationException
}

const moneyOf = (tx: TransactionView): Money =>
  trustedInstance(Money, { amount: minorToDecimal(tx.amountMinor), currency: tx.currency })

const compareExceptions = (a: SortableException, b: SortableException): number =>
  compareText(a.date, b.date) || compareText(a.id, b.id) || compareText(a.exception.code, b.exception.code) ||
  compareText(a.exception.subtype ?? "", b.exception.subtype ?? "")

const invoiceExceptions = (
  stages: MatchStages,
  ownerOfCluster: ReadonlyMap<number, number>,
  decided: ReadonlySet<number>,
  companyRfc: string | undefined,
  ctx: ExceptionContext
): Array<SortableException> =>
  stages.clusters.flatMap((cluster) => {
    if (!cluster.fiscal) return []
    const owner = ownerOfCluster.get(cluster.index)
    const ownerView = owner === undefined ? undefined : stages.transactions[owner]
    return documentExceptions(cluster.fiscal, decided.has(cluster.index), ownerView, companyRfc, ctx).map((
      exception
    ) => ({ date: cluster.fiscal!.doc.issueDate, id: cluster.id, exception }))
  })

/** The best edge that could replace a kept AUTO link: another cluster for its charge, or another charge. */
const challenger = (pin: PinnedPair, stages: MatchStages): ScoredEdge | undefined => {
  let best: ScoredEdge | undefined
  const consider = (edge: ScoredEdge) => {
    if (edge.tx === pin.tx && edge.cluster === pin.cluster) return
    if (stages.reservedTx.has(edge.tx) && edge.tx !== pin.tx) return
    if (stages.reservedClusters.has(edge.cluster) && edge.cluster !== pin.cluster) return
    if (best === undefined || edge.points > best.points) best = edge
  }
  for (const edge of stages.fullGraph.byTx[pin.tx]!) consider(edge)
  for (const edge of stages.fullGraph.byCluster[pin.cluster]!) consider(edge)
  return best
}

const emptyOutcome = { link: undefined, suggestions: [], ambiguous: false } as const

// The shared empty list for lookups that usually find nothing (never mutated).
const none: ReadonlyArray<never> = []

/**
 * Matches card transactions to fiscal documents (matching.md §7). Pure and total: malformed records are skipped
 * and reported (INVALID_DOCUMENT), never thrown. Deterministic: any permutation of the inputs gives the same result.
 * Links hold, per transaction in date then id order: people's pinned links (CONFIRMED, MANUAL), AUTO links kept from
 * the previous run, new AUTO links (1:1), and auto-linked groups (§7.6). Suggestions: edge suggestions (best
 * first), group suggestions, and the edges that RELINK_PROPOSED exceptions propose.
 */
export const match = (input: MatchInput): MatchResult => {
  const sorted = sortInputs(input)
  const stages = stagesOf(input, sorted)
  const { clusters, config, decisions, similarity, transactions } = stages
  const engine: EngineInfo = {
    version: engineVersion,
    configHash: configHash(config),
    inputsHash: hashInputs(input, sorted)
  }
  const ownerOfCluster = new Map<number, number>()
  const ownerOfTx = new Map<number, number>()
  const own = (t: number, c: number) => {
    if (!ownerOfCluster.has(c)) ownerOfCluster.set(c, t)
    if (!ownerOfTx.has(t)) ownerOfTx.set(t, c)
  }
  for (const pin of stages.pins) own(pin.tx, pin.cluster)
  for (const outcome of decisions.outcomes) {
    const owned = outcome.link ?? outcome.suggestions[0]
    if (owned) own(owned.edge.tx, owned.edge.cluster)
  }
  const explanationContext = { transactions, clusters, config, engine, similarity, ownerOfCluster, ownerOfTx }
  const linkOf = new Map<Decision, MatchLink>(
    [...decisions.links, ...decisions.suggestions].map((d) => [d, toMatchLink(d, explanationContext)])
  )

  // Groups: rows per transaction; the auto-linked ones count as links, the others as suggestions.
  const groupRows = new Map<number, Array<{ group: GroupDecision; row: MatchLink }>>()
  const autoGroupOf = new Map<number, GroupDecision>()
  for (const group of stages.groups) {
    const rows = groupToMatchLinks(group, explanationContext)
    const rowTxs = isOneCharge(group.kind) ? group.transactions.slice(0, 1) : group.transactions
    rowTxs.forEach((t, i) => {
      const list = groupRows.get(t) ?? []
      groupRows.set(t, list)
      list.push({ group, row: rows[i]! })
    })
    if (group.decision !== "SUGGESTED") for (const t of group.transactions) autoGroupOf.set(t, group)
  }
  const groupLinkIdOf = (group: GroupDecision, t: number) =>
    groupRows.get(isOneCharge(group.kind) ? group.transactions[0]! : t)?.find((r) => r.group === group)?.row
      .linkId ?? ""

  const pinsOf = new Map<number, Array<PinnedPair>>()
  for (const pin of stages.pins) pinsOf.set(pin.tx, [...(pinsOf.get(pin.tx) ?? []), pin])
  const exceptionContext: ExceptionContext = {
    config,
    asOfDay: toEpochDay(input.asOf),
    clusters,
    linkIdOf: (decision) => linkOf.get(decision)!.linkId,
    groupLinkIdOf
  }
  const caps = capsInMinor(config)

  // RELINK_PROPOSED (§7.13): a kept AUTO link beaten by relinkPoints or more, and previous links that lapsed.
  const relinks = new Map<number, Array<ReconciliationException>>()
  const relinkSuggestions = new Map<number, Array<MatchLink>>()
  const proposedClusters = new Set<number>()
  const addRelink = (t: number, exception: ReconciliationException) =>
    relinks.set(t, [...(relinks.get(t) ?? []), exception])
  for (const pin of stages.pins) {
    if (pin.decision !== "AUTO_LINKED" || pin.edge === undefined) continue
    const rival = challenger(pin, stages)
    if (rival === undefined || rival.points - pin.edge.points < config.relinkPoints) continue
    const margin = rival.points - pin.edge.points
    const gates = [
      ...failedGates(rival, margin, false, transactions[rival.tx]!, clusters[rival.cluster]!, config, caps),
      "keptLink" as const
    ]
    proposedClusters.add(rival.cluster)
    const proposal = toMatchLink(
      { edge: rival, decision: "SUGGESTED", margin, gatesFailed: gates, runnerUp: pin.edge },
      explanationContext
    )
    relinkSuggestions.set(rival.tx, [...(relinkSuggestions.get(rival.tx) ?? []), proposal])
    const tx = transactions[pin.tx]!
    const kept = clusters[pin.cluster]!
    addRelink(pin.tx, trustedInstance(ReconciliationException, {
      code: "RELINK_PROPOSED",
      subtype: rival.tx === pin.tx ? "BETTER_DOCUMENT" : "BETTER_TRANSACTION",
      severity: "medium",
      message: `The AUTO link of ${tx.uuid} to ${kept.id} (${pin.edge.points} pts) is beaten by ` +
        (rival.tx === pin.tx
          ? `document ${clusters[rival.cluster]!.id}`
          : `transaction ${transactions[rival.tx]!.uuid}`) +
        ` (${rival.points} pts, +${margin}); the link is kept until a person decides.`,
      amountAtRisk: moneyOf(tx),
      transactionUuid: tx.uuid,
      documentId: kept.id,
      ...(exceptionContext.asOfDay === undefined || tx.day === undefined
        ? {}
        : { ageDays: exceptionContext.asOfDay - tx.day }),
      suggestedAction: "Confirm the kept link (it becomes CONFIRMED), or confirm the proposal and reject the old link.",
      topSuggestion: proposal.linkId
    }))
  }
  for (const lapsed of stages.lapsedPrevious) {
    // a group member's previous link scores nothing as a pair (one MSI instalment against the whole CFDI), but it
    // lives on when the group is auto-linked again, grown by this run's charges: nothing lapsed
    if (autoGroupOf.get(lapsed.tx)?.clusters.includes(lapsed.cluster) === true) continue
    const tx = transactions[lapsed.tx]!
    const outcome = decisions.outcomes[lapsed.tx]!
    const now = outcome.link ?? outcome.suggestions[0]
    addRelink(lapsed.tx, trustedInstance(ReconciliationException, {
      code: "RELINK_PROPOSED",
      subtype: "EVIDENCE_LOST",
      severity: "high",
      message: `The previous AUTO link of ${tx.uuid} to ${clusters[lapsed.cluster]!.id} (${lapsed.points} pts) no ` +
        "longer scores on this run's data; it was not kept.",
      amountAtRisk: moneyOf(tx),
      transactionUuid: tx.uuid,
      documentId: clusters[lapsed.cluster]!.id,
      suggestedAction: "Check what changed in the charge or the document; confirm the new proposal or link by hand.",
      ...(now === undefined ? {} : { topSuggestion: linkOf.get(now)!.linkId })
    }))
  }

  const reversalOf = new Map<number, { counterpart: string; purchaseCfdi: string | undefined }>()
  for (const { purchase, refund } of stages.reversals) {
    const p = decisions.outcomes[purchase]!
    const linkedCluster = p.link?.edge.cluster ?? pinsOf.get(purchase)?.[0]?.cluster ??
      autoGroupOf.get(purchase)?.clusters[0]
    const purchaseCfdi = linkedCluster === undefined ? undefined : clusters[linkedCluster]!.fiscal?.doc.id
    reversalOf.set(refund, { counterpart: transactions[purchase]!.uuid, purchaseCfdi })
    if (purchaseCfdi === undefined) reversalOf.set(purchase, { counterpart: transactions[refund]!.uuid, purchaseCfdi })
  }

  const links: Array<MatchLink> = []
  const suggestions: Array<MatchLink> = []
  const exceptions: Array<SortableException> = []
  const dispositions = new Map<string, Disposition>()
  const linkedPairs: Array<{ tx: TransactionView; cluster: EvidenceCluster }> = []
  const allocations = new Map<number, Array<TransactionView>>()
  const allocate = (tx: TransactionView, c: number) => {
    const list = allocations.get(c)
    if (list === undefined) allocations.set(c, [tx])
    else list.push(tx)
    linkedPairs.push({ tx, cluster: clusters[c]! })
  }
  const decided = new Set<number>([...decisions.decidedClusters, ...stages.reservedClusters])
  for (const group of stages.groups) for (const c of group.clusters) decided.add(c)
  for (const c of proposedClusters) decided.add(c)
  // By operation date, then index: `transactions` is in index order and the sort is stable.
  for (const tx of sortById(transactions, (t) => t.tx.operationDate)) {
    const t = tx.index
    const outcome = stages.reservedTx.has(t) ? emptyOutcome : decisions.outcomes[t]!
    const pinned = pinsOf.get(t) ?? none
    // an AUTO link kept from an earlier run raises what it raised when it was made (a gap, a receipt without CFDI):
    // a re-run reports the same exceptions; a person's pin raises none
    const byPerson = pinned.some((p) => p.decision !== "AUTO_LINKED")
    let kept: Decision | undefined
    const personRows: Array<MatchLink> = []
    for (const pin of pinned) {
      const row = pinnedToMatchLink(pin, explanationContext)
      links.push(row)
      if (pin.decision !== "AUTO_LINKED") personRows.push(row)
      allocate(tx, pin.cluster)
      if (!byPerson && kept === undefined && pin.decision === "AUTO_LINKED" && pin.edge !== undefined) {
        kept = { edge: pin.edge, decision: "AUTO_LINKED", margin: 0, gatesFailed: [], runnerUp: undefined }
        linkOf.set(kept, row)
      }
    }
    if (outcome.link) {
      links.push(linkOf.get(outcome.link)!)
      allocate(tx, outcome.link.edge.cluster)
    }
    const rows = groupRows.get(t) ?? none
    const autoGroup = autoGroupOf.get(t)
    for (const { group, row } of rows) {
      if (group.decision !== "SUGGESTED") links.push(row)
    }
    if (autoGroup) for (const c of autoGroup.clusters) allocate(tx, c)
    const groupSuggestion = rows.find(({ group }) => group.decision === "SUGGESTED")
    const topEdge = outcome.suggestions[0]
    const groupFirst = groupSuggestion !== undefined &&
      (topEdge === undefined || groupSuggestion.group.points >= topEdge.edge.points)
    if (groupFirst) suggestions.push(groupSuggestion.row)
    if (!autoGroup) for (const suggestion of outcome.suggestions) suggestions.push(linkOf.get(suggestion)!)
    if (groupSuggestion && !groupFirst) suggestions.push(groupSuggestion.row)
    const proposals = relinkSuggestions.get(t)
    if (proposals !== undefined) suggestions.push(...proposals)
    const top: TopSuggestion | undefined = groupFirst
      ? {
        linkId: groupSuggestion.row.linkId,
        documentId: groupSuggestion.row.documentId,
        cfdi: groupSuggestion.group.clusters.some((c) => clusters[c]!.fiscal !== undefined),
        decision: undefined
      }
      : undefined
    const keptOutcome: TransactionOutcome = kept === undefined || outcome.link !== undefined ?
      outcome :
      { ...outcome, link: kept }
    const txExceptions = transactionExceptions(tx, keptOutcome, exceptionContext, {
      pinned: pinned.length > 0 && keptOutcome === outcome,
      ...(byPerson && pinned.every((p) => clusters[p.cluster]!.fiscal === undefined)
        ? { pinnedReceipt: { linkId: personRows[0]!.linkId, documentId: personRows[0]!.documentId } }
        : {}),
      group: autoGroup,
      groupSuggestion: top,
      reversal: reversalOf.get(t)
    })
    for (const exception of txExceptions) exceptions.push({ date: tx.tx.operationDate, id: tx.uuid, exception })
    for (const exception of relinks.get(t) ?? none) {
      exceptions.push({ date: tx.tx.operationDate, id: tx.uuid, exception })
    }
    const linked = pinned.length > 0 || outcome.link !== undefined || autoGroup !== undefined
    // a person's link counts even on a charge not subject to invoicing (a fee they backed with a CFDI)
    dispositions.set(tx.uuid, linked ? "LINKED" : !tx.subject ? "NOT_SUBJECT" : "EXCEPTION")
  }

  // Document-side exceptions and post-rules (§7.7-§7.10).
  const asOfDay = exceptionContext.asOfDay
  const docSide = (date: string, id: string) => (exception: ReconciliationException) =>
    exceptions.push({ date, id, exception })
  exceptions.push(...invoiceExceptions(stages, ownerOfCluster, decided, input.companyRfc, exceptionContext))
  for (const exception of rejectedDocumentExceptions(stages.rejected)) {
    exceptions.push({ date: "", id: exception.documentId ?? "", exception })
  }
  // Built on first use: only cancelled links and duplicate charges look transactions up by uuid.
  let txByUuidMap: Map<string, TransactionView> | undefined
  const txByUuid = {
    get: (uuid: string) => (txByUuidMap ??= new Map(transactions.map((v) => [v.uuid, v]))).get(uuid)
  }
  const substituteOf = new Map<string, EvidenceCluster>()
  if (stages.cancelledLinks.length > 0) {
    for (const cluster of clusters) {
      for (const relation of cluster.fiscal?.doc.relations ?? []) {
        if (relation.tipoRelacion.trim() !== "04") continue
        for (const uuid of relation.uuids) {
          if (!substituteOf.has(upperId(uuid))) substituteOf.set(upperId(uuid), cluster)
        }
      }
    }
  }
  for (const link of stages.cancelledLinks) {
    const t = txByUuid.get(link.transactionUuid)
    const substituteId = substituteOf.get(upperId(link.doc.id))
    const substituteLink = substituteId === undefined
      ? undefined
      : [...links, ...suggestions].find((l) =>
        l.transactionUuid === link.transactionUuid && l.documentId === substituteId.id
      )
    const exception = cancelledLinkedException(
      link.doc,
      t,
      link.transactionUuid,
      link.reason,
      substituteId === undefined ? undefined : { id: substituteId.id, linkId: substituteLink?.linkId },
      asOfDay
    )
    exceptions.push({ date: t?.tx.operationDate ?? link.doc.issueDate, id: link.transactionUuid, exception })
  }
  ppdExceptions(linkedPairs, input.paymentComplements ?? [], input.asOf, config).forEach((e) =>
    exceptions.push({ date: "", id: e.transactionUuid ?? "", exception: e })
  )
  duplicateTransactionExceptions(transactions, asOfDay).forEach((e) =>
    docSide(txByUuid.get(e.transactionUuid ?? "")?.tx.operationDate ?? "", e.transactionUuid ?? "")(e)
  )
  const suggestedFor = new Map<string, Set<string>>()
  for (const s of suggestions) {
    const set = suggestedFor.get(s.documentId) ?? new Set<string>()
    suggestedFor.set(s.documentId, set)
    set.add(s.transactionUuid)
  }
  const shared = (a: string, b: string) => {
    const left = suggestedFor.get(a)
    const right = suggestedFor.get(b)
    return left !== undefined && right !== undefined && [...left].some((uuid) => right.has(uuid))
  }
  const views = clusters.flatMap((c) => c.members)
  duplicateDocumentExceptions(views, shared, asOfDay).forEach((e) => docSide("", e.documentId ?? "")(e))
  overallocationExceptions(allocations, clusters, asOfDay).forEach((e) => docSide("", e.documentId ?? "")(e))
  // Built on first use: only documents without an FX rate ask whether they are decided.
  let decidedDocs: Set<string> | undefined
  const isDecided = (v: DocumentView) => {
    if (decidedDocs === undefined) {
      decidedDocs = new Set<string>()
      for (const c of decided) for (const m of clusters[c]!.members) decidedDocs.add(m.doc.id)
    }
    return decidedDocs.has(v.doc.id)
  }
  noFxRateExceptions(views, isDecided, asOfDay).forEach((e) =>
    docSide("", e.documentId ?? "")(e)
  )
  exceptions.sort(compareExceptions)

  const linkedUuids = new Set(links.map((l) => l.transactionUuid))
  for (const link of links) for (const uuid of link.explanation.members.transactions) linkedUuids.add(uuid)
  const inExceptions = new Set<string>()
  for (const { exception } of exceptions) {
    const uuid = exception.transactionUuid
    if (uuid !== undefined && dispositions.get(uuid) === "EXCEPTION") inExceptions.add(uuid)
  }
  const notSubject = new Set(transactions.filter((t) => !t.subject && !linkedUuids.has(t.uuid)).map((t) => t.uuid))
  const controlTotals = controlTotalsByPeriod(transactions.map((t) => t.tx), linkedUuids, inExceptions, notSubject)
  return {
    links,
    suggestions,
    exceptions: exceptions.map((e) => e.exception),
    dispositions,
    engine,
    controlTotals
  }
}
