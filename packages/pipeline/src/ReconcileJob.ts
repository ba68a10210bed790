/**
 * The reconciliation job: sync -> collect -> match -> plan + post -> report, as Effect steps with spans.
 * Record-level problems become exceptions in the report; the job fails only when it cannot do its work at all
 * (Clara unreachable or refusing the credentials, an unreadable transactions export, the store or the output folder
 * unusable).
 */
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { type CivilDate, type FiscalDocument, isSubjectToMatching, sha256Hex } from "@clara-recon/domain"
import { match } from "@clara-recon/matcher"
import type { MappingConfig } from "@clara-recon/erp"
import { collectDocuments } from "./Collect.js"
import { controlTotals } from "./ControlTotals.js"
import { replaceSymlink } from "./internal/Files.js"
import { postLinks } from "./Post.js"
import { ReconStore } from "./ReconStore.js"
import { type RunResult, summarize } from "./RunResult.js"
import { writeReports } from "./report/WriteReports.js"
import { acceptTransactions, pullTransactions, readTransactionsExport } from "./Sync.js"

/** Options of one run. Dates are civil dates `yyyy-MM-dd` (America/Mexico_City). */
export interface ReconcileOptions {
  readonly from: CivilDate
  readonly to: CivilDate
  /** Folders searched recursively for `.xml` CFDI files. */
  readonly invoiceDirs: ReadonlyArray<string>
  /** A JSON export of transactions to read instead of calling Clara. */
  readonly transactionsFile?: string | undefined
  /** Base output folder; the run writes to `<outDir>/<runId>` and points `<outDir>/latest` at it. */
  readonly outDir: string
  readonly tenant?: string | undefined
  /** "Today" for grace periods and ages; defaults to the clock's UTC date. */
  readonly asOf?: CivilDate | undefined
  /** The company's RFC, for receptor checks. */
  readonly companyRfc?: string | undefined
  readonly mapping?: MappingConfig | undefined
}

/** `<UTC timestamp>-<sequence in this store>`, e.g. `20260201T063000Z-0003`: sortable and unique per state file. */
const runIdOf = (now: Date, sequence: number): string =>
  `${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${String(sequence).padStart(4, "0")}`

const sync = Effect.fn("ReconcileJob.sync")(function*(options: ReconcileOptions) {
  const period = { from: options.from, to: options.to }
  const records = options.transactionsFile
    ? yield* readTransactionsExport(options.transactionsFile)
    : yield* pullTransactions(period)
  const synced = acceptTransactions(records, period)
  yield* Effect.annotateCurrentSpan({
    transactions: synced.transactions.length,
    invalid: synced.invalid.length,
    outOfPeriod: synced.outOfPeriod
  })
  if (synced.outOfPeriod > 0) {
    yield* Effect.logInfo(`${synced.outOfPeriod} exported transactions fall outside ${options.from} .. ${options.to}`)
  }
  return synced
})

/** Runs the whole job and returns what it produced; outputs are written under `<outDir>/<runId>`. */
export const reconcile = Effect.fn("ReconcileJob.reconcile")(function*(options: ReconcileOptions) {
  const store = yield* ReconStore
  const path = yield* Path.Path
  const nowMillis = yield* Clock.currentTimeMillis
  const now = new Date(nowMillis)
  const runId = runIdOf(now, (yield* store.runCount) + 1)
  const runDir = path.join(options.outDir, runId)
  const tenant = options.tenant ?? "default"
  const asOf = options.asOf ?? now.toISOString().slice(0, 10)
  yield* store.beginRun({ runId, startedAt: now.toISOString(), from: options.from, to: options.to })
  yield* Effect.logInfo(`run ${runId}: ${options.from} .. ${options.to}`)

  const synced = yield* sync(options)
  yield* store.upsertTransactions(runId, synced.transactions.map((tx) => {
    const json = JSON.stringify(synced.wire.get(tx.uuid))
    return {
      uuid: tx.uuid,
      operationDate: tx.operationDate,
      contentHash: sha256Hex(json),
      json
    }
  }))

  const collected = yield* Effect.withSpan(collectDocuments({ wire: synced.wire, invoiceDirs: options.invoiceDirs }), "ReconcileJob.collect")
  yield* Effect.logInfo(
    `${synced.transactions.length} transactions, ${collected.documents.length} documents (${collected.files} files)`
  )

  const result = yield* Effect.sync(() =>
    match({
      transactions: synced.transactions,
      documents: collected.documents,
      asOf,
      ...(options.companyRfc ? { companyRfc: options.companyRfc } : {})
    })
  ).pipe(Effect.withSpan("ReconcileJob.match"))
  yield* store.saveLinks(runId, [...result.links, ...result.suggestions].map((l) => ({
    linkId: l.linkId,
    transactionUuid: l.transactionUuid,
    documentId: l.documentId,
    decision: l.decision,
    points: l.points,
    explanationJson: JSON.stringify(l.explanation)
  })))

  const documentsById = new Map<string, FiscalDocument>(collected.documents.map((d) => [d.id, d]))
  const posted = yield* postLinks({
    runId,
    runDir,
    tenant,
    runDate: asOf,
    now: now.toISOString(),
    links: result.links,
    transactions: new Map(synced.transactions.map((t) => [t.uuid, t])),
    documents: documentsById,
    ...(options.mapping ? { mapping: options.mapping } : {})
  }).pipe(Effect.withSpan("ReconcileJob.post"))

  const byDisposition = (wanted: string) =>
    new Set([...result.dispositions.entries()].filter(([, d]) => d === wanted).map(([uuid]) => uuid))
  // Not subject by the transaction's own type and status, not by the matcher's word: the totals check the matcher.
  const notSubject = new Set(synced.transactions.filter((t) => !isSubjectToMatching(t.type) || t.status === "REJECTED")
    .map((t) => t.uuid))
  const totals = controlTotals(
    synced.transactions,
    new Set(result.links.map((l) => l.transactionUuid)),
    byDisposition("EXCEPTION"),
    notSubject
  )

  const run: RunResult = {
    runId,
    tenant,
    period: { from: options.from, to: options.to },
    asOf,
    transactions: synced.transactions,
    documents: collected.documents,
    links: result.links,
    suggestions: result.suggestions,
    exceptions: [...synced.invalid, ...collected.exceptions, ...result.exceptions, ...posted.exceptions],
    postings: posted.outcome,
    controlTotals: totals,
    engine: result.engine
  }
  const summary = summarize(run)
  yield* writeReports(runDir, run, summary).pipe(Effect.withSpan("ReconcileJob.report"))
  yield* replaceSymlink(runId, path.join(options.outDir, "latest"))
  const finishedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
  yield* store.finishRun(runId, finishedAt, JSON.stringify(summary))
  return { run, summary, runDir }
})
