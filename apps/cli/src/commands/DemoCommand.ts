/**
 * `clara-recon demo [--invoices DIR] [--out DIR] [--json]`: starts the Clara emulator in-process, runs `reconcile`
 * against it over real HTTPS + mutual TLS, and prints the summary and, from the scenario's ground truth, precision
 * and recall of auto-links and of `MISSING_INVOICE`. With `--json`: a line `{"evaluation": ...}`, then the content of
 * `summary.json` as the last line.
 */
import { Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { sandboxClaraSettings, startSandbox } from "@clara-recon/sandbox"
import { claraClientLayerFor } from "../ClaraConnection.js"
import { evaluate } from "../Evaluation.js"
import { printJsonLine, printSummary } from "../Output.js"
import { runJob } from "../RunJob.js"
import { commonRunOptions, countOption } from "./RunOptions.js"

/** Options of a demo run. */
export interface DemoArgs {
  readonly invoices: ReadonlyArray<string>
  readonly out: string
  /** SQLite state file; by default one per scenario company (`demoStatePath`). */
  readonly state: Option.Option<string>
  /** PostgreSQL store instead of the SQLite file `state`. */
  readonly databaseUrl?: Option.Option<string>
  readonly json: boolean
  readonly seed: number
  readonly size: number
  readonly asOf: Option.Option<string>
  readonly companyRfc: Option.Option<string>
}

/**
 * The demo's default state file: one per company (a store holds one company's runs), so the generated scenario and
 * a folder of real CFDIs each keep theirs, and a second run of the same demo re-runs against its own.
 */
export const demoStatePath = (companyRfc: string): string => `.clara-recon/demo-${companyRfc.toLowerCase()}.db`

/** Runs the demo: sandbox up, reconcile against it, evaluation against the ground truth. */
export const runDemo = (args: DemoArgs) =>
  Effect.scoped(Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped({ prefix: "clara-recon-sandbox-" })
    const [invoicesDir, ...moreDirs] = args.invoices
    const sandbox = yield* startSandbox({
      seed: args.seed,
      size: args.size,
      dir,
      ...(invoicesDir === undefined ? {} : { invoicesDir })
    })
    yield* Effect.logInfo(`Clara emulator on ${sandbox.baseUrl} (mutual TLS), scenario period ` +
      `${sandbox.scenario.period.from} .. ${sandbox.scenario.period.to}`)
    const companyRfc = Option.getOrElse(args.companyRfc, () => sandbox.scenario.company.rfc)
    const statePath = Option.getOrElse(args.state, () => demoStatePath(companyRfc))
    const { run, runDir, summary } = yield* runJob(
      {
        from: sandbox.scenario.period.from,
        to: sandbox.scenario.period.to,
        invoiceDirs: [sandbox.invoicesDir, ...moreDirs],
        outDir: args.out,
        asOf: Option.getOrUndefined(args.asOf),
        companyRfc
      },
      { statePath, databaseUrl: Option.getOrUndefined(args.databaseUrl ?? Option.none()) },
      claraClientLayerFor(sandboxClaraSettings(sandbox)),
      true
    )
    const evaluation = evaluate(run, sandbox.scenario.groundTruth)
    if (args.json) {
      yield* printJsonLine({ evaluation })
      yield* printJsonLine(summary)
    } else {
      yield* printSummary(summary, runDir)
      const line = (name: string, s: typeof evaluation.autoLinks) =>
        `  ${name}: precision ${s.precision} (${s.truePositives}/${s.predicted}), ` +
        `recall ${s.recall} (${s.truePositives}/${s.expected})`
      yield* Console.log(line("auto-links", evaluation.autoLinks))
      yield* Console.log(line("MISSING_INVOICE", evaluation.missingInvoice))
    }
    return run
  }))

/** The `demo` command. */
export const demoCommand = Command.make("demo", {
  ...commonRunOptions,
  state: Options.file("state").pipe(
    Options.withDescription("SQLite state file of the demo (default: .clara-recon/demo-<company RFC>.db)"),
    Options.optional
  ),
  seed: Options.integer("seed").pipe(Options.withDescription("Scenario seed"), Options.withDefault(1)),
  size: countOption("size").pipe(
    Options.withDescription("Transactions of a generated scenario (without --invoices)"),
    Options.withDefault(60)
  )
}, runDemo).pipe(Command.withDescription("Run the reconciliation against the built-in Clara emulator"))
