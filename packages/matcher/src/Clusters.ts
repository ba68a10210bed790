/**
 * Evidence clustering (matching.md §7.3 step 1): an extracted document and a CFDI describing the same purchase
 * become one candidate, so that "receipt total = charge" and "CFDI total = receipt total - tip" combine into
 * three-way exact evidence.
 */
import { absBig } from "./internal/Minor.js"
import { sortById } from "./internal/SortById.js"
import { type Direction, type DocumentView, fiscalUuidOf } from "./Prepared.js"
import type { NameProfile } from "./Similarity.js"

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
  readonly issuerNames: ReadonlyArray<NameProfile>
  /** Identity RFCs of the members, de-duplicated. */
  readonly rfcs: ReadonlyArray<string>
  /** Some member carries a tip (tips are plausible). */
  readonly tipped: boolean
  /** Some issuer name has a distinctive token. */
  readonly distinctive: boolean
  /** Some receipt joined the invoice by RFC, total and date rather than by its `folioFiscalUuid`. */
  readonly mergedByAmount: boolean
}

const sameTotal = (receipt: DocumentView, invoice: DocumentView): boolean =>
  receipt.currency === invoice.currency && (absBig(receipt.totalMinor - invoice.totalMinor) <= 1n ||
    (receipt.tipMinor > 0n && absBig(receipt.totalMinor - receipt.tipMinor - invoice.totalMinor) <= 1n))

const invoiceFor = (
  receipt: DocumentView,
  byUuid: ReadonlyMap<string, DocumentView>,
  byRfc: ReadonlyMap<string, ReadonlyArray<DocumentView>>,
  byAmount: Set<DocumentView>
): DocumentView | undefined => {
  const uuid = receipt.doc.fiscalUuid?.trim().toUpperCase()
  const viaUuid = uuid === undefined ? undefined : byUuid.get(uuid)
  if (viaUuid) return viaUuid
  byAmount.add(receipt)
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
  index: number,
  fiscal: DocumentView | undefined,
  documents: ReadonlyArray<DocumentView>,
  profile: (tokens: ReadonlyArray<string>) => NameProfile,
  mergedByAmount: boolean
): EvidenceCluster => {
  const members = fiscal ? (documents.length === 0 ? [fiscal] : [fiscal, ...documents]) : documents
  const single = members.length === 1 ? members[0]! : undefined
  // One member (the common case): the same lists without the set building.
  const issuerNames = single !== undefined
    ? (single.issuerName.length > 0 ? [profile(single.issuerName)] : [])
    : [...new Set(members.map((m) => m.issuerName).filter((tokens) => tokens.length > 0))].map(profile)
  return {
    index,
    id: members[0]!.doc.id,
    fiscal,
    documents,
    direction: members[0]!.direction,
    members,
    issuerNames,
    rfcs: single !== undefined
      ? (single.issuerRfc === undefined ? [] : [single.issuerRfc])
      : [...new Set(members.flatMap((m) => (m.issuerRfc === undefined ? [] : [m.issuerRfc])))],
    tipped: single !== undefined ? single.tipMinor > 0n : members.some((m) => m.tipMinor > 0n),
    distinctive: issuerNames.some((name) => name.distinctive),
    mergedByAmount
  }
}

/** The invoice of a cluster alone (no receipts), same index and id: what the CFDI scores by itself. */
export const fiscalOnly = (
  cluster: EvidenceCluster,
  profile: (tokens: ReadonlyArray<string>) => NameProfile
): EvidenceCluster | undefined =>
  cluster.fiscal === undefined ? undefined : makeCluster(cluster.index, cluster.fiscal, [], profile, false)

/**
 * Groups documents (given in id order) into clusters, returned in id order. An extracted document joins the
 * invoice whose UUID equals its `folioFiscalUuid`; otherwise the invoice with the same RFC, the same total (or
 * total - tip) in the same currency, and an issue date within 1 day (the nearest, then the smallest id).
 */
export const buildClusters = (
  documents: ReadonlyArray<DocumentView>,
  profile: (tokens: ReadonlyArray<string>) => NameProfile
): ReadonlyArray<EvidenceCluster> => {
  const invoices = documents.filter((d) => d.fiscal)
  const byUuid = new Map<string, DocumentView>()
  const byRfc = new Map<string, Array<DocumentView>>()
  for (const invoice of invoices) {
    byUuid.set(fiscalUuidOf(invoice.doc), invoice)
    if (invoice.issuerRfc !== undefined) {
      const list = byRfc.get(invoice.issuerRfc) ?? []
      list.push(invoice)
      byRfc.set(invoice.issuerRfc, list)
    }
  }
  const attached = new Map<DocumentView, Array<DocumentView>>()
  const loose: Array<DocumentView> = []
  const byAmount = new Set<DocumentView>()
  for (const receipt of documents) {
    if (receipt.fiscal) continue
    const invoice = invoiceFor(receipt, byUuid, byRfc, byAmount)
    if (invoice === undefined) loose.push(receipt)
    else attached.set(invoice, [...(attached.get(invoice) ?? []), receipt])
  }
  const groups: Array<readonly [DocumentView | undefined, ReadonlyArray<DocumentView>]> = [
    ...invoices.map((invoice) => [invoice, attached.get(invoice) ?? []] as const),
    ...loose.map((receipt) => [undefined, [receipt]] as const)
  ]
  const idOf = ([invoice, receipts]: (typeof groups)[number]) => (invoice ?? receipts[0]!).doc.id
  return sortById(groups, idOf).map(([invoice, receipts], index) =>
    makeCluster(index, invoice, receipts, profile, invoice !== undefined && receipts.some((r) => byAmount.has(r)))
  )
}
