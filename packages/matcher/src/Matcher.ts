/**
 * The matcher (matching.md §7): a pure, deterministic function from card transactions and fiscal documents to
 * links, suggestions, exceptions and dispositions. No I/O and no clock: `asOf` is an input.
 */
import {
  type CardTransaction,
  type CivilDate,
  type FiscalDocument,
  type MatchLink,
  type ReconciliationException,
  toEpochDay
} from "@clara-recon/domain"
import { type Assignment, assign } from "./Assignment.js"
import { buildCandidateIndex, type EdgeGraph, generateEdges } from "./Candidates.js"
import { canonicalJson, sha256Hex } from "@clara-recon/domain"
import { buildClusters, type EvidenceCluster } from "./Clusters.js"
import {
  documentExceptions,
  type ExceptionContext,
  rejectedDocumentExceptions,
  transactionExceptions
} from "./Exceptions.js"
import { type EngineInfo, toMatchLink } from "./Explanation.js"
import { type Decision, decide, type Decisions } from "./Gates.js"
import { identityRfc } from "./internal/Rfc.js"
import { configHash, engineVersion, type MatcherConfig, resolveConfig } from "./MatcherConfig.js"
import { descriptorKey, normaliseName } from "./Normalisation.js"
import { prepareDocuments, type PreparedDocuments, prepareTransactions, type TransactionView } from "./Prepared.js"
import type { NameSimilarity, ScoringContext } from "./Scoring.js"
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
}

const sortedCanonical = <A>(items: ReadonlyArray<A>): Array<string> => items.map((item) => canonicalJson(item)).sort()

/** `"sha256:<hex>"` of the canonical inputs: records sorted by their canonical JSON, so input order is irrelevant. */
export const inputsHash = (input: MatchInput): string => {
  const header = canonicalJson({
    asOf: input.asOf,
    companyRfc: input.companyRfc,
    aliases: input.aliases === undefined ? undefined : [...input.aliases.entries()].sort()
  })
  const lines = (records: ReadonlyArray<unknown>) => sortedCanonical(records).map((s) => `${s}\n`)
  const parts = [header, "\ntransactions\n", ...lines(input.transactions), "documents\n", ...lines(input.documents)]
  return `sha256:${sha256Hex(parts)}`
}

/** Runs the pipeline up to the decisions (§7.3 steps 0-5 and the §7.5 gates). */
export const matchStages = (input: MatchInput): MatchStages => {
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
  const documents = prepareDocuments(input.documents, normalise)
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
  const transactions = prepareTransactions(input.transactions, normalise, profile, config)
  const clusters = buildClusters(documents.views, profile)
  const aliases = new Map<string, string>()
  for (const [key, rfc] of [...(input.aliases ?? new Map<string, string>()).entries()].sort()) {
    const usable = identityRfc(rfc)
    if (usable !== undefined) aliases.set(descriptorKey(key), usable)
  }
  const ctx: ScoringContext = { config, weigh, aliases, similarity: makeSimilarityMemo() }
  const graph = generateEdges(transactions, clusters, buildCandidateIndex(clusters, weigh), ctx)
  const assignment = assign(graph, transactions.length, clusters.length, config)
  const decisions = decide(transactions, clusters, graph, assignment, config)
  const { similarity } = ctx
  return { config, transactions, clusters, graph, assignment, decisions, similarity, rejected: documents.rejected }
}

interface SortableException {
  readonly date: string
  readonly id: string
  readonly exception: ReconciliationException
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const compareExceptions = (a: SortableException, b: SortableException): number =>
  compareText(a.date, b.date) || compareText(a.id, b.id) || compareText(a.exception.code, b.exception.code) ||
  compareText(a.exception.subtype ?? "", b.exception.subtype ?? "")

const byDateThenId = (a: TransactionView, b: TransactionView): number =>
  a.tx.operationDate < b.tx.operationDate ? -1 : a.tx.operationDate > b.tx.operationDate ? 1 : a.index - b.index

/** Which transaction holds each cluster (and the reverse) among links and top suggestions, first come first. */
const ownership = (decisions: Decisions) => {
  const ownerOfCluster = new Map<number, number>()
  const ownerOfTx = new Map<number, number>()
  for (const outcome of decisions.outcomes) {
    const owned = outcome.link ?? outcome.suggestions[0]
    if (owned && !ownerOfCluster.has(owned.edge.cluster)) {
      ownerOfCluster.set(owned.edge.cluster, owned.edge.tx)
      ownerOfTx.set(owned.edge.tx, owned.edge.cluster)
    }
  }
  return { ownerOfCluster, ownerOfTx }
}

const invoiceExceptions = (
  stages: MatchStages,
  ownerOfCluster: ReadonlyMap<number, number>,
  companyRfc: string | undefined,
  ctx: ExceptionContext
): Array<SortableException> =>
  stages.clusters.flatMap((cluster) => {
    if (!cluster.fiscal) return []
    const owner = ownerOfCluster.get(cluster.index)
    const decided = stages.decisions.decidedClusters.has(cluster.index)
    const ownerView = owner === undefined ? undefined : stages.transactions[owner]
    return documentExceptions(cluster.fiscal, decided, ownerView, companyRfc, ctx).map((exception) => ({
      date: cluster.fiscal!.doc.issueDate,
      id: cluster.id,
      exception
    }))
  })

/**
 * Matches card transactions to fiscal documents (matching.md §7). Pure and total: malformed records are skipped
 * and reported (INVALID_DOCUMENT), never thrown. Deterministic: any permutation of the inputs gives the same result.
 */
export const match = (input: MatchInput): MatchResult => {
  const stages = matchStages(input)
  const { clusters, config, decisions, similarity, transactions } = stages
  const engine: EngineInfo = { version: engineVersion, configHash: configHash(config), inputsHash: inputsHash(input) }
  const { ownerOfCluster, ownerOfTx } = ownership(decisions)
  const explanationContext = { transactions, clusters, config, engine, similarity, ownerOfCluster, ownerOfTx }
  const linkOf = new Map<Decision, MatchLink>(
    [...decisions.links, ...decisions.suggestions].map((d) => [d, toMatchLink(d, explanationContext)])
  )
  const exceptionContext: ExceptionContext = {
    config,
    asOfDay: toEpochDay(input.asOf),
    clusters,
    linkIdOf: (decision) => linkOf.get(decision)!.linkId
  }
  const links: Array<MatchLink> = []
  const suggestions: Array<MatchLink> = []
  const exceptions: Array<SortableException> = []
  const dispositions = new Map<string, Disposition>()
  for (const tx of [...transactions].sort(byDateThenId)) {
    const outcome = decisions.outcomes[tx.index]!
    if (outcome.link) links.push(linkOf.get(outcome.link)!)
    for (const suggestion of outcome.suggestions) suggestions.push(linkOf.get(suggestion)!)
    for (const exception of transactionExceptions(tx, outcome, exceptionContext)) {
      exceptions.push({ date: tx.tx.operationDate, id: tx.uuid, exception })
    }
    dispositions.set(tx.uuid, !tx.subject ? "NOT_SUBJECT" : outcome.link ? "LINKED" : "EXCEPTION")
  }
  exceptions.push(...invoiceExceptions(stages, ownerOfCluster, input.companyRfc, exceptionContext))
  for (const exception of rejectedDocumentExceptions(stages.rejected)) {
    exceptions.push({ date: "", id: exception.documentId ?? "", exception })
  }
  exceptions.sort(compareExceptions)
  return { links, suggestions, exceptions: exceptions.map((e) => e.exception), dispositions, engine }
}
