/**
 * The durable state of the reconciliation job, one repository interface for every backend (a SQLite file by
 * default, PostgreSQL for shared deployments; see `StoreLayer.ts`): runs and their step checkpoints, synced
 * transactions with the incremental-sync watermark, the CFDI parse cache (by content hash) and file index, the
 * documents and links of each run, people's link decisions, the posting ledger (one row per externalKey with its
 * `DocumentState`, erp.md §5.1) and the Clara write-backs already sent.
 *
 * Every operation fails only with `StoreError`. Instants are ISO-8601 UTC strings; dates are civil dates
 * `yyyy-MM-dd` (America/Mexico_City).
 */
import type { DocumentState } from "@clara-recon/erp"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { StoreError, UnknownLinkError } from "./PipelineError.js"

/** Which SQL backend holds the store. */
export type StoreDialect = "sqlite" | "pg"

/** One run. `finishedAt` is undefined while the run is unfinished (running, interrupted or crashed). */
export interface RunRow {
  readonly runId: string
  readonly tenant: string
  readonly startedAt: string
  readonly finishedAt: string | undefined
  readonly from: string
  readonly to: string
  /** The civil date used for ages and grace periods, fixed when the run began so a resume computes the same. */
  readonly asOf: string
  /** SHA-256 of the options that identify "the same command" (see `ReconcileJob.optionsKey`). */
  readonly optionsKey: string
  /** The summary JSON once finished. */
  readonly summaryJson: string | undefined
}

/** The steps of a run, in order. */
export type StepName = "sync" | "collect" | "match" | "plan" | "post" | "writeBack" | "report"

/** A step's checkpoint: written in the same transaction as the step's durable writes. */
export interface StepRow {
  readonly runId: string
  readonly step: StepName
  readonly state: "done"
  /**
   * JSON the step needs to be replayed from the store (exceptions it found, counts, ids); empty when `sameAs` is set.
   */
  readonly checkpointJson: string
  readonly updatedAt: string
  /** The step's inputs key (collect, match), the same as in its checkpoint, readable without decoding it. */
  readonly inputsKey?: string | undefined
  /**
   * Set when the step reused the same step of an earlier run (same inputs): that run's id, whose checkpoint (and, for
   * `match`, links and suggestions) this run shares. It always names a run holding the checkpoint itself.
   */
  readonly sameAs?: string | undefined
  /**
   * A key of the step's inputs that is cheap to compute (collect: the files' paths and stamps; match: the store's
   * revisions and the collection it used), compared before the full inputs key.
   */
  readonly quickKey?: string | undefined
}

/**
 * What a store revision counts: writes that changed stored transactions, documents, or link decisions. Each counter
 * only grows; equal counters mean no such write happened in between.
 */
export type RevisionName = "transactions" | "documents" | "decisions"

/** A transaction to upsert: the encoded wire JSON and its content hash (SHA-256 of that JSON). */
export interface TransactionRow {
  readonly uuid: string
  readonly tenant: string
  readonly operationDate: string
  /** Clara's `lastUpdateDate` (ISO-8601), when it has one. */
  readonly lastUpdateDate: string | undefined
  readonly contentHash: string
  readonly json: string
}

/** Incremental-sync state of one tenant and scope (a period or an export file). */
export interface SyncStateRow {
  readonly tenant: string
  readonly scope: string
  /** The greatest `lastUpdateDate` seen (ISO-8601), or undefined. */
  readonly watermark: string | undefined
  /** SHA-256 of the last export file read for this scope, when the source is a file. */
  readonly sourceHash: string | undefined
  /** What the last read of the source found besides transactions (invalid records, counts), as JSON. */
  readonly detailJson: string | undefined
}

/** What the store remembers of a file: a stamp (`<size>:<mtime ms>`) and the SHA-256 of its bytes. */
export interface FileIndexRow {
  readonly path: string
  readonly stamp: string
  readonly sha256: string
}

/** A document row: the encoded `FiscalDocument` JSON and its content hash. */
export interface DocumentRow {
  readonly documentId: string
  readonly contentHash: string
  readonly json: string
}

/** A link or suggestion of a run, with the encoded `MatchLink` JSON. */
export interface LinkRow {
  readonly linkId: string
  readonly kind: "link" | "suggestion"
  readonly transactionUuid: string
  readonly documentId: string
  readonly decision: string
  readonly json: string
}

/** A person's decision on a link (the CLI's `link confirm|reject`), pinned on re-runs. */
export interface LinkDecisionRow {
  readonly linkId: string
  readonly transactionUuid: string
  readonly documentId: string
  readonly decision: "CONFIRMED" | "REJECTED" | "MANUAL"
  readonly decidedBy: string
  readonly decidedAt: string
  /** The encoded `MatchLink` the decision was taken on. */
  readonly linkJson: string
}

/**
 * One posting ledger row (erp.md §5.1 status machine). `runId` is the run that last moved it; `fingerprintJson` the
 * planned `Fingerprint`; `refJson` the `ErpRef` once posted; `error` why it failed.
 */
export interface LedgerRow {
  readonly externalKey: string
  readonly transactionUuid: string
  readonly documentId: string
  readonly state: DocumentState
  readonly runId: string
  readonly erp: string
  readonly fingerprintJson: string
  readonly refJson: string | undefined
  readonly error: string | undefined
}

/** A write-back sent to Clara: `kind` is `comment` or `label`, `payload` the comment text or label uuid. */
export interface WriteBackRow {
  readonly transactionUuid: string
  readonly kind: "comment" | "label"
  readonly payload: string
  readonly runId: string
  readonly sentAt: string
}

/** The store's operations. */
export interface ReconStoreService {
  readonly dialect: StoreDialect
  /**
   * Runs `effect` in one database transaction: every store write inside commits together or not at all. Used with
   * `Effect.uninterruptible` by the job so a write and its checkpoint land together.
   */
  readonly atomically: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StoreError, R>

  /** How many runs the store has seen (the next run's sequence number is this plus one). */
  readonly runCount: Effect.Effect<number, StoreError>
  readonly beginRun: (run: RunRow) => Effect.Effect<void, StoreError>
  readonly finishRun: (runId: string, finishedAt: string, summaryJson: string) => Effect.Effect<void, StoreError>
  /** The most recent unfinished run begun with `optionsKey`, to resume. */
  readonly unfinishedRun: (optionsKey: string) => Effect.Effect<Option.Option<RunRow>, StoreError>
  /** The most recent finished run begun with `optionsKey` (the previous run of the same command). */
  readonly finishedRun: (optionsKey: string) => Effect.Effect<Option.Option<RunRow>, StoreError>
  /** A run by id, or (without id) the most recent finished run. */
  readonly getRun: (runId?: string) => Effect.Effect<Option.Option<RunRow>, StoreError>

  /** The checkpoints of a run by step. */
  readonly steps: (runId: string) => Effect.Effect<ReadonlyMap<StepName, StepRow>, StoreError>
  /**
   * The checkpoint of one step of a run, if the step is done; with `{ checkpoint: false }` without its JSON
   * (`checkpointJson` empty), to read its keys and `sameAs` cheaply.
   */
  readonly step: (
    runId: string,
    step: StepName,
    options?: { readonly checkpoint?: boolean }
  ) => Effect.Effect<Option.Option<StepRow>, StoreError>
  readonly saveStep: (row: StepRow) => Effect.Effect<void, StoreError>

  /** The revision counters (absent ones are 0), read together. */
  readonly revisions: Effect.Effect<ReadonlyMap<RevisionName, number>, StoreError>

  /**
   * Upserts transactions by uuid (batched; a row whose content hash is unchanged is rewritten identically); moves the
   * `transactions` revision when `rows` is not empty.
   */
  readonly upsertTransactions: (runId: string, rows: ReadonlyArray<TransactionRow>) => Effect.Effect<void, StoreError>
  /** uuid -> content hash of the tenant's transactions with an operation date in [from, to]. */
  readonly transactionHashes: (
    tenant: string,
    from: string,
    to: string
  ) => Effect.Effect<ReadonlyMap<string, string>, StoreError>
  /** The tenant's stored transactions with an operation date in [from, to], by operation date then uuid. */
  readonly transactionsInPeriod: (
    tenant: string,
    from: string,
    to: string
  ) => Effect.Effect<ReadonlyArray<TransactionRow>, StoreError>
  /** Transactions by uuid (any tenant). */
  readonly transactionsByUuid: (uuids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<TransactionRow>, StoreError>
  /**
   * `transactionsInPeriod` narrowed to the transactions that may be MSI instalments: their stored JSON mentions
   * Clara's `installmentNumber` or `MSI`, in any case (a text filter in the database; `instalmentOf` decides).
   */
  readonly instalmentTransactionsInPeriod: (
    tenant: string,
    from: string,
    to: string
  ) => Effect.Effect<ReadonlyArray<TransactionRow>, StoreError>
  /**
   * The company RFC (upper case) a tenant's runs are for, and binds a tenant to one the first time one is given
   * (`bindCompany` keeps an existing binding).
   */
  readonly companyOf: (tenant: string) => Effect.Effect<Option.Option<string>, StoreError>
  readonly bindCompany: (tenant: string, companyRfc: string, boundAt: string) => Effect.Effect<void, StoreError>
  readonly syncState: (tenant: string, scope: string) => Effect.Effect<Option.Option<SyncStateRow>, StoreError>
  readonly saveSyncState: (row: SyncStateRow, updatedAt: string) => Effect.Effect<void, StoreError>

  /** The cached parse outcome of CFDI files by the SHA-256 of their bytes (only successes are cached). */
  readonly cachedCfdi: (sha256s: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, string>, StoreError>
  readonly cacheCfdi: (entries: ReadonlyArray<{ sha256: string; json: string }>) => Effect.Effect<void, StoreError>
  /** Every SHA-256 the parse cache holds, ascending (its primary key alone: no document is read). */
  readonly cachedCfdiDigests: Effect.Effect<ReadonlyArray<string>, StoreError>
  /** The file index for `paths` (absent paths are not in the map). */
  readonly fileIndex: (paths: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, FileIndexRow>, StoreError>
  readonly saveFileIndex: (rows: ReadonlyArray<FileIndexRow>) => Effect.Effect<void, StoreError>

  /** documentId -> content hash, for the given ids. */
  readonly documentHashes: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, string>, StoreError>
  /** Upserts documents by id; moves the `documents` revision when `rows` is not empty. */
  readonly upsertDocuments: (rows: ReadonlyArray<DocumentRow>) => Effect.Effect<void, StoreError>
  readonly documents: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<DocumentRow>, StoreError>

  /** Replaces the links and suggestions of a run. */
  readonly saveLinks: (runId: string, rows: ReadonlyArray<LinkRow>) => Effect.Effect<void, StoreError>
  /**
   * The links and suggestions of a run, by link id: the rows of the run named by its match step's `sameAs` when the
   * step reused an earlier run's match, else its own rows.
   */
  readonly links: (runId: string) => Effect.Effect<ReadonlyArray<LinkRow>, StoreError>
  /**
   * Records a person's decision on a link found in any run (the most recent run holding it) and moves the
   * `decisions` revision. Fails with
   * `UnknownLinkError` when no run holds `linkId`.
   */
  readonly decideLink: (
    linkId: string,
    decision: "CONFIRMED" | "REJECTED",
    who: string,
    at: string
  ) => Effect.Effect<LinkDecisionRow, StoreError | UnknownLinkError>
  /** Every link decision, by link id. */
  readonly linkDecisions: Effect.Effect<ReadonlyArray<LinkDecisionRow>, StoreError>

  /** Ledger rows for the given external keys. */
  readonly ledger: (externalKeys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, LedgerRow>, StoreError>
  /** Ledger rows last moved by a run. */
  readonly ledgerOfRun: (runId: string) => Effect.Effect<ReadonlyArray<LedgerRow>, StoreError>
  /**
   * Ledger rows of postings against any of the given documents (ids as the ledger holds them), by external key: the
   * instalments of an MSI plan posted by the runs of earlier periods (matching.md §7.6).
   */
  readonly ledgerOfDocuments: (documentIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<LedgerRow>, StoreError>
  /** Ledger rows of postings of any of the given transactions, by external key. */
  readonly ledgerOfTransactions: (uuids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<LedgerRow>, StoreError>
  /** Ledger rows in any of `states`, by external key. */
  readonly ledgerInStates: (states: ReadonlyArray<DocumentState>) => Effect.Effect<ReadonlyArray<LedgerRow>, StoreError>
  /** Inserts or replaces ledger rows (batched, in one transaction). */
  readonly writeLedger: (rows: ReadonlyArray<LedgerRow>, updatedAt: string) => Effect.Effect<void, StoreError>

  /** Write-backs already sent for these transactions. */
  readonly writeBacks: (uuids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<WriteBackRow>, StoreError>
  /** The holder of `tenant`'s job lock, if any (expired or not). */
  readonly jobLock: (tenant: string) => Effect.Effect<Option.Option<JobLockRow>, StoreError>
  /**
   * Takes `tenant`'s job lock for `lock.owner` when it is free (`replacing` none) or still held by `replacing` (an
   * expired or dead holder), atomically: false when another job took it first.
   */
  readonly takeJobLock: (lock: JobLockRow, replacing: string | undefined) => Effect.Effect<boolean, StoreError>
  /** Moves the lock's expiry to `expiresAt` while `owner` holds it; false when it no longer does. */
  readonly renewJobLock: (tenant: string, owner: string, expiresAt: string) => Effect.Effect<boolean, StoreError>
  /** Gives the lock up if `owner` holds it. */
  readonly releaseJobLock: (tenant: string, owner: string) => Effect.Effect<void, StoreError>
  readonly recordWriteBacks: (rows: ReadonlyArray<WriteBackRow>) => Effect.Effect<void, StoreError>
  /** Forgets the write-backs of `kind` to `uuids` (taken back in Clara), so a later one is sent again. */
  readonly forgetWriteBacks: (
    kind: WriteBackRow["kind"],
    uuids: ReadonlyArray<string>
  ) => Effect.Effect<void, StoreError>
}

/**
 * Who holds a tenant's job lock: `owner` is unique per job (host, pid and a random part), `expiresAt` an ISO-8601
 * UTC instant the holder keeps moving forward while it runs.
 */
export interface JobLockRow {
  readonly tenant: string
  readonly owner: string
  readonly host: string
  readonly pid: number
  readonly expiresAt: string
}

/** The reconciliation store. */
export class ReconStore extends Context.Tag("@clara-recon/pipeline/ReconStore")<ReconStore, ReconStoreService>() {}
