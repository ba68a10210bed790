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

type ExceptionFields = ConstructorParameters<typeof ReconciliationException>[0]

type TransactionBase = Pick<ExceptionFields, "transactionUuid" | "cardholder" | "ageDays">

/** What every exception of one transaction shares. */
interface TransactionFrame {
  readonly what: string
  readonly make: (fields: Omit<ExceptionFields, keyof TransactionBase>) => ReconciliationException
}

const frameOf = (tx: TransactionView, ctx: ExceptionContext): TransactionFrame => {
  const t = tx.tx
  const base: TransactionBase = {
    transactionUuid: t.uuid,
    ...(t.userName === undefined ? {} : { cardholder: t.userName }),
    ...(ctx.asOfDay === undefined || tx.day === undefined ? {} : { ageDays: ctx.asOfDay - tx.day })
  }
  return {
    what: `${t.type} ${formatMinorMoney(tx.amountMinor, tx.currency)} "${t.descriptor}" on ${t.operationDate}`,
    make: (fields) => new ReconciliationException({ ...base, ...fields }, true)
  }
}

const absolute = (minor: bigint): bigint => (minor < 0n ? -minor : minor)

const suggestionFields = (decision: Decision, ctx: ExceptionContext) => ({
  topSuggestion: ctx.linkIdOf(decision),
  documentId: ctx.clusters[decision.edge.cluster]!.id
})

/**
 * MISSING_INVOICE: HAS_SUGGESTION when a CFDI is suggested; else PENDING_GRACE (low) before the grace period ends;
 * else HAS_RECEIPT_NO_CFDI when a receipt is linked, suggested or listed in Clara; else NOTHING (high).
 */
const missingInvoice = (
  tx: TransactionView,
  frame: TransactionFrame,
  ctx: ExceptionContext,
  evidence: { readonly decision: Decision | undefined; readonly cfdi: boolean; readonly receipt: boolean }
): ReconciliationException => {
  const t = tx.tx
  const document = t.type === "REFUND" ? "credit note (CFDI type E)" : "CFDI"
  const end = graceEnd(t.operationDate, ctx.config)
  const pending = tx.day !== undefined && ctx.asOfDay !== undefined && ctx.asOfDay <= (toEpochDay(end) ?? 0)
  const [subtype, severity, action] = evidence.cfdi
    ? ["HAS_SUGGESTION", "medium", `Review the suggested ${document} and confirm or reject it.`] as const
    : pending
    ? ["PENDING_GRACE", "low", `Wait: the grace period ends on ${end}.`] as const
    : evidence.receipt || t.hasExtractedDocuments
    ? ["HAS_RECEIPT_NO_CFDI", "medium", `A receipt exists; request the ${document} from the merchant.`] as const
    : ["NOTHING", "high", `Request the ${document} from the merchant or the cardholder.`] as const
  return frame.make({
    code: "MISSING_INVOICE",
    subtype,
    severity,
    message: `${frame.what}: no ${document} linked (${subtype}).`,
    amountAtRisk: money(tx.amountMinor, tx.currency),
    suggestedAction: action,
    ...(evidence.decision === undefined ? {} : suggestionFields(evidence.decision, ctx))
  })
}

const linkedExceptions = (
  tx: TransactionView,
  link: Decision,
  frame: TransactionFrame,
  ctx: ExceptionContext
): ReadonlyArray<ReconciliationException> => {
  const { edge } = link
  const cluster = ctx.clusters[edge.cluster]!
  const out: Array<ReconciliationException> = []
  const gap = absolute(edge.amount.gapMinor)
  if (gap > 1n) {
    const subtype = mismatchSubtype[edge.amount.cls] ?? "UNEXPLAINED"
    out.push(frame.make({
      code: "AMOUNT_MISMATCH",
      subtype,
      severity: "low",
      message: `${frame.what}: auto-linked to ${cluster.id}, gap ${formatMinorMoney(gap, tx.currency)} (${subtype}).`,
      amountAtRisk: money(gap, tx.currency),
      documentId: cluster.id,
      suggestedAction: "None required: informational.",
      topSuggestion: ctx.linkIdOf(link)
    }))
  }
  if (cluster.fiscal === undefined && tx.original === undefined) {
    out.push(missingInvoice(tx, frame, ctx, { decision: link, cfdi: false, receipt: true }))
  }
  return out
}

const openException = (
  tx: TransactionView,
  outcome: TransactionOutcome,
  frame: TransactionFrame,
  ctx: ExceptionContext
): ReconciliationException => {
  const top = outcome.suggestions[0]
  const topCluster = top === undefined ? undefined : ctx.clusters[top.edge.cluster]!
  const topFields = top === undefined ? {} : suggestionFields(top, ctx)
  const atRisk = money(tx.amountMinor, tx.currency)
  if (outcome.ambiguous && top) {
    return frame.make({
      code: "AMBIGUOUS",
      severity: "medium",
      message: `${frame.what}: candidates within ${ctx.config.marginPoints} points of each other; no automatic choice.`,
      amountAtRisk: atRisk,
      suggestedAction: "Choose the matching document among the suggestions.",
      ...topFields
    })
  }
  if (top && mismatchClasses.has(top.edge.amount.cls)) {
    const subtype = mismatchSubtype[top.edge.amount.cls]!
    const gap = absolute(top.edge.amount.gapMinor)
    return frame.make({
      code: "AMOUNT_MISMATCH",
      subtype,
      severity: subtype === "TIP" && tipWithinPolicy(top, ctx) ? "low" : "medium",
      message: `${frame.what}: best candidate differs by ${formatMinorMoney(gap, tx.currency)} (${subtype}).`,
      amountAtRisk: money(gap, tx.currency),
      suggestedAction: mismatchAction[subtype]!,
      ...topFields
    })
  }
  if (tx.original && topCluster?.fiscal === undefined) {
    return frame.make({
      code: "RECEIPT_ONLY_EXPECTED",
      severity: top ? "low" : "medium",
      message: `${frame.what}: foreign merchant (${tx.original.currency}); no CFDI applies, a receipt is required.`,
      amountAtRisk: atRisk,
      suggestedAction: top ? "Confirm the suggested receipt." : "Attach the merchant's receipt or invoice.",
      ...topFields
    })
  }
  return missingInvoice(tx, frame, ctx, {
    decision: top,
    cfdi: topCluster?.fiscal !== undefined,
    receipt: topCluster !== undefined && topCluster.fiscal === undefined
  })
}

/**
 * The exceptions of one transaction (matching.md §7.10). Not subject (FEE, CREDIT, PAYMENT, REJECTED): none.
 * Auto-linked: an informational low-severity AMOUNT_MISMATCH when the gap exceeds 0.01, and MISSING_INVOICE
 * (HAS_RECEIPT_NO_CFDI, or PENDING_GRACE) when a domestic charge is linked to a receipt without a CFDI.
 * Otherwise exactly one: AMBIGUOUS; else AMOUNT_MISMATCH (top suggestion of class A4/A5/A6: FX_DIFFERENCE, TIP,
 * IVA_ONLY); else RECEIPT_ONLY_EXPECTED (merchant currency differs from the account currency and no CFDI is
 * suggested); else MISSING_INVOICE (HAS_SUGGESTION, PENDING_GRACE, HAS_RECEIPT_NO_CFDI, NOTHING).
 */
export const transactionExceptions = (
  tx: TransactionView,
  outcome: TransactionOutcome,
  ctx: ExceptionContext
): ReadonlyArray<ReconciliationException> => {
  if (!tx.subject) return []
  const frame = frameOf(tx, ctx)
  return outcome.link ? linkedExceptions(tx, outcome.link, frame, ctx) : [openException(tx, outcome, frame, ctx)]
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
  const issuer = doc.issuer.name ?? doc.issuer.taxId ?? "?"
  const total = formatMinorMoney(view.totalMinor, view.currency)
  const what = `CFDI ${doc.id} from ${issuer} for ${total} on ${doc.issueDate}`
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
