/**
 * Layers of the `ReconStore`: a SQLite file (the default, `@effect/sql-sqlite-node`) or a PostgreSQL database
 * (`@effect/sql-pg`) chosen by a database URL (`postgres://` or `postgresql://`). Both run the same migrations and
 * the same repository code (`internal/SqlStore.ts`).
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { makeSqlStore } from "./internal/SqlStore.js"
import { StoreError } from "./PipelineError.js"
import { ReconStore } from "./ReconStore.js"

/** `true` when `url` names a PostgreSQL database (`postgres://...` or `postgresql://...`). */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url)

/** The URL with any password replaced by `***`, for messages. */
export const redactDatabaseUrl = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@")

const openError = (what: string) => (cause: unknown) =>
  Layer.fail(
    cause instanceof StoreError
      ? cause
      : new StoreError({
        operation: "open",
        message: `state store: cannot open ${what}: ${
          redactDatabaseUrl(cause instanceof Error ? cause.message : String((cause as { message?: unknown })?.message ?? cause))
        }`
      })
  )

/**
 * How the SQLite file is opened, before the migrations run (the client's own `journal_mode = WAL` is turned off so
 * that the page size comes first: SQLite cannot change it once a file is in WAL mode).
 * - `page_size = 65536`, for a new file only (an existing file keeps its own): a month's store holds hundreds of
 *   thousands of JSON rows of 1-3 KB (transactions, documents, link explanations), each of which overflows a 4 KB
 *   page into a chain of overflow pages. On 64 KB pages they are stored in place, and the month-end job's first run
 *   writes fewer pages (`pnpm bench --only pipeline`).
 * - `journal_mode = WAL`, as the client sets it; `synchronous` stays SQLite's default (FULL): a commit is on disk
 *   before the job goes on, so a posting marked `posting` survives a power cut and is never posted blindly again.
 * - `cache_size = -65536`: 64 MiB of page cache instead of 2 MiB, so a large transaction's B-tree pages stay in
 *   memory until its commit instead of spilling to the WAL in the middle.
 */
const sqlitePragmas = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("PRAGMA page_size = 65536")
  yield* sql.unsafe("PRAGMA journal_mode = WAL")
  yield* sql.unsafe("PRAGMA cache_size = -65536")
})

/** The store on a SQLite file (its folder must exist). Fails with `StoreError` (operation `open` or `migrate`). */
export const layerSqlite = (filename: string): Layer.Layer<ReconStore, StoreError> =>
  Layer.effect(ReconStore, Effect.zipRight(sqlitePragmas, makeSqlStore)).pipe(
    Layer.provide(SqliteClient.layer({ filename, disableWAL: true })),
    Layer.catchAll(openError(filename))
  )

/**
 * The store on a PostgreSQL database. `url` is a libpq-style URL (`postgres://user:password@host:port/db`, query
 * options such as `?options=-c%20search_path%3Dschema` pass through); it is kept `Redacted`. Fails with
 * `StoreError` (operation `open`, the password masked) when the server cannot be reached or refuses the login.
 */
export const layerPg = (url: string | Redacted.Redacted<string>): Layer.Layer<ReconStore, StoreError> => {
  const secret = typeof url === "string" ? Redacted.make(url) : url
  return Layer.effect(ReconStore, makeSqlStore).pipe(
    Layer.provide(PgClient.layer({ url: secret, applicationName: "clara-recon", maxConnections: 4 })),
    Layer.catchAll(openError(redactDatabaseUrl(Redacted.value(secret))))
  )
}

/**
 * The store the CLI asks for: PostgreSQL when `databaseUrl` is given (it must be a `postgres://` URL), else the
 * SQLite file `statePath`. Fails with `StoreError` (operation `open`) for any other URL scheme.
 */
export const layerStore = (options: {
  readonly statePath: string
  readonly databaseUrl?: string | Redacted.Redacted<string> | undefined
}): Layer.Layer<ReconStore, StoreError> => {
  const url = options.databaseUrl
  if (url === undefined) return layerSqlite(options.statePath)
  const text = typeof url === "string" ? url : Redacted.value(url)
  if (!isPostgresUrl(text)) {
    return Layer.fail(
      new StoreError({
        operation: "open",
        message: `state store: --database-url must be a postgres:// URL, got ${redactDatabaseUrl(text).slice(0, 60)}`
      })
    )
  }
  return layerPg(url)
}
