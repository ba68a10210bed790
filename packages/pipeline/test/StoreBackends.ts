/**
 * The two store backends for tests: a SQLite file in a fresh temp folder, and PostgreSQL in a fresh schema of the
 * test database (`CLARA_RECON_TEST_DATABASE_URL`, default the local `clara_recon_test`). `pgAvailable` is probed
 * once; Postgres tests skip with a message when the server cannot be reached.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { ReconStore } from "../src/ReconStore.js"
import { StoreError } from "../src/PipelineError.js"
import { layerPg, layerSqlite } from "../src/StoreLayer.js"

/** The test database URL. */
export const testDatabaseUrl = process.env.CLARA_RECON_TEST_DATABASE_URL ??
  "postgres://clara_recon:clara_recon@127.0.0.1:5432/clara_recon_test"

const admin = PgClient.layer({ url: Redacted.make(testDatabaseUrl), connectTimeout: "3 seconds", maxConnections: 1 })

const probe = await Effect.runPromise(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`SELECT 1`
  }).pipe(Effect.provide(admin), Effect.scoped, Effect.timeout("5 seconds"), Effect.either)
)

/** Whether the PostgreSQL test server answered. */
export const pgAvailable = probe._tag === "Right"
if (!pgAvailable) {
  console.warn(
    `PostgreSQL store tests skipped: cannot reach ${testDatabaseUrl.replace(/:[^:@/]*@/, ":***@")} ` +
      `(run .ci/postgres.sh or set CLARA_RECON_TEST_DATABASE_URL)`
  )
}

/** A backend: its name and a scoped store layer on a fresh, empty database. */
export interface Backend {
  readonly name: "sqlite" | "pg"
  readonly available: boolean
  /** A fresh store, dropped when the scope closes. */
  readonly fresh: () => Layer.Layer<ReconStore, StoreError>
}

export const sqliteBackend: Backend = {
  name: "sqlite",
  available: true,
  fresh: () =>
    Layer.unwrapScoped(Effect.acquireRelease(
      Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-store-"))),
      (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
    ).pipe(Effect.map((dir) => layerSqlite(path.join(dir, "state.db")))))
}

/** The URL of the test database with `search_path` set to `schema`. */
export const schemaUrl = (schema: string): string =>
  `${testDatabaseUrl}${testDatabaseUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`

/** Creates a fresh schema and returns its name; dropped (with everything in it) when the scope closes. */
export const freshSchema = Effect.acquireRelease(
  Effect.gen(function*() {
    const schema = `t_${randomBytes(6).toString("hex")}`
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE SCHEMA ${sql(schema)}`
    return schema
  }).pipe(Effect.provide(admin), Effect.scoped, Effect.orDie),
  (schema) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`DROP SCHEMA ${sql(schema)} CASCADE`
    }).pipe(Effect.provide(admin), Effect.scoped, Effect.orDie)
)

export const pgBackend: Backend = {
  name: "pg",
  available: pgAvailable,
  fresh: () => Layer.unwrapScoped(Effect.map(freshSchema, (schema) => layerPg(schemaUrl(schema))))
}

/** Both backends. */
export const backends: ReadonlyArray<Backend> = [sqliteBackend, pgBackend]
