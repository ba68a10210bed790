/**
 * The posting builder over a run's reconciled links (erp.md §5.1 `policies.grouping`): one document per
 * transaction, per posting day or per card statement, each balanced to the cent, with the refusals listed beside.
 */
import type { CardTransaction, CivilDate, FiscalDocument } from "@clara-recon/domain"
import { JournalLine, PostingDocument, sha256Hex, sumAmounts } from "@clara-recon/domain"
import * as Arr from "effect/Array"
import type * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import type { ClosedPeriod } from "./ClosedPeriods.js"
import { ErpError } from "./ErpError.js"
import { externalKey } from "./ExternalKey.js"
import type { MappingConfig } from "./MappingConfig.js"
import { buildPosting, type GroupCharge } from "./PostingBuilder.js"
import { isBalanced } from "./PostingTotals.js"

/**
 * One reconciled link: the card transaction, its fiscal document, an optional receipt tip, the other CFDIs of a
 * split-invoices group and the charges of a group paying the same CFDI (`moreDocuments`, `groupCharges`: see
 * `buildPosting`), and the id of the card statement the transaction belongs to (needed by `perStatement` grouping).
 */
export interface ReconciledItem {
  readonly transaction: CardTransaction
  readonly document: FiscalDocument
  readonly tip?: BigDecimal.BigDecimal
  readonly moreDocuments?: ReadonlyArray<FiscalDocument>
  readonly groupCharges?: ReadonlyArray<GroupCharge>
  readonly statementId?: string
}

/** Input of {@link buildPostings}; `exportDate` and `closedPeriods` as in `buildPosting`. */
export interface BuildPostingsInput {
  readonly tenant: string
  readonly mapping: MappingConfig
  readonly items: ReadonlyArray<ReconciledItem>
  readonly version?: number
  readonly exportDate?: CivilDate
  readonly closedPeriods?: ReadonlyArray<ClosedPeriod>
  /** The company's RFC, for the receptor check of `buildPosting` (a CFDI to another RFC has no creditable IVA). */
  readonly companyRfc?: string
}

/** A transaction that could not be posted, with one error listing all its problems. */
export interface PostingRefusal {
  readonly transactionUuid: string
  readonly documentId: string
  readonly error: ErpError
}

/**
 * The outcome: balanced documents (sorted by external key), the transaction uuids each one carries, and the
 * refusals (in input order).
 */
export interface PostingBatch {
  readonly documents: ReadonlyArray<PostingDocument>
  readonly members: ReadonlyMap<string, ReadonlyArray<string>>
  readonly refused: ReadonlyArray<PostingRefusal>
}

/**
 * Constructor option for the domain classes built here: their fields come from decoded domain values and checked
 * arithmetic, so the schema check is skipped (it dominated the builder's time, see `test/bench/erp.mjs`).
 */
const trusted = { disableValidation: true } as const

const byString = <A>(key: (a: A) => string) => (a: A, b: A) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)

/**
 * Merges the per-transaction documents of one group: the lines in transaction-uuid order, except the card-liability
 * lines, summed into one line per account and side at the end. The key is `externalKey(tenant, "<grouping>:<group>:
 * <SHA-256 of the sorted member uuids>", version)`: the same members give the same key, so the caller must leave out
 * transactions already posted (a late transaction makes a new group, never a second posting of the old members).
 */
const mergeGroup = (
  tenant: string,
  version: number,
  grouping: string,
  group: string,
  docs: Arr.NonEmptyReadonlyArray<PostingDocument>
): PostingDocument => {
  const sorted = [...docs].sort(byString((d) => d.sourceId))
  const first = sorted[0] ?? Arr.headNonEmpty(docs)
  const lines = sorted.flatMap((d) => d.lines.filter((l) => l.role !== "card_liability"))
  const liabilities = new Map<string, Array<JournalLine>>()
  for (const line of sorted.flatMap((d) => d.lines.filter((l) => l.role === "card_liability"))) {
    const key = `${line.side}\u0000${line.account}`
    const same = liabilities.get(key)
    if (same === undefined) liabilities.set(key, [line])
    else same.push(line)
  }
  const merged = [...liabilities.entries()].sort(byString(([k]) => k)).map(([, same]) =>
    new JournalLine({
      side: same[0]!.side,
      role: "card_liability",
      account: same[0]!.account,
      amount: sumAmounts(same.map((l) => l.amount)),
      text: `${grouping} ${group}`
    }, trusted)
  )
  const uuids = sorted.map((d) => d.sourceId)
  const same = <A>(pick: (d: PostingDocument) => A | undefined) => {
    const values = new Set(sorted.map((d) => JSON.stringify(pick(d) ?? null)))
    return values.size === 1 ? pick(first) : undefined
  }
  const exchangeRate = same((d) => d.exchangeRate)
  const cardLastFour = same((d) => d.cardLastFour)
  return new PostingDocument({
    sourceId: `${grouping}:${group}`,
    externalKey: externalKey(tenant, `${grouping}:${group}:${sha256Hex(uuids.join("\n"))}`, version),
    version,
    documentDate: first.postingDate,
    postingDate: first.postingDate,
    currency: first.currency,
    ...(exchangeRate === undefined ? {} : { exchangeRate }),
    memo: `${grouping} ${group}: ${uuids.length} card transactions`,
    ...(first.companyCode === undefined ? {} : { companyCode: first.companyCode }),
    ...(first.documentType === undefined ? {} : { documentType: first.documentType }),
    ...(cardLastFour === undefined ? {} : { cardLastFour }),
    cfdis: sorted.flatMap((d) => d.cfdis),
    lines: [...lines, ...merged]
  }, trusted)
}

/**
 * Builds the documents of a run under `mapping.grouping`:
 * - `perTransaction`: `buildPosting` per item;
 * - `perDay`: the items' documents grouped by posting date (after the closed-period policy), currency and company
 *   code, merged (see the merge rules above; group id `<date>:<currency>:<company>`);
 * - `perStatement`: grouped by `statementId` and currency; an item without `statementId` is refused with CONFIG
 *   `STATEMENT_UNKNOWN`.
 * Each item is built (and refused) on its own: a refused item never blocks the others of its group. Every merged
 * document is balanced (debits = credits to the cent, checked; an unbalanced merge refuses each member with
 * `POSTING_UNBALANCED`).
 */
export const buildPostings = (input: BuildPostingsInput): PostingBatch => {
  const { mapping, tenant } = input
  const version = input.version ?? 1
  const refused: Array<PostingRefusal> = []
  const built: Array<{ readonly item: ReconciledItem; readonly posting: PostingDocument }> = []
  for (const item of input.items) {
    const result = buildPosting({
      tenant,
      transaction: item.transaction,
      document: item.document,
      mapping,
      version,
      ...(item.tip === undefined ? {} : { tip: item.tip }),
      ...(item.moreDocuments === undefined ? {} : { moreDocuments: item.moreDocuments }),
      ...(item.groupCharges === undefined ? {} : { groupCharges: item.groupCharges }),
      ...(input.exportDate === undefined ? {} : { exportDate: input.exportDate }),
      ...(input.closedPeriods === undefined ? {} : { closedPeriods: input.closedPeriods }),
      ...(input.companyRfc === undefined ? {} : { companyRfc: input.companyRfc })
    })
    const refusal = (error: ErpError) =>
      refused.push({ transactionUuid: item.transaction.uuid, documentId: item.document.id, error })
    if (Either.isLeft(result)) refusal(result.left)
    else if (mapping.grouping === "perStatement" && item.statementId === undefined) {
      refusal(ErpError.rejected(
        "CONFIG",
        "STATEMENT_UNKNOWN",
        `Transaction ${item.transaction.uuid} has no card statement, required by the perStatement grouping`,
        { fieldPath: "statementId", remediation: { action: "fix_mapping", target: "grouping" } }
      ))
    } else built.push({ item, posting: result.right })
  }

  const members = new Map<string, ReadonlyArray<string>>()
  if (mapping.grouping === "perTransaction") {
    for (const { posting } of built) members.set(posting.externalKey, [posting.sourceId])
    const documents = built.map((b) => b.posting).sort(byString((d) => d.externalKey))
    return { documents, members, refused }
  }
  const groups = new Map<string, Array<{ readonly item: ReconciledItem; readonly posting: PostingDocument }>>()
  for (const entry of built) {
    const { item, posting } = entry
    const group = mapping.grouping === "perDay" ?
      `${posting.postingDate}:${posting.currency}:${posting.companyCode ?? ""}` :
      `${item.statementId}:${posting.currency}`
    const bucket = groups.get(group)
    if (bucket === undefined) groups.set(group, [entry])
    else bucket.push(entry)
  }
  const documents: Array<PostingDocument> = []
  for (const [group, entries] of groups) {
    const postings = entries.map((e) => e.posting)
    if (!Arr.isNonEmptyReadonlyArray(postings)) continue
    const merged = mergeGroup(tenant, version, mapping.grouping, group, postings)
    if (!isBalanced(merged)) {
      for (const { item } of entries) {
        refused.push({
          transactionUuid: item.transaction.uuid,
          documentId: item.document.id,
          error: ErpError.rejected(
            "VALIDATION",
            "POSTING_UNBALANCED",
            `The ${mapping.grouping} document ${group} does not balance`,
            { fieldPath: "lines" }
          )
        })
      }
      continue
    }
    documents.push(merged)
    members.set(merged.externalKey, entries.map((e) => e.item.transaction.uuid).sort())
  }
  documents.sort(byString((d) => d.externalKey))
  return { documents, members, refused }
}
