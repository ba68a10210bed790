import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/**
 * Schema migrations of the reconciliation store, applied in order by `@effect/sql`'s Migrator, on SQLite and
 * PostgreSQL alike: only portable types (TEXT, INTEGER) and statements (`ALTER TABLE ... ADD COLUMN` with a default,
 * `INSERT ... SELECT`) are used, so one text serves both dialects.
 */
export const migrations = {
  "0001_initial": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE runs (
      run_id TEXT PRIMARY KEY,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      period_from TEXT NOT NULL,
      period_to TEXT NOT NULL,
      summary_json TEXT
    )`
    yield* sql`CREATE TABLE transactions (
      uuid TEXT PRIMARY KEY,
      operation_date TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      json TEXT NOT NULL,
      last_run_id TEXT NOT NULL
    )`
    yield* sql`CREATE INDEX transactions_operation_date ON transactions (operation_date)`
    yield* sql`CREATE TABLE cfdi_cache (
      sha256 TEXT PRIMARY KEY,
      outcome TEXT NOT NULL,
      json TEXT NOT NULL
    )`
    yield* sql`CREATE TABLE links (
      link_id TEXT PRIMARY KEY,
      transaction_uuid TEXT NOT NULL,
      document_id TEXT NOT NULL,
      decision TEXT NOT NULL,
      points INTEGER NOT NULL,
      explanation_json TEXT NOT NULL,
      run_id TEXT NOT NULL
    )`
    yield* sql`CREATE TABLE postings (
      external_key TEXT PRIMARY KEY,
      transaction_uuid TEXT NOT NULL,
      document_id TEXT NOT NULL,
      state TEXT NOT NULL,
      run_id TEXT NOT NULL,
      file_path TEXT NOT NULL,
      file_sha256 TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`
  }),
  "0002_durable_pipeline": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`ALTER TABLE runs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default'`
    yield* sql`ALTER TABLE runs ADD COLUMN as_of TEXT NOT NULL DEFAULT ''`
    yield* sql`ALTER TABLE runs ADD COLUMN options_key TEXT NOT NULL DEFAULT ''`
    yield* sql`CREATE INDEX runs_options_key ON runs (options_key, finished_at)`
    yield* sql`CREATE TABLE run_steps (
      run_id TEXT NOT NULL,
      step TEXT NOT NULL,
      state TEXT NOT NULL,
      checkpoint_json TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (run_id, step)
    )`
    yield* sql`ALTER TABLE transactions ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default'`
    yield* sql`ALTER TABLE transactions ADD COLUMN last_update_date TEXT`
    yield* sql`CREATE INDEX transactions_tenant_date ON transactions (tenant, operation_date)`
    yield* sql`CREATE TABLE sync_state (
      tenant TEXT NOT NULL,
      scope TEXT NOT NULL,
      watermark TEXT,
      source_hash TEXT,
      detail_json TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (tenant, scope)
    )`
    yield* sql`CREATE TABLE file_index (
      path TEXT PRIMARY KEY,
      stamp TEXT NOT NULL,
      sha256 TEXT NOT NULL
    )`
    yield* sql`CREATE TABLE documents (
      document_id TEXT PRIMARY KEY,
      content_hash TEXT NOT NULL,
      json TEXT NOT NULL
    )`
    yield* sql`DROP TABLE links`
    yield* sql`CREATE TABLE links (
      run_id TEXT NOT NULL,
      link_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      transaction_uuid TEXT NOT NULL,
      document_id TEXT NOT NULL,
      decision TEXT NOT NULL,
      json TEXT NOT NULL,
      PRIMARY KEY (run_id, link_id)
    )`
    yield* sql`CREATE INDEX links_link_id ON links (link_id)`
    yield* sql`CREATE TABLE link_decisions (
      link_id TEXT PRIMARY KEY,
      transaction_uuid TEXT NOT NULL,
      document_id TEXT NOT NULL,
      decision TEXT NOT NULL,
      decided_by TEXT NOT NULL,
      decided_at TEXT NOT NULL,
      link_json TEXT NOT NULL
    )`
    yield* sql`CREATE TABLE ledger (
      external_key TEXT PRIMARY KEY,
      transaction_uuid TEXT NOT NULL,
      document_id TEXT NOT NULL,
      state TEXT NOT NULL,
      run_id TEXT NOT NULL,
      erp TEXT NOT NULL,
      fingerprint_json TEXT NOT NULL,
      ref_json TEXT,
      error TEXT,
      updated_at TEXT NOT NULL
    )`
    yield* sql`CREATE INDEX ledger_run_id ON ledger (run_id)`
    // Postings exported by the walking skeleton were delivered files: they stay done, never exported again.
    yield* sql`INSERT INTO ledger (external_key, transaction_uuid, document_id, state, run_id, erp, fingerprint_json,
        ref_json, error, updated_at)
      SELECT external_key, transaction_uuid, document_id, 'verified', run_id, 'sap-csv', '{}', NULL, NULL, updated_at
      FROM postings WHERE state = 'exported'`
    yield* sql`DROP TABLE postings`
    yield* sql`CREATE TABLE write_backs (
      transaction_uuid TEXT NOT NULL,
      kind TEXT NOT NULL,
      payload TEXT NOT NULL,
      run_id TEXT NOT NULL,
      sent_at TEXT NOT NULL,
      PRIMARY KEY (transaction_uuid, kind)
    )`
  }),
  "0003_step_reuse": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // the inputs key of a step (collect, match), readable without decoding its checkpoint
    yield* sql`ALTER TABLE run_steps ADD COLUMN inputs_key TEXT`
    // a step reused from an earlier run: the run whose checkpoint (and, for match, links) this step shares
    yield* sql`ALTER TABLE run_steps ADD COLUMN same_as TEXT`
    // a key of the step's inputs that is cheap to compute (file stamps, store revisions), checked first
    yield* sql`ALTER TABLE run_steps ADD COLUMN quick_key TEXT`
    // counters moved by every write that changes what a match sees (transactions, documents, link decisions)
    yield* sql`CREATE TABLE revisions (
      name TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    )`
  }),
  "0004_ledger_by_document": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // an MSI plan's instalments are posted in the periods they fall in: later runs find the earlier instalments'
    // postings by transaction, and all the postings against the plan's CFDI
    yield* sql`CREATE INDEX ledger_document_id ON ledger (document_id)`
    yield* sql`CREATE INDEX ledger_transaction_uuid ON ledger (transaction_uuid)`
  }),
  "0005_failed_waits_for_a_person": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // `failed` now means "the ERP holds a record that differs from the plan" (a read-back mismatch): never posted
    // again until a person reopens it. A post the ERP refused with nothing applied goes back to `planned` instead,
    // as earlier versions retried it: their `failed` rows that are not mismatches become `planned`.
    yield* sql`UPDATE ledger SET state = 'planned'
      WHERE state = 'failed' AND (error IS NULL OR error NOT LIKE 'the ERP record differs from the planned posting%')`
  }),
  "0006_cfdi_read_again": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // the documents now carry their IVA by rate (a CFDI mixing rates is booked one line per rate): every file is read
    // again once, and no earlier collection counts as unchanged
    yield* sql`DELETE FROM cfdi_cache`
    yield* sql`UPDATE run_steps SET quick_key = NULL, inputs_key = NULL WHERE step = 'collect'`
  }),
  "0007_cfdi_untaxed_concepts": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // concepts outside IVA (ObjetoImp 01) now have their own part of the IVA by rate, local taxes withheld are kept
    // apart (localWithheld), and the concepts' amounts by product code are kept (conceptAmounts): read every file
    // again once
    yield* sql`DELETE FROM cfdi_cache`
    yield* sql`UPDATE run_steps SET quick_key = NULL, inputs_key = NULL WHERE step = 'collect'`
  }),
  "0008_company_binding": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // the company a tenant's runs are for: a run for another company is refused instead of mixing their records
    yield* sql`CREATE TABLE company_binding (
      tenant TEXT PRIMARY KEY,
      company_rfc TEXT NOT NULL,
      bound_at TEXT NOT NULL
    )`
  }),
  "0009_job_lock": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // one job at a time per tenant: two processes resuming one run would post its batches twice
    yield* sql`CREATE TABLE job_lock (
      tenant TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      expires_at TEXT NOT NULL
    )`
  })
}
