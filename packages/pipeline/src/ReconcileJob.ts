/**
 * The reconciliation job as durable, resumable steps: sync -> collect -> match -> plan -> post -> writeBack ->
 * report, each an `Effect.fn` with a span. A step checkpoints (`run_steps`) only in the same transaction as its
 * durable writes, uninterruptibly; a run that stops (Ctrl-C, `kill -9`, a crash) stays unfinished, and the same
 * command run again resumes it under the same run id, skipping the steps already done. The report is rendered from
 * the store alone, so a resumed run writes the same reports as an uninterrupted one.
 *
 * A new run of the same command reuses what did not change since the previous one: an export file with the same
 * SHA-256 is not parsed; folders whose files all keep their paths and stamps are not read (the collect step names the
 * previous run's, `sameAs`); when nothing the matcher reads was written since (store revisions) or its inputs hash is
 * the same, the match step names the previous run's too (its links are shared, not copied); a plan whose postings
 * are all settled is reused and nothing is posted; and when nothing the reports show changed, their files are
 * carried over from the previous run (`ReuseReports.ts`). A changed file, a link decision, a posting still open or
 * failed, or other options (another "command") bring back exactly the steps that depend on them.
 *
 * Record-level problems become exceptions in the report; the job fails only when it cannot do its work at all
 * (Clara unreachable or refusing the credentials, an unreadable transactions export, the store or the output folder
 * unusable).
 */
import { FileSystem as FileSystemTag } from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import { ClaraClient, type TransactionResponseV3 } from "@clara-recon/clara"
import {
  type CardTransaction,
  canonicalJson,
  type CivilDate,
  type FiscalDocument,
  fiscalDocumentJson,
  type MatchLink,
  MatchLink as MatchLinkSchema,
  matchLinkJson,
  mexicoCityDate,
  ReconciliationException,
  sha256Hex
} from "@clara-recon/domain"
import { type ClosedPeriod, type ErpAdapter, type MappingConfig } from "@clara-recon/erp"
import { aliasMap, engineVersion, match, type MatchInput } from "@clara-recon/matcher"
import { beginFolderRead, collectDocuments, type FolderRead } from "./Collect.js"
import { replaceSymlink } from "./internal/Files.js"
import { learnedAliases, storedDecisions } from "./LinkDecisions.js"
import { decodeStoredTransactions, loadRun, postingOutcome, storedDocuments } from "./LoadRun.js"
import { CompanyMismatchError, OutputError, StoreError } from "./PipelineError.js"
import { openPlanDocuments } from "./OpenPlans.js"
import { Progress } from "./Progress.js"
import {
  awaitsReadBack,
  bookedRefusals,
  holdDocumentsBookedElsewhere,
  defaultSapCsvAdapter,
  earlierInstalments,
  inErp,
  type PlannedPosting,
  type PostContext,
  postedLinkChanges,
  planPostings,
  plannedLedgerRows,
  postPlanned,
  unlinkedPostings,
  writePlansFile
} from "./Post.js"
import { withJobLock } from "./JobLock.js"
import { type LedgerRow, ReconStore, type RunRow, type StepRow, type TransactionRow } from "./ReconStore.js"
import { type RunResult, type Summary, summarize } from "./RunResult.js"
import {
  type Checkpoint,
  commitStep,
  commitStepSameAs,
  loadCheckpoint,
  loadCheckpointPart,
  nowIso,
  resolvedStep,
  stepInputsKey,
  stepQuickKey
} from "./RunSteps.js"
import { reportFileStamps, reportKeyOf, reuseReports } from "./report/ReuseReports.js"
import { writeReports } from "./report/WriteReports.js"
import {
  acceptTransactions,
  invalidStillStanding,
  parseTransactionsExport,
  pullTransactions,
  readTransactionsBytes
} from "./Sync.js"
import { defaultWriteBackComment, writeBackMissing } from "./WriteBack.js"

/** What a caller-supplied ERP adapter factory is told about the run. */
export interface ErpContext {
  readonly runId: string
  readonly runDir: string
  readonly tenant: string
  /** `<runDir>/postings`, where file exports go (created before the adapter is used). */
  readonly postingsDir: string
}

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
  /** "Today" for grace periods and ages; defaults to the clock's date in America/Mexico_City when the run begins. */
  readonly asOf?: CivilDate | undefined
  /** The company's RFC, for receptor checks. */
  readonly companyRfc?: string | undefined
  readonly mapping?: MappingConfig | undefined
  /** The ERP's closed accounting periods, for the mapping's `closedPeriodPolicy` (refuse, or shift the date). */
  readonly closedPeriods?: ReadonlyArray<ClosedPeriod> | undefined
  /**
   * The ERP adapter, or a factory given the run (e.g. NetSuite for `--erp netsuite`). Default: SAP-style CSV
   * (`generic-je-v1`) into `<runDir>/postings`.
   */
  readonly erp?: ErpAdapter | ((context: ErpContext) => ErpAdapter) | undefined
  /** Plan without posting: the ledger gets `planned` rows and the plans go to `<runDir>/plans.json`. */
  readonly dryRun?: boolean | undefined
  /** Concurrency limits per external system: Clara requests (default 4) and ERP calls (default 4). */
  readonly concurrency?: { readonly clara?: number | undefined; readonly erp?: number | undefined } | undefined
  /**
   * Days re-read before the incremental-sync watermark (`lastUpdateDate`); default 3: Clara shows some charges only
   * after Mastercard's reconciliation, up to 2 business days late (clara-api.md §5.4).
   */
  readonly syncOverlapDays?: number | undefined
  /** Mark missing-invoice transactions in Clara (comment, and label when `writeBackLabelUuid`); default off. */
  readonly writeBack?: boolean | undefined
  /** The write-back comment text; default `defaultWriteBackComment`. */
  readonly writeBackComment?: string | undefined
  /** The uuid of a Clara label to bind to missing-invoice transactions. */
  readonly writeBackLabelUuid?: string | undefined
  /** Resume an unfinished run of the same command (default true); false always begins a new run. */
  readonly resume?: boolean | undefined
  /** Documents per `post` call for ERPs that post records (file exports post one batch per run); default 50. */
  readonly postBatchSize?: number | undefined
}

/** The exit code the CLI uses for an interrupted (resumable) run, as shells do for SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130

/** `true` when the job's exit is an interruption only (Ctrl-C): the run was left resumable, exit with 130. */
export const isInterrupted = <A, E>(exit: Exit.Exit<A, E>): boolean =>
  Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)

/** `<UTC timestamp>-<sequence in this store>`, e.g. `20260201T063000Z-0003`: sortable and unique per store. */
const runIdOf = (now: Date, sequence: number): string =>
  `${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${String(sequence).padStart(4, "0")}`

/**
 * SHA-256 of what makes two invocations "the same command": period, tenant, inputs and output folder (resolved
 * paths), the explicit as-of date, company RFC, mapping and closed periods, ERP, dry-run and write-back settings.
 */
export const optionsKey = (options: ReconcileOptions, resolve: (p: string) => string, erpId: string): string =>
  sha256Hex(canonicalJson({
    from: options.from,
    to: options.to,
    tenant: options.tenant ?? "default",
    invoiceDirs: options.invoiceDirs.map(resolve),
    transactionsFile: options.transactionsFile === undefined ? null : resolve(options.transactionsFile),
    outDir: resolve(options.outDir),
    asOf: options.asOf ?? null,
    companyRfc: options.companyRfc ?? null,
    mapping: options.mapping === undefined ? null : sha256Hex(JSON.stringify(options.mapping)),
    // only when given: the key of a command without closed periods stays what earlier versions computed
    ...(options.closedPeriods === undefined || options.closedPeriods.length === 0
      ? {}
      : { closedPeriods: options.closedPeriods.map((p) => [p.start, p.end]) }),
    erp: erpId,
    dryRun: options.dryRun === true,
    writeBack: options.writeBack === true ? [options.writeBackComment ?? null, options.writeBackLabelUuid ?? null] : null
  }))

/** What an export file's sync found besides transactions, kept to replay an unchanged file without parsing it. */
const SyncDetail = Schema.parseJson(Schema.Struct({
  invalid: Schema.Array(ReconciliationException),
  outOfPeriod: Schema.Number
}))
const encodeSyncDetail = Schema.encodeSync(SyncDetail)
const decodeSyncDetail = Schema.decodeUnknownSync(SyncDetail)

/** The run being worked on, shared by the steps. */
interface RunContext {
  readonly run: RunRow
  /** The previous finished run of the same command, whose unchanged work can be reused. */
  readonly previous: Option.Option<RunRow>
  readonly runDir: string
  readonly options: ReconcileOptions
  readonly adapter: ErpAdapter
  /** `PostContext.adapterOfRun`. */
  readonly adapterOfRun: (runId: string) => ErpAdapter
  readonly claraConcurrency: number
  readonly erpConcurrency: number
}

/** Values a step computed in this process, reused by later steps instead of reloading them from the store. */
interface Memo {
  transactions?: { transactions: ReadonlyArray<CardTransaction>; wire: ReadonlyMap<string, TransactionResponseV3> }
  documents?: ReadonlyArray<FiscalDocument>
  links?: ReadonlyArray<MatchLink>
  suggestions?: ReadonlyArray<MatchLink>
  plans?: ReadonlyArray<PlannedPosting>
  /** The match step reused the previous run's links (same inputs). */
  reused?: boolean
  /** The checkpoints committed in this process, as committed (the report reads them instead of decoding them). */
  checkpoints: MemoCheckpoints
  /**
   * The plan step reused the previous plan with every planned document settled (`verified` or `excluded`): its keys
   * and their ledger rows, read once for the post and report steps.
   */
  settled?: { readonly keys: ReadonlyArray<string>; readonly ledger: ReadonlyMap<string, LedgerRow> }
  /** linkId -> JSON of the encoded link or suggestion, as stored by the match step (for `links.json`). */
  linkJson?: ReadonlyMap<string, string>
}

/** The checkpoints a step of this process committed, by step. */
type MemoCheckpoints = { -readonly [S in "sync" | "collect" | "match" | "plan" | "post"]?: Checkpoint<S> }

/** `commitStep`, and the checkpoint kept in `memo` once committed. */
const commitMemo = <S extends "sync" | "collect" | "match" | "plan" | "post", E, R>(
  memo: Memo,
  runId: string,
  step: S,
  checkpoint: Checkpoint<S>,
  writes: Effect.Effect<void, E, R>,
  quickKey?: string | undefined
) =>
  Effect.tap(commitStep(runId, step, checkpoint, writes, quickKey), () => {
    ;(memo.checkpoints as Record<string, unknown>)[step] = checkpoint
  })

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The run's transactions, from this process or the store. */
const runTransactions = (ctx: RunContext, memo: Memo) =>
  memo.transactions !== undefined ? Effect.succeed(memo.transactions) : Effect.gen(function*() {
    const store = yield* ReconStore
    const loaded = decodeStoredTransactions(yield* store.transactionsInPeriod(ctx.run.tenant, ctx.run.from, ctx.run.to))
    memo.transactions = loaded
    return loaded
  })

/**
 * sync: reads the source (the export file, or Clara from the watermark minus the overlap), upserts the changed
 * transactions by uuid and moves the watermark. An export file whose SHA-256 is unchanged since the last sync of the
 * same file is not parsed again.
 */
const syncStep = Effect.fn("Pipeline.sync")(function*(ctx: RunContext, memo: Memo) {
  const store = yield* ReconStore
  const path = yield* Path.Path
  const { from, tenant, to } = ctx.run
  const file = ctx.options.transactionsFile
  const scope = file === undefined ? `clara:${from}..${to}` : `file:${path.resolve(file)}:${from}..${to}`
  const previous = yield* store.syncState(tenant, scope)
  // the file's bytes are hashed first: an unchanged file is never decoded nor parsed
  const bytes = file === undefined ? undefined : yield* readTransactionsBytes(file)
  const sourceHash = bytes === undefined ? undefined : sha256Hex(bytes)
  const previousDetail = Option.flatMap(previous, (p) => Option.fromNullable(p.detailJson))
  if (sourceHash !== undefined && Option.isSome(previous) && previous.value.sourceHash === sourceHash && Option.isSome(previousDetail)) {
    const detail = decodeSyncDetail(previousDetail.value)
    yield* Effect.annotateCurrentSpan({ unchanged: true })
    yield* commitMemo(memo, ctx.run.runId, "sync", { ...detail, fetched: 0, changed: 0 }, Effect.void)
    return
  }
  const watermark = Option.flatMap(previous, (p) => Option.fromNullable(p.watermark))
  const updatedSince = Option.map(watermark, (w) => addDays(w.slice(0, 10), -(ctx.options.syncOverlapDays ?? 3)))
  const records = bytes === undefined
    ? yield* pullTransactions({ from, to }, Option.getOrUndefined(updatedSince))
    : yield* parseTransactionsExport(file!, new TextDecoder().decode(bytes))
  const synced = acceptTransactions(records, { from, to })
  // Clara: an incremental sync does not fetch an unchanged bad record again: its exception stands until Clara
  // changes the record
  const standing = bytes !== undefined || Option.isNone(previousDetail)
    ? []
    : invalidStillStanding(decodeSyncDetail(previousDetail.value).invalid, records)
  const invalid = [...synced.invalid, ...standing]
  const known = yield* store.transactionHashes(tenant, from, to)
  const rows: Array<TransactionRow> = []
  let newWatermark = Option.getOrUndefined(watermark)
  for (const tx of synced.transactions) {
    // TransactionResponseV3 has no transformations: the decoded record is its own encoding.
    const json = JSON.stringify(synced.wire.get(tx.uuid)!)
    const contentHash = sha256Hex(json)
    if (tx.lastUpdateDate !== undefined && (newWatermark === undefined || tx.lastUpdateDate > newWatermark)) {
      newWatermark = tx.lastUpdateDate
    }
    if (known.get(tx.uuid) === contentHash) continue
    rows.push({ uuid: tx.uuid, tenant, operationDate: tx.operationDate, lastUpdateDate: tx.lastUpdateDate, contentHash, json })
  }
  yield* Effect.annotateCurrentSpan({ fetched: records.length, changed: rows.length, invalid: invalid.length })
  if (synced.outOfPeriod > 0) yield* Effect.logInfo(`${synced.outOfPeriod} transactions fall outside ${from} .. ${to}`)
  const now = yield* nowIso
  yield* commitMemo(memo, ctx.run.runId, "sync", {
    invalid,
    outOfPeriod: synced.outOfPeriod,
    fetched: records.length,
    changed: rows.length
  }, Effect.zipRight(
    store.upsertTransactions(ctx.run.runId, rows),
    store.saveSyncState({
      tenant,
      scope,
      watermark: newWatermark,
      sourceHash,
      detailJson: encodeSyncDetail({ invalid, outOfPeriod: synced.outOfPeriod })
    }, now)
  ))
  if (known.size === 0 && rows.length === synced.transactions.length) {
    memo.transactions = { transactions: synced.transactions, wire: synced.wire }
  }
})


/** The inputs key of a step of the previous finished run of the same command, if it has one. */
const previousInputsKey = (ctx: RunContext, step: "collect" | "match") =>
  Option.match(ctx.previous, {
    onNone: () => Effect.succeed(Option.none<string>()),
    onSome: (previous) => stepInputsKey(previous.runId, step)
  })

/**
 * The checkpoint row of a step of the previous finished run of the same command (see `resolvedStep`), with its JSON
 * only when `checkpoint` is true.
 */
const previousStep = (ctx: RunContext, step: "collect" | "match" | "plan", checkpoint: boolean) =>
  Option.match(ctx.previous, {
    onNone: () => Effect.succeed(Option.none<StepRow>()),
    onSome: (previous) => resolvedStep(previous.runId, step, { checkpoint })
  })

const DocumentIdsPart = Schema.Struct({ documentIds: Schema.Array(Schema.String) })
const PlanKeysPart = Schema.Struct({ keys: Schema.Array(Schema.String) })

/** The ids of the run's documents, from its collect checkpoint (none before the step is done). */
const runDocumentIds = (runId: string) =>
  Effect.map(
    loadCheckpointPart(runId, "collect", DocumentIdsPart),
    Option.match({ onNone: (): ReadonlyArray<string> => [], onSome: (c) => c.documentIds })
  )

/**
 * Begins the collect step's folder part (`beginFolderRead`), before the sync step: the worker threads read and parse
 * the CFDI files while this thread syncs the transactions. Unchanged files since the previous run of the same command
 * are found here and not read. No store write: a run killed meanwhile resumes as if it had not begun.
 */
const beginCollect = Effect.fn("Pipeline.beginCollect")(function*(ctx: RunContext) {
  const previousKey = Option.getOrUndefined(yield* previousInputsKey(ctx, "collect")) || undefined
  const previousScanKey = Option.isNone(ctx.previous)
    ? undefined
    : Option.getOrUndefined(yield* stepQuickKey(ctx.previous.value.runId, "collect"))
  return yield* beginFolderRead({
    invoiceDirs: ctx.options.invoiceDirs,
    previousInputsKey: previousKey,
    previousScanKey
  })
})

/**
 * collect: fetches, parses (once per content hash) and dedupes the documents; stores the changed ones. When every
 * file is unchanged since the previous run of the same command (and no Clara document is involved), that run's
 * collection is reused as is. `folders` is the folder part begun by `beginCollect`.
 */
const collectStep = Effect.fn("Pipeline.collect")(function*(ctx: RunContext, memo: Memo, folders: FolderRead) {
  const store = yield* ReconStore
  // Clara's documents of the transactions are fetched when a Clara client is present
  const clara = yield* Effect.serviceOption(ClaraClient)
  const { wire } = Option.isNone(clara) ? { wire: new Map() } : yield* runTransactions(ctx, memo)
  const collected = yield* collectDocuments({ wire, folders, claraConcurrency: ctx.claraConcurrency })
  const previous = collected._tag === "Unchanged" ? yield* previousStep(ctx, "collect", false) : Option.none()
  if (collected._tag === "Unchanged" && Option.isSome(previous)) {
    // the previous run's collection holds for the same files: its document ids and exceptions are shared
    yield* Effect.annotateCurrentSpan({ unchanged: true })
    yield* commitStepSameAs(ctx.run.runId, "collect", previous.value, Effect.void, collected.scanKey)
    return
  }
  if (collected._tag === "Unchanged") return yield* Effect.die(new Error("unreachable: unchanged without a previous run"))
  // the CFDIs of MSI plans whose earlier instalments earlier runs posted, for this period's later instalments
  const carried = yield* openPlanDocuments({
    tenant: ctx.run.tenant,
    from: ctx.run.from,
    transactions: (yield* runTransactions(ctx, memo)).transactions,
    present: new Set(collected.documents.map((d) => d.id))
  })
  const documents = carried.length === 0 ? collected.documents : [...collected.documents, ...carried]
  const rows = documents.map((d) => {
    const json = collected.writes.encoded.get(d) ?? fiscalDocumentJson(d)
    return { documentId: d.id, contentHash: sha256Hex(json), json }
  })
  const known = yield* store.documentHashes(rows.map((r) => r.documentId))
  const changed = rows.filter((r) => known.get(r.documentId) !== r.contentHash)
  yield* Effect.annotateCurrentSpan({
    documents: rows.length,
    changed: changed.length,
    files: collected.files,
    parsed: collected.parsed,
    carried: carried.length
  })
  yield* commitMemo(memo, ctx.run.runId, "collect", {
    inputsKey: collected.inputsKey,
    documentIds: rows.map((r) => r.documentId),
    exceptions: collected.exceptions,
    files: collected.files
  }, Effect.all([
    store.upsertDocuments(changed),
    store.cacheCfdi([...collected.writes.cache.entries()].map(([sha256, json]) => ({ sha256, json }))),
    store.saveFileIndex(collected.writes.fileIndex)
  ], { discard: true }), collected.scanKey)
  memo.documents = documents
})

/** The run's documents, from this process or the store. */
const runDocuments = (ctx: RunContext, memo: Memo) =>
  memo.documents !== undefined ? Effect.succeed(memo.documents) : Effect.gen(function*() {
    const documents = yield* storedDocuments(yield* runDocumentIds(ctx.run.runId))
    memo.documents = documents
    return documents
  })

/**
 * SHA-256 of what the matcher sees: transaction and document digests, decisions, as-of date, company RFC and the
 * engine version (another engine may decide otherwise on the same inputs).
 */
const matchInputsKey = (ctx: RunContext) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const txs = yield* store.transactionHashes(ctx.run.tenant, ctx.run.from, ctx.run.to)
    const ids = yield* runDocumentIds(ctx.run.runId)
    const docs = yield* store.documentHashes(ids)
    const decisions = yield* store.linkDecisions
    const hash = createHash("sha256")
    for (const uuid of [...txs.keys()].sort()) hash.update(`t\t${uuid}\t${txs.get(uuid)}\n`)
    for (const id of ids) hash.update(`d\t${id}\t${docs.get(id) ?? ""}\n`)
    for (const d of decisions) {
      hash.update(`x\t${d.linkId}\t${d.decision}\t${d.transactionUuid}\t${d.documentId}\t`)
      hash.update(`${d.decidedAt}\t${d.decidedBy}\n`)
    }
    hash.update(`a\t${ctx.run.asOf}\t${ctx.options.companyRfc ?? ""}\t${engineVersion}\n`)
    return hash.digest("hex")
  })

/**
 * A key of the matcher's inputs that is cheap to compute: the store's revisions (every write that changes a stored
 * transaction or document, or a link decision, moves one), the run holding the collection whose documents the run
 * uses and its inputs key, tenant, period, as-of date, company RFC and engine version. Equal keys mean equal
 * `matchInputsKey`s.
 */
const matchQuickKey = (ctx: RunContext) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const revisions = yield* store.revisions
    const collect = Option.getOrUndefined(yield* store.step(ctx.run.runId, "collect", { checkpoint: false }))
    return sha256Hex(JSON.stringify([
      revisions.get("transactions") ?? 0,
      revisions.get("documents") ?? 0,
      revisions.get("decisions") ?? 0,
      collect?.sameAs ?? ctx.run.runId,
      collect?.inputsKey ?? "",
      ctx.run.tenant,
      ctx.run.from,
      ctx.run.to,
      ctx.run.asOf,
      ctx.options.companyRfc ?? "",
      engineVersion
    ]))
  })

/**
 * match: the matcher over the run's transactions and documents, with the aliases people confirmed. When the inputs
 * are those of the previous run of the same command, its links and exceptions are reused: the step names the run
 * holding them (`sameAs`), so neither the checkpoint nor the links are copied.
 */
const matchStep = Effect.fn("Pipeline.match")(function*(ctx: RunContext, memo: Memo) {
  const store = yield* ReconStore
  const quickKey = yield* matchQuickKey(ctx)
  const previousQuickKey = Option.isNone(ctx.previous)
    ? Option.none<string>()
    : yield* stepQuickKey(ctx.previous.value.runId, "match")
  // nothing the matcher reads was written since the previous run: no need to hash its inputs
  const inputsKey = Option.contains(previousQuickKey, quickKey) ? undefined : yield* matchInputsKey(ctx)
  const previousKey = yield* previousInputsKey(ctx, "match")
  const same = inputsKey === undefined || Option.contains(previousKey, inputsKey)
  const previous = same ? yield* previousStep(ctx, "match", false) : Option.none()
  if (Option.isSome(previous)) {
    yield* Effect.annotateCurrentSpan({ unchanged: true, quick: inputsKey === undefined })
    yield* commitStepSameAs(ctx.run.runId, "match", previous.value, Effect.void, quickKey)
    memo.reused = true
    return
  }
  const matchKey = inputsKey ?? (yield* matchInputsKey(ctx))
  const { transactions } = yield* runTransactions(ctx, memo)
  const documents = yield* runDocuments(ctx, memo)
  const decisions = yield* storedDecisions
  const aliases = aliasMap(yield* learnedAliases(ctx.run.asOf))
  const previousLinks = Option.isNone(ctx.previous) ? [] : (yield* store.links(ctx.previous.value.runId))
    .filter((l) => l.kind === "link" && l.decision === "AUTO_LINKED")
    .map((l) => ({ transactionUuid: l.transactionUuid, documentId: l.documentId, points: Number(JSON.parse(l.json).points) }))
  // the payment complements among the documents (CFDI type P), for the PPD check
  const paymentComplements = documents.flatMap((d) =>
    d.paidDocuments === undefined ? [] : [{ uuid: d.id, relatedDocuments: d.paidDocuments }]
  )
  const input: MatchInput = {
    transactions,
    documents,
    asOf: ctx.run.asOf,
    ...(ctx.options.companyRfc ? { companyRfc: ctx.options.companyRfc } : {}),
    ...(aliases.size > 0 ? { aliases } : {}),
    // every decision with its time: of a confirmation and a rejection of one pair, the later stands
    ...(decisions.length > 0 ? { pinned: decisions } : {}),
    ...(previousLinks.length > 0 ? { previous: previousLinks } : {}),
    ...(paymentComplements.length > 0 ? { paymentComplements } : {})
  }
  const result = yield* Effect.sync(() => match(input))
  yield* Effect.annotateCurrentSpan({ links: result.links.length, suggestions: result.suggestions.length })
  const linkJson = new Map<string, string>()
  const row = (kind: "link" | "suggestion") => (l: MatchLink) => {
    // the encoded fields in schema order (a record's keys as the matcher wrote them): the same string the report
    // writes to links.json and renders from the store, so every path gives the same files
    const json = matchLinkJson(l)
    linkJson.set(l.linkId, json)
    return { ...linkRow(l), kind, json }
  }
  const exceptionUuids = [...result.dispositions.entries()].filter(([, d]) => d === "EXCEPTION").map(([uuid]) => uuid).sort()
  yield* commitMemo(memo, ctx.run.runId, "match", {
    inputsKey: matchKey,
    exceptions: result.exceptions,
    exceptionUuids,
    engine: result.engine
  }, store.saveLinks(ctx.run.runId, [
    ...result.links.map(row("link")),
    ...result.suggestions.map(row("suggestion"))
  ]), quickKey)
  memo.links = result.links
  memo.suggestions = result.suggestions
  memo.linkJson = linkJson
})

const linkRow = (l: MatchLink) => ({
  linkId: l.linkId,
  transactionUuid: l.transactionUuid,
  documentId: l.documentId,
  decision: l.decision
})

/** The run's links (not suggestions), from this process or the store. */
const runLinks = (ctx: RunContext, memo: Memo) =>
  memo.links !== undefined ? Effect.succeed(memo.links) : Effect.gen(function*() {
    const store = yield* ReconStore
    const decode = Schema.decodeUnknownSync(MatchLinkSchema)
    const links = (yield* store.links(ctx.run.runId)).filter((r) => r.kind === "link").map((r) => decode(JSON.parse(r.json)))
    memo.links = links
    return links
  })

const postContext = (ctx: RunContext, memo: Memo) =>
  Effect.gen(function*() {
    const { transactions } = yield* runTransactions(ctx, memo)
    const documents = yield* runDocuments(ctx, memo)
    const links = yield* runLinks(ctx, memo)
    const byUuid = new Map(transactions.map((t) => [t.uuid, t]))
    const earlierCharges = yield* earlierInstalments(links, byUuid)
    const postCtx: PostContext = {
      runId: ctx.run.runId,
      runDir: ctx.runDir,
      tenant: ctx.run.tenant,
      runDate: ctx.run.asOf,
      links,
      transactions: byUuid,
      documents: new Map(documents.map((d) => [d.id, d])),
      mapping: ctx.options.mapping,
      closedPeriods: ctx.options.closedPeriods ?? [],
      ...(ctx.options.companyRfc ? { companyRfc: ctx.options.companyRfc } : {}),
      adapter: ctx.adapter,
      adapterOfRun: ctx.adapterOfRun,
      erpConcurrency: ctx.erpConcurrency,
      batchSize: ctx.options.postBatchSize ?? 50,
      ...(earlierCharges.size > 0 ? { earlierCharges } : {})
    }
    return postCtx
  })

/** The plan checkpoint's parts its reuse needs: the keys planned, and the POSTED_LINK_CHANGED postings' keys. */
const PlanReusePart = Schema.Struct({
  keys: Schema.Array(Schema.String),
  postedLinkChanged: Schema.optionalWith(Schema.Array(Schema.Struct({ location: Schema.optional(Schema.String) })), {
    default: () => []
  })
})

/**
 * plan: dry-runs every posting; the ledger gets `planned` rows (the dry-run plans also go to `plans.json`). Postings
 * earlier runs booked for charges this run links to nothing or to another document are reported (POSTED_LINK_CHANGED),
 * never undone here.
 */
const planStep = Effect.fn("Pipeline.plan")(function*(ctx: RunContext, memo: Memo) {
  const store = yield* ReconStore
  const settledStates = new Set(["verified", "excluded"])
  if (memo.reused === true && ctx.options.dryRun !== true) {
    const previous = yield* previousStep(ctx, "plan", true)
    const keys = Option.isNone(previous) ? undefined : yield* Effect.mapError(
      Schema.decodeUnknown(Schema.parseJson(PlanReusePart))(previous.value.checkpointJson),
      (cause) => new StoreError({ operation: "loadCheckpoint", message: `state store: checkpoint plan: ${cause.message}` })
    )
    if (Option.isSome(previous) && keys !== undefined) {
      const ledger = yield* store.ledger(keys.keys)
      const allSettled = keys.keys.every((k) => settledStates.has(ledger.get(k)?.state ?? ""))
      // the links are the previous run's: its POSTED_LINK_CHANGED postings still hold unless a person has marked one
      // handled since
      const changedKeys = keys.postedLinkChanged.flatMap((e) => e.location === undefined ? [] : [e.location])
      const changed = yield* store.ledger(changedKeys)
      const stillBooked = changedKeys.every((k) => inErp(changed.get(k)?.state ?? ""))
      if (allSettled && stillBooked) {
        memo.settled = { keys: keys.keys, ledger }
        yield* Effect.annotateCurrentSpan({ unchanged: true })
        yield* commitStepSameAs(ctx.run.runId, "plan", previous.value, Effect.void)
        return
      }
    }
  }
  const postCtx = yield* postContext(ctx, memo)
  const planned = planPostings(postCtx)
  const documentIds = planned.plans.flatMap((p) => [p.link.documentId, ...p.link.explanation.members.cfdis])
  const { held, plans } = holdDocumentsBookedElsewhere(
    planned.plans,
    postCtx.links,
    yield* store.ledgerOfDocuments([...new Set(documentIds)]),
    postCtx.transactions
  )
  // every planned charge's own booked journal, the held ones' too: a change of document is still reported
  const ledger = yield* store.ledger(planned.plans.map((p) => p.planned.externalKey))
  const rows = plannedLedgerRows(postCtx, plans, ledger)
  const refused = bookedRefusals(
    planned.exceptions,
    yield* store.ledgerOfTransactions(planned.exceptions.flatMap((e) => e.transactionUuid ?? [])),
    postCtx.transactions
  )
  const exceptions = [...refused.refusals, ...held]
  const linkChanges = [
    ...postedLinkChanges(
      planned.plans,
      ledger,
      yield* unlinkedPostings(postCtx.links, postCtx.transactions),
      postCtx.transactions
    ),
    ...refused.changed
  ].sort((a, b) => (a.location ?? "").localeCompare(b.location ?? ""))
  if (ctx.options.dryRun === true) yield* writePlansFile(postCtx, plans)
  memo.plans = plans
  yield* Effect.annotateCurrentSpan({
    planned: plans.length,
    refused: exceptions.length,
    new: rows.length,
    postedLinkChanged: linkChanges.length
  })
  const now = yield* nowIso
  yield* commitMemo(memo, ctx.run.runId, "plan", {
    keys: [...plans.map((p) => p.planned.externalKey), ...refused.booked],
    exceptions,
    postedLinkChanged: linkChanges
  }, store.writeLedger(rows, now))
})

/** post: posts the planned documents through the adapter and verifies them (skipped on a dry run). */
const postStep = Effect.fn("Pipeline.post")(function*(ctx: RunContext, memo: Memo) {
  if (ctx.options.dryRun === true) {
    yield* commitMemo(memo, ctx.run.runId, "post", { exceptions: [], dryRun: true }, Effect.void)
    return
  }
  if (memo.settled !== undefined) {
    // the plan step found every planned document settled in the ledger: nothing of this run is open
    yield* commitMemo(memo, ctx.run.runId, "post", { exceptions: [], dryRun: false }, Effect.void)
    return
  }
  const store = yield* ReconStore
  const plan = yield* loadCheckpointPart(ctx.run.runId, "plan", PlanKeysPart)
  const keys = new Set(Option.match(plan, { onNone: (): ReadonlyArray<string> => [], onSome: (p) => p.keys }))
  const ledger = yield* store.ledger([...keys])
  const open = new Set(["planned", "posting", "posted_unverified", "failed"])
  // open rows of this run, or postings an earlier run could not confirm or found differing (read back by this one)
  if (![...ledger.values()].some((r) => (r.runId === ctx.run.runId && open.has(r.state)) || awaitsReadBack(r))) {
    yield* commitMemo(memo, ctx.run.runId, "post", { exceptions: [], dryRun: false }, Effect.void)
    return
  }
  const postCtx = yield* postContext(ctx, memo)
  const plans = memo.plans ?? planPostings(postCtx).plans
  const exceptions = yield* postPlanned(postCtx, plans.filter((p) => keys.has(p.planned.externalKey)))
  yield* Effect.annotateCurrentSpan({ failed: exceptions.length })
  yield* commitMemo(memo, ctx.run.runId, "post", { exceptions, dryRun: false }, Effect.void)
})

/**
 * writeBack: comments (and labels) the missing-invoice transactions in Clara, once each, and takes the comment back
 * from those linked since.
 */
const writeBackStep = Effect.fn("Pipeline.writeBack")(function*(ctx: RunContext) {
  const matched = yield* loadCheckpoint(ctx.run.runId, "match")
  const exceptions = Option.match(matched, { onNone: () => [], onSome: (m) => m.exceptions })
  const store = yield* ReconStore
  const linked = (yield* store.links(ctx.run.runId)).filter((l) => l.kind === "link").map((l) => l.transactionUuid)
  const sent = yield* writeBackMissing(ctx.run.runId, exceptions, [...new Set(linked)], {
    comment: ctx.options.writeBackComment ?? defaultWriteBackComment,
    labelUuid: ctx.options.writeBackLabelUuid,
    concurrency: ctx.claraConcurrency
  })
  yield* commitStep(ctx.run.runId, "writeBack", sent, Effect.void)
})

/**
 * Renders the reports of a run from the store into `<outDir>/<runId>` and points `<outDir>/latest` at it; returns
 * the run, its summary, the folder and the files written (relative to it). Fails with `StoreError` or `OutputError`.
 */
const renderRun = (run: RunRow, outDir: string, memo: Memo = { checkpoints: {} }) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const runDir = path.join(outDir, run.runId)
    const result = yield* loadRun(run, {
      ...(memo.transactions ? { transactions: memo.transactions.transactions } : {}),
      ...(memo.documents ? { documents: memo.documents } : {}),
      ...(memo.links && memo.suggestions ? { links: memo.links, suggestions: memo.suggestions } : {}),
      checkpoints: memo.checkpoints
    })
    const summary = summarize(result)
    const linkJson = memo.linkJson
    const files = yield* writeReports(runDir, result, summary, linkJson && ((link) => linkJson.get(link.linkId)))
    yield* replaceSymlink(run.runId, path.join(outDir, "latest"))
    return { run: result, summary, runDir, files }
  })

const ExceptionCountPart = Schema.Struct({ exceptions: Schema.Array(Schema.Unknown) })
const PlanPart = Schema.Struct({ keys: Schema.Array(Schema.String), exceptions: Schema.Array(Schema.Unknown) })

/**
 * The reports of the previous run of the same command carried over (`reuseReports`) when their report key is this
 * run's: the summary is the previous one with this run's id and posting counts. None when they cannot be reused.
 */
const carryOverReports = (ctx: RunContext, memo: Memo, reportKey: string) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const previous = Option.getOrUndefined(ctx.previous)
    if (previous === undefined || previous.summaryJson === undefined) return Option.none()
    const plan = yield* loadCheckpointPart(ctx.run.runId, "plan", PlanPart)
    const post = yield* loadCheckpointPart(ctx.run.runId, "post", ExceptionCountPart)
    if (Option.isNone(plan)) return Option.none()
    const failed = plan.value.exceptions.length + Option.match(post, { onNone: () => 0, onSome: (p) => p.exceptions.length })
    const postings = yield* postingOutcome(ctx.run.runId, plan.value.keys, failed, memo.settled?.ledger)
    const summary: Summary = { ...(JSON.parse(previous.summaryJson) as Summary), runId: ctx.run.runId, postings }
    const files = yield* reuseReports({
      previous,
      previousDir: path.join(ctx.options.outDir, previous.runId),
      run: ctx.run,
      runDir: ctx.runDir,
      reportKey,
      summary
    })
    return Option.map(files, (written) => ({ summary, files: written }))
  })

/** What `reconcile` produced: the run id, its summary, the folder of its outputs. */
export interface ReconcileOutcome {
  readonly runId: string
  readonly summary: Summary
  /** `<outDir>/<runId>`. */
  readonly runDir: string
  /**
   * `true` when nothing the reports show changed since the previous run of the same command, so its report files
   * were carried over (only the run id and posting counts differ) instead of rendered again.
   */
  readonly reportsReused: boolean
}

/**
 * report: the report files of the run, carried over from the previous run of the same command when nothing they
 * show changed (same report key, files as written), else rendered from the store (and this process's values). The
 * report checkpoint (key, file stamps) and the run's end are committed together.
 */
const reportStep = Effect.fn("Pipeline.report")(function*(ctx: RunContext, memo: Memo) {
  const store = yield* ReconStore
  const path = yield* Path.Path
  const reportKey = yield* reportKeyOf(ctx.run)
  const carried = reportKey === undefined ? Option.none() : yield* carryOverReports(ctx, memo, reportKey)
  const rendered = Option.isSome(carried)
    ? { summary: carried.value.summary, files: carried.value.files }
    : yield* Effect.flatMap(renderRun(ctx.run, ctx.options.outDir, memo), (r) =>
      Effect.map(reportFileStamps(r.runDir, r.files), (files) => ({ summary: r.summary, files })))
  if (Option.isSome(carried)) yield* replaceSymlink(ctx.run.runId, path.join(ctx.options.outDir, "latest"))
  yield* Effect.annotateCurrentSpan({ reused: Option.isSome(carried) })
  const finishedAt = yield* nowIso
  yield* commitStep(
    ctx.run.runId,
    "report",
    { ...(reportKey === undefined ? {} : { reportKey }), files: rendered.files },
    store.finishRun(ctx.run.runId, finishedAt, JSON.stringify(rendered.summary))
  )
  const outcome: ReconcileOutcome = {
    runId: ctx.run.runId,
    summary: rendered.summary,
    runDir: ctx.runDir,
    reportsReused: Option.isSome(carried)
  }
  return outcome
})

/**
 * The `RunResult` of a run rebuilt from the store (`loadRun`): its transactions, documents, links and exceptions,
 * e.g. to evaluate a run against a ground truth after `reconcile`. Fails with `StoreError` when the run is unknown
 * or a checkpoint is missing.
 */
export const loadRunResult = Effect.fn("Pipeline.loadRunResult")(function*(runId: string) {
  const store = yield* ReconStore
  const run = yield* store.getRun(runId)
  if (Option.isNone(run)) return yield* new StoreError({ operation: "loadRunResult", message: `no run ${runId} in the store` })
  return yield* loadRun(run.value)
})

/**
 * Re-renders the reports of a finished run (the most recent one without `runId`) from the store alone, into
 * `<outDir>/<runId>` (for `clara-recon report`). Fails with `StoreError` when the run is unknown or unfinished.
 */
export const renderReport = Effect.fn("Pipeline.renderReport")(function*(options: {
  readonly outDir: string
  readonly runId?: string | undefined
}) {
  const store = yield* ReconStore
  const run = yield* store.getRun(options.runId)
  if (Option.isNone(run)) {
    return yield* new StoreError({
      operation: "renderReport",
      message: options.runId === undefined ? "no finished run in the store" : `no run ${options.runId} in the store`
    })
  }
  if (run.value.finishedAt === undefined) {
    return yield* new StoreError({
      operation: "renderReport",
      message: `run ${run.value.runId} is unfinished: run the same reconcile command again to resume it`
    })
  }
  const { files: _files, ...rendered } = yield* renderRun(run.value, options.outDir)
  return rendered
})

/**
 * Runs the whole job, or resumes the unfinished run of the same command, and returns what it produced (the run's
 * `RunResult` is `loadRunResult(runId)`); outputs are written under `<outDir>/<runId>`. On interruption the write in
 * flight finishes and the run stays resumable (see `isInterrupted`). The first run given a `companyRfc` binds the
 * store's tenant to that company; a later run for another fails with `CompanyMismatchError` before it reads or
 * writes anything, so no company's report or postings ever include another's transactions. One job at a time per
 * tenant (`withJobLock`): another job running on the store fails this one with `JobRunningError` before it starts.
 */
export const reconcile = Effect.fn("ReconcileJob.reconcile")(function*(options: ReconcileOptions) {
  return yield* withJobLock(options.tenant ?? "default", runOrResume(options))
}, (effect) =>
  Effect.onInterrupt(effect, () =>
    Effect.logWarning("interrupted: the run is left unfinished; run the same command again to resume it")))

const runOrResume = Effect.fnUntraced(function*(options: ReconcileOptions) {
  const store = yield* ReconStore
  const path = yield* Path.Path
  const tenant = options.tenant ?? "default"
  const erpId = options.erp === undefined ? "sap-csv" : typeof options.erp === "function" ? "custom" : options.erp.manifest.id
  const key = optionsKey(options, (p) => path.resolve(p), erpId)
  // one store per company: a run for another company than the one the tenant is bound to is refused
  const companyRfc = options.companyRfc?.trim().toUpperCase()
  if (companyRfc !== undefined && companyRfc !== "") {
    const bound = yield* store.companyOf(tenant)
    if (Option.isSome(bound) && bound.value !== companyRfc) {
      return yield* new CompanyMismatchError({ tenant, bound: bound.value, companyRfc })
    }
    if (Option.isNone(bound)) {
      yield* store.bindCompany(tenant, companyRfc, new Date(yield* Clock.currentTimeMillis).toISOString())
    }
  }
  const resumable = options.resume === false ? Option.none<RunRow>() : yield* store.unfinishedRun(key)
  const run: RunRow = yield* Option.match(resumable, {
    onSome: (r) => Effect.as(Effect.logInfo(`resuming run ${r.runId}`), r),
    onNone: () =>
      Effect.gen(function*() {
        const now = new Date(yield* Clock.currentTimeMillis)
        const fresh: RunRow = {
          runId: runIdOf(now, (yield* store.runCount) + 1),
          tenant,
          startedAt: now.toISOString(),
          finishedAt: undefined,
          from: options.from,
          to: options.to,
          asOf: options.asOf ?? mexicoCityDate(now.getTime()),
          optionsKey: key,
          summaryJson: undefined
        }
        yield* store.beginRun(fresh).pipe(Effect.uninterruptible)
        yield* Effect.logInfo(`run ${fresh.runId}: ${options.from} .. ${options.to}`)
        return fresh
      })
  })
  const runDir = path.join(options.outDir, run.runId)
  const postingsDir = path.join(runDir, "postings")
  /** The adapter posting for run `runId` (a file export writes into that run's folder). */
  const adapterFor = (runId: string): ErpAdapter => {
    const dir = path.join(options.outDir, runId)
    const postings = path.join(dir, "postings")
    return options.erp === undefined
      ? defaultSapCsvAdapter({ tenant, postingsDir: postings })
      : typeof options.erp === "function"
      ? options.erp({ runId, runDir: dir, tenant, postingsDir: postings })
      : options.erp
  }
  const adapter = adapterFor(run.runId)
  const earlierAdapters = new Map<string, ErpAdapter>([[run.runId, adapter]])
  const ctx: RunContext = {
    run,
    previous: yield* store.finishedRun(key),
    runDir,
    options,
    adapter,
    adapterOfRun: (runId) => {
      const known = earlierAdapters.get(runId)
      if (known !== undefined) return known
      const made = adapterFor(runId)
      earlierAdapters.set(runId, made)
      return made
    },
    claraConcurrency: Math.max(1, options.concurrency?.clara ?? 4),
    erpConcurrency: Math.max(1, options.concurrency?.erp ?? 4)
  }
  yield* makeDirectory(postingsDir)
  const memo: Memo = { checkpoints: {} }
  const done = yield* store.steps(run.runId)
  const progress = yield* Progress
  const step = <E, R>(name: "sync" | "collect" | "match" | "plan" | "post" | "writeBack", effect: Effect.Effect<void, E, R>) =>
    done.has(name)
      ? Effect.logDebug(`step ${name} of ${run.runId} already done`).pipe(
        Effect.tap(() => progress.finish(name, true))
      )
      : Effect.timed(Effect.zipRight(Effect.sync(() => progress.start(name)), effect)).pipe(
        Effect.tap(([duration]) => {
          progress.finish(name, false)
          return Effect.logDebug(`step ${name} of ${run.runId} done in ${Duration.toMillis(duration)} ms`)
        })
      )
  yield* Effect.scoped(Effect.gen(function*() {
    // the CFDI folders are read on worker threads while the transactions are synced
    const folders = done.has("collect") ? undefined : yield* beginCollect(ctx)
    yield* step("sync", syncStep(ctx, memo))
    yield* step("collect", folders === undefined ? Effect.void : collectStep(ctx, memo, folders))
  }))
  // the wire records only served the collection (Clara documents): let them go before the matcher's heavy work
  if (memo.transactions !== undefined) memo.transactions = { transactions: memo.transactions.transactions, wire: new Map() }
  yield* step("match", matchStep(ctx, memo))
  yield* step("plan", planStep(ctx, memo))
  yield* step("post", postStep(ctx, memo))
  if (options.writeBack === true) yield* step("writeBack", writeBackStep(ctx))
  progress.start("report")
  const reported = yield* reportStep(ctx, memo)
  progress.finish("report", false)
  return reported
})

const makeDirectory = (dir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystemTag
    yield* fs.makeDirectory(dir, { recursive: true }).pipe(
      Effect.mapError((cause) => new OutputError({ path: dir, message: `cannot create ${dir}: ${cause.message}` }))
    )
  })

export type { RunResult }
