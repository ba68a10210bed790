/**
 * `clara-recon reconcile --from 2026-01-01 --to 2026-01-31 [--invoices DIR]... [--transactions FILE] [--out DIR]
 *  [--state FILE | --database-url URL] [--config FILE] [--erp ID] [--dry-run] [--write-back] [--sync-overlap-days N]
 *  [--json]`
 */
import { Command, Options } from "@effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { AppConfigError, hasClaraSettings, loadAppConfig } from "../AppConfig.js"
import { claraClientLayer } from "../ClaraConnection.js"
import { erpAdapterFor, erpIdOf, NO_ERP } from "../ErpConnection.js"
import { printJsonLine, printSummary } from "../Output.js"
import { runJob } from "../RunJob.js"
import { UsageError } from "../UsageError.js"
import { civilDate, commonRunOptions, storeLocationOf } from "./RunOptions.js"

const from = civilDate("from").pipe(Options.withDescription("First operation date of the period (yyyy-MM-dd)"))
const to = civilDate("to").pipe(Options.withDescription("Last operation date of the period (yyyy-MM-dd)"))
const transactions = Options.file("transactions", { exists: "yes" }).pipe(
  Options.withDescription("Read transactions from this JSON export instead of the Clara API"),
  Options.optional
)
/** `--config FILE`: the combined configuration file (Clara, ERP, database; see `AppConfig`). */
export const configOption = Options.file("config", { exists: "yes" }).pipe(
  Options.withDescription("JSON config file: Clara settings, `erp` and `database` sections (environment overrides it)"),
  Options.optional
)
/** `--erp ID`: the ERP adapter of the run. */
export const erpOption = Options.text("erp").pipe(
  Options.withDescription("ERP adapter: sap-csv (default), netsuite, none, or a configured module's id"),
  Options.optional
)
const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription("Plan the postings (plans.json in the run folder) without posting anything")
)
const writeBack = Options.boolean("write-back").pipe(
  Options.withDescription("Comment (and label) the transactions with missing invoices in Clara; off by default")
)
const writeBackLabel = Options.text("write-back-label").pipe(
  Options.withDescription("Uuid of a Clara label to bind to transactions with missing invoices (with --write-back)"),
  Options.optional
)
const syncOverlapDays = Options.integer("sync-overlap-days").pipe(
  Options.withDescription(
    "Days re-read before the last sync's latest lastUpdateDate (Clara shows some charges up to 2 business days " +
      "late, clara-api.md §5.4); default 3"
  ),
  Options.withDefault(3)
)

const reconcileOptions = {
  from,
  to,
  transactions,
  config: configOption,
  erp: erpOption,
  dryRun,
  writeBack,
  writeBackLabel,
  syncOverlapDays,
  ...commonRunOptions
}

/** The arguments of `reconcile` (and `post`, which never dry-runs nor writes back). */
type ReconcileArgs = Command.Command.ParseConfig<typeof reconcileOptions>

/** Runs `reconcile` with parsed arguments. */
const runReconcile = (args: ReconcileArgs) =>
  Effect.gen(function*() {
    if (args.from > args.to) {
      return yield* new UsageError({ message: `--from ${args.from} is after --to ${args.to}` })
    }
    if (Option.isSome(args.writeBackLabel) && !args.writeBack) {
      return yield* new UsageError({ message: "--write-back-label binds a label only with --write-back" })
    }
    if (args.syncOverlapDays < 0) {
      return yield* new UsageError({ message: `--sync-overlap-days must be 0 or more, got ${args.syncOverlapDays}` })
    }
    const config = yield* loadAppConfig(args.config)
    const location = yield* storeLocationOf(args, config, Option.getOrElse(args.config, () => "environment"))
    const withClara = hasClaraSettings(config)
    // never a silent stand-in: a run without credentials would put made-up charges into the real store
    if (Option.isNone(args.transactions) && !withClara) {
      return yield* new AppConfigError({
        path: Option.getOrElse(args.config, () => "environment"),
        message: "no Clara credentials: set CLARA_CLIENT_ID (with the other CLARA_* settings), give --config FILE " +
          "with a clara section, or read an export with --transactions FILE (`clara-recon demo` runs the sandbox)"
      })
    }
    const tenant = "default"
    const erpId = erpIdOf(config, args.erp)
    const erp = yield* erpAdapterFor(erpId, config, tenant)
    if (erpId === NO_ERP) yield* Effect.logInfo("--erp none: postings are planned (plans.json), not posted")
    else if (config.erp.mapping === undefined) {
      yield* Effect.logWarning("no erp.mapping in the config: journals go to the placeholder GL accounts of " +
        "defaultMapping; set your chart of accounts in erp.mapping")
    }
    const { runDir, summary } = yield* runJob(
      {
        from: args.from,
        to: args.to,
        invoiceDirs: args.invoices,
        transactionsFile: Option.getOrUndefined(args.transactions),
        outDir: args.out,
        tenant,
        asOf: Option.getOrUndefined(args.asOf),
        companyRfc: Option.getOrUndefined(args.companyRfc),
        erp,
        mapping: config.erp.mapping,
        closedPeriods: config.erp.closedPeriods,
        dryRun: args.dryRun || erpId === NO_ERP,
        writeBack: args.writeBack,
        writeBackLabelUuid: Option.getOrUndefined(args.writeBackLabel),
        syncOverlapDays: args.syncOverlapDays
      },
      location,
      withClara ? claraClientLayer(args.config) : undefined
    )
    if (args.json) yield* printJsonLine(summary)
    else yield* printSummary(summary, runDir)
  }).pipe(Effect.scoped)

/** The `reconcile` command. */
export const reconcileCommand = Command.make("reconcile", reconcileOptions, runReconcile).pipe(
  Command.withDescription("Reconcile the card transactions of a period with their fiscal documents")
)

const { dryRun: _dryRun, writeBack: _writeBack, writeBackLabel: _writeBackLabel, ...postOptions } = reconcileOptions

/**
 * `clara-recon post --from --to [--erp ID] ...`: posts a reconciled period through the adapter registry, e.g. after
 * `reconcile --dry-run` or `--erp none`, or to retry failed postings. Unchanged inputs reuse the stored sync,
 * collect and match of the period's last run; the posting ledger skips every document already verified in the ERP.
 */
export const postCommand = Command.make("post", postOptions, (args) =>
  runReconcile({ ...args, dryRun: false, writeBack: false, writeBackLabel: Option.none() })).pipe(
    Command.withDescription("Post a reconciled period to the ERP (after a dry run, or to retry failed postings)")
  )
