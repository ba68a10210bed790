/**
 * The durable state of the reconciliation job: runs, synced transactions, the CFDI parse cache (by content hash),
 * links, and the posting ledger (one row per externalKey) that makes re-runs idempotent.
 * Backed by `@effect/sql`; a SQLite file by default (`.clara-recon/state.db`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Migrator from "@effect/sql/Migrator"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { migrations } from "./internal/Migrations.js"
import { StoreError } from "./PipelineError.js"

/** Ledger state of one posting: `pending` is reserved before the file is written, `exported` once it is durable. */
export type PostingState = "pending" | "exported"

/**
 * One posting ledger row. `filePath` is where the posting was exported; `fileSha256` the SHA-256 of that file;
 * `fingerprint` the SHA-256 of the posting's canonical JSON (what was posted).
 */
export interface PostingRow {
  readonly externalKey: string
  readonly transactionUuid: string
  readonly documentId: string
  readonly state: PostingState
  readonly runId: string
  readonly filePath: string
  readonly fileSha256: string
  readonly fingerprint: string
}

/** A transaction row to upsert: the encoded wire JSON and its content hash. */
export interface TransactionRow {
  readonly uuid: string
  readonly operationDate: string
  readonly contentHash: string
  readonly json: string
}

/** A link or suggestion row with its canonical explanation JSON. */
export interface LinkRow {
  readonly linkId: string
  readonly transactionUuid: string
  readonly documentId: string
  readonly decision: string
  readonly points: number
  readonly explanationJson: string
}

/** The store's operations. Every method fails only with `StoreError`. Instants are ISO-8601 UTC strings. */
export interface ReconStoreService {
  /** How many runs the store has seen (the next run's sequence number is this plus one). */
  readonly runCount: Effect.Effect<number, StoreError>
  readonly beginRun: (run: { runId: string; startedAt: string; from: string; to: string }) => Effect.Effect<void, StoreError>
  readonly finishRun: (runId: string, finishedAt: string, summaryJson: string) => Effect.Effect<void, StoreError>
  readonly upsertTransactions: (runId: string, rows: ReadonlyArray<TransactionRow>) => Effect.Effect<void, StoreError>
  /** The cached parse outcome of a CFDI file by the SHA-256 of its bytes. */
  readonly cachedCfdi: (sha256: string) => Effect.Effect<Option.Option<{ outcome: string; json: string }>, StoreError>
  readonly cacheCfdi: (sha256: string, outcome: string, json: string) => Effect.Effect<void, StoreError>
  readonly saveLinks: (runId: string, rows: ReadonlyArray<LinkRow>) => Effect.Effect<void, StoreError>
  /** Ledger rows for the given external keys. */
  readonly postings: (externalKeys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, PostingRow>, StoreError>
  /** Inserts or replaces ledger rows in one transaction. */
  readonly writePostings: (rows: ReadonlyArray<PostingRow>, updatedAt: string) => Effect.Effect<void, StoreError>
}

/** The reconciliation store. */
export class ReconStore extends Context.Tag("@clara-recon/pipeline/ReconStore")<ReconStore, ReconStoreService>() {}

const storeError = (operation: string) => (cause: SqlError) =>
  new StoreError({ operation, message: `state store: ${operation} failed: ${cause.message}`, cause })

const CHUNK = 200

const chunks = <A>(items: ReadonlyArray<A>): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

interface PostingDbRow {
  readonly external_key: string
  readonly transaction_uuid: string
  readonly document_id: string
  readonly state: string
  readonly run_id: string
  readonly file_path: string
  readonly file_sha256: string
  readonly fingerprint: string
}

/** Builds the store on the `SqlClient` in context; runs the migrations first. */
export const make: Effect.Effect<ReconStoreService, StoreError, SqlClient.SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* Migrator.make({})({ loader: Migrator.fromRecord(migrations) }).pipe(
    Effect.mapError((cause) =>
      new StoreError({ operation: "migrate", message: `state store: migration failed: ${cause.message}`, cause })
    )
  )

  const runCount: ReconStoreService["runCount"] = sql<{ n: number }>`SELECT COUNT(*) AS n FROM runs`.pipe(
    Effect.map((rows) => Number(rows[0]?.n ?? 0)),
    Effect.mapError(storeError("runCount"))
  )

  const beginRun: ReconStoreService["beginRun"] = (run) =>
    sql`INSERT INTO runs (run_id, started_at, period_from, period_to)
        VALUES (${run.runId}, ${run.startedAt}, ${run.from}, ${run.to})`.pipe(
      Effect.asVoid,
      Effect.mapError(storeError("beginRun"))
    )

  const finishRun: ReconStoreService["finishRun"] = (runId, finishedAt, summaryJson) =>
    sql`UPDATE runs SET finished_at = ${finishedAt}, summary_json = ${summaryJson} WHERE run_id = ${runId}`.pipe(
      Effect.asVoid,
      Effect.mapError(storeError("finishRun"))
    )

  /** Inserts rows (all with the same columns, names fixed in this file) or updates them on a `key` conflict. */
  const upsert = (operation: string, table: string, key: string, rows: ReadonlyArray<Record<string, string | number>>) => {
    if (rows.length === 0) return Effect.void
    const update = sql.unsafe(
      Object.keys(rows[0]!).filter((c) => c !== key).map((c) => `${c} = excluded.${c}`).join(", ")
    )
    return sql.withTransaction(Effect.forEach(chunks(rows), (chunk) =>
      sql`INSERT INTO ${sql(table)} ${sql.insert(chunk)} ON CONFLICT (${sql(key)}) DO UPDATE SET ${update}`, {
      discard: true
    })).pipe(Effect.mapError(storeError(operation)))
  }

  const upsertTransactions: ReconStoreService["upsertTransactions"] = (runId, rows) =>
    upsert(
      "upsertTransactions",
      "transactions",
      "uuid",
      rows.map((r) => ({
        uuid: r.uuid,
        operation_date: r.operationDate,
        content_hash: r.contentHash,
        json: r.json,
        last_run_id: runId
      }))
    )

  const cachedCfdi: ReconStoreService["cachedCfdi"] = (sha256) =>
    sql<{ outcome: string; json: string }>`SELECT outcome, json FROM cfdi_cache WHERE sha256 = ${sha256}`.pipe(
      Effect.map((rows) => Option.fromNullable(rows[0])),
      Effect.mapError(storeError("cachedCfdi"))
    )

  const cacheCfdi: ReconStoreService["cacheCfdi"] = (sha256, outcome, json) =>
    upsert("cacheCfdi", "cfdi_cache", "sha256", [{ sha256, outcome, json }])

  const saveLinks: ReconStoreService["saveLinks"] = (runId, rows) =>
    upsert(
      "saveLinks",
      "links",
      "link_id",
      rows.map((r) => ({
        link_id: r.linkId,
        transaction_uuid: r.transactionUuid,
        document_id: r.documentId,
        decision: r.decision,
        points: r.points,
        explanation_json: r.explanationJson,
        run_id: runId
      }))
    )

  const postings: ReconStoreService["postings"] = (externalKeys) =>
    Effect.forEach(chunks(externalKeys), (chunk) =>
      sql<PostingDbRow>`SELECT * FROM postings WHERE ${sql.in("external_key", chunk)}`).pipe(
      Effect.map((groups) => {
        const byKey = new Map<string, PostingRow>()
        for (const row of groups.flat()) {
          byKey.set(row.external_key, {
            externalKey: row.external_key,
            transactionUuid: row.transaction_uuid,
            documentId: row.document_id,
            state: row.state === "exported" ? "exported" : "pending",
            runId: row.run_id,
            filePath: row.file_path,
            fileSha256: row.file_sha256,
            fingerprint: row.fingerprint
          })
        }
        return byKey as ReadonlyMap<string, PostingRow>
      }),
      Effect.mapError(storeError("postings"))
    )

  const writePostings: ReconStoreService["writePostings"] = (rows, updatedAt) =>
    upsert(
      "writePostings",
      "postings",
      "external_key",
      rows.map((r) => ({
        external_key: r.externalKey,
        transaction_uuid: r.transactionUuid,
        document_id: r.documentId,
        state: r.state,
        run_id: r.runId,
        file_path: r.filePath,
        file_sha256: r.fileSha256,
        fingerprint: r.fingerprint,
        updated_at: updatedAt
      }))
    )

  return ReconStore.of({
    runCount,
    beginRun,
    finishRun,
    upsertTransactions,
    cachedCfdi,
    cacheCfdi,
    saveLinks,
    postings,
    writePostings
  })
})

/** The store on a SQLite file (created with its folder when missing). */
export const layerSqlite = (filename: string): Layer.Layer<ReconStore, StoreError> =>
  Layer.effect(ReconStore, make).pipe(
    Layer.provide(SqliteClient.layer({ filename })),
    Layer.catchAll((cause) =>
      Layer.fail(
        cause instanceof StoreError
          ? cause
          : new StoreError({ operation: "open", message: `state store: cannot open ${filename}: ${String(cause)}` })
      )
    )
  )
