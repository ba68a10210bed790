/**
 * The exception report (matching.md §7.8 receptor checks, §7.10): one primary exception per subject transaction
 * that is not auto-linked, an informational amount gap on auto-links, and document-side exceptions.
 */
import { type FiscalDocument, Money, ReconciliationException, trustedInstance } from "@clara-recon/domain"
import type { EvidenceCluster } from "./Clusters.js"
import * as BigDecimal from "effect/BigDecimal"
import type { Decision, TransactionOutcome } from "./Gates.js"
import type { GroupDecision } from "./Groups.js"
import { afterMonthEnd, epochDay, plusDays } from "./internal/Dates.js"
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
  /** Link id of a group's row for one of its transactions. */
  readonly groupLinkIdOf?: (group: GroupDecision, tx: number) => string
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
  const day = epochDay(date)
  return asOfDay === undefined || day === undefined ? undefined : asOfDay - day
}

const money = (minor: bigint, currency: string): Money => trustedInstance(Money, { amount: minorToDecimal(minor), currency })

/** The last day of the invoicing grace period: end of month + N days, and at least M days after the charge. */
export const graceEnd = (operationDate: string, config: MatcherConfig): string => {
  // Memoised per config and date: a run has a few hundred distinct dates.
  let ends = graceEnds.get(config)
  if (ends === undefined) graceEnds.set(config, ends = new Map())
  let end = ends.get(operationDate)
  if (end === undefined) {
    const monthEnd = afterMonthEnd(operationDate, config.graceDaysAfterMonthEnd)
    const minimum = plusDays(operationDate, config.graceMinDays)
    end = monthEnd > minimum ? monthEnd : minimum
    if (ends.size >= 100_000) ends.clear()
    ends.set(operationDate, end)
  }
  return end
}

const graceEnds = new WeakMap<MatcherConfig, Map<string, string>>()

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

// The frame's text and shared fields are built on first use: most linked transactions raise no exception.
const frameOf = (tx: TransactionView, ctx: ExceptionContext): TransactionFrame => {
  const t = tx.tx
  let what: string | undefined
  let base: TransactionBase | undefined
  return {
    get what() {
      what ??= `${t.type} ${formatMinorMoney(tx.amountMinor, tx.currency)} "${t.descriptor}" on ${t.operationDate}`
      return what
    },
    make: (fields) => {
      base ??= {
        transactionUuid: t.uuid,
        ...(t.userName === undefined ? {} : { cardholder: t.userName }),
        ...(ctx.asOfDay === undefined || tx.day === undefined ? {} : { ageDays: ctx.asOfDay - tx.day })
      }
      return trustedInstance(ReconciliationException, { ...base, ...fields })
    }
  }
}

const absolute = (minor: bigint): bigint => (minor < 0n ? -minor : minor)

const refFields = (top: { readonly linkId: string; readonly documentId: string } | undefined) =>
  top === undefined ? {} : { topSuggestion: top.linkId, documentId: top.documentId }

/**
 * MISSING_INVOICE: HAS_SUGGESTION when a CFDI is suggested; else PENDING_GRACE (low) before the grace period ends;
 * else HAS_RECEIPT_NO_CFDI when a receipt is linked, suggested or listed in Clara; else NOTHING (high).
 */
const missingInvoice = (
  tx: TransactionView,
  frame: TransactionFrame,
  ctx: ExceptionContext,
  evidence: {
    readonly top: { readonly linkId: string; readonly documentId: string } | undefined
    readonly cfdi: boolean
    readonly receipt: boolean
  }
): ReconciliationException => {
  const t = tx.tx
  const document = t.type === "REFUND" ? "credit note (CFDI type E)" : "CFDI"
  const end = graceEnd(t.operationDate, ctx.config)
  const pending = tx.day !== undefined && ctx.asOfDay !== undefined && ctx.asOfDay <= (epochDay(end) ?? 0)
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
    ...refFields(evidence.top)
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
    out.push(missingInvoice(tx, frame, ctx, {
      top: { linkId: ctx.linkIdOf(link), documentId: ctx.clusters[link.edge.cluster]!.id },
      cfdi: false,
      receipt: true
    }))
  }
  return out
}

/** The top suggestion of a transaction, edge or group, as exceptions reference it. */
export interface TopSuggestion {
  readonly linkId: string
  readonly documentId: string
  /** The suggestion holds a CFDI (not only receipts). */
  readonly cfdi: boolean
  /** The edge decision, for edge suggestions (amount class, gap, documents). */
  readonly decision: Decision | undefined
}

/** What else the run knows about a transaction, beyond its one-to-one outcome. */
export interface TransactionExtras {
  /**
   * Linked by a person (CONFIRMED or MANUAL) or kept from an earlier run: no open-item exception, but for a domestic
   * charge `pinnedReceipt` (a person's link to a receipt without CFDI) still raises MISSING_INVOICE: a receipt is not
   * a fiscal document, whoever confirmed it.
   */
  readonly pinned: boolean
  /** The person's link of a pinned charge when no document it links holds a CFDI. */
  readonly pinnedReceipt?: { readonly linkId: string; readonly documentId: string }
  /** An auto-linked group holding the transaction. */
  readonly group: GroupDecision | undefined
  /** The top suggestion when it is a group (it replaces a weaker edge suggestion). */
  readonly groupSuggestion: TopSuggestion | undefined
  /** A refund that fully reverses a purchase without a credit note, or that purchase (§7.8). */
  readonly reversal: { readonly counterpart: string; readonly purchaseCfdi: string | undefined } | undefined
}

const topOf = (outcome: TransactionOutcome, extras: TransactionExtras, ctx: ExceptionContext) => {
  if (extras.groupSuggestion) return extras.groupSuggestion
  const top = outcome.suggestions[0]
  if (top === undefined) return undefined
  return {
    linkId: ctx.linkIdOf(top),
    documentId: ctx.clusters[top.edge.cluster]!.id,
    cfdi: ctx.clusters[top.edge.cluster]!.fiscal !== undefined,
    decision: top
  }
}

const openExceptions = (
  tx: TransactionView,
  outcome: TransactionOutcome,
  extras: TransactionExtras,
  frame: TransactionFrame,
  ctx: ExceptionContext
): Array<ReconciliationException> => {
  const top = topOf(outcome, extras, ctx)
  const topFields = top === undefined ? {} : { topSuggestion: top.linkId, documentId: top.documentId }
  const atRisk = money(tx.amountMinor, tx.currency)
  const out: Array<ReconciliationException> = []
  const edge = top?.decision
  if (tx.type === "REFUND") {
    const end = graceEnd(tx.tx.operationDate, ctx.config)
    const pending = ctx.asOfDay !== undefined && ctx.asOfDay <= (epochDay(end) ?? 0)
    out.push(frame.make({
      code: "REFUND_WITHOUT_CREDIT_NOTE",
      ...(top ? { subtype: "HAS_SUGGESTION" } : pending ? { subtype: "PENDING_GRACE" } : {}),
      severity: pending && !top ? "low" : "medium",
      message: `${frame.what}: no credit note (CFDI type E) linked for the refunded amount.`,
      amountAtRisk: atRisk,
      suggestedAction: top
        ? "Review the suggested credit note and confirm or reject it."
        : "Request the credit note (CFDI type E) from the merchant, or the cancellation of the original CFDI.",
      ...topFields
    }))
  } else if (tx.original && !top?.cfdi) {
    out.push(frame.make({
      code: "RECEIPT_ONLY_EXPECTED",
      severity: top ? "low" : "medium",
      message: `${frame.what}: foreign merchant (${tx.original.currency}); no CFDI applies, a receipt is required.`,
      amountAtRisk: atRisk,
      suggestedAction: top ? "Confirm the suggested receipt." : "Attach the merchant's receipt or invoice.",
      ...topFields
    }))
  } else {
    out.push(missingInvoice(tx, frame, ctx, {
      top,
      cfdi: top?.cfdi ?? false,
      receipt: top !== undefined && !top.cfdi
    }))
  }
  if (outcome.ambiguous && edge && top?.decision === edge) {
    out.push(frame.make({
      code: "AMBIGUOUS",
      severity: "medium",
      message: `${frame.what}: candidates within ${ctx.config.marginPoints} points of each other; no automatic choice.`,
      amountAtRisk: atRisk,
      suggestedAction: "Choose the matching document among the suggestions.",
      ...topFields
    }))
  }
  if (edge && top?.decision === edge && mismatchClasses.has(edge.edge.amount.cls)) {
    const subtype = mismatchSubtype[edge.edge.amount.cls]!
    const gap = absolute(edge.edge.amount.gapMinor)
    const fx = edge.edge.amount.member.fx
    const rate = fx === undefined ? "" : BigDecimal.format(BigDecimal.normalize(fx.rate))
    const fxText = subtype === "FX_DIFFERENCE" && fx
      ? ` at ${rate} MXN/${edge.edge.amount.member.currency} (${fx.source} ${fx.date})`
      : ""
    out.push(frame.make({
      code: "AMOUNT_MISMATCH",
      subtype,
      severity: subtype === "TIP" && tipWithinPolicy(edge, ctx) ? "low" : "medium",
      message: `${frame.what}: best candidate differs by ${formatMinorMoney(gap, tx.currency)} (${subtype})${fxText}.`,
      amountAtRisk: money(gap, tx.currency),
      suggestedAction: mismatchAction[subtype]!,
      ...topFields
    }))
  }
  if (edge && top?.decision === edge && ctx.clusters[edge.edge.cluster]!.members.some((m) => m.notVerified)) {
    out.push(frame.make({
      code: "DOC_NOT_VERIFIED",
      severity: "medium",
      message: `${frame.what}: the best candidate's document is NOT_VERIFIED; it cannot link automatically.`,
      amountAtRisk: atRisk,
      suggestedAction: "Verify the document in Clara (or replace it), then confirm the suggestion.",
      ...topFields
    }))
  }
  return out
}

const groupExceptions = (
  tx: TransactionView,
  group: GroupDecision,
  frame: TransactionFrame,
  ctx: ExceptionContext
): Array<ReconciliationException> => {
  const msi = group.msi
  if (msi === undefined || msi.nextDueDay === undefined || ctx.asOfDay === undefined) return []
  if (tx.index !== group.transactions[group.transactions.length - 1]) return []
  const overdue = ctx.asOfDay - msi.nextDueDay
  if (overdue <= ctx.config.msiOverdueDays) return []
  // the instalments not linked yet, earlier periods' included: (n - k) / n of the plan, half-up to the cent
  const left = BigInt(Math.max(0, msi.of - msi.linked))
  const of = BigInt(Math.max(1, msi.of))
  const remaining = (2n * group.sumDocumentsMinor * left + of) / (2n * of)
  return [frame.make({
    code: "MSI_INCOMPLETE",
    subtype: group.status ?? "MSI",
    severity: "medium",
    message: `${frame.what}: ${group.status} instalments linked; the next was due ${overdue} days ago.`,
    amountAtRisk: money(remaining < 0n ? 0n : remaining, tx.currency),
    documentId: ctx.clusters[group.clusters[0]!]!.id,
    suggestedAction: "Check the missing instalments with Clara (plan cancelled, paid off early, or another card).",
    ...(ctx.groupLinkIdOf ? { topSuggestion: ctx.groupLinkIdOf(group, tx.index) } : {})
  })]
}

const reversalException = (
  tx: TransactionView,
  reversal: NonNullable<TransactionExtras["reversal"]>,
  frame: TransactionFrame
): ReconciliationException =>
  // the counterpart charge is named in the message; `documentId` is the purchase's CFDI when there is one
  reversal.purchaseCfdi !== undefined && tx.type === "REFUND"
    ? frame.make({
      code: "REFUND_WITHOUT_CREDIT_NOTE",
      subtype: "FULL_REVERSAL",
      severity: "medium",
      message: `${frame.what}: reverses purchase ${reversal.counterpart}, whose CFDI ${reversal.purchaseCfdi} has no ` +
        "credit note.",
      amountAtRisk: money(tx.amountMinor, tx.currency),
      suggestedAction: "Request the credit note (CFDI type E) or the cancellation of the purchase's CFDI.",
      documentId: reversal.purchaseCfdi
    })
    : frame.make({
      code: "REVERSED_PURCHASE",
      severity: "low",
      message: `${frame.what}: fully reversed with ${reversal.counterpart}; no fiscal document is needed.`,
      amountAtRisk: money(0n, tx.currency),
      suggestedAction: "None required: informational."
    })

/**
 * The exceptions of one transaction (matching.md §7.8, §7.10). Not subject (FEE, CREDIT, PAYMENT, REJECTED) or
 * pinned by a person: none. Auto-linked: an informational low-severity AMOUNT_MISMATCH when the gap exceeds 0.01,
 * and MISSING_INVOICE (HAS_RECEIPT_NO_CFDI, or PENDING_GRACE) when a domestic charge is linked to a receipt without
 * a CFDI; an auto-linked MSI group raises MSI_INCOMPLETE (on its last charge) when the next instalment is overdue.
 * A full reversal without credit note: REVERSED_PURCHASE on both sides, or REFUND_WITHOUT_CREDIT_NOTE on the refund
 * when the purchase holds a CFDI. Otherwise first the open item (exactly one): REFUND_WITHOUT_CREDIT_NOTE for a
 * refund, RECEIPT_ONLY_EXPECTED for a foreign charge without a suggested CFDI, else MISSING_INVOICE (HAS_SUGGESTION,
 * PENDING_GRACE, HAS_RECEIPT_NO_CFDI, NOTHING); then, about the top suggestion, AMBIGUOUS, AMOUNT_MISMATCH (A4/A5/A6:
 * FX_DIFFERENCE, TIP, IVA_ONLY) and DOC_NOT_VERIFIED.
 */
export const transactionExceptions = (
  tx: TransactionView,
  outcome: TransactionOutcome,
  ctx: ExceptionContext,
  extras: TransactionExtras = { pinned: false, group: undefined, groupSuggestion: undefined, reversal: undefined }
): ReadonlyArray<ReconciliationException> => {
  if (!tx.subject) return []
  if (extras.pinned) {
    return extras.pinnedReceipt === undefined || tx.original !== undefined
      ? []
      : [missingInvoice(tx, frameOf(tx, ctx), ctx, { top: extras.pinnedReceipt, cfdi: false, receipt: true })]
  }
  const frame = frameOf(tx, ctx)
  if (outcome.link) return linkedExceptions(tx, outcome.link, frame, ctx)
  if (extras.group) return groupExceptions(tx, extras.group, frame, ctx)
  if (extras.reversal) return [reversalException(tx, extras.reversal, frame)]
  return openExceptions(tx, outcome, extras, frame, ctx)
}

const cardFormasPago: ReadonlySet<string> = new Set(["04", "28", "29"])

// The company RFC's identity form, for the last RFC seen (one per run).
let lastCompany: { readonly rfc: string; readonly identity: string | undefined } | undefined
const companyIdentity = (rfc: string): string | undefined => {
  if (lastCompany?.rfc !== rfc) lastCompany = { rfc, identity: identityRfc(rfc) }
  return lastCompany.identity
}

const documentBase = (doc: FiscalDocument, asOfDay: number | undefined) => {
  const age = ageFrom(asOfDay, doc.issueDate)
  const location = doc.sources[0]?.location
  return {
    documentId: doc.id,
    ...(age === undefined ? {} : { ageDays: age }),
    ...(location === undefined ? {} : { location })
  }
}

/**
 * INVALID_DOCUMENT for documents that cannot be matched: an `issueDate` that is not a calendar date (`INVALID_DATE`),
 * a CFDI or NF-e with a negative Total or SubTotal (`NEGATIVE_AMOUNT`: never valid, Anexo 20 t_Importe).
 */
export const rejectedDocumentExceptions = (
  rejected: ReadonlyArray<{ readonly doc: FiscalDocument; readonly reason: DocumentRejection }>
): ReadonlyArray<ReconciliationException> =>
  rejected.flatMap(({ doc, reason }) =>
    reason === "INVALID_DATE" || reason === "NEGATIVE_AMOUNT"
      ? [trustedInstance(ReconciliationException, {
        ...documentBase(doc, undefined),
        code: "INVALID_DOCUMENT",
        subtype: reason,
        severity: "medium",
        message: reason === "INVALID_DATE"
          ? `Document ${doc.id} (${doc.kind}): field issueDate "${doc.issueDate}" is not a calendar date.`
          : `Document ${doc.id} (${doc.kind}): a negative Total or SubTotal (Total ${BigDecimal.format(doc.total)}) ` +
            "is never valid; it is not matched.",
        suggestedAction: reason === "INVALID_DATE"
          ? "Fix or re-extract the document's date."
          : "Check the file: request the CFDI again from the issuer.",
        amountAtRisk: trustedInstance(Money, { amount: BigDecimal.abs(doc.total), currency: doc.currency })
      })]
      : []
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
  const receiver = doc.receiver.taxId === undefined ? undefined : normaliseRfc(doc.receiver.taxId)
  const company = companyRfc === undefined ? undefined : companyIdentity(companyRfc)
  // a document that names no receptor (Clara's summary of an invoice it could not download) cannot be checked
  const forCompany = company === undefined || receiver === undefined || receiver === company
  const tipo = doc.tipoDeComprobante?.trim().toUpperCase() ?? "I"
  const unmatched = !decided && tipo === "I" && forCompany && doc.formaPago !== undefined &&
    cardFormasPago.has(doc.formaPago.trim())
  // Most CFDIs raise nothing: the texts and shared fields below are built only for those that do.
  if (!unmatched && forCompany) return []
  const out: Array<ReconciliationException> = []
  const base = { ...documentBase(doc, ctx.asOfDay), ...(owner ? { transactionUuid: owner.tx.uuid } : {}) }
  const atRisk = money(view.totalMinor, view.currency)
  const issuer = doc.issuer.name ?? doc.issuer.taxId ?? "?"
  const total = formatMinorMoney(view.totalMinor, view.currency)
  const what = `CFDI ${doc.id} from ${issuer} for ${total} on ${doc.issueDate}`
  if (unmatched && doc.formaPago !== undefined) {
    const age = ageFrom(ctx.asOfDay, doc.issueDate)
    out.push(trustedInstance(ReconciliationException, {
      ...base,
      code: "INVOICE_WITHOUT_TRANSACTION",
      severity: age !== undefined && age < ctx.config.invoiceWithoutTransactionDays ? "low" : "medium",
      message: `${what}: paid by card (FormaPago ${doc.formaPago.trim()}) but no card transaction matches.`,
      amountAtRisk: atRisk,
      suggestedAction: "Find the charge (another card, period or company) or check whether the CFDI belongs here."
    }))
  }
  if (!forCompany && receiver !== undefined) {
    const generic = isGenericRfc(receiver)
    out.push(trustedInstance(ReconciliationException, {
      ...base,
      code: generic ? "GENERIC_RECEPTOR" : "RECEPTOR_RFC_MISMATCH",
      severity: decided ? "high" : "medium",
      message: `${what}: receptor RFC ${receiver} is not the company's ${company}; not deductible.`,
      amountAtRisk: atRisk,
      suggestedAction: "Ask the merchant to cancel and reissue the CFDI to the company's RFC."
    }))
  }
  return out
}
