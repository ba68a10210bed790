/**
 * Evidence clustering (matching.md §7.3 step 1): an extracted document and a CFDI describing the same purchase
 * become one candidate, so that "receipt total = charge" and "CFDI total = receipt total - tip" combine into
 * three-way exact evidence.
 */
import { absBig } from "./internal/Minor.js"
import type { Direction, DocumentView } from "./Prepared.js"
import { hasDistinctiveToken, type TokenWeigher } from "./Similarity.js"

/** One candidate for a transaction: at most one fiscal invoice plus the extracted documents describing it. */
export interface EvidenceCluster {
  /** Position in id order. */
  readonly index: number
  /** The invoice id when there is one, else the extracted document id. */
  readonly id: string
  readonly fiscal: DocumentView | undefined
  /** Extracted documents, in id order. */
  readonly documents: ReadonlyArray<DocumentView>
  readonly direction: Direction
  /** All members, fiscal first. */
  readonly members: ReadonlyArray<DocumentView>
  /** Normalised issuer names of the members (non-empty only). */
  readonly issuerNames: ReadonlyArray<ReadonlyArray<string>>
  /** Identity RFCs of the members, de-duplicated. */
  readonly rfcs: ReadonlyArray<string>
  /** Some member carries a tip (tips are plausible). */
  readonly tipped: boolean
  /** Some issuer name has a distinctive token. */
  readonly distinctive: boolean
}

const sameTotal = (receipt: DocumentView, invoice: DocumentView): boolean =>
  receipt.currency === invoice.currency && (absBig(receipt.totalMinor - invoice.totalMinor) <= 1n ||
    (receipt.tipMinor > 0n && absBig(receipt.totalMinor - receipt.tipMinor - invoice.totalMinor) <= 1n))

const invoiceFor = (
  receipt: DocumentView,
  byUuid: ReadonlyMap<string, DocumentView>,
  byRfc: ReadonlyMap<string, ReadonlyArray<DocumentView>>
): DocumentView | undefined => {
  const uuid = receipt.doc.fiscalUuid?.trim().toUpperCase()
  const viaUuid = uuid === undefined ? undefined : byUuid.get(uuid)
  if (viaUuid) return viaUuid
  if (receipt.issuerRfc === undefined) return undefined
  let best: DocumentView | undefined
  for (const invoice of byRfc.get(receipt.issuerRfc) ?? []) {
    const days = Math.abs(invoice.day - receipt.day)
    if (days > 1 || !sameTotal(receipt, invoice)) continue
    if (best === undefined || days < Math.abs(best.day - receipt.day)) best = invoice
  }
  return best
}

const makeCluster = (
  id: string,
  fiscal: DocumentView | undefined,
  documents: ReadonlyArray<DocumentView>,
  weigh: TokenWeigher
) => {
  const members = fiscal ? [fiscal, ...documents] : documents
  const issuerNames = members.map((m) => m.issuerName).filter((tokens) => tokens.length > 0)
  return {
    id,
    fiscal,
    documents,
    direction: members[0]!.direction,
    members,
    issuerNames,
    rfcs: [...new Set(members.flatMap((m) => (m.issuerRfc === undefined ? [] : [m.issuerRfc])))],
    tipped: members.some((m) => m.tipMinor > 0n),
    distinctive: issuerNames.some((tokens) => hasDistinctiveToken(tokens, weigh))
  }
}

/**
 * Groups documents (given in id order) into clusters, returned in id order. An extracted document joins the
 * invoice whose UUID equals its `folioFiscalUuid`; otherwise the invoice with the same RFC, the same total (or
 * total - tip) in the same currency, and an issue date within 1 day (the nearest, then the smallest id).
 */
export const buildClusters = (
  documents: ReadonlyArray<DocumentView>,
  weigh: TokenWeigher
): ReadonlyArray<EvidenceCluster> => {
  const invoices = documents.filter((d) => d.fiscal)
  const byUuid = new Map<string, DocumentView>()
  const byRfc = new Map<string, Array<DocumentView>>()
  for (const invoice of invoices) {
    byUuid.set((invoice.doc.fiscalUuid ?? invoice.doc.id).trim().toUpperCase(), invoice)
    if (invoice.issuerRfc !== undefined) {
      const list = byRfc.get(invoice.issuerRfc) ?? []
      list.push(invoice)
      byRfc.set(invoice.issuerRfc, list)
    }
  }
  const attached = new Map<DocumentView, Array<DocumentView>>()
  const loose: Array<DocumentView> = []
  for (const receipt of documents) {
    if (receipt.fiscal) continue
    const invoice = invoiceFor(receipt, byUuid, byRfc)
    if (invoice === undefined) loose.push(receipt)
    else attached.set(invoice, [...(attached.get(invoice) ?? []), receipt])
  }
  const clusters = [
    ...invoices.map((invoice) => makeCluster(invoice.doc.id, invoice, attached.get(invoice) ?? [], weigh)),
    ...loose.map((receipt) => makeCluster(receipt.doc.id, undefined, [receipt], weigh))
  ]
  clusters.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return clusters.map((cluster, index) => ({ ...cluster, index }))
}
