/**
 * `clara-recon reconcile --from 2026-01-01 --to 2026-01-31 [--invoices DIR]... [--transactions FILE] [--out DIR]
 *  [--state FILE] [--config FILE] [--json]`
 */
import { Command, Options } from "@effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { claraClientLayer, hasClaraCredentials } from "../ClaraConnection.js"
import { printJsonLine, printSummary } from "../Output.js"
import { runJob } from "../RunJob.js"
import { runDemo } from "./DemoCommand.js"
import { civilDate, commonRunOptions } from "./RunOptions.js"

const from = civilDate("from").pipe(Options.withDescription("First operation date of the period (yyyy-MM-dd)"))
const to = civilDate("to").pipe(Options.withDescription("Last operation date of the period (yyyy-MM-dd)"))
const transactions = Options.file("transactions", { exists: "yes" }).pipe(
  Options.withDescription("Read transactions from this JSON export instead of the Clara API"),
  Options.optional
)
const config = Options.file("config", { exists: "yes" }).pipe(
  Options.withDescription("JSON file with the Clara connection settings (CLARA_* variables override it)"),
  Options.optional
)

/** The `reconcile` command. */
export const reconcileCommand = Command.make(
  "reconcile",
  { from, to, transactions, config, ...commonRunOptions },
  (args) =>
    Effect.gen(function*() {
      if (args.from > args.to) {
        return yield* Effect.fail(new Error(`--from ${args.from} is after --to ${args.to}`))
      }
      if (Option.isNone(args.transactions) && !hasClaraCredentials(args.config)) {
        yield* Effect.logWarning("no Clara credentials (CLARA_CLIENT_ID or --config): using the in-process sandbox")
        return yield* runDemo({ ...args, seed: 1, size: 60, period: { from: args.from, to: args.to } })
      }
      const { run, runDir, summary } = yield* runJob(
        {
          from: args.from,
          to: args.to,
          invoiceDirs: args.invoices,
          transactionsFile: Option.getOrUndefined(args.transactions),
          outDir: args.out,
          asOf: Option.getOrUndefined(args.asOf),
          companyRfc: Option.getOrUndefined(args.companyRfc)
        },
        args.state,
        Option.isSome(args.transactions) && !hasClaraCredentials(args.config) ? undefined : claraClientLayer(args.config)
      )
      if (args.json) yield* printJsonLine(summary)
      else yield* printSummary(summary, runDir)
      return run
    })
).pipe(Command.withDescription("Reconcile the card transactions of a period with their fiscal documents"))
