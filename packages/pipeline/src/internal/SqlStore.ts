import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { DocumentState } from "@clara-recon/erp"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { StoreError, UnknownLinkError } from "../PipelineError.js"
import {
  type DocumentRow,
  type FileIndexRow,
  type JobLockRow,
  type LedgerRow,
  type LinkDecisionRow,
  type LinkRow,
  ReconStore,
  type ReconStoreService,
  type RevisionName,
  type RunRow,
  type StepName,
  type StepRow,
  type SyncStateRow,
  type TransactionRow,
  type WriteBackRow
} from "../ReconStore.js"
import { migrations } from "./Migrations.js"

const storeError = (operation: string) => (cause: SqlError) =>
  new StoreError({ operation, message: `state store: ${operation} failed: ${cause.message}`, cause })

/** Bound parameters per statement, under SQLite's 32766 and PostgreSQL's 65535. */
const MAX_PARAMS = 16_000

/** Values per `IN (...)` look-up: few statements for 100k keys, well under both dialects' parameter limits. */
const IN_CHUNK = 5000

const chunksOf = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const isSqlError = (e: unknown): e is SqlError =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError"

const nullable = (value: string | null | undefined): string | undefined => value ?? undefined

type Value = string | number | null

interface RunDb {
  readonly run_id: string
  readonly tenant: string
  readonly started_at: string
  readonly finished_at: string | null
  readonly period_from: string
  readonly period_to: string
  readonly as_of: string
  readonly options_key: string
  readonly summary_json: string | null
}

const toRun = (r: RunDb): RunRow => ({
  runId: r.run_id,
  tenant: r.tenant,
  startedAt: r.started_at,
  finishedAt: nullable(r.finished_at),
  from: r.period_from,
  to: r.period_to,
  asOf: r.as_of,
  optionsKey: r.options_key,
  summaryJson: nullable(r.summary_json)
})

interface StepDb {
  readonly run_id: string
  readonly step: string
  readonly checkpoint_json: string
  readonly updated_at: string
  readonly inputs_key: string | null
  readonly same_as: string | null
  readonly quick_key: string | null
}

const toStep = (r: StepDb): StepRow => ({
  runId: r.run_id,
  step: r.step as StepName,
  state: "done",
  checkpointJson: r.checkpoint_json,
  updatedAt: r.updated_at,
  inputsKey: nullable(r.inputs_key),
  sameAs: nullable(r.same_as),
  quickKey: nullable(r.quick_key)
})

interface TransactionDb {
  readonly uuid: string
  readonly tenant: string
  readonly operation_date: string
  readonly last_update_date: string | null
  readonly content_hash: string
  readonly json: string
}

const toTransaction = (r: TransactionDb): TransactionRow => ({
  uuid: r.uuid,
  tenant: r.tenant,
  operationDate: r.operation_date,
  lastUpdateDate: nullable(r.last_update_date),
  contentHash: r.content_hash,
  json: r.json
})

interface LedgerDb {
  readonly external_key: string
  readonly transaction_uuid: string
  readonly document_id: string
  readonly state: string
  readonly run_id: string
  readonly erp: string
  readonly fingerprint_json: string
  readonly ref_json: string | null
  readonly error: string | null
}

const toLedger = (r: LedgerDb): LedgerRow => ({
  externalKey: r.external_key,
  transactionUuid: r.transaction_uuid,
  documentId: r.document_id,
  state: r.state as DocumentState,
  runId: r.run_id,
  erp: r.erp,
  fingerprintJson: r.fingerprint_json,
  refJson: nullable(r.ref_json),
  error: nullable(r.error)
})

interface LinkDecisionDb {
  readonly link_id: string
  readonly transaction_uuid: string
  readonly document_id: string
  readonly decision: string
  readonly decided_by: string
  readonly decided_at: string
  readonly link_json: string
}

const toDecision = (r: LinkDecisionDb): LinkDecisionRow => ({
  linkId: r.link_id,
  transactionUuid: r.transaction_uuid,
  documentId: r.document_id,
  decision: r.decision as LinkDecisionRow["decision"],
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  linkJson: r.link_json
})

/**
 * Builds the store on the `SqlClient` in context (SQLite or PostgreSQL) after running the migrations. Fails with
 * `StoreError` (operation `migrate`) when a migration fails.
 */
export const makeSqlStore: Effect.Effect<ReconStoreService, StoreError, SqlClient.SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const dialect = sql.onDialectOrElse({ pg: () => "pg" as const, orElse: () => "sqlite" as const })
  yield* Migrator.make({})({ loader: Migrator.fromRecord(migrations) }).pipe(
    Effect.mapError((cause) =>
      new StoreError({ operation: "migrate", message: `state store: migration failed: ${cause.message}`, cause })
    )
  )

  const atomically: ReconStoreService["atomically"] = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    sql.withTransaction(effect).pipe(
      Effect.mapError((e): E | StoreError => (isSqlError(e) ? storeError("transaction")(e) : e as E))
    )

  /** Inserts rows (same columns, names fixed in this file) or updates them on a `keys` conflict, in chunks. */
  const upsert = (
    operation: string,
    table: string,
    keys: ReadonlyArray<string>,
    rows: ReadonlyArray<Record<string, Value>>
  ) => {
    if (rows.length === 0) return Effect.void
    const columns = Object.keys(rows[0]!)
    const update = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`).join(", ")
    const conflict = sql.unsafe(`ON CONFLICT (${keys.join(", ")}) DO ${update === "" ? "NOTHING" : `UPDATE SET ${update}`}`)
    const size = Math.max(1, Math.floor(MAX_PARAMS / columns.length))
    return sql.withTransaction(
      Effect.forEach(chunksOf(rows, size), (chunk) => sql`INSERT INTO ${sql(table)} ${sql.insert(chunk)} ${conflict}`, {
        discard: true
      })
    ).pipe(Effect.mapError(storeError(operation)))
  }

  /** Runs a `SELECT ... WHERE column IN (...)` over `values` in chunks and concatenates the rows. */
  const selectIn = <R extends object>(
    operation: string,
    values: ReadonlyArray<string>,
    query: (chunk: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<R>, SqlError>
  ): Effect.Effect<ReadonlyArray<R>, StoreError> =>
    values.length === 0 ? Effect.succeed([]) : Effect.forEach(chunksOf(values, IN_CHUNK), query).pipe(
      Effect.map((groups) => groups.flat()),
      Effect.mapError(storeError(operation))
    )

  const runCount: ReconStoreService["runCount"] = sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM runs`.pipe(
    Effect.map((rows) => Number(rows[0]?.n ?? 0)),
    Effect.mapError(storeError("runCount"))
  )

  const beginRun: ReconStoreService["beginRun"] = (run) =>
    sql`INSERT INTO runs ${
      sql.insert({
        run_id: run.runId,
        tenant: run.tenant,
        started_at: run.startedAt,
        period_from: run.from,
        period_to: run.to,
        as_of: run.asOf,
        options_key: run.optionsKey
      })
    }`.pipe(Effect.asVoid, Effect.mapError(storeError("beginRun")))

  const finishRun: ReconStoreService["finishRun"] = (runId, finishedAt, summaryJson) =>
    sql`UPDATE runs SET finished_at = ${finishedAt}, summary_json = ${summaryJson} WHERE run_id = ${runId}`.pipe(
      Effect.asVoid,
      Effect.mapError(storeError("finishRun"))
    )

  const unfinishedRun: ReconStoreService["unfinishedRun"] = (optionsKey) =>
    sql<RunDb>`SELECT * FROM runs WHERE options_key = ${optionsKey} AND finished_at IS NULL
      ORDER BY run_id DESC LIMIT 1`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toRun)),
      Effect.mapError(storeError("unfinishedRun"))
    )

  const finishedRun: ReconStoreService["finishedRun"] = (optionsKey) =>
    sql<RunDb>`SELECT * FROM runs WHERE options_key = ${optionsKey} AND finished_at IS NOT NULL
      ORDER BY run_id DESC LIMIT 1`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toRun)),
      Effect.mapError(storeError("finishedRun"))
    )

  const getRun: ReconStoreService["getRun"] = (runId) =>
    (runId === undefined
      ? sql<RunDb>`SELECT * FROM runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, run_id DESC LIMIT 1`
      : sql<RunDb>`SELECT * FROM runs WHERE run_id = ${runId}`).pipe(
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toRun)),
        Effect.mapError(storeError("getRun"))
      )

  const steps: ReconStoreService["steps"] = (runId) =>
    sql<StepDb>`SELECT * FROM run_steps WHERE run_id = ${runId}`.pipe(
      Effect.map((rows) => new Map(rows.map((r): [StepName, StepRow] => [r.step as StepName, toStep(r)]))),
      Effect.mapError(storeError("steps"))
    )

  const step: ReconStoreService["step"] = (runId, name, options) =>
    (options?.checkpoint === false
      ? sql<StepDb>`SELECT run_id, step, '' AS checkpoint_json, updated_at, inputs_key, same_as, quick_key FROM run_steps
          WHERE run_id = ${runId} AND step = ${name}`
      : sql<StepDb>`SELECT * FROM run_steps WHERE run_id = ${runId} AND step = ${name}`).pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toStep)),
      Effect.mapError(storeError("step"))
    )

  const saveStep: ReconStoreService["saveStep"] = (row) =>
    upsert("saveStep", "run_steps", ["run_id", "step"], [{
      run_id: row.runId,
      step: row.step,
      state: row.state,
      checkpoint_json: row.checkpointJson,
      updated_at: row.updatedAt,
      inputs_key: row.inputsKey ?? null,
      same_as: row.sameAs ?? null,
      quick_key: row.quickKey ?? null
    }])

  /** Moves a revision counter by one (in the caller's transaction). */
  const bumpRevision = (name: RevisionName) =>
    sql`INSERT INTO revisions (name, value) VALUES (${name}, 1)
      ON CONFLICT (name) DO UPDATE SET value = revisions.value + 1`.pipe(
      Effect.asVoid,
      Effect.mapError(storeError(`revision ${name}`))
    )

  /** `write` and the move of revision `name` in one transaction, when there is something to write. */
  const withRevision = <E>(name: RevisionName, count: number, write: Effect.Effect<void, E>) =>
    count === 0 ? Effect.void : sql.withTransaction(Effect.zipRight(write, bumpRevision(name))).pipe(
      Effect.mapError((e) => (isSqlError(e) ? storeError(`revision ${name}`)(e) : e))
    )

  const revisions: ReconStoreService["revisions"] = sql<{ name: string; value: number | string }>`
    SELECT name, value FROM revisions`.pipe(
    Effect.map((rows) => new Map(rows.map((r) => [r.name as RevisionName, Number(r.value)]))),
    Effect.mapError(storeError("revisions"))
  )

  const upsertTransactions: ReconStoreService["upsertTransactions"] = (runId, rows) =>
    withRevision("transactions", rows.length, upsert(
      "upsertTransactions",
      "transactions",
      ["uuid"],
      rows.map((r) => ({
        uuid: r.uuid,
        tenant: r.tenant,
        operation_date: r.operationDate,
        last_update_date: r.lastUpdateDate ?? null,
        content_hash: r.contentHash,
        json: r.json,
        last_run_id: runId
      }))
    ))

  const transactionHashes: ReconStoreService["transactionHashes"] = (tenant, from, to) =>
    sql<{ uuid: string; content_hash: string }>`SELECT uuid, content_hash FROM transactions
      WHERE tenant = ${tenant} AND operation_date >= ${from} AND operation_date <= ${to}`.pipe(
      Effect.map((rows) => new Map(rows.map((r) => [r.uuid, r.content_hash]))),
      Effect.mapError(storeError("transactionHashes"))
    )

  const transactionsInPeriod: ReconStoreService["transactionsInPeriod"] = (tenant, from, to) =>
    sql<TransactionDb>`SELECT uuid, tenant, operation_date, last_update_date, content_hash, json FROM transactions
      WHERE tenant = ${tenant} AND operation_date >= ${from} AND operation_date <= ${to}
      ORDER BY operation_date, uuid`.pipe(
      Effect.map((rows) => rows.map(toTransaction)),
      Effect.mapError(storeError("transactionsInPeriod"))
    )

  const instalmentTransactionsInPeriod: ReconStoreService["instalmentTransactionsInPeriod"] = (tenant, from, to) =>
    sql<TransactionDb>`SELECT uuid, tenant, operation_date, last_update_date, content_hash, json FROM transactions
      WHERE tenant = ${tenant} AND operation_date >= ${from} AND operation_date <= ${to}
        AND (UPPER(json) LIKE ${"%INSTALLMENTNUMBER%"} OR UPPER(json) LIKE ${"%MSI%"})
      ORDER BY operation_date, uuid`.pipe(
      Effect.map((rows) => rows.map(toTransaction)),
      Effect.mapError(storeError("instalmentTransactionsInPeriod"))
    )

  const transactionsByUuid: ReconStoreService["transactionsByUuid"] = (uuids) =>
    selectIn("transactionsByUuid", uuids, (chunk) =>
      sql<TransactionDb>`SELECT uuid, tenant, operation_date, last_update_date, content_hash, json FROM transactions
        WHERE ${sql.in("uuid", chunk)}`).pipe(Effect.map((rows) => rows.map(toTransaction)))

  const companyOf: ReconStoreService["companyOf"] = (tenant) =>
    sql<{ company_rfc: string }>`SELECT company_rfc FROM company_binding WHERE tenant = ${tenant}`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (r) => r.company_rfc)),
      Effect.mapError(storeError("companyOf"))
    )

  const bindCompany: ReconStoreService["bindCompany"] = (tenant, companyRfc, boundAt) =>
    sql`INSERT INTO company_binding (tenant, company_rfc, bound_at) VALUES (${tenant}, ${companyRfc}, ${boundAt})
      ON CONFLICT (tenant) DO NOTHING`.pipe(Effect.asVoid, Effect.mapError(storeError("bindCompany")))

  const jobLock: ReconStoreService["jobLock"] = (tenant) =>
    sql<{ tenant: string; owner: string; host: string; pid: number | string; expires_at: string }>`
      SELECT tenant, owner, host, pid, expires_at FROM job_lock WHERE tenant = ${tenant}`.pipe(
      Effect.map((rows) =>
        Option.map(Option.fromNullable(rows[0]), (r): JobLockRow => ({
          tenant: r.tenant,
          owner: r.owner,
          host: r.host,
          pid: Number(r.pid),
          expiresAt: r.expires_at
        }))
      ),
      Effect.mapError(storeError("jobLock"))
    )

  const takeJobLock: ReconStoreService["takeJobLock"] = (lock, replacing) =>
    (replacing === undefined
      ? sql<{ tenant: string }>`INSERT INTO job_lock (tenant, owner, host, pid, expires_at)
          VALUES (${lock.tenant}, ${lock.owner}, ${lock.host}, ${lock.pid}, ${lock.expiresAt})
          ON CONFLICT (tenant) DO NOTHING RETURNING tenant`
      : sql<{ tenant: string }>`UPDATE job_lock SET owner = ${lock.owner}, host = ${lock.host}, pid = ${lock.pid},
          expires_at = ${lock.expiresAt} WHERE tenant = ${lock.tenant} AND owner = ${replacing} RETURNING tenant`).pipe(
      Effect.map((rows) => rows.length === 1),
      Effect.mapError(storeError("takeJobLock"))
    )

  const renewJobLock: ReconStoreService["renewJobLock"] = (tenant, owner, expiresAt) =>
    sql<{ tenant: string }>`UPDATE job_lock SET expires_at = ${expiresAt}
      WHERE tenant = ${tenant} AND owner = ${owner} RETURNING tenant`.pipe(
      Effect.map((rows) => rows.length === 1),
      Effect.mapError(storeError("renewJobLock"))
    )

  const releaseJobLock: ReconStoreService["releaseJobLock"] = (tenant, owner) =>
    sql`DELETE FROM job_lock WHERE tenant = ${tenant} AND owner = ${owner}`.pipe(
      Effect.asVoid,
      Effect.mapError(storeError("releaseJobLock"))
    )

  const syncState: ReconStoreService["syncState"] = (tenant, scope) =>
    sql<{ tenant: string; scope: string; watermark: string | null; source_hash: string | null; detail_json: string | null }>`
      SELECT tenant, scope, watermark, source_hash, detail_json FROM sync_state WHERE tenant = ${tenant} AND scope = ${scope}`.pipe(
      Effect.map((rows) =>
        Option.map(Option.fromNullable(rows[0]), (r): SyncStateRow => ({
          tenant: r.tenant,
          scope: r.scope,
          watermark: nullable(r.watermark),
          sourceHash: nullable(r.source_hash),
          detailJson: nullable(r.detail_json)
        }))
      ),
      Effect.mapError(storeError("syncState"))
    )

  const saveSyncState: ReconStoreService["saveSyncState"] = (row, updatedAt) =>
    upsert("saveSyncState", "sync_state", ["tenant", "scope"], [{
      tenant: row.tenant,
      scope: row.scope,
      watermark: row.watermark ?? null,
      source_hash: row.sourceHash ?? null,
      detail_json: row.detailJson ?? null,
      updated_at: updatedAt
    }])

  const cachedCfdi: ReconStoreService["cachedCfdi"] = (sha256s) =>
    selectIn("cachedCfdi", sha256s, (chunk) =>
      sql<{ sha256: string; json: string }>`SELECT sha256, json FROM cfdi_cache
        WHERE outcome = 'ok' AND ${sql.in("sha256", chunk)}`).pipe(
        Effect.map((rows) => new Map(rows.map((r) => [r.sha256, r.json])))
      )

  // Only successes are ever cached (`cacheCfdi`), so the key alone answers: an index-only scan in key order, no JSON.
  const cachedCfdiDigests: ReconStoreService["cachedCfdiDigests"] = sql<{ sha256: string }>`
    SELECT sha256 FROM cfdi_cache ORDER BY sha256`.pipe(
      Effect.map((rows) => rows.map((r) => r.sha256)),
      Effect.mapError(storeError("cachedCfdiDigests"))
    )

  const cacheCfdi: ReconStoreService["cacheCfdi"] = (entries) =>
    upsert("cacheCfdi", "cfdi_cache", ["sha256"], entries.map((e) => ({ sha256: e.sha256, outcome: "ok", json: e.json })))

  const fileIndex: ReconStoreService["fileIndex"] = (paths) =>
    selectIn("fileIndex", paths, (chunk) =>
      sql<{ path: string; stamp: string; sha256: string }>`SELECT path, stamp, sha256 FROM file_index
        WHERE ${sql.in("path", chunk)}`).pipe(
        Effect.map((rows) => new Map(rows.map((r): [string, FileIndexRow] => [r.path, r])))
      )

  const saveFileIndex: ReconStoreService["saveFileIndex"] = (rows) =>
    upsert("saveFileIndex", "file_index", ["path"], rows.map((r) => ({ path: r.path, stamp: r.stamp, sha256: r.sha256 })))

  const documentHashes: ReconStoreService["documentHashes"] = (ids) =>
    selectIn("documentHashes", ids, (chunk) =>
      sql<{ document_id: string; content_hash: string }>`SELECT document_id, content_hash FROM documents
        WHERE ${sql.in("document_id", chunk)}`).pipe(
        Effect.map((rows) => new Map(rows.map((r) => [r.document_id, r.content_hash])))
      )

  const upsertDocuments: ReconStoreService["upsertDocuments"] = (rows) =>
    withRevision(
      "documents",
      rows.length,
      upsert(
        "upsertDocuments",
        "documents",
        ["document_id"],
        rows.map((r) => ({ document_id: r.documentId, content_hash: r.contentHash, json: r.json }))
      )
    )

  const documents: ReconStoreService["documents"] = (ids) =>
    selectIn("documents", ids, (chunk) =>
      sql<{ document_id: string; content_hash: string; json: string }>`SELECT document_id, content_hash, json
        FROM documents WHERE ${sql.in("document_id", chunk)}`).pipe(
        Effect.map((rows) =>
          rows.map((r): DocumentRow => ({ documentId: r.document_id, contentHash: r.content_hash, json: r.json }))
        )
      )

  const saveLinks: ReconStoreService["saveLinks"] = (runId, rows) =>
    sql.withTransaction(
      sql`DELETE FROM links WHERE run_id = ${runId}`.pipe(
        Effect.mapError(storeError("saveLinks")),
        Effect.zipRight(upsert(
          "saveLinks",
          "links",
          ["run_id", "link_id"],
          rows.map((r) => ({
            run_id: runId,
            link_id: r.linkId,
            kind: r.kind,
            transaction_uuid: r.transactionUuid,
            document_id: r.documentId,
            decision: r.decision,
            json: r.json
          }))
        ))
      )
    ).pipe(Effect.mapError((e) => (isSqlError(e) ? storeError("saveLinks")(e) : e)))

  const links: ReconStoreService["links"] = (runId) =>
    sql<{ link_id: string; kind: string; transaction_uuid: string; document_id: string; decision: string; json: string }>`
      SELECT link_id, kind, transaction_uuid, document_id, decision, json FROM links
      WHERE run_id = COALESCE((SELECT same_as FROM run_steps WHERE run_id = ${runId} AND step = 'match'), ${runId})
      ORDER BY link_id`.pipe(
      Effect.map((rows) =>
        rows.map((r): LinkRow => ({
          linkId: r.link_id,
          kind: r.kind === "suggestion" ? "suggestion" : "link",
          transactionUuid: r.transaction_uuid,
          documentId: r.document_id,
          decision: r.decision,
          json: r.json
        }))
      ),
      Effect.mapError(storeError("links"))
    )

  const decideLink: ReconStoreService["decideLink"] = (linkId, decision, who, at) =>
    Effect.gen(function*() {
      const found = yield* sql<{ transaction_uuid: string; document_id: string; json: string }>`
        SELECT transaction_uuid, document_id, json FROM links WHERE link_id = ${linkId}
        ORDER BY run_id DESC LIMIT 1`.pipe(Effect.mapError(storeError("decideLink")))
      const link = found[0]
      if (link === undefined) {
        return yield* new UnknownLinkError({ linkId, message: `no run of this store has a link ${linkId}` })
      }
      const row: LinkDecisionRow = {
        linkId,
        transactionUuid: link.transaction_uuid,
        documentId: link.document_id,
        decision,
        decidedBy: who,
        decidedAt: at,
        linkJson: link.json
      }
      yield* withRevision(
        "decisions",
        1,
        upsert("decideLink", "link_decisions", ["link_id"], [{
          link_id: row.linkId,
          transaction_uuid: row.transactionUuid,
          document_id: row.documentId,
          decision: row.decision,
          decided_by: row.decidedBy,
          decided_at: row.decidedAt,
          link_json: row.linkJson
        }])
      )
      return row
    })

  const linkDecisions: ReconStoreService["linkDecisions"] = sql<LinkDecisionDb>`
    SELECT * FROM link_decisions ORDER BY link_id`.pipe(
    Effect.map((rows) => rows.map(toDecision)),
    Effect.mapError(storeError("linkDecisions"))
  )

  const ledger: ReconStoreService["ledger"] = (externalKeys) =>
    selectIn("ledger", externalKeys, (chunk) =>
      sql<LedgerDb>`SELECT * FROM ledger WHERE ${sql.in("external_key", chunk)}`).pipe(
        Effect.map((rows) => new Map(rows.map((r) => [r.external_key, toLedger(r)])))
      )

  const ledgerOfRun: ReconStoreService["ledgerOfRun"] = (runId) =>
    sql<LedgerDb>`SELECT * FROM ledger WHERE run_id = ${runId} ORDER BY external_key`.pipe(
      Effect.map((rows) => rows.map(toLedger)),
      Effect.mapError(storeError("ledgerOfRun"))
    )

  const byExternalKey = (a: LedgerRow, b: LedgerRow) =>
    a.externalKey < b.externalKey ? -1 : a.externalKey > b.externalKey ? 1 : 0

  const ledgerOfDocuments: ReconStoreService["ledgerOfDocuments"] = (documentIds) =>
    selectIn("ledgerOfDocuments", [...new Set(documentIds)], (chunk) =>
      sql<LedgerDb>`SELECT * FROM ledger WHERE ${sql.in("document_id", chunk)}`).pipe(
        Effect.map((rows) => rows.map(toLedger).sort(byExternalKey))
      )

  const ledgerOfTransactions: ReconStoreService["ledgerOfTransactions"] = (uuids) =>
    selectIn("ledgerOfTransactions", [...new Set(uuids)], (chunk) =>
      sql<LedgerDb>`SELECT * FROM ledger WHERE ${sql.in("transaction_uuid", chunk)}`).pipe(
        Effect.map((rows) => rows.map(toLedger).sort(byExternalKey))
      )

  const ledgerInStates: ReconStoreService["ledgerInStates"] = (states) =>
    states.length === 0 ? Effect.succeed([]) : sql<LedgerDb>`
      SELECT * FROM ledger WHERE ${sql.in("state", states)} ORDER BY external_key`.pipe(
      Effect.map((rows) => rows.map(toLedger)),
      Effect.mapError(storeError("ledgerInStates"))
    )

  const writeLedger: ReconStoreService["writeLedger"] = (rows, updatedAt) =>
    upsert(
      "writeLedger",
      "ledger",
      ["external_key"],
      rows.map((r) => ({
        external_key: r.externalKey,
        transaction_uuid: r.transactionUuid,
        document_id: r.documentId,
        state: r.state,
        run_id: r.runId,
        erp: r.erp,
        fingerprint_json: r.fingerprintJson,
        ref_json: r.refJson ?? null,
        error: r.error ?? null,
        updated_at: updatedAt
      }))
    )

  const writeBacks: ReconStoreService["writeBacks"] = (uuids) =>
    selectIn("writeBacks", uuids, (chunk) =>
      sql<{ transaction_uuid: string; kind: string; payload: string; run_id: string; sent_at: string }>`
        SELECT * FROM write_backs WHERE ${sql.in("transaction_uuid", chunk)}`).pipe(
        Effect.map((rows) =>
          rows.map((r): WriteBackRow => ({
            transactionUuid: r.transaction_uuid,
            kind: r.kind === "label" ? "label" : "comment",
            payload: r.payload,
            runId: r.run_id,
            sentAt: r.sent_at
          }))
        )
      )

  const recordWriteBacks: ReconStoreService["recordWriteBacks"] = (rows) =>
    upsert(
      "recordWriteBacks",
      "write_backs",
      ["transaction_uuid", "kind"],
      rows.map((r) => ({
        transaction_uuid: r.transactionUuid,
        kind: r.kind,
        payload: r.payload,
        run_id: r.runId,
        sent_at: r.sentAt
      }))
    )

  const forgetWriteBacks: ReconStoreService["forgetWriteBacks"] = (kind, uuids) =>
    Effect.asVoid(selectIn("forgetWriteBacks", uuids, (chunk) =>
      sql`DELETE FROM write_backs WHERE kind = ${kind} AND ${sql.in("transaction_uuid", chunk)}`))

  return ReconStore.of({
    dialect,
    atomically,
    runCount,
    beginRun,
    finishRun,
    unfinishedRun,
    finishedRun,
    getRun,
    steps,
    step,
    revisions,
    saveStep,
    upsertTransactions,
    transactionHashes,
    transactionsInPeriod,
    transactionsByUuid,
    instalmentTransactionsInPeriod,
    companyOf,
    bindCompany,
    jobLock,
    takeJobLock,
    renewJobLock,
    releaseJobLock,
    syncState,
    saveSyncState,
    cachedCfdi,
    cacheCfdi,
    cachedCfdiDigests,
    fileIndex,
    saveFileIndex,
    documentHashes,
    upsertDocuments,
    documents,
    saveLinks,
    links,
    decideLink,
    linkDecisions,
    ledger,
    ledgerOfRun,
    ledgerOfDocuments,
    ledgerOfTransactions,
    ledgerInStates,
    writeLedger,
    writeBacks,
    recordWriteBacks,
    forgetWriteBacks
  })
})
