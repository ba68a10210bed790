/**
 * Explanations (matching.md §7.11): every link and suggestion carries its evidence, runner-up with the reasons it
 * lost, thresholds, margin, confidence, failed gates, vetoes checked, engine hashes and a one-line text.
 */
import { Evidence, Explanation, MatchLink, RunnerUp } from "@clara-recon/domain"
import { sha256Hex } from "@clara-recon/domain"
import type { EvidenceCluster } from "./Clusters.js"
import { type Decision, vetoesChecked } from "./Gates.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { TransactionView } from "./Prepared.js"
import {
  edgeSimilarityText,
  type EdgeTerms,
  edgeTerms,
  type NameSimilarity,
  type ScoredEdge,
  type Term
} from "./Scoring.js"

/** Engine identity written into every explanation. */
export interface EngineInfo {
  readonly version: string
  /** `"sha256:<hex>"` of the canonical config. */
  readonly configHash: string
  /** `"sha256:<hex>"` of the canonical, id-sorted inputs. */
  readonly inputsHash: string
}

/** What explanations read besides the decision. */
export interface ExplanationContext {
  readonly transactions: ReadonlyArray<TransactionView>
  readonly clusters: ReadonlyArray<EvidenceCluster>
  readonly config: MatcherConfig
  readonly engine: EngineInfo
  readonly similarity: NameSimilarity
  /** Final owner of each cluster and each transaction among links and top suggestions. */
  readonly ownerOfCluster: ReadonlyMap<number, number>
  readonly ownerOfTx: ReadonlyMap<number, number>
}

/** `"lnk_"` + the first 16 hex digits of SHA-256 over the sorted member ids joined by newlines (§7.13). */
export const linkIdOf = (memberIds: ReadonlyArray<string>): string =>
  `lnk_${sha256Hex([...memberIds].sort().join("\n")).slice(0, 16)}`

/** Displayed confidence p = 1 / (1 + 2^(9 - points)), 3 decimals (§7.4): 9 -> "0.500", 15 -> "0.984". */
export const confidenceOf = (points: number): string => (1 / (1 + 2 ** (9 - points))).toFixed(3)

const signed = (points: number): string => (points > 0 ? `+${points}` : `${points}`)

const text = (value: string | number | boolean | undefined): string => (value === undefined ? "?" : String(value))

const dayPhrase = (delta: number): string =>
  delta === 0 ? "the same day" : delta > 0 ? `${delta}d after the charge` : `${-delta}d before the charge`

const describe = (term: Term): string => {
  const d = term.detail
  switch (term.cls) {
    case "A1_ORIGINAL_EXACT":
      return `original amount ${text(d.original)} exact`
    case "A2_EXACT":
      return `exact amount ${text(d.transaction)}`
    case "A2_THREE_WAY_TIP":
      return `three-way exact through the receipt's tip ${text(d.tip)}`
    case "A3_ROUNDING":
      return `amount within rounding (gap ${text(d.gap)})`
    case "A4_CONVERTED":
      return `CFDI converted at TipoCambio ${text(d.exchangeRate)} (gap ${text(d.gap)})`
    case "A5_TIP_PLAUSIBLE":
      return `tip plausible (gap ${text(d.gap)})`
    case "A6_IVA_ONLY":
      return `IVA-only gap (gap ${text(d.gap)})`
    case "RFC_EQUAL":
      return `RFC ${text(d.rfc)} equal on receipt ${text(d.receipt)}`
    case "RFC_ALIAS":
      return `RFC ${text(d.rfc)} is a confirmed alias of "${text(d.descriptor)}"`
    case "UNINFORMATIVE":
      return "descriptor uninformative"
    case "CONTRADICTING":
      return `names contradict (sim ${text(d.sim)})`
    case "ALIAS_CONFLICT":
      return `alias points to RFC ${text(d.aliasRfc)}`
    case "CFDI_DATE":
      return `CFDI issued ${dayPhrase(Number(d.deltaDays))}`
    case "RECEIPT_DATE":
      return `receipt dated ${dayPhrase(Number(d.deltaDays))}`
    case "ATTACHED_IN_CLARA":
      return "attached in Clara"
    case "UPLOADED_BY_CARDHOLDER":
      return "uploaded by the cardholder"
    case "FORMA_PAGO_CARD":
    case "FORMA_PAGO_NOT_CARD":
      return `FormaPago ${text(d.formaPago)}`
    case "MCC_CONSISTENT":
      return `MCC ${text(d.mcc)} fits ClaveProdServ ${text(d.claveProdServ)}`
    default:
      return `name similarity ${text(d.sim)}`
  }
}

const termsOf = (edge: ScoredEdge, ctx: ExplanationContext): EdgeTerms =>
  edgeTerms(ctx.similarity, ctx.transactions[edge.tx]!, ctx.clusters[edge.cluster]!, edge)

const lostBecause = (chosen: ScoredEdge, runner: ScoredEdge, ctx: ExplanationContext): Array<string> => {
  const reasons: Array<string> = []
  const compare = (label: string, theirs: number, ours: number) => {
    if (theirs < ours) reasons.push(`${label} (${signed(theirs)} vs ${signed(ours)})`)
  }
  compare(`amount ${runner.amount.cls}`, runner.amount.points, chosen.amount.points)
  const sim = edgeSimilarityText(ctx.similarity, ctx.transactions[runner.tx]!, ctx.clusters[runner.cluster]!, runner)
  const identity = `identity ${runner.identity.cls} sim ${sim}`
  compare(identity, runner.identity.points, chosen.identity.points)
  const delta = runner.date.deltaDays
  compare(`date ${delta >= 0 ? "+" : ""}${delta}d`, runner.date.points, chosen.date.points)
  compare("corroboration", runner.corroborationPoints, chosen.corroborationPoints)
  const clusterOwner = ctx.ownerOfCluster.get(runner.cluster)
  const txOwner = ctx.ownerOfTx.get(runner.tx)
  if (runner.cluster !== chosen.cluster && clusterOwner !== undefined && clusterOwner !== chosen.tx) {
    reasons.push(`its document went to transaction ${ctx.transactions[clusterOwner]!.tx.uuid}`)
  }
  if (runner.tx !== chosen.tx && txOwner !== undefined && txOwner !== chosen.cluster) {
    reasons.push(`its transaction went to document ${ctx.clusters[txOwner]!.id}`)
  }
  if (runner.points === chosen.points) reasons.push("tie on points, broken by |gap|, |days| and ids")
  if (reasons.length === 0) reasons.push("lower total in the component's optimal assignment")
  return reasons
}

const render = (
  decision: Decision,
  evidence: ReadonlyArray<readonly [string, Term]>,
  runnerUp: RunnerUp | undefined,
  config: MatcherConfig
): string => {
  const { margin } = decision
  const points = decision.edge.points
  const head = decision.decision === "AUTO_LINKED"
    ? `Auto-linked (${points} pts >= ${config.autoPoints}, margin ${margin})`
    : `Suggested (${points} pts >= ${config.suggestPoints}, margin ${margin}; not auto: ${
      decision.gatesFailed.join(", ")
    })`
  const body = evidence.map(([, term]) => `${describe(term)} (${signed(term.points)})`).join(" · ")
  const tail = runnerUp === undefined
    ? ""
    : ` Runner-up ${runnerUp.document ?? runnerUp.transaction} (${runnerUp.points} pts) lost: ${
      runnerUp.lostBecause.join("; ")
    }.`
  return `${head}: ${body}.${tail}`
}

/** Builds the explanation and the `MatchLink` of a decision. */
export const toMatchLink = (decision: Decision, ctx: ExplanationContext): MatchLink => {
  const { edge } = decision
  const tx = ctx.transactions[edge.tx]!
  const cluster = ctx.clusters[edge.cluster]!
  const members = {
    transactions: [tx.tx.uuid],
    cfdis: cluster.fiscal ? [cluster.fiscal.doc.id] : [],
    documents: cluster.documents.map((d) => d.doc.id)
  }
  const linkId = linkIdOf([...members.transactions, ...members.cfdis, ...members.documents])
  const { amount, identity, date, corroboration } = termsOf(edge, ctx)
  const terms: ReadonlyArray<readonly [Evidence["feature"], Term]> = [
    ["amount", amount],
    ["identity", identity],
    ["date", date],
    ...corroboration.map((term) => ["corroboration", term] as const)
  ]
  const evidence = terms.map(([feature, term]) =>
    new Evidence({ feature, class: term.cls, points: term.points, detail: term.detail }, true)
  )
  const runner = decision.runnerUp
  const runnerUp = runner === undefined ? undefined : new RunnerUp({
    ...(runner.tx !== edge.tx ? { transaction: ctx.transactions[runner.tx]!.tx.uuid } : {}),
    ...(runner.cluster !== edge.cluster ? { document: ctx.clusters[runner.cluster]!.id } : {}),
    points: runner.points,
    lostBecause: lostBecause(edge, runner, ctx)
  }, true)
  const explanation = new Explanation({
    linkId,
    decision: decision.decision,
    points: edge.points,
    threshold: { auto: ctx.config.autoPoints, suggest: ctx.config.suggestPoints },
    margin: decision.margin,
    confidence: confidenceOf(edge.points),
    members,
    evidence,
    ...(runnerUp === undefined ? {} : { runnerUp }),
    gatesFailed: decision.gatesFailed,
    vetoesChecked,
    engine: ctx.engine,
    text: render(decision, terms, runnerUp, ctx.config)
  }, true)
  return new MatchLink({
    linkId,
    decision: decision.decision,
    transactionUuid: tx.tx.uuid,
    documentId: cluster.id,
    points: edge.points,
    margin: decision.margin,
    explanation
  }, true)
}
