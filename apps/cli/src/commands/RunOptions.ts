/**
 * Options shared by `reconcile` and `demo`.
 */
import { HelpDoc, Options, ValidationError } from "@effect/cli"
import * as Effect from "effect/Effect"
import { toEpochDay } from "@clara-recon/domain"

/** A `yyyy-MM-dd` civil date option, validated. */
export const civilDate = (name: string) =>
  Options.text(name).pipe(
    Options.mapEffect((text) =>
      /^\d{4}-\d{2}-\d{2}$/.test(text) && toEpochDay(text) !== undefined
        ? Effect.succeed(text)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be a date yyyy-MM-dd, got "${text}"`)))
    )
  )

/** `--state FILE` or `--database-url URL`: where the job's state lives. */
export const storeOptions = {
  state: Options.file("state").pipe(
    Options.withDescription("SQLite state file (idempotent re-runs)"),
    Options.withDefault(".clara-recon/state.db")
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
    Options.withDescription("The company's RFC, for receptor checks"),
    Options.optional
  )
}
