/**
 * The exception report (matching.md §7.8 receptor checks, §7.10): one primary exception per subject transaction
 * that is not auto-linked, an informational amount gap on auto-links, and document-side exceptions.
 */
import {
  addDays,
  endOfMonth,
  type FiscalDocument,
  Money,
  ReconciliationException,
  toEpochDay
} from "@clara-recon/domain"
import type { EvidenceCluster } from "./Clusters.js"
import type { Decision, TransactionOutcome } from "./Gates.js"
import { formatMinorMoney, minorToDecimal } from "./internal/Minor.js"
import { identityRfc, isGenericRfc, normaliseRfc } from "./internal/Rfc.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { DocumentRejection, DocumentView, TransactionView } from "./Prepared.js"
import type { AmountClass } from "./Scoring.js"

/** What classification reads. */
export interface ExceptionContext {
  readonly config: MatcherConfig
  /** Epoch day of `asOf`. */
  readonly asOfDay: number | undefined
  readonly clusters: ReadonlyArray<EvidenceCluster>
  /** Link id of each decision. */
  readonly linkIdOf: (decision: Decision) => string
}

const mismatchSubtype: Readonly<Partial<Record<AmountClass, string>>> = {
  A2_THREE_WAY_TIP: "TIP",
  A3_ROUNDING: "UNEXPLAINED",
  A4_CONVERTED: "FX_DIFFERENCE",
  A5_TIP_PLAUSIBLE: "TIP",
  A6_IVA_ONLY: "IVA_ONLY"
}

const mismatchAction: Readonly<Record<string, string>> = {
  TIP: "Confirm the tip is within the expense policy, then confirm the link.",
  FX_DIFFERENCE: "Confirm the exchange-rate difference, then confirm the link.",
  IVA_ONLY: "Check whether a subtotal was captured instead of the total; correct it or request the right CFDI.",
  UNEXPLAINED: "Review the difference between the charge and the document."
}

/** Classes whose gap makes the top suggestion an AMOUNT_MISMATCH rather than a missing invoice. */
const mismatchClasses: ReadonlySet<AmountClass> = new Set(["A4_CONVERTED", "A5_TIP_PLAUSIBLE", "A6_IVA_ONLY"])

const ageFrom = (asOfDay: number | undefined, date: string): number | undefined => {
  const day = toEpochDay(date)
  return asOfDay === undefined || day === undefined ? undefined : asOfDay - day
}

const money = (minor: bigint, currency: string): Money => new Money({ amount: minorToDecimal(minor), currency }, true)

/** The last day of the invoicing grace period: end of month + N days, and at least M days after the charge. */
export const graceEnd = (operationDate: string, config: MatcherConfig): string => {
  const monthEnd = addDays(endOfMonth(operationDate), config.graceDaysAfterMonthEnd)
  const minimum = addDays(operationDate, config.graceMinDays)
  return monthEnd > minimum ? monthEnd : minimum
}

const tipWithinPolicy = (decision: Decision, ctx: ExceptionContext): boolean => {
  const cluster = ctx.clusters[decision.edge.cluster]!
  const total = cluster.fiscal?.totalMinor ?? cluster.documents[0]!.totalMinor
  return decision.edge.amount.gapMinor * 100n <= BigInt(ctx.config.tipPolicyPercent) * total
}

/**
 * The exceptions of one transaction. Not subject: none. Auto-linked: an informational low-severity
 * AMOUNT_MISMATCH when the gap exceeds 0.01. Otherwise exactly one: AMBIGUOUS, else AMOUNT_MISMATCH (top suggestion
 * with class A4/A5/A6), else RECEIPT_ONLY_EXPECTED (foreign currency and no CFDI suggested), else MISSING_INVOICE
 * (HAS_SUGGESTION, HAS_RECEIPT_NO_CFDI, NOTHING; PENDING_GRACE with low severity before the grace period ends).
 */
export const transactionExceptions = (
  tx: TransactionView,
  outcome: TransactionOutcome,
  ctx: ExceptionContext
): ReadonlyArray<ReconciliationException> => {
  if (!tx.subject) return []
  const t = tx.tx
  const base = {
    transactionUuid: t.uuid,
    ...(t.userName === undefined ? {} : { cardholder: t.userName }),
    ...(ctx.asOfDay === undefined || tx.day === undefined ? {} : { ageDays: ctx.asOfDay - tx.day })
  }
  const what = `${t.type} ${formatMinorMoney(tx.amountMinor, tx.currency)} "${t.descriptor}" on ${t.operationDate}`
  const atRisk = money(tx.amountMinor, tx.currency)
  const make = (fields: Omit<ConstructorParameters<typeof ReconciliationException>[0], keyof typeof base>) =>
    new ReconciliationException({ ...base, ...fields }, true)
  if (outcome.link) {
    const { edge } = outcome.link
    const gap = edge.amount.gapMinor < 0n ? -edge.amount.gapMinor : edge.amount.gapMinor
    if (gap <= 1n) return []
    const subtype = mismatchSubtype[edge.amount.cls] ?? "UNEXPLAINED"
    return [make({
      code: "AMOUNT_MISMATCH",
      subtype,
      severity: "low",
      message: `${what}: auto-linked to ${ctx.clusters[edge.cluster]!.id} with a gap of ${formatMinorMoney(gap, tx.currency)} (${subtype}).`,
      amountAtRisk: money(gap, tx.currency),
      documentId: ctx.clusters[edge.cluster]!.id,
      suggestedAction: "None required: informational.",
      topSuggestion: ctx.linkIdOf(outcome.link)
    })]
  }
  const top = outcome.suggestions[0]
  const topFields = top === undefined
    ? {}
    : { topSuggestion: ctx.linkIdOf(top), documentId: ctx.clusters[top.edge.cluster]!.id }
  if (outcome.ambiguous && top) {
    return [make({
      code: "AMBIGUOUS",
      severity: "medium",
      message: `${what}: candidates within ${ctx.config.marginPoints} points of each other; the engine does not break near-ties.`,
      amountAtRisk: atRisk,
      suggestedAction: "Choose the matching document among the suggestions.",
      ...topFields
    })]
  }
  if (top && mismatchClasses.has(top.edge.amount.cls)) {
    const subtype = mismatchSubtype[top.edge.amount.cls]!
    const gap = top.edge.amount.gapMinor < 0n ? -top.edge.amount.gapMinor : top.edge.amount.gapMinor
    return [make({
      code: "AMOUNT_MISMATCH",
      subtype,
      severity: subtype === "TIP" && tipWithinPolicy(top, ctx) ? "low" : "medium",
      message: `${what}: best candidate differs by ${formatMinorMoney(gap, tx.currency)} (${subtype}).`,
      amountAtRisk: money(gap, tx.currency),
      suggestedAction: mismatchAction[subtype]!,
      ...topFields
    })]
  }
  const topCluster = top === undefined ? undefined : ctx.clusters[top.edge.cluster]!
  if (tx.original && topCluster?.fiscal === undefined) {
    return [make({
      code: "RECEIPT_ONLY_EXPECTED",
      severity: top ? "low" : "medium",
      message: `${what}: foreign merchant (${tx.original.currency}); a CFDI does not apply, a receipt is required.`,
      amountAtRisk: atRisk,
      suggestedAction: top ? "Confirm the suggested receipt." : "Attach the merchant's receipt or invoice.",
      ...topFields
    })]
  }
  const document = t.type === "REFUND" ? "credit note (CFDI type E)" : "CFDI"
  const pending = tx.day !== undefined && ctx.asOfDay !== undefined &&
    ctx.asOfDay <= (toEpochDay(graceEnd(t.operationDate, ctx.config)) ?? 0)
  const hasReceipt = (topCluster !== undefined && topCluster.fiscal === undefined) || t.hasExtractedDocuments
  const [subtype, severity, action] = topCluster?.fiscal !== undefined
    ? ["HAS_SUGGESTION", "medium", `Review the suggested ${document} and confirm or reject it.`] as const
    : pending
    ? ["PENDING_GRACE", "low", `Wait: the grace period ends on ${graceEnd(t.operationDate, ctx.config)}.`] as const
    : hasReceipt
    ? ["HAS_RECEIPT_NO_CFDI", "medium", `A receipt exists; request the ${document} from the merchant.`] as const
    : ["NOTHING", "high", `Request the ${document} from the merchant or the cardholder.`] as const
  return [make({
    code: "MISSING_INVOICE",
    subtype,
    severity,
    message: `${what}: no ${document} linked (${subtype}).`,
    amountAtRisk: atRisk,
    suggestedAction: action,
    ...topFields
  })]
}

const cardFormasPago: ReadonlySet<string> = new Set(["04", "28", "29"])

const documentBase = (doc: FiscalDocument, asOfDay: number | undefined) => {
  const age = ageFrom(asOfDay, doc.issueDate)
  const location = doc.sources[0]?.location
  return {
    documentId: doc.id,
    ...(age === undefined ? {} : { ageDays: age }),
    ...(location === undefined ? {} : { location })
  }
}

/** INVALID_DOCUMENT for documents whose `issueDate` is not a calendar date (they cannot be matched). */
export const rejectedDocumentExceptions = (
  rejected: ReadonlyArray<{ readonly doc: FiscalDocument; readonly reason: DocumentRejection }>
): ReadonlyArray<ReconciliationException> =>
  rejected.filter((r) => r.reason === "INVALID_DATE").map(({ doc }) =>
    new ReconciliationException({
      ...documentBase(doc, undefined),
      code: "INVALID_DOCUMENT",
      subtype: "INVALID_DATE",
      severity: "medium",
      message: `Document ${doc.id} (${doc.kind}): field issueDate "${doc.issueDate}" is not a calendar date.`,
      suggestedAction: "Fix or re-extract the document's date.",
      amountAtRisk: new Money({ amount: doc.total, currency: doc.currency }, true)
    }, true)
  )

/**
 * Document exceptions of a CFDI that entered matching. `decided`: it is in a link or a suggestion; `owner`: the
 * transaction it is linked or top-suggested to. INVOICE_WITHOUT_TRANSACTION for a type I CFDI paid by card
 * (FormaPago 04/28/29) that is not decided (low severity while younger than `invoiceWithoutTransactionDays`); with
 * `companyRfc`, GENERIC_RECEPTOR (XAXX010101000 / XEXX010101000) or RECEPTOR_RFC_MISMATCH, high when decided.
 */
export const documentExceptions = (
  view: DocumentView,
  decided: boolean,
  owner: TransactionView | undefined,
  companyRfc: string | undefined,
  ctx: ExceptionContext
): ReadonlyArray<ReconciliationException> => {
  const doc = view.doc
  if (doc.kind !== "CFDI") return []
  const out: Array<ReconciliationException> = []
  const base = { ...documentBase(doc, ctx.asOfDay), ...(owner ? { transactionUuid: owner.tx.uuid } : {}) }
  const atRisk = money(view.totalMinor, view.currency)
  const what = `CFDI ${doc.id} from ${doc.issuer.name ?? doc.issuer.taxId ?? "?"} for ${formatMinorMoney(view.totalMinor, view.currency)} on ${doc.issueDate}`
  const receiver = doc.receiver.taxId === undefined ? undefined : normaliseRfc(doc.receiver.taxId)
  const company = companyRfc === undefined ? undefined : identityRfc(companyRfc)
  const forCompany = company === undefined || receiver === company
  const tipo = doc.tipoDeComprobante?.trim().toUpperCase() ?? "I"
  if (
    !decided && tipo === "I" && forCompany && doc.formaPago !== undefined &&
    cardFormasPago.has(doc.formaPago.trim())
  ) {
    const age = ageFrom(ctx.asOfDay, doc.issueDate)
    out.push(new ReconciliationException({
      ...base,
      code: "INVOICE_WITHOUT_TRANSACTION",
      severity: age !== undefined && age < ctx.config.invoiceWithoutTransactionDays ? "low" : "medium",
      message: `${what}: paid by card (FormaPago ${doc.formaPago.trim()}) but no card transaction matches.`,
      amountAtRisk: atRisk,
      suggestedAction: "Find the charge (another card, period or company) or check whether the CFDI belongs here."
    }, true))
  }
  if (company !== undefined && receiver !== company) {
    const generic = receiver !== undefined && isGenericRfc(receiver)
    out.push(new ReconciliationException({
      ...base,
      code: generic ? "GENERIC_RECEPTOR" : "RECEPTOR_RFC_MISMATCH",
      severity: decided ? "high" : "medium",
      message: `${what}: receptor RFC ${receiver ?? "(none)"} is not the company's ${company}; not deductible.`,
      amountAtRisk: atRisk,
      suggestedAction: "Ask the merchant to cancel and reissue the CFDI to the company's RFC."
    }, true))
  }
  return out
}
