/**
 * Options shared by `reconcile` and `demo`.
 */
import { HelpDoc, Options, ValidationError } from "@effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { isRfcWellFormed } from "@clara-recon/cfdi"
import { toEpochDay } from "@clara-recon/domain"
import { isPostgresUrl, redactDatabaseUrl } from "@clara-recon/pipeline"
import { type AppConfig, AppConfigError } from "../AppConfig.js"
import type { StoreLocation } from "../RunJob.js"
import { UsageError } from "../UsageError.js"

/** A `yyyy-MM-dd` civil date option, validated. */
export const civilDate = (name: string) =>
  Options.text(name).pipe(
    Options.mapEffect((text) =>
      /^\d{4}-\d{2}-\d{2}$/.test(text) && toEpochDay(text) !== undefined
        ? Effect.succeed(text)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be a date yyyy-MM-dd, got "${text}"`)))
    )
  )

/** An integer option `--name` of at least `min` (a count: sizes, workers). */
export const countOption = (name: string, min = 1) =>
  Options.integer(name).pipe(
    Options.mapEffect((n) =>
      n >= min
        ? Effect.succeed(n)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be ${min} or more, got ${n}`)))
    )
  )

/** `--state FILE` or `--database-url URL`: where the job's state lives (`storeLocationOf`). */
export const storeOptions = {
  state: Options.file("state").pipe(
    Options.withDescription(
      "SQLite state file (idempotent re-runs); default the config's `database` or .clara-recon/state.db"
    ),
    Options.optional
  ),
  databaseUrl: Options.text("database-url").pipe(
    Options.withDescription(
      "PostgreSQL state store (postgres://user:password@host:port/db) instead of the SQLite file; " +
        "default CLARA_RECON_DATABASE_URL or the config file's `database`"
    ),
    Options.optional
  )
}

/** `--invoices DIR` (repeatable), `--out`, `--state`, `--database-url`, `--json`, `--as-of`, `--company-rfc`. */
export const commonRunOptions = {
  invoices: Options.directory("invoices", { exists: "yes" }).pipe(
    Options.withDescription("Folder searched recursively for CFDI .xml files (repeatable)"),
    Options.repeated
  ),
  out: Options.directory("out").pipe(
    Options.withDescription("Output folder; each run writes <out>/<run-id> and points <out>/latest at it"),
    Options.withDefault("out")
  ),
  ...storeOptions,
  json: Options.boolean("json").pipe(Options.withDescription("Print summary.json on stdout as the last line")),
  asOf: civilDate("as-of").pipe(
    Options.withDescription("Date the run is judged at (grace periods, ages); default today in Mexico City"),
    Options.optional
  ),
  companyRfc: Options.text("company-rfc").pipe(
    Options.withDescription("The company's RFC, for receptor checks (12 or 13 characters; it binds the store)"),
    Options.mapEffect((text) => {
      const rfc = text.trim().toUpperCase()
      return isRfcWellFormed(rfc)
        ? Effect.succeed(rfc)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--company-rfc must be an RFC (12 or 13 characters, ` +
          `e.g. EKU9003173C9), got "${text}"`)))
    }),
    Options.optional
  )
}

/** The SQLite state file when no option nor setting names a store. */
export const defaultStatePath = ".clara-recon/state.db"

/**
 * Where the state lives: `--database-url` (PostgreSQL), else an explicit `--state` (SQLite file), else the setting
 * `database` (`CLARA_RECON_DATABASE_URL`, or the config file's): a `postgres://` URL or a SQLite file path, else
 * `.clara-recon/state.db`. `source` names where the settings came from (the config file, or "environment"). Fails
 * with `UsageError` when `--database-url` is not a `postgres://` URL, `AppConfigError` when `database` is a URL of
 * another scheme.
 */
export const storeLocationOf = (
  args: { readonly state: Option.Option<string>; readonly databaseUrl: Option.Option<string> },
  config: AppConfig,
  source: string
): Effect.Effect<StoreLocation, UsageError | AppConfigError> => {
  if (Option.isSome(args.databaseUrl)) {
    return isPostgresUrl(args.databaseUrl.value)
      ? Effect.succeed({ statePath: defaultStatePath, databaseUrl: args.databaseUrl.value })
      : Effect.fail(
        new UsageError({ message: "--database-url must be a postgres:// URL; give a SQLite file with --state FILE" })
      )
  }
  if (Option.isSome(args.state)) return Effect.succeed({ statePath: args.state.value })
  const setting = config.database
  if (setting === undefined) return Effect.succeed({ statePath: defaultStatePath })
  if (isPostgresUrl(setting)) return Effect.succeed({ statePath: defaultStatePath, databaseUrl: setting })
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(setting)) {
    return Effect.fail(
      new AppConfigError({
        path: source,
        message: `database (or CLARA_RECON_DATABASE_URL) must be a postgres:// URL or a SQLite file path, got ` +
          redactDatabaseUrl(setting).slice(0, 60)
      })
    )
  }
  return Effect.succeed({ statePath: setting.replace(/^sqlite:/i, "") })
}
