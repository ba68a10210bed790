/**
 * Explanations (matching.md §7.11): every link and suggestion carries its evidence, runner-up with the reasons it
 * lost, thresholds, margin, confidence, failed gates, vetoes checked, engine hashes and a one-line text.
 */
import { Evidence, Explanation, MatchLink, RunnerUp, trustedInstance } from "@clara-recon/domain"
import { fromEpochDay, sha256Hex } from "@clara-recon/domain"
import type { EvidenceCluster } from "./Clusters.js"
import { type Decision, vetoesChecked } from "./Gates.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { TransactionView } from "./Prepared.js"
import { type GroupDecision, isOneCharge } from "./Groups.js"
import { formatMinor, formatMinorMoney } from "./internal/Minor.js"
import {
  dateTermOf,
  edgeSimilarityText,
  type EdgeTerms,
  edgeTerms,
  identityTermOf,
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
  `lnk_${sha256Hex(sortedLines(memberIds)).slice(0, 16)}`

// `[...ids].sort().join("\n")` (code-unit order), without the copy and the sort for one or two ids (most links).
const sortedLines = (ids: ReadonlyArray<string>): string => {
  if (ids.length === 1) return ids[0]!
  if (ids.length === 2) {
    const [a, b] = ids as readonly [string, string]
    return b < a ? `${b}\n${a}` : `${a}\n${b}`
  }
  return [...ids].sort().join("\n")
}

/** Displayed confidence p = 1 / (1 + 2^(9 - points)), 3 decimals (§7.4): 9 -> "0.500", 15 -> "0.984". */
export const confidenceOf = (points: number): string => {
  let text = confidences.get(points)
  if (text === undefined) confidences.set(points, text = (1 / (1 + 2 ** (9 - points))).toFixed(3))
  return text
}

// Points take a few dozen values: each confidence text is computed once.
const confidences = new Map<number, string>()

const signed = (points: number): string => (points > 0 ? `+${points}` : `${points}`)

const text = (value: string | number | boolean | undefined): string => (value === undefined ? "?" : String(value))

const dayPhrase = (delta: number): string =>
  delta === 0 ? "the same day" : delta > 0 ? `${delta}d after the charge` : `${-delta}d before the charge`

const planPhrase = (delta: number): string =>
  delta === 0
    ? "the day the plan started"
    : `${Math.abs(delta)}d ${delta > 0 ? "after" : "before"} the plan's first instalment`

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
      return `CFDI converted at ${
        d.fxSource === "FX_TABLE" ? `the FX table rate of ${text(d.fxDate)}` : "TipoCambio"
      } ${text(d.exchangeRate)} (gap ${text(d.gap)})`
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
      return d.planStart === undefined
        ? `CFDI issued ${dayPhrase(Number(d.deltaDays))}`
        : `CFDI issued ${planPhrase(Number(d.deltaDays))} (taken as ${text(d.planStart)}, ${
          text(d.instalmentsBefore)
        } month(s) of 30 days before instalment ${Number(d.instalmentsBefore) + 1})`
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
    trustedInstance(Evidence, { feature, class: term.cls, points: term.points, detail: term.detail })
  )
  const runner = decision.runnerUp
  const runnerUp = runner === undefined ? undefined : trustedInstance(RunnerUp, {
    ...(runner.tx !== edge.tx ? { transaction: ctx.transactions[runner.tx]!.tx.uuid } : {}),
    ...(runner.cluster !== edge.cluster ? { document: ctx.clusters[runner.cluster]!.id } : {}),
    points: runner.points,
    lostBecause: lostBecause(edge, runner, ctx)
  })
  const explanation = trustedInstance(Explanation, {
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
  })
  return trustedInstance(MatchLink, {
    linkId,
    decision: decision.decision,
    transactionUuid: tx.tx.uuid,
    documentId: cluster.id,
    points: edge.points,
    margin: decision.margin,
    explanation
  })
}

const groupClass: Readonly<Record<GroupDecision["kind"], string>> = {
  SPLIT_INVOICES: "G1_SPLIT_INVOICES",
  CREDIT_NOTE_NETTED: "G4_CREDIT_NOTE_NETTED",
  MSI: "G2_MSI_INSTALMENTS",
  SPLIT_TENDER: "G3_SPLIT_TENDER"
}

const groupShape = (group: GroupDecision): string => `${group.transactions.length}:${group.clusters.length}`

/**
 * The `MatchLink` rows of a group (matching.md §7.6, §7.8, §7.11): one row for 1:N (split invoices: `documentId` is
 * the first CFDI in id order; a CFDI net of its credit notes: `documentId` is the invoice, the credit notes are in
 * `members.cfdis`), one row per charge for N:1 (MSI, split tender), so every linked charge appears in `links`. Every
 * row's explanation lists all members, and its amount term (class `G1_SPLIT_INVOICES`, `G4_CREDIT_NOTE_NETTED`,
 * `G2_MSI_INSTALMENTS` or `G3_SPLIT_TENDER`) says it is a group, with the sums (credit notes negative), the gap, the
 * item count and the MSI status; identity and date are the group's weakest pair. The text starts with "group".
 */
export const groupToMatchLinks = (group: GroupDecision, ctx: ExplanationContext): ReadonlyArray<MatchLink> => {
  const txs = group.transactions.map((t) => ctx.transactions[t]!)
  const clusters = group.clusters.map((c) => ctx.clusters[c]!)
  const members = {
    transactions: txs.map((t) => t.uuid).sort(),
    cfdis: clusters.flatMap((c) => (c.fiscal ? [c.fiscal.doc.id] : [])).sort(),
    documents: clusters.flatMap((c) => c.documents.map((d) => d.doc.id)).sort()
  }
  const currency = txs[0]!.currency
  const amount: Term = {
    cls: groupClass[group.kind],
    points: 8,
    detail: {
      kind: group.kind,
      shape: groupShape(group),
      transactions: formatMinorMoney(group.sumTransactionsMinor, currency),
      documents: formatMinorMoney(group.sumDocumentsMinor, currency),
      gap: formatMinor(group.gapMinor),
      items: isOneCharge(group.kind) ? group.clusters.length : group.transactions.length,
      alternatives: group.alternatives,
      ...(group.status === undefined ? {} : { status: group.status })
    }
  }
  const identity = identityTermOf(
    ctx.similarity,
    ctx.transactions[group.identity.tx]!,
    ctx.clusters[group.identity.cluster]!,
    group.identity.match
  )
  // an MSI plan seen from a later instalment is dated from its first instalment, an earlier period's (Groups.ts)
  const dated = dateTermOf(ctx.transactions[group.date.tx]!, group.date.match)
  const anchor = group.anchor
  const date: Term = anchor === undefined ? dated : {
    ...dated,
    detail: { ...dated.detail, planStart: fromEpochDay(anchor.day), instalmentsBefore: anchor.instalmentsBefore }
  }
  const terms: ReadonlyArray<readonly [Evidence["feature"], Term]> = [
    ["amount", amount],
    ["identity", identity],
    ["date", date]
  ]
  const evidence = terms.map(([feature, term]) =>
    trustedInstance(Evidence, { feature, class: term.cls, points: term.points, detail: term.detail })
  )
  const what = group.kind === "SPLIT_INVOICES"
    ? `the sum of ${group.clusters.length} CFDIs ${text(amount.detail.documents)} = the charge`
    : group.kind === "CREDIT_NOTE_NETTED"
    ? `CFDI ${clusters[0]!.id} net of ${group.clusters.length - 1} credit note(s) ${
      text(amount.detail.documents)
    } = the charge`
    : `${group.transactions.length} charges ${text(amount.detail.transactions)} = the CFDI total${
      group.status === undefined ? "" : ` (${group.status})`
    }`
  const head = group.decision === "CONFIRMED"
    ? `Confirmed group ${group.kind} ${groupShape(group)} by ${group.confirmedBy?.who ?? "?"} at ${
      group.confirmedBy?.when ?? "?"
    } (${group.points} pts now)`
    : group.decision === "AUTO_LINKED"
    ? `Auto-linked group ${group.kind} ${groupShape(group)} (${group.points} pts >= ${ctx.config.autoPoints}, ` +
      `margin ${group.margin})`
    : `Suggested group ${group.kind} ${groupShape(group)} (${group.points} pts; not auto: ${
      group.gatesFailed.join(", ")
    })`
  const body = [`${what} (+8)`, ...terms.slice(1).map(([, term]) => `${describe(term)} (${signed(term.points)})`)]
  const tail = group.alternatives > 0 ? ` ${group.alternatives} other solution(s) of the same size.` : ""
  const rows = isOneCharge(group.kind) ? txs.slice(0, 1) : txs
  return rows.map((tx) => {
    const rowMembers = [tx.uuid, ...members.cfdis, ...members.documents]
    const linkId = linkIdOf(rowMembers)
    const explanation = trustedInstance(Explanation, {
      linkId,
      decision: group.decision,
      points: group.points,
      threshold: { auto: ctx.config.autoPoints, suggest: ctx.config.suggestPoints },
      margin: group.margin,
      confidence: confidenceOf(group.points),
      members,
      evidence,
      gatesFailed: group.gatesFailed,
      vetoesChecked,
      engine: ctx.engine,
      text: `${head}: ${body.join(" · ")}.${tail}`
    })
    return trustedInstance(MatchLink, {
      linkId,
      decision: group.decision,
      transactionUuid: tx.uuid,
      documentId: clusters[0]!.id,
      points: group.points,
      margin: group.margin,
      explanation
    })
  })
}

/** A pinned pair: a person's CONFIRMED or MANUAL link, or an AUTO link kept from an earlier run (§7.13). */
export interface PinnedPair {
  readonly tx: number
  readonly cluster: number
  readonly decision: "CONFIRMED" | "MANUAL" | "AUTO_LINKED"
  /** The pair re-scored on this run's data (undefined when it has no edge now: a person's word stands alone). */
  readonly edge: ScoredEdge | undefined
  /** Who decided and when (ISO-8601 UTC), for person decisions. */
  readonly who: string | undefined
  readonly when: string | undefined
}

/**
 * The `MatchLink` of a pinned pair: its current evidence (when the pair still scores), margin 0, no gates, and a
 * text naming who confirmed it and when, or that it was kept from the previous run.
 */
export const pinnedToMatchLink = (pin: PinnedPair, ctx: ExplanationContext): MatchLink => {
  const tx = ctx.transactions[pin.tx]!
  const cluster = ctx.clusters[pin.cluster]!
  const members = {
    transactions: [tx.uuid],
    cfdis: cluster.fiscal ? [cluster.fiscal.doc.id] : [],
    documents: cluster.documents.map((d) => d.doc.id)
  }
  const linkId = linkIdOf([...members.transactions, ...members.cfdis, ...members.documents])
  const terms: Array<readonly [Evidence["feature"], Term]> = []
  if (pin.edge) {
    const t = termsOf(pin.edge, ctx)
    terms.push(["amount", t.amount], ["identity", t.identity], ["date", t.date])
    for (const term of t.corroboration) terms.push(["corroboration", term])
  }
  const evidence = terms.map(([feature, term]) =>
    trustedInstance(Evidence, { feature, class: term.cls, points: term.points, detail: term.detail })
  )
  const points = pin.edge?.points ?? 0
  const head = pin.decision === "AUTO_LINKED"
    ? `Kept from the previous run (${points} pts now; a move needs ${ctx.config.relinkPoints} more)`
    : `${pin.decision === "CONFIRMED" ? "Confirmed" : "Linked by hand"} by ${pin.who ?? "?"} at ${pin.when ?? "?"}`
  const body = terms.length === 0
    ? "no engine evidence on this run's data"
    : terms.map(([, term]) => `${describe(term)} (${signed(term.points)})`).join(" · ")
  const explanation = trustedInstance(Explanation, {
    linkId,
    decision: pin.decision,
    points,
    threshold: { auto: ctx.config.autoPoints, suggest: ctx.config.suggestPoints },
    margin: 0,
    confidence: confidenceOf(points),
    members,
    evidence,
    gatesFailed: [],
    vetoesChecked,
    engine: ctx.engine,
    text: `${head}: ${body}.`
  })
  return trustedInstance(MatchLink, {
    linkId,
    decision: pin.decision,
    transactionUuid: tx.uuid,
    documentId: cluster.id,
    points,
    margin: 0,
    explanation
  })
}
