/**
 * Steps 4-5, plan and post: one balanced journal per auto-linked transaction (erp `buildPosting`), exported as
 * SAP-style CSV (`generic-je-v1`) under `postings/` with `postings/manifest.json`.
 *
 * The posting ledger makes it idempotent: a posting whose externalKey is already `exported` is skipped. New postings
 * are first reserved as `pending` with the file they go to, then the file is written atomically, then they are marked
 * `exported`. A `pending` row found later whose file exists with the recorded SHA-256 was delivered (the run stopped
 * before marking it) and is marked `exported`; otherwise it is posted again. Nothing is posted twice.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  type CardTransaction,
  type FiscalDocument,
  type MatchLink,
  canonicalJson,
  formatMoney,
  PostingDocument,
  ReconciliationException,
  sha256Hex
} from "@clara-recon/domain"
import { buildPosting, defaultMapping, type MappingConfig } from "@clara-recon/erp"
import { encodeManifest, renderJournalCsv } from "@clara-recon/erp-sap-csv"
import { writeFileAtomic } from "./internal/Files.js"
import { OutputError } from "./PipelineError.js"
import { type PostingRow, ReconStore } from "./ReconStore.js"
import type { PostingOutcome } from "./RunResult.js"

const encodePosting = Schema.encodeSync(PostingDocument)

/** What the posting step needs. `runDate` is the civil date of the run (America/Mexico_City). */
export interface PostOptions {
  readonly runId: string
  readonly runDir: string
  readonly tenant: string
  readonly runDate: string
  readonly now: string
  readonly links: ReadonlyArray<MatchLink>
  readonly transactions: ReadonlyMap<string, CardTransaction>
  readonly documents: ReadonlyMap<string, FiscalDocument>
  readonly mapping?: MappingConfig
}

const postingFailed = (link: MatchLink, tx: CardTransaction | undefined, message: string) =>
  new ReconciliationException({
    code: "POSTING_FAILED",
    severity: "high",
    message: `posting for transaction ${link.transactionUuid} (${tx ? formatMoney(tx.amount) : "?"}): ${message}`,
    transactionUuid: link.transactionUuid,
    documentId: link.documentId,
    ...(tx?.userName ? { cardholder: tx.userName } : {}),
    suggestedAction: "Fix the mapping or the document and run again; the link stays, nothing was posted."
  })

/** Plans postings for the auto links and exports the new ones. */
export const postLinks = (options: PostOptions) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const mapping = options.mapping ?? defaultMapping
    const planned: Array<{ link: MatchLink; posting: PostingDocument }> = []
    const exceptions: Array<ReconciliationException> = []
    for (const link of options.links) {
      const transaction = options.transactions.get(link.transactionUuid)
      const document = options.documents.get(link.documentId)
      if (!transaction || !document) {
        exceptions.push(postingFailed(link, transaction, "the linked transaction or document is not in this run"))
        continue
      }
      const tip = link.explanation.members.documents
        .map((id) => options.documents.get(id)?.tipAmount)
        .find((amount) => amount !== undefined)
      const built = buildPosting({ tenant: options.tenant, transaction, document, mapping, ...(tip ? { tip } : {}) })
      if (Either.isLeft(built)) exceptions.push(postingFailed(link, transaction, built.left.userMessage))
      else planned.push({ link, posting: built.right })
    }

    const ledger = yield* store.postings(planned.map((p) => p.posting.externalKey))
    const delivered: Array<PostingRow> = []
    const fresh: typeof planned = []
    let skipped = 0
    for (const p of planned) {
      const row = ledger.get(p.posting.externalKey)
      if (row?.state === "exported") {
        skipped++
        continue
      }
      if (row?.state === "pending") {
        const onDisk = yield* fs.readFile(row.filePath).pipe(Effect.option)
        if (onDisk._tag === "Some" && sha256Hex(onDisk.value) === row.fileSha256) {
          delivered.push({ ...row, state: "exported" })
          skipped++
          continue
        }
      }
      fresh.push(p)
    }
    if (delivered.length > 0) yield* store.writePostings(delivered, options.now)

    const postingsDir = path.join(options.runDir, "postings")
    const rendered = renderJournalCsv(fresh.map((p) => p.posting), {
      tenant: options.tenant,
      runDate: options.runDate,
      sequence: 1
    })
    if (Either.isLeft(rendered)) {
      return yield* new OutputError({ path: postingsDir, message: `cannot render postings: ${rendered.left.userMessage}` })
    }
    const files = fresh.length === 0 ? [] : rendered.right.files
    // The ledger records the first file of the export: a split layout (header + lines files) has every document in each.
    const [first] = files
    const rows: Array<PostingRow> = first === undefined ? [] : fresh.map((p) => ({
      externalKey: p.posting.externalKey,
      transactionUuid: p.link.transactionUuid,
      documentId: p.link.documentId,
      state: "pending",
      runId: options.runId,
      filePath: path.resolve(postingsDir, first.name),
      fileSha256: first.sha256,
      fingerprint: sha256Hex(canonicalJson(encodePosting(p.posting)))
    }))
    yield* store.writePostings(rows, options.now)
    for (const f of files) yield* writeFileAtomic(path.join(postingsDir, f.name), f.bytes)
    yield* writeFileAtomic(path.join(postingsDir, "manifest.json"), encodeManifest(rendered.right.manifest))
    yield* store.writePostings(rows.map((row) => ({ ...row, state: "exported" as const })), options.now)
    const outcome: PostingOutcome = { new: fresh.length, skipped, failed: exceptions.length }
    return { outcome, exceptions }
  })
