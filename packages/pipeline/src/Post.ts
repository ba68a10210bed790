/**
 * Steps 4-5, plan and post, through the `ErpAdapter` contract (erp.md §5.1) and the posting ledger (one row per
 * externalKey with its `DocumentState`).
 *
 * - plan: one balanced journal per linked transaction (erp `buildPosting`), dry-run by `adapter.plan`; accepted
 *   documents go to the ledger as `planned` unless the ledger already has them past that (posted by an earlier run,
 *   or `excluded` by a person); refused ones become POSTING_FAILED exceptions, and a posting an earlier run booked
 *   for a charge this run links to nothing, to another document, or with a journal of other totals a
 *   POSTED_LINK_CHANGED one.
 * - post: each batch is marked `posting` durably before `adapter.post` is called, then read back with `find` +
 *   `verify` and marked `verified` in one write (`posted_unverified` when the read-back itself fails). A document the
 *   ERP refused with nothing applied goes back to `planned` with the ERP's reason (reported, posted again by the next
 *   run: erp `DocumentState` `write_not_applied`); the others of its batch go on. A row found in `posting` or
 *   `posted_unverified` (a crash or an `unknown` outcome) is settled by `find` + `verify` first: found and matching is
 *   `verified`, not found goes back to `planned` and is posted, a mismatch is `failed`. A `failed` posting (the ERP
 *   holds a record that differs from the plan) waits for a person: reported by every run and read back again (it is
 *   `verified` once the record matches), never planned nor posted again until a person reopens it
 *   (`clara-recon ledger reopen`) or marks it handled (`ledger exclude`). A row an earlier run posted and could not
 *   confirm is read back where that run posted it: `verified` when it matches; not found by an ERP that records
 *   postings itself (NetSuite), `planned` again; otherwise left as it is and reported (POSTING_FAILED), never posted
 *   again by a later run (a file export may have been moved). Nothing is ever posted blindly twice.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import {
  type CardTransaction,
  type FiscalDocument,
  formatMoney,
  type MatchLink,
  PostingDocument,
  ReconciliationException
} from "@clara-recon/domain"
import {
  buildPosting,
  type ClosedPeriod,
  defaultMapping,
  type ErpAdapter,
  type ErpError,
  type ErpRef,
  type Fingerprint,
  type MappingConfig,
  type Planned
} from "@clara-recon/erp"
import {
  directoryLedger,
  type ExportLedger,
  type LedgerEntry,
  SapCsvAdapter
} from "@clara-recon/erp-sap-csv"
import { fileHolds, linkOrCopyAtomic, writeFileAtomic } from "./internal/Files.js"
import { decodeStoredTransactions } from "./LoadRun.js"
import { OutputError } from "./PipelineError.js"
import { type LedgerRow, ReconStore } from "./ReconStore.js"
import { nowIso } from "./RunSteps.js"

const encodePosting = Schema.encodeSync(PostingDocument)

/** What the plan and post steps need. `runDate` is the civil date of the run (America/Mexico_City). */
export interface PostContext {
  readonly runId: string
  readonly runDir: string
  readonly tenant: string
  readonly runDate: string
  readonly links: ReadonlyArray<MatchLink>
  readonly transactions: ReadonlyMap<string, CardTransaction>
  readonly documents: ReadonlyMap<string, FiscalDocument>
  readonly mapping?: MappingConfig | undefined
  /** The ERP's closed accounting periods (the mapping's `closedPeriodPolicy` applies to them). */
  readonly closedPeriods?: ReadonlyArray<ClosedPeriod> | undefined
  /** The company's RFC: a CFDI addressed to another RFC is posted without creditable IVA (`buildPosting`). */
  readonly companyRfc?: string | undefined
  readonly adapter: ErpAdapter
  /**
   * The adapter that finds what run `runId` posted: `adapter` for this run; for an earlier run, one reading where that
   * run posted (a file export: that run's own folder).
   */
  readonly adapterOfRun: (runId: string) => ErpAdapter
  /** At most this many ERP calls (`find`, `verify`, `post` batches) at a time. */
  readonly erpConcurrency: number
  /** Documents per `post` call; file exports post the whole run in one batch. */
  readonly batchSize: number
  /**
   * The earlier instalments of this run's MSI plans, by document id (`earlierInstalments`): charges of earlier
   * periods whose postings against the plan's CFDI are in the ledger. They take their share first, never posted here.
   */
  readonly earlierCharges?: ReadonlyMap<string, ReadonlyArray<CardTransaction>> | undefined
}

/** Whether `link` links an MSI instalment to its plan's CFDI (amount term `G2_MSI_INSTALMENTS`, matching.md §7.6). */
export const isMsiLink = (link: MatchLink): boolean =>
  link.explanation.evidence.some((e) => e.feature === "amount" && e.class === "G2_MSI_INSTALMENTS")

/** `k` of an MSI link's `MSI k/n` status: the instalments of its plan linked so far, earlier periods' included. */
const msiInstalmentsLinked = (link: MatchLink): number | undefined => {
  const status = link.explanation.evidence.find((e) => e.class === "G2_MSI_INSTALMENTS")?.detail.status
  const linked = typeof status === "string" ? /^MSI (\d+)\/\d+$/.exec(status)?.[1] : undefined
  return linked === undefined ? undefined : Number(linked)
}

/**
 * The earlier instalments of the MSI plans among `links` (`PostContext.earlierCharges`): a monthly job links each
 * instalment in its own period (the matcher dates a lone 2/3 from the plan's first instalment), so the charges before
 * it were posted by earlier runs. They are read from the ledger (postings against the plan's CFDI by charges not in
 * `transactions`, `excluded` ones left out) and from the stored transactions. Fails with `StoreError`.
 */
export const earlierInstalments = (
  links: ReadonlyArray<MatchLink>,
  transactions: ReadonlyMap<string, CardTransaction>
) =>
  Effect.gen(function*() {
    const documents = [...new Set(links.filter(isMsiLink).map((l) => l.documentId))]
    if (documents.length === 0) return new Map<string, ReadonlyArray<CardTransaction>>()
    const store = yield* ReconStore
    const rows = (yield* store.ledgerOfDocuments(documents))
      .filter((row) => row.state !== "excluded" && !transactions.has(row.transactionUuid))
    const stored = decodeStoredTransactions(yield* store.transactionsByUuid(rows.map((r) => r.transactionUuid)))
    const byUuid = new Map(stored.transactions.map((t) => [t.uuid, t]))
    const out = new Map<string, Array<CardTransaction>>()
    for (const row of rows) {
      const charge = byUuid.get(row.transactionUuid)
      if (charge === undefined) continue
      const list = out.get(row.documentId) ?? []
      if (!list.some((t) => t.uuid === charge.uuid)) list.push(charge)
      out.set(row.documentId, list)
    }
    return out as ReadonlyMap<string, ReadonlyArray<CardTransaction>>
  })

/** `get()` when it has a value, else `load` under `lock`, asking `get()` again once the lock is held. */
const cachedUnder = <A, E>(lock: Effect.Semaphore, get: () => A | undefined, load: Effect.Effect<A, E>) =>
  Effect.suspend(() => {
    const hit = get()
    return hit !== undefined ? Effect.succeed(hit) : lock.withPermits(1)(Effect.suspend(() => {
      const again = get()
      return again !== undefined ? Effect.succeed(again) : load
    }))
  })

/**
 * The default adapter: SAP-style CSV (`generic-je-v1`) delivered to `postingsDir`, whose manifests are its ledger
 * (so `find` works after a crash). Look-ups use one snapshot of the ledger's entries (`ExportLedger.entries`),
 * taken again after each commit (the folder is listed once per batch, not once per document, and each manifest is
 * read and decoded once, by the ledger); file checks are memoised per file set and digest.
 */
export const defaultSapCsvAdapter = (options: { readonly tenant: string; readonly postingsDir: string }): ErpAdapter => {
  const ledger = directoryLedger(options.postingsDir)
  const checked = new Map<string, ReadonlyArray<string>>()
  let index: ReadonlyMap<string, LedgerEntry> | undefined
  // one load of the index however many look-ups run at once (a run's manifest can list every posting of the run),
  // one read of a file set however many of its documents are verified at once
  const loading = Effect.unsafeMakeSemaphore(1)
  const checking = Effect.unsafeMakeSemaphore(1)
  const currentIndex = cachedUnder(
    loading,
    () => index,
    Effect.tap(ledger.entries, (loaded) => Effect.sync(() => (index = loaded)))
  )
  const memoised: ExportLedger = {
    ...ledger,
    lookup: (externalKey) =>
      Effect.map(currentIndex, (loaded) => Option.fromNullable(loaded.get(externalKey))),
    changedFiles: (entry) => {
      const key = entry.files.map((f) => `${f.name}:${f.sha256}`).join("|")
      return cachedUnder(checking, () => checked.get(key), Effect.tap(ledger.changedFiles(entry), (d) => {
        if (d.length === 0) checked.set(key, d)
      }))
    },
    commit: (batch) =>
      Effect.ensuring(
        ledger.commit(batch),
        Effect.sync(() => {
          checked.clear()
          index = undefined
        })
      )
  }
  return SapCsvAdapter.make({ tenant: options.tenant, ledger: memoised }) as ErpAdapter
}

/** What a person does about a POSTING_FAILED posting, by the state its ledger row was left in (none: plan refusal). */
const postingFailedAction = (row: LedgerRow | undefined): string => {
  switch (row?.state) {
    case "failed":
      return `The ERP holds a record for this posting that differs from the plan: check it in the ERP, then post it ` +
        `again with \`clara-recon ledger reopen ${row.externalKey}\`, or mark it handled with \`clara-recon ledger ` +
        `exclude ${row.externalKey}\`. No run posts it again until then.`
    case "posting":
    case "posted_unverified":
      return `The ERP has not confirmed this posting: check it in the ERP (every run reads it back). Mark it handled ` +
        `with \`clara-recon ledger exclude ${row.externalKey}\`; it is never posted blindly again.`
    default:
      return "Fix the mapping or the document and run again; the link stays, nothing was posted."
  }
}

/**
 * POSTING_FAILED for `link`; `subtype` is the ERP error code of a refusal by the posting builder or the adapter's
 * dry run (`PERIOD_CLOSED`, `AMOUNT_GAP_TOO_LARGE`, ...; `MULTIPLE_PROBLEMS` when they differ), `row` the ledger row
 * when the document was sent; `action` replaces the suggested action that follows from the row.
 */
const postingFailed = (
  link: { transactionUuid: string; documentId: string },
  tx: CardTransaction | undefined,
  message: string,
  row?: LedgerRow,
  subtype?: string,
  action?: string
) =>
  new ReconciliationException({
    code: "POSTING_FAILED",
    ...(subtype === undefined ? {} : { subtype }),
    severity: "high",
    message: `posting for transaction ${link.transactionUuid} (${tx ? formatMoney(tx.amount) : "?"}): ${message}`,
    transactionUuid: link.transactionUuid,
    documentId: link.documentId,
    ...(tx?.userName ? { cardholder: tx.userName } : {}),
    suggestedAction: action ?? postingFailedAction(row)
  })

/** Ledger states of a posting that reached the ERP, or may have (erp.md §5.1). */
export const bookedStates: ReadonlySet<string> = new Set(["posting", "posted_unverified", "verified"])

/** Whether the ERP holds (or may hold) a record of a posting in `state`: booked, or `failed` (a differing record). */
export const inErp = (state: string): boolean => bookedStates.has(state) || state === "failed"

/** How a booked journal differs from the one this run plans for the same link: nothing, or another document. */
type PostedChange =
  | { readonly kind: "unlinked" }
  | { readonly kind: "otherDocument"; readonly documentId: string }
  | { readonly kind: "journal"; readonly differences: ReadonlyArray<string> }

/**
 * POSTED_LINK_CHANGED: a journal entry an earlier run posted for a charge (in the ledger as `posting`,
 * `posted_unverified` or `verified`; `failed` too when the charge is now linked to nothing) that this run no longer
 * backs as it was posted. Subtype `UNLINKED`: the run links
 * the charge to nothing (its CFDI was removed or cancelled, a person rejected the link, Clara rejected the charge);
 * `OTHER_DOCUMENT`: the run links it to another document; `JOURNAL_CHANGED`: the same link, but the journal the run
 * plans has other totals or another currency (Clara settled the charge at another amount, the CFDI was re-read).
 * The posting is never redone under the same external key: only a person can settle it (restore the document or
 * confirm the link, or reverse the journal entry in the ERP, post the right one and mark the posting handled with
 * `clara-recon ledger exclude`). Amounts are the charge's, in its currency.
 */
const postedLinkChanged = (row: LedgerRow, tx: CardTransaction | undefined, change: PostedChange) =>
  new ReconciliationException({
    code: "POSTED_LINK_CHANGED",
    subtype: change.kind === "unlinked"
      ? "UNLINKED"
      : change.kind === "otherDocument"
      ? "OTHER_DOCUMENT"
      : "JOURNAL_CHANGED",
    severity: "high",
    message: `journal ${row.externalKey} for transaction ${row.transactionUuid}` +
      `${tx ? ` (${formatMoney(tx.amount)})` : ""} was posted by run ${row.runId} (${row.state}) from document ` +
      `${row.documentId}; ` + (change.kind === "journal"
        ? `the journal this run plans for the same link differs: ${change.differences.join("; ")}`
        : `this run links the transaction to ${change.kind === "unlinked" ? "no document" : change.documentId}`),
    ...(tx ? { amountAtRisk: tx.amount } : {}),
    transactionUuid: row.transactionUuid,
    documentId: row.documentId,
    location: row.externalKey,
    ...(tx?.userName ? { cardholder: tx.userName } : {}),
    suggestedAction: change.kind === "journal"
      ? "Check the charge and the document; reverse the journal entry in the ERP, post the right one, and mark the " +
        "posting handled (clara-recon ledger exclude <external-key>)."
      : "Restore the document or confirm the link (clara-recon link confirm); otherwise reverse the journal entry in " +
        "the ERP and mark the posting handled (clara-recon ledger exclude <external-key>)."
  })

/**
 * What differs between the fingerprint a posting was booked with and the one planned now: totals and currency (the
 * date may move with the posting-date policy, the payload with the mapping). Nothing for a row without a stored
 * fingerprint (postings migrated from the first releases).
 */
const journalDifferences = (bookedJson: string, planned: Fingerprint): ReadonlyArray<string> => {
  const booked = JSON.parse(bookedJson) as Partial<Fingerprint>
  if (booked.totals === undefined || booked.currency === undefined) return []
  const differences: Array<string> = []
  if (booked.totals.debit !== planned.totals.debit || booked.totals.credit !== planned.totals.credit) {
    differences.push(
      `totals ${booked.totals.debit} / ${booked.totals.credit} posted, ${planned.totals.debit} / ` +
        `${planned.totals.credit} now`
    )
  }
  if (booked.currency !== planned.currency) {
    differences.push(`currency ${booked.currency} posted, ${planned.currency} now`)
  }
  return differences
}

/**
 * The POSTED_LINK_CHANGED exceptions of a run, by external key: `planned` are its postings with the ledger rows of
 * their keys (`ledger`), `unlinked` the ledger rows of its charges that it links to nothing.
 */
export const postedLinkChanges = (
  planned: ReadonlyArray<PlannedPosting>,
  ledger: ReadonlyMap<string, LedgerRow>,
  unlinked: ReadonlyArray<LedgerRow>,
  transactions: ReadonlyMap<string, CardTransaction>
): Array<ReconciliationException> => {
  const changed: Array<[LedgerRow, PostedChange]> = []
  for (const p of planned) {
    const row = ledger.get(p.planned.externalKey)
    if (row === undefined || !bookedStates.has(row.state)) continue
    if (row.documentId !== p.link.documentId) {
      changed.push([row, { kind: "otherDocument", documentId: p.link.documentId }])
      continue
    }
    const differences = journalDifferences(row.fingerprintJson, p.planned.fingerprint)
    if (differences.length > 0) changed.push([row, { kind: "journal", differences }])
  }
  // a `failed` posting of a charge linked to nothing is no longer planned nor read back: reported here
  for (const row of unlinked) if (inErp(row.state)) changed.push([row, { kind: "unlinked" }])
  return changed.sort(([a], [b]) => a.externalKey.localeCompare(b.externalKey))
    .map(([row, change]) => postedLinkChanged(row, transactions.get(row.transactionUuid), change))
}

/**
 * The plan's refusals (POSTING_FAILED) of links whose journal an earlier run booked (or left `failed`: the ERP holds a
 * differing record) with the same document (`booked`: the ledger rows of the refused charges). That journal is never
 * posted again, so "nothing was posted" would be wrong: a refusal only for a period closed since (`PERIOD_CLOSED`)
 * is dropped for a `verified` journal, and reported as POSTING_FAILED (`PERIOD_CLOSED`, with the row's state and
 * what to do) for one the ERP never confirmed; any other (the charge and the document no longer agree) is reported as
 * POSTED_LINK_CHANGED (`JOURNAL_CHANGED`, the refusal as the difference). The refusals of links never booked are kept
 * as they are. `booked`: the external keys of the refused links' journals, still the run's postings (counted as
 * settled by an earlier run).
 */
export const bookedRefusals = (
  refusals: ReadonlyArray<ReconciliationException>,
  booked: ReadonlyArray<LedgerRow>,
  transactions: ReadonlyMap<string, CardTransaction>
): {
  readonly refusals: Array<ReconciliationException>
  readonly changed: Array<ReconciliationException>
  readonly booked: Array<string>
} => {
  const rowOf = new Map(
    booked.filter((row) => inErp(row.state)).map((row) => [`${row.transactionUuid}\n${row.documentId}`, row])
  )
  const kept: Array<ReconciliationException> = []
  const changed: Array<ReconciliationException> = []
  const keys: Array<string> = []
  for (const refusal of refusals) {
    const row = rowOf.get(`${refusal.transactionUuid}\n${refusal.documentId}`)
    if (row === undefined) {
      kept.push(refusal)
      continue
    }
    keys.push(row.externalKey)
    const tx = transactions.get(row.transactionUuid)
    if (refusal.subtype !== "PERIOD_CLOSED") {
      changed.push(postedLinkChanged(row, tx, {
        kind: "journal",
        differences: [`this run refuses it: ${refusal.message}`]
      }))
    } else if (row.state !== "verified") {
      // never confirmed (or differing), and its period is closed now: no run posts nor reads it back, so say so
      kept.push(postingFailed(
        row,
        tx,
        `left ${row.state} by run ${row.runId}, and its period is closed now: this run neither posts nor reads it ` +
          "back",
        row,
        "PERIOD_CLOSED"
      ))
    }
  }
  return { refusals: kept, changed, booked: keys }
}

/**
 * Holds back the plans whose CFDI the ERP already books for another charge (`booked`: the ledger rows of the plans'
 * documents): the run links it to a new charge (a duplicate charge, a person's rejection of the first link, a lapsed
 * link), and posting it again would claim its expense and IVA twice. Charges that share a CFDI by design (MSI
 * instalments, split tender, several charges the run's `links` link to the same CFDI) are not held. A ledger row
 * names its journal's first document only, so a CFDI booked as the second of a split is not seen here. Returns the
 * plans kept and a POSTING_FAILED (`DOCUMENT_ALREADY_POSTED`) per plan held, naming the booked posting.
 */
export const holdDocumentsBookedElsewhere = (
  plans: ReadonlyArray<PlannedPosting>,
  links: ReadonlyArray<MatchLink>,
  booked: ReadonlyArray<LedgerRow>,
  transactions: ReadonlyMap<string, CardTransaction>
): { readonly plans: Array<PlannedPosting>; readonly held: Array<ReconciliationException> } => {
  const linkedTo = new Map<string, Set<string>>()
  for (const link of links) {
    const charges = linkedTo.get(link.documentId) ?? new Set<string>()
    linkedTo.set(link.documentId, charges)
    charges.add(link.transactionUuid)
    for (const uuid of link.explanation.members.transactions) charges.add(uuid)
  }
  const bookedOf = new Map<string, LedgerRow>()
  for (const row of [...booked].sort((a, b) => a.externalKey.localeCompare(b.externalKey))) {
    if (inErp(row.state) && !bookedOf.has(row.documentId)) bookedOf.set(row.documentId, row)
  }
  const kept: Array<PlannedPosting> = []
  const held: Array<ReconciliationException> = []
  for (const plan of plans) {
    const { link } = plan
    const shares = isMsiLink(link) || link.explanation.evidence.some((e) => e.class === "G3_SPLIT_TENDER")
    const other = shares ? undefined : [link.documentId, ...link.explanation.members.cfdis]
      .map((id) => bookedOf.get(id))
      .find((row) => row !== undefined && linkedTo.get(link.documentId)?.has(row.transactionUuid) !== true)
    if (other === undefined) {
      kept.push(plan)
      continue
    }
    held.push(postingFailed(
      link,
      transactions.get(link.transactionUuid),
      `CFDI ${other.documentId} is already booked for transaction ${other.transactionUuid} (${other.externalKey}, ` +
        `${other.state}); not posted a second time`,
      undefined,
      "DOCUMENT_ALREADY_POSTED",
      `If the CFDI belongs to this charge, reverse that journal in the ERP and mark it handled with \`clara-recon ` +
        `ledger exclude ${other.externalKey}\`; the next run posts it here. Otherwise reject this link.`
    ))
  }
  return { plans: kept, held }
}

/**
 * The ledger rows of the postings of the run's charges that `links` links to nothing (a group link's member charges
 * are linked), for `postedLinkChanges`. Fails with `StoreError`.
 */
export const unlinkedPostings = (links: ReadonlyArray<MatchLink>, transactions: ReadonlyMap<string, CardTransaction>) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const linked = new Set<string>()
    for (const link of links) {
      linked.add(link.transactionUuid)
      for (const uuid of link.explanation.members.transactions) linked.add(uuid)
    }
    return yield* store.ledgerOfTransactions([...transactions.keys()].filter((uuid) => !linked.has(uuid)))
  })

/** A planned posting with the link it comes from. */
export interface PlannedPosting {
  readonly link: MatchLink
  readonly planned: Planned<unknown>
}

/**
 * Builds and dry-runs the postings of the links (pure and deterministic). A link of one transaction to several CFDIs
 * (a split-invoices group, matching.md §7.6) posts one journal over all of them (`buildPosting`'s `moreDocuments`).
 * Several charges paying one CFDI (MSI instalments, split tender, §7.6: one link per charge, every charge in
 * `members.transactions`; an MSI group of one charge so far is told by its `G2_MSI_INSTALMENTS` amount term) post one
 * journal per charge with its share of the CFDI lines (`buildPosting`'s `groupCharges`). Every charge of the group
 * must be in this run or, for an MSI plan, among its earlier instalments (`earlierCharges`): a charge's share depends
 * on the charges before it, and a missing one's date is unknown, so a group with a missing charge is refused
 * (POSTING_FAILED) rather than posted with a share that may be wrong. Links of
 * different charges to the same CFDI form such a group too: a person's manual links, and confirmations stored before
 * confirmed groups kept their members, are one per pair (matching.md §7.13) and share their CFDI.
 */
export const planPostings = (ctx: PostContext) => {
  const mapping = ctx.mapping ?? defaultMapping
  const plans: Array<PlannedPosting> = []
  const exceptions: Array<ReconciliationException> = []
  const earlier = ctx.earlierCharges ?? new Map<string, ReadonlyArray<CardTransaction>>()
  const earlierByUuid = new Map<string, CardTransaction>()
  for (const list of earlier.values()) for (const charge of list) earlierByUuid.set(charge.uuid, charge)
  const chargeOf = (uuid: string) => ctx.transactions.get(uuid) ?? earlierByUuid.get(uuid)
  /** The charges linked to each document, over every link of the run (and an MSI plan's earlier instalments). */
  const chargesOf = new Map<string, Set<string>>()
  for (const link of ctx.links) {
    const charges = chargesOf.get(link.documentId) ??
      new Set<string>(isMsiLink(link) ? (earlier.get(link.documentId) ?? []).map((t) => t.uuid) : [])
    charges.add(link.transactionUuid)
    for (const id of link.explanation.members.transactions) charges.add(id)
    chargesOf.set(link.documentId, charges)
  }
  for (const link of ctx.links) {
    const transaction = ctx.transactions.get(link.transactionUuid)
    const document = ctx.documents.get(link.documentId)
    if (!transaction || !document) {
      exceptions.push(postingFailed(link, transaction, "the linked transaction or document is not in this run"))
      continue
    }
    const tip = link.explanation.members.documents
      .map((id) => ctx.documents.get(id)?.tipAmount)
      .find((amount) => amount !== undefined)
    // one charge backed by several CFDIs (a split-invoices group): one journal over all of them
    const { members } = link.explanation
    const others = members.cfdis.filter((id) => id !== link.documentId)
    const moreDocuments = others.flatMap((id) => ctx.documents.get(id) ?? [])
    if (moreDocuments.length < others.length) {
      exceptions.push(postingFailed(link, transaction, "a CFDI of the linked group is not in this run"))
      continue
    }
    // several charges paying the CFDI (MSI instalments, split tender): this charge's share of every line
    const charges = [...chargesOf.get(link.documentId)!].sort()
    const chargeGroup = charges.length > 1 || isMsiLink(link)
    const missing = chargeGroup ? charges.filter((id) => chargeOf(id) === undefined) : []
    const instalments = msiInstalmentsLinked(link)
    if (missing.length === 0 && instalments !== undefined && charges.length < instalments) {
      exceptions.push(postingFailed(
        link,
        transaction,
        `the MSI plan's earlier instalment(s) (${instalments - charges.length} of ${instalments} linked) are neither ` +
          "in this run nor posted by an earlier run: this charge's share of the CFDI depends on them, so it is " +
          "posted once the run that links them has planned their postings"
      ))
      continue
    }
    if (missing.length > 0) {
      exceptions.push(postingFailed(
        link,
        transaction,
        `charge(s) ${missing.join(", ")} of the linked group are not in this run: this charge's share of the CFDI ` +
          "depends on the charges before it, so it is posted once the whole group is in one run"
      ))
      continue
    }
    const groupCharges = chargeGroup ? charges.flatMap((id) => chargeOf(id) ?? []) : []
    const built = buildPosting({
      tenant: ctx.tenant,
      transaction,
      document,
      mapping,
      exportDate: ctx.runDate,
      ...(ctx.companyRfc === undefined ? {} : { companyRfc: ctx.companyRfc }),
      ...(ctx.closedPeriods !== undefined && ctx.closedPeriods.length > 0 ? { closedPeriods: ctx.closedPeriods } : {}),
      ...(moreDocuments.length > 0 ? { moreDocuments } : {}),
      ...(chargeGroup ? { groupCharges } : {}),
      ...(tip && !chargeGroup ? { tip } : {})
    })
    if (Either.isLeft(built)) {
      exceptions.push(postingFailed(link, transaction, built.left.userMessage, undefined, built.left.code))
      continue
    }
    const planned = ctx.adapter.plan(built.right)
    if (planned.ok) plans.push({ link, planned })
    else {
      const codes = new Set(planned.errors.map((e) => e.code))
      exceptions.push(postingFailed(
        link,
        transaction,
        planned.errors.map((e) => e.userMessage).join("; "),
        undefined,
        codes.size === 1 ? [...codes][0] : "MULTIPLE_PROBLEMS"
      ))
    }
  }
  // One journal per charge: a charge a person linked to several documents by separate links (not one group) would
  // put two journals under one external key, so neither is posted until the person decides which it is.
  const perKey = new Map<string, number>()
  for (const p of plans) perKey.set(p.planned.externalKey, (perKey.get(p.planned.externalKey) ?? 0) + 1)
  const single = plans.filter((p) => perKey.get(p.planned.externalKey) === 1)
  for (const p of plans) {
    if (perKey.get(p.planned.externalKey) === 1) continue
    exceptions.push(postingFailed(
      p.link,
      ctx.transactions.get(p.link.transactionUuid),
      `the charge is linked to ${perKey.get(p.planned.externalKey)} documents by separate links, one journal each ` +
        "under one external key: reject the wrong links, or confirm the charge's documents as one group",
      undefined,
      "SEVERAL_LINKS"
    ))
  }
  return { plans: single, exceptions }
}

/** Whether a ledger row was posted (or was being posted) and the ERP has not confirmed it yet. */
export const unconfirmed = (row: LedgerRow): boolean => row.state === "posting" || row.state === "posted_unverified"

/**
 * Whether a later run reads a ledger row back and reports it: posted and not confirmed yet (`unconfirmed`), or
 * `failed` (the ERP holds a record that differs from the plan: a person must look).
 */
export const awaitsReadBack = (row: LedgerRow): boolean => unconfirmed(row) || row.state === "failed"

/** States a later run must not move back to `planned`: booked, `failed` (a person decides), `excluded`. */
const settled: ReadonlySet<string> = new Set([...bookedStates, "failed", "excluded"])

/**
 * The ledger rows the plan step writes: `planned` for every accepted document the ledger does not already hold in
 * `posting`, `posted_unverified`, `verified`, `failed` or `excluded` (a new one, one left `planned` by an earlier run,
 * or one a person reopened).
 */
export const plannedLedgerRows = (
  ctx: PostContext,
  plans: ReadonlyArray<PlannedPosting>,
  ledger: ReadonlyMap<string, LedgerRow>
): Array<LedgerRow> =>
  plans.filter((p) => !settled.has(ledger.get(p.planned.externalKey)?.state ?? "")).map((p) => ({
    externalKey: p.planned.externalKey,
    transactionUuid: p.link.transactionUuid,
    documentId: p.link.documentId,
    state: "planned",
    runId: ctx.runId,
    erp: ctx.adapter.manifest.id,
    fingerprintJson: JSON.stringify(p.planned.fingerprint),
    refJson: undefined,
    error: undefined
  }))

/** Writes the dry-run plans to `<runDir>/plans.json`: key, link, fingerprint, warnings and the posting document. */
export const writePlansFile = (ctx: PostContext, plans: ReadonlyArray<PlannedPosting>) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const body = plans.map((p) => ({
      externalKey: p.planned.externalKey,
      transactionUuid: p.link.transactionUuid,
      documentId: p.link.documentId,
      erp: ctx.adapter.manifest.id,
      fingerprint: p.planned.fingerprint,
      warnings: p.planned.warnings,
      document: encodePosting(p.planned.document)
    }))
    yield* writeFileAtomic(path.join(ctx.runDir, "plans.json"), JSON.stringify(body, null, 2) + "\n")
  })

/** Moves ledger rows to a new state, uninterruptibly (the write in flight always lands). Returns the rows written. */
const move = (rows: ReadonlyArray<LedgerRow>, patch: (row: LedgerRow) => Partial<LedgerRow>) =>
  Effect.gen(function*() {
    const moved = rows.map((row): LedgerRow => ({ ...row, ...patch(row) }))
    if (moved.length === 0) return moved
    const store = yield* ReconStore
    yield* store.writeLedger(moved, yield* nowIso)
    return moved
  }).pipe(Effect.uninterruptible)

const describeError = (error: ErpError) => `${error.code}: ${error.userMessage}`

/** What `settle` found of a posted row: its next state, with the ERP reference and the reason when there is one. */
interface Settled {
  readonly row: LedgerRow
  readonly next: LedgerRow["state"]
  readonly ref?: ErpRef | undefined
  readonly error?: string | undefined
}

/**
 * Reads a posted document back with `adapter`: `verified` when it matches, `failed` on a mismatch, `planned` when
 * missing, the row's own state when it cannot be read back.
 */
const settle = (adapter: ErpAdapter, row: LedgerRow): Effect.Effect<Settled> =>
  Effect.gen(function*() {
    const fingerprint = JSON.parse(row.fingerprintJson) as Fingerprint
    const found = yield* adapter.find(row.externalKey)
    if (Option.isNone(found)) return { row, next: "planned" as const }
    const verified = yield* adapter.verify(found.value, fingerprint)
    switch (verified.status) {
      case "match":
        return { row, next: "verified" as const, ref: verified.ref }
      case "missing":
        return { row, next: "planned" as const }
      case "mismatch":
        return {
          row,
          next: "failed" as const,
          ref: verified.ref,
          error: `the ERP record differs from the planned posting: ${verified.differences.join("; ")}`
        }
    }
  }).pipe(
    Effect.catchAll((error: ErpError) =>
      Effect.succeed({ row, next: row.state, error: `cannot read the posting back: ${describeError(error)}` })
    )
  )

/**
 * Writes the outcomes of `settle` to the ledger in one write. A row back to `planned` becomes run `runId`'s to post,
 * so a resume of that run still finds it. Returns the rows written.
 */
const recordSettled = (runId: string, outcomes: ReadonlyArray<Settled>) =>
  move(
    outcomes.map((o): LedgerRow => ({
      ...o.row,
      ...(o.next === "planned" ? { runId } : {}),
      state: o.next,
      refJson: o.ref !== undefined ? JSON.stringify(o.ref) : o.row.refJson,
      error: o.error
    })),
    () => ({})
  )

/**
 * Settles rows by `find` + `verify` where `adapterOf` says each was posted, and records the outcomes in the ledger in
 * one write: `verified`, `failed` (a mismatch), `planned` (not found), or the row's own state when it cannot be read
 * back. A row not found for which `stillOut` gives a reason (it may have reached the ERP all the same) keeps its state,
 * with that reason, instead of going back to `planned`. Returns the rows written.
 */
const settleWith = (
  ctx: PostContext,
  rows: ReadonlyArray<LedgerRow>,
  adapterOf: (row: LedgerRow) => ErpAdapter,
  stillOut: (row: LedgerRow) => string | undefined
) =>
  Effect.flatMap(
    Effect.forEach(rows, (row) =>
      Effect.map(settle(adapterOf(row), row), (o): Settled => {
        const reason = o.next === "planned" ? stillOut(row) : undefined
        return reason === undefined ? o : { row, next: row.state, error: reason }
      }), { concurrency: ctx.erpConcurrency }),
    (outcomes) => recordSettled(ctx.runId, outcomes)
  )

/** Settles rows of this run (`settleWith` this run's adapter; one not found goes back to `planned`). */
const settleRows = (ctx: PostContext, rows: ReadonlyArray<LedgerRow>) =>
  settleWith(ctx, rows, () => ctx.adapter, () => undefined)

/**
 * Whether `adapter` posts records into the ERP itself (NetSuite) rather than export files for a person to import: its
 * `find` is the ERP's own answer, so an unconfirmed posting it does not find was never posted.
 */
const recordsPostings = (adapter: ErpAdapter): boolean => !adapter.manifest.capabilities.includes("export.file")

/**
 * Settles rows an earlier run posted and could not confirm (`posting`, `posted_unverified`), or found `failed`,
 * reading each back where that run posted it (`adapterOfRun`): found and matching is `verified`, a mismatch `failed`.
 * An unconfirmed one an ERP that records postings (`recordsPostings`) does not find was never posted: back to
 * `planned`, the next run posts it. Any other not found stays as it is, reported, and is not posted again: long after
 * that run, its export may have been moved or imported, so "not found" no longer proves that it never reached the ERP.
 * Returns the rows as they are now.
 */
const settleEarlierRows = (ctx: PostContext, rows: ReadonlyArray<LedgerRow>) =>
  settleWith(ctx, rows, (row) => ctx.adapterOfRun(row.runId), (row) =>
    unconfirmed(row) && recordsPostings(ctx.adapterOfRun(row.runId))
      ? undefined
      : `posted by run ${row.runId} but not found where that run posted it; not posted again: check it in the ERP`)

/** Writes export artifacts into `<runDir>/postings` (atomically; identical files already there are left alone). */
const writeArtifacts = (dir: string, artifacts: ReadonlyArray<{ name: string; bytes: Uint8Array }>) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    for (const artifact of artifacts) {
      const target = path.join(dir, artifact.name)
      if (yield* fileHolds(target, artifact.bytes)) continue
      yield* writeFileAtomic(target, artifact.bytes)
    }
  })

/**
 * The rows of a batch the ERP refused as a whole with `error`: nothing applied goes back to `planned` with the reason
 * (the next run posts it again); applied or unknown is read back, never re-posted blindly. A file export that failed
 * part way (a CSV written, its manifest not) is not found by its own read-back although a file of it may be in the
 * import folder: such rows stay unconfirmed and reported, as an earlier run's (`settleEarlierRows`), never exported
 * again. Returns the rows as written.
 */
const refusedBatch = (ctx: PostContext, rows: ReadonlyArray<LedgerRow>, error: ErpError) =>
  error.outcome === "not_applied"
    ? move(rows, () => ({ state: "planned", runId: ctx.runId, error: describeError(error) }))
    : settleWith(ctx, rows, () => ctx.adapter, () =>
      recordsPostings(ctx.adapter)
        ? undefined
        : `the export failed part way (${describeError(error)}): a file of it may be in the export folder; ` +
          "not exported again: check it, then ledger reopen or exclude it")

/**
 * Posts one batch and reads it back: `posting` (durable) -> `adapter.post` -> `find` + `verify` -> `verified` (or
 * `failed`, `planned`). A posted row that cannot be read back is written `posted_unverified`; a crash after the post
 * leaves it `posting`, which the next run settles the same way. A refusal of the whole batch (`refusedBatch`) or of
 * some of its documents (`PostResult.refused`) moves what was not applied back to `planned` with the ERP's reason,
 * and reads the rest back. Returns the batch's rows as they were last written.
 */
const postBatch = (ctx: PostContext, batch: ReadonlyArray<{ row: LedgerRow; planned: Planned<unknown> }>, sequence: number) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const rows = yield* move(batch.map((b) => b.row), () => ({ state: "posting", runId: ctx.runId, error: undefined }))
    const idempotencyKey = `${ctx.runId}:${sequence}`
    const result = yield* Effect.either(
      ctx.adapter.post(batch.map((b) => b.planned), { idempotencyKey, runDate: ctx.runDate, sequence })
    )
    if (Either.isLeft(result)) return yield* refusedBatch(ctx, rows, result.left)
    const outcome = result.right
    if (outcome.status === "failed") return yield* refusedBatch(ctx, rows, outcome.error)
    if (outcome.status === "exported") {
      yield* writeArtifacts(path.join(ctx.runDir, "postings"), outcome.artifacts)
    }
    const refs = new Map<string, ErpRef>(outcome.status === "posted" ? outcome.refs.map((r) => [r.externalId, r]) : [])
    const refusals = new Map(
      outcome.status === "posted" ? (outcome.refused ?? []).map((r) => [r.externalKey, r.error]) : []
    )
    const notApplied = (row: LedgerRow) => refusals.get(row.externalKey)?.outcome === "not_applied"
    const written = yield* settleRows(
      ctx,
      rows.filter((row) => !notApplied(row)).map((row): LedgerRow => {
        if (refusals.has(row.externalKey)) return row // applied or unknown: read back as it is
        const ref = refs.get(row.externalKey)
        return { ...row, state: "posted_unverified", ...(ref ? { refJson: JSON.stringify(ref) } : {}) }
      })
    )
    const back = yield* move(rows.filter(notApplied), (row) => ({
      state: "planned",
      runId: ctx.runId,
      error: describeError(refusals.get(row.externalKey)!)
    }))
    return [...written, ...back]
  })

/**
 * Posts the run's planned documents and verifies them (see the module comment). `plans` are the postings the
 * plan step accepted. Returns the POSTING_FAILED exceptions of documents that ended `failed`, `planned` or `posting` in
 * this run, and of those an earlier run posted that are still unconfirmed or `failed`. Fails with `StoreError` or
 * `OutputError`; an ERP error puts its documents back to `planned` (nothing applied) or has them read back, never
 * fails the job.
 */
export const postPlanned = (ctx: PostContext, plans: ReadonlyArray<PlannedPosting>) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const postingsDir = path.join(ctx.runDir, "postings")
    yield* fs.makeDirectory(postingsDir, { recursive: true }).pipe(
      Effect.mapError((cause) => new OutputError({ path: postingsDir, message: `cannot create ${postingsDir}: ${cause.message}` }))
    )
    const byKey = new Map(plans.map((p) => [p.planned.externalKey, p]))
    // This run's ledger rows, kept up to date with every write below (the step is their only writer).
    const current = new Map<string, LedgerRow>()
    const record = (rows: ReadonlyArray<LedgerRow>) => {
      for (const row of rows) current.set(row.externalKey, row)
    }
    const earlier: Array<LedgerRow> = []
    for (const row of (yield* store.ledger([...byKey.keys()])).values()) {
      if (!byKey.has(row.externalKey)) continue
      if (row.runId === ctx.runId) current.set(row.externalKey, row)
      else if (awaitsReadBack(row)) earlier.push(row)
    }

    // 0. Read back what earlier runs posted and could not confirm; one found never posted is posted by this run.
    const earlierNow = earlier.length === 0 ? [] : yield* Effect.zipRight(
      Effect.logInfo(`reading back ${earlier.length} posting(s) earlier runs could not confirm`),
      settleEarlierRows(ctx, earlier)
    )
    for (const row of earlierNow) if (row.state === "planned") current.set(row.externalKey, row)

    // 1. Settle what a crash or an unknown outcome left in flight.
    const inFlight = [...current.values()].filter(unconfirmed)
    if (inFlight.length > 0) {
      yield* Effect.logInfo(`settling ${inFlight.length} posting(s) left in flight by find + verify`)
      record(yield* settleRows(ctx, inFlight))
    }

    // 2. Post what is planned, in batches, each read back right after it is posted.
    const toPost = [...current.values()].filter((r) => r.state === "planned").sort((a, b) =>
      a.externalKey.localeCompare(b.externalKey)
    ).map((row) => ({ row, planned: byKey.get(row.externalKey)!.planned }))
    const exportsFiles = ctx.adapter.manifest.capabilities.includes("export.file")
    const size = exportsFiles ? Math.max(1, toPost.length) : Math.max(1, ctx.batchSize)
    const batches: Array<typeof toPost> = []
    for (let i = 0; i < toPost.length; i += size) batches.push(toPost.slice(i, i + size))
    const existingManifests = (yield* fs.readDirectory(postingsDir).pipe(Effect.orElseSucceed(() => [] as Array<string>)))
      .filter((n) => n.endsWith(".manifest.json")).length
    yield* Effect.forEach(batches, (batch, i) => Effect.map(postBatch(ctx, batch, existingManifests + i + 1), record), {
      concurrency: exportsFiles ? 1 : ctx.erpConcurrency,
      discard: true
    })

    // A file export's manifest also goes to postings/manifest.json when the run produced exactly one.
    const manifests = (yield* fs.readDirectory(postingsDir).pipe(Effect.orElseSucceed(() => [] as Array<string>)))
      .filter((n) => n.endsWith(".manifest.json")).sort()
    if (manifests.length === 1) {
      // a link to the same bytes, not a copy read and written again (a month's manifest is tens of MB)
      yield* linkOrCopyAtomic(path.join(postingsDir, manifests[0]!), path.join(postingsDir, "manifest.json"))
    }

    const unsettled = [
      ...[...current.values()].filter((r) => r.state === "failed" || r.state === "planned" || r.state === "posting"),
      ...earlierNow.filter((r) => r.state !== "verified" && !current.has(r.externalKey))
    ]
    return unsettled.map((r) =>
      postingFailed(
        r,
        ctx.transactions.get(r.transactionUuid),
        r.error ?? `left ${r.state}: the ERP did not confirm the posting; run again to retry`,
        r
      )
    )
  })
