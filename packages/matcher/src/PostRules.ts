/**
 * Post-rules after assignment (matching.md §7.3 step 7-8): refunds that reverse a purchase (§7.8), PPD payment
 * complements (§7.8), cancelled CFDIs that were linked (§7.8), duplicates (§7.9), over-allocated CFDIs (§7.9) and
 * foreign CFDIs without a rate (§7.7). Each rule is a pure function of the prepared views and the final links.
 */
import {
  addDays,
  endOfMonth,
  type FiscalDocument,
  Money,
  ReconciliationException,
  toEpochDay,
  trustedInstance
} from "@clara-recon/domain"
import type { EvidenceCluster } from "./Clusters.js"
import { formatMinorMoney, minorToDecimal } from "./internal/Minor.js"
import { normaliseRfc } from "./internal/Rfc.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import { type DocumentView, fiscalUuidOf, type TransactionView } from "./Prepared.js"

/**
 * A payment complement (CFDI type P, Pagos 2.0) as the caller read it: its UUID and the `DoctoRelacionado`
 * `IdDocumento` UUIDs it pays (cfdi.md §1.7). The domain `FiscalDocument` does not carry the Pagos complement, so
 * the caller passes these alongside the documents.
 */
export interface PaymentComplement {
  readonly uuid: string
  readonly relatedDocuments: ReadonlyArray<string>
}

const money = (minor: bigint, currency: string): Money => trustedInstance(Money, { amount: minorToDecimal(minor), currency })

const upper = (id: string): string => id.trim().toUpperCase()

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const age = (asOfDay: number | undefined, day: number | undefined) =>
  asOfDay === undefined || day === undefined ? {} : { ageDays: asOfDay - day }

/** A refund and the purchase it fully reverses (same card and descriptor, equal amount, within the window). */
export interface Reversal {
  readonly refund: number
  readonly purchase: number
}

/**
 * Pairs each open refund (no credit note linked) with the purchase it fully reverses (§7.8): same card (or, without
 * card data, the same cardholder), the same normalised descriptor, the same amount and currency, the purchase at
 * most `refundReversalDays` before the refund; the nearest purchase first, each purchase used once. Refunds are
 * visited in date then index order.
 */
export const findReversals = (
  transactions: ReadonlyArray<TransactionView>,
  openRefunds: ReadonlyArray<number>,
  config: MatcherConfig
): ReadonlyArray<Reversal> => {
  const keyOf = (tx: TransactionView) =>
    `${tx.cardKey ?? `user:${tx.userUuid ?? ""}`}|${tx.descriptorKey}|${tx.currency}|${tx.amountMinor}`
  const purchases = new Map<string, Array<number>>()
  for (const tx of transactions) {
    if (tx.type !== "PURCHASE" || !tx.subject || tx.day === undefined) continue
    if (tx.cardKey === undefined && tx.userUuid === undefined) continue
    const key = keyOf(tx)
    const list = purchases.get(key) ?? []
    purchases.set(key, list)
    list.push(tx.index)
  }
  const used = new Set<number>()
  const refunds = openRefunds.filter((r) => transactions[r]!.day !== undefined)
    .sort((a, b) => transactions[a]!.day! - transactions[b]!.day! || a - b)
  const out: Array<Reversal> = []
  for (const r of refunds) {
    const refund = transactions[r]!
    let best: number | undefined
    for (const p of purchases.get(keyOf(refund)) ?? []) {
      const gap = refund.day! - transactions[p]!.day!
      if (used.has(p) || gap < 0 || gap > config.refundReversalDays) continue
      if (best === undefined || transactions[p]!.day! > transactions[best]!.day!) best = p
    }
    if (best === undefined) continue
    used.add(best)
    out.push({ refund: r, purchase: best })
  }
  return out
}

/** The last day to receive a PPD payment complement: day `ppdComplementDay` of the month after the payment. */
export const ppdDeadline = (paymentDate: string, config: MatcherConfig): string => {
  const nextMonthFirst = addDays(endOfMonth(paymentDate), 1)
  return addDays(nextMonthFirst, config.ppdComplementDay - 1)
}

/**
 * PPD_WITHOUT_PAYMENT_COMPLEMENT (§7.8): a linked CFDI with `MetodoPago` PPD that no payment complement names, once
 * the deadline after the charge has passed (`asOf` later than `ppdDeadline`).
 */
export const ppdExceptions = (
  linked: ReadonlyArray<{ readonly tx: TransactionView; readonly cluster: EvidenceCluster }>,
  complements: ReadonlyArray<PaymentComplement>,
  asOf: string,
  config: MatcherConfig
): Array<ReconciliationException> => {
  const paid = new Set(complements.flatMap((c) => c.relatedDocuments.map(upper)))
  const out: Array<ReconciliationException> = []
  const asOfDay = toEpochDay(asOf)
  for (const { cluster, tx } of linked) {
    const invoice = cluster.fiscal
    if (invoice === undefined || !invoice.ppd) continue
    if (paid.has(fiscalUuidOf(invoice.doc))) continue
    const deadline = ppdDeadline(tx.tx.operationDate, config)
    if (asOf <= deadline) continue
    out.push(
      trustedInstance(ReconciliationException, {
        code: "PPD_WITHOUT_PAYMENT_COMPLEMENT",
        severity: "medium",
        message: `CFDI ${invoice.doc.id} (MetodoPago PPD) paid by card on ${tx.tx.operationDate}: no payment ` +
          `complement names it; it was due by ${deadline}.`,
        amountAtRisk: money(invoice.totalMinor, invoice.currency),
        transactionUuid: tx.uuid,
        documentId: invoice.doc.id,
        ...age(asOfDay, tx.day),
        suggestedAction: "Request the payment complement (CFDI type P) from the issuer, or a PUE reissue.",
        ...(tx.tx.userName === undefined ? {} : { cardholder: tx.tx.userName })
      })
    )
  }
  return out
}

/**
 * CFDI_CANCELLED_LINKED (§7.8): a link held before (by Clara, a person or an earlier run) whose CFDI is now
 * cancelled or substituted. `substitute` is the new CFDI (TipoRelacion 04) when the input holds one; `linkId` the
 * link or suggestion the run made to it for the same transaction, if any.
 */
export const cancelledLinkedException = (
  doc: FiscalDocument,
  tx: TransactionView | undefined,
  transactionUuid: string,
  reason: "CANCELLED" | "SUBSTITUTED",
  substitute: { readonly id: string; readonly linkId: string | undefined } | undefined,
  asOfDay: number | undefined
): ReconciliationException =>
  trustedInstance(ReconciliationException, {
    code: "CFDI_CANCELLED_LINKED",
    subtype: reason,
    severity: substitute?.linkId === undefined ? "high" : "low",
    message: `Transaction ${transactionUuid} was linked to CFDI ${doc.id}, now ${
      reason === "CANCELLED" ? "cancelled at the SAT" : `substituted by ${substitute?.id ?? "another CFDI"}`
    }.`,
    amountAtRisk: trustedInstance(Money, { amount: doc.total, currency: doc.currency }),
    transactionUuid,
    documentId: doc.id,
    ...age(asOfDay, tx?.day),
    suggestedAction: substitute?.linkId !== undefined
      ? `Confirm the link to the substitute CFDI ${substitute.id}.`
      : "Request the substitute CFDI (TipoRelacion 04) from the issuer, then link it.",
    ...(substitute?.linkId === undefined ? {} : { topSuggestion: substitute.linkId }),
    ...(tx?.tx.userName === undefined ? {} : { cardholder: tx.tx.userName })
  })

// The shared fields and the text of a charge's exception, built only for a duplicate (most charges have none).
const chargeBase = (tx: TransactionView, asOfDay: number | undefined) => ({
  transactionUuid: tx.uuid,
  amountAtRisk: money(tx.amountMinor, tx.currency),
  ...age(asOfDay, tx.day),
  ...(tx.tx.userName === undefined ? {} : { cardholder: tx.tx.userName })
})

const chargeText = (tx: TransactionView): string =>
  `${tx.type} ${formatMinorMoney(tx.amountMinor, tx.currency)} "${tx.tx.descriptor}" on ${tx.tx.operationDate}`

/**
 * Duplicate transactions (§7.9): DUPLICATE_TRANSACTION (hard) for a different uuid with the same
 * `authorizationNumber`, card and amount; POSSIBLE_DUPLICATE_TRANSACTION (soft, low, flag only: legitimate
 * repeats exist) for the same card, amount, descriptor and date. Reported on the later record of each pair (uuid
 * order), naming the earlier. Records without card data are never compared.
 */
export const duplicateTransactionExceptions = (
  transactions: ReadonlyArray<TransactionView>,
  asOfDay: number | undefined
): Array<ReconciliationException> => {
  const out: Array<ReconciliationException> = []
  const hard = new Map<string, TransactionView>()
  const soft = new Map<string, TransactionView>()
  for (const tx of transactions) {
    if (!tx.subject || tx.cardKey === undefined) continue
    const amount = `${tx.currency}|${tx.amountMinor}|${tx.type}`
    const auth = tx.tx.authorizationNumber?.trim()
    if (auth !== undefined && auth !== "") {
      const key = `${tx.cardKey}|${auth}|${amount}`
      const first = hard.get(key)
      if (first !== undefined) {
        out.push(trustedInstance(ReconciliationException, {
          ...chargeBase(tx, asOfDay),
          code: "DUPLICATE_TRANSACTION",
          severity: "high",
          message: `${chargeText(tx)}: same authorization ${auth}, card and amount as ${first.uuid}.`,
          suggestedAction: `Ask Clara whether ${tx.uuid} and ${first.uuid} are one charge; keep one.`
        }))
        continue
      }
      hard.set(key, tx)
    }
    const key = `${tx.cardKey}|${amount}|${tx.descriptorKey}|${tx.tx.operationDate}`
    const first = soft.get(key)
    if (first !== undefined) {
      out.push(trustedInstance(ReconciliationException, {
        ...chargeBase(tx, asOfDay),
        code: "POSSIBLE_DUPLICATE_TRANSACTION",
        severity: "low",
        message:
          `${chargeText(tx)}: same card, amount, descriptor and date as ${first.uuid} (legitimate repeats exist).`,
        suggestedAction: "Check with the cardholder that both charges are real."
      }))
    } else soft.set(key, tx)
  }
  return out
}

/**
 * Duplicate documents (§7.9), reported on the later id of each pair:
 * - CFDIs: DUPLICATE_CFDI (hard) for the same Emisor RFC, Serie and Folio under another UUID (cancelled and
 *   substituted CFDIs never enter, so they are exempt); POSSIBLE_DUPLICATE_CFDI (soft) for the same RFC and total
 *   within 1 day: low severity, medium when both are suggested to one transaction (`sharedSuggestion`).
 * - Extracted documents: DUPLICATE_DOCUMENT for the same file hash; POSSIBLE_DUPLICATE_DOCUMENT for the same
 *   (tax id, date, total, folio).
 */
export const duplicateDocumentExceptions = (
  views: ReadonlyArray<DocumentView>,
  sharedSuggestion: (a: string, b: string) => boolean,
  asOfDay: number | undefined
): Array<ReconciliationException> => {
  const out: Array<ReconciliationException> = []
  const make = (view: DocumentView, fields: {
    code: ReconciliationException["code"]
    severity: ReconciliationException["severity"]
    message: string
    suggestedAction: string
  }) =>
    trustedInstance(ReconciliationException, {
      ...fields,
      documentId: view.doc.id,
      amountAtRisk: money(view.totalMinor, view.currency),
      ...age(asOfDay, view.day)
    })
  const folios = new Map<string, DocumentView>()
  const byAmount = new Map<string, Array<DocumentView>>()
  const hashes = new Map<string, DocumentView>()
  const receipts = new Map<string, DocumentView>()
  for (const view of views) {
    const doc = view.doc
    const rfc = doc.issuer.taxId === undefined ? undefined : normaliseRfc(doc.issuer.taxId)
    if (view.fiscal && doc.kind === "CFDI") {
      if (rfc !== undefined && doc.folio !== undefined) {
        const key = `${rfc}|${doc.serie ?? ""}|${doc.folio}|${doc.tipoDeComprobante ?? "I"}`
        const first = folios.get(key)
        if (first !== undefined) {
          out.push(make(view, {
            code: "DUPLICATE_CFDI",
            severity: "high",
            message: `CFDI ${doc.id}: same Emisor RFC ${rfc}, Serie ${doc.serie ?? "-"} and Folio ${doc.folio} ` +
              `as ${first.doc.id}.`,
            suggestedAction: "Ask the issuer which UUID is valid and to cancel the other."
          }))
          continue
        }
        folios.set(key, view)
      }
      if (rfc !== undefined) {
        const key = `${rfc}|${view.currency}|${view.totalMinor}|${view.direction}`
        const list = byAmount.get(key) ?? []
        byAmount.set(key, list)
        list.push(view)
      }
    } else {
      const hash = doc.sources.find((s) => s.sha256 !== undefined)?.sha256
      if (hash !== undefined) {
        const first = hashes.get(hash)
        if (first !== undefined) {
          out.push(make(view, {
            code: "DUPLICATE_DOCUMENT",
            severity: "medium",
            message: `Document ${doc.id}: same file (sha256 ${hash.slice(0, 12)}…) as ${first.doc.id}.`,
            suggestedAction: "Remove the duplicate upload."
          }))
          continue
        }
        hashes.set(hash, view)
      }
      if (rfc !== undefined && doc.folio !== undefined) {
        const key = `${rfc}|${doc.issueDate}|${view.totalMinor}|${doc.folio}`
        const first = receipts.get(key)
        if (first !== undefined) {
          out.push(make(view, {
            code: "POSSIBLE_DUPLICATE_DOCUMENT",
            severity: "low",
            message: `Document ${doc.id}: same tax id, date, total and folio as ${first.doc.id}.`,
            suggestedAction: "Check whether the same receipt was uploaded twice."
          }))
        } else receipts.set(key, view)
      }
    }
  }
  for (const key of [...byAmount.keys()].sort()) {
    const list = byAmount.get(key)!
    if (list.length < 2) continue
    list.sort((a, b) => a.day - b.day || compare(a.doc.id, b.doc.id))
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1]!
      const view = list[i]!
      if (view.day - previous.day > 1) continue
      const shared = sharedSuggestion(previous.doc.id, view.doc.id)
      const [first, second] = compare(previous.doc.id, view.doc.id) < 0 ? [previous, view] : [view, previous]
      out.push(make(second, {
        code: "POSSIBLE_DUPLICATE_CFDI",
        severity: shared ? "medium" : "low",
        message: `CFDI ${second.doc.id}: same RFC and total ${formatMinorMoney(second.totalMinor, second.currency)} ` +
          `within 1 day of ${first.doc.id}${shared ? "; both are suggested for one charge" : ""}.`,
        suggestedAction: "Check whether the issuer stamped the same sale twice; ask it to cancel one."
      }))
    }
  }
  return out
}

/**
 * CFDI_OVERALLOCATED (§7.9): the charges linked to one cluster (links, pins and groups) add up to more than its
 * total plus the receipts' tips plus 0.01 per charge. Only clusters with two or more charges can be over-used.
 */
export const overallocationExceptions = (
  allocations: ReadonlyMap<number, ReadonlyArray<TransactionView>>,
  clusters: ReadonlyArray<EvidenceCluster>,
  asOfDay: number | undefined
): Array<ReconciliationException> => {
  const out: Array<ReconciliationException> = []
  for (const c of [...allocations.keys()].sort((a, b) => a - b)) {
    const txs = allocations.get(c)!
    if (txs.length < 2) continue
    const cluster = clusters[c]!
    const head = cluster.fiscal ?? cluster.documents[0]!
    const same = txs.filter((t) => t.currency === head.currency)
    const allocated = same.reduce((acc, t) => acc + t.amountMinor, 0n)
    const tips = cluster.documents.reduce((acc, d) => acc + d.tipMinor, 0n)
    const excess = allocated - head.totalMinor - tips - BigInt(txs.length)
    if (excess <= 0n) continue
    out.push(trustedInstance(ReconciliationException, {
      code: "CFDI_OVERALLOCATED",
      severity: "high",
      message: `${cluster.fiscal ? "CFDI" : "Document"} ${cluster.id} ` +
        `(${formatMinorMoney(head.totalMinor, head.currency)}) ` +
        `is linked to ${txs.length} charges totalling ${formatMinorMoney(allocated, head.currency)}: ` +
        `${txs.map((t) => t.uuid).sort().join(", ")}.`,
      amountAtRisk: money(excess, head.currency),
      documentId: cluster.id,
      ...age(asOfDay, head.day),
      suggestedAction: "Unlink the charges the document does not cover, or request the missing CFDIs."
    }))
  }
  return out
}

/** NO_FX_RATE (§7.7): an open foreign-currency CFDI with no `TipoCambio` and no table rate for its date. */
export const noFxRateExceptions = (
  views: ReadonlyArray<DocumentView>,
  decided: (view: DocumentView) => boolean,
  asOfDay: number | undefined
): Array<ReconciliationException> =>
  views.filter((v) => v.noFxRate && !decided(v)).map((view) =>
    trustedInstance(ReconciliationException, {
      code: "NO_FX_RATE",
      severity: "medium",
      message: `CFDI ${view.doc.id} in ${view.currency} on ${view.doc.issueDate}: ` +
        "no TipoCambio and no FX table rate; " +
        "it can only match a charge in its own currency.",
      amountAtRisk: money(view.totalMinor, view.currency),
      documentId: view.doc.id,
      ...age(asOfDay, view.day),
      suggestedAction: `Add the DOF FIX of ${view.currency} for ${view.doc.issueDate} to the FX table and run again.`
    })
  )
