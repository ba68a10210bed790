import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/** Schema migrations of the reconciliation store, applied in order by `@effect/sql`'s Migrator. */
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
  })
}
