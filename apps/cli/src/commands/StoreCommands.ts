/**
 * Commands that work on the state store alone:
 * - `clara-recon report [--run ID] [--out DIR]`: re-renders a finished run's reports from the store;
 * - `clara-recon link confirm|reject <link-id> [--by NAME]`: a person's decision on a link, pinned (confirmed) or
 *   forbidden (rejected) on every later run (matching.md §7.13);
 * - `clara-recon aliases [--json]`: what the matcher learned from those decisions (descriptor -> issuer RFC);
 * - `clara-recon ledger [--status S]... [--json]`: the postings that need a person (erp.md §5.1);
 *   `clara-recon ledger exclude <external-key> [--by NAME] [--reason TEXT]`: one marked as handled (`excluded`);
 *   `clara-recon ledger reopen <external-key> [--by NAME] [--reason TEXT]`: a `failed` or `excluded` one planned and
 *   posted again by the next run.
 * All take `--state FILE` or `--database-url URL` (default `CLARA_RECON_DATABASE_URL` / the config file).
 */
import { Args, Command, Options } from "@effect/cli"
import { mexicoCityDate } from "@clara-recon/domain"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import {
  ATTENTION_STATES,
  decideLink,
  excludePosting,
  learnedAliases,
  type LedgerRow,
  ledgerToReview,
  renderReport,
  reopenPosting
} from "@clara-recon/pipeline"
import { loadAppConfig } from "../AppConfig.js"
import { printJsonLine, printSummary } from "../Output.js"
import { storeLayer } from "../RunJob.js"
import { configOption } from "./ReconcileCommand.js"
import { storeLocationOf, storeOptions } from "./RunOptions.js"

/** The parsed store options and `--config`. */
interface StoreArgs {
  readonly state: Option.Option<string>
  readonly databaseUrl: Option.Option<string>
  readonly config: Option.Option<string>
}

/** Runs `effect` against the store named by the options (and the config file). */
const withStore = <A, E, R>(args: StoreArgs, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const config = yield* loadAppConfig(args.config)
    const location = yield* storeLocationOf(args, config, Option.getOrElse(args.config, () => "environment"))
    const layer = yield* storeLayer(location)
    return yield* Effect.provide(effect, layer)
  })

/** A command with `options`, `--config` and the store options, running `body` against the store they name. */
const storeCommand = <const Config extends Command.Command.Config, A, E, R>(
  name: string,
  options: Config,
  body: (args: Command.Command.ParseConfig<Config>) => Effect.Effect<A, E, R>
) =>
  Command.make(name, { ...options, config: configOption, ...storeOptions }, (args) =>
    // the parsed arguments hold `options`' values and the store's (TypeScript cannot split the mapped type)
    withStore(args as unknown as StoreArgs, body(args as unknown as Command.Command.ParseConfig<Config>)))

const run = Options.text("run").pipe(
  Options.withDescription("Run id (default: the latest finished run)"),
  Options.optional
)
const out = Options.directory("out").pipe(
  Options.withDescription("Output folder; the run is written to <out>/<run-id>"),
  Options.withDefault("out")
)

/** `clara-recon report`. */
export const reportCommand = storeCommand("report", { run, out, json: Options.boolean("json") }, (args) =>
  Effect.gen(function*() {
    const rendered = yield* renderReport({ outDir: args.out, runId: Option.getOrUndefined(args.run) })
    if (args.json) yield* printJsonLine(rendered.summary)
    else yield* printSummary(rendered.summary, rendered.runDir)
  })
).pipe(Command.withDescription("Re-render a run's reports (HTML, CSV, JSON, chase lists) from the state store"))

const linkId = Args.text({ name: "link-id" }).pipe(Args.withDescription("The link id (links.json, report.html)"))
const by = Options.text("by").pipe(
  Options.withDescription("Who decides (default: $USER)"),
  Options.withDefault(process.env["USER"] ?? "unknown")
)

const decision = (name: "confirm" | "reject", status: "CONFIRMED" | "REJECTED") =>
  storeCommand(name, { linkId, by }, (args) =>
    Effect.gen(function*() {
      const at = new Date(yield* Clock.currentTimeMillis).toISOString()
      yield* decideLink(args.linkId, status, args.by, at)
      yield* Console.log(`link ${args.linkId} ${status.toLowerCase()} by ${args.by} at ${at}`)
    })
  ).pipe(
    Command.withDescription(
      status === "CONFIRMED"
        ? "Confirm a link: it is kept as is on every later run"
        : "Reject a link: the pair is never linked again"
    )
  )

/** `clara-recon link confirm|reject <link-id>`. */
export const linkCommand = Command.make("link").pipe(
  Command.withDescription("Confirm or reject a link of a run"),
  Command.withSubcommands([decision("confirm", "CONFIRMED"), decision("reject", "REJECTED")])
)

/** `clara-recon aliases`. */
export const aliasesCommand = storeCommand("aliases", { json: Options.boolean("json") }, (args) =>
  Effect.gen(function*() {
    const today = mexicoCityDate(yield* Clock.currentTimeMillis)
    const aliases = yield* learnedAliases(today)
    if (args.json) return yield* printJsonLine({ aliases })
    if (aliases.length === 0) {
      return yield* Console.log("No aliases learned yet (confirm links with `link confirm`).")
    }
    for (const a of aliases) {
      yield* Console.log(
        `${a.active ? "active  " : "inactive"}  ${a.descriptorKey} -> ${a.rfc}  ` +
          `(confirmed ${a.confirmations}, rejected ${a.rejections}` +
          (a.lastConfirmedAt ? `, last confirmed ${a.lastConfirmedAt}` : "") + ")"
      )
    }
  })
).pipe(Command.withDescription("Show the descriptor -> issuer RFC aliases learned from confirmed and rejected links"))

const LEDGER_STATES = ["draft", "planned", "posting", "posted_unverified", "verified", "failed", "excluded"] as const

/** A ledger row as `ledger --json` prints it: no fingerprint, the ERP reference decoded. */
const ledgerJson = (row: LedgerRow) => ({
  externalKey: row.externalKey,
  state: row.state,
  transactionUuid: row.transactionUuid,
  documentId: row.documentId,
  runId: row.runId,
  erp: row.erp,
  ...(row.refJson === undefined ? {} : { ref: JSON.parse(row.refJson) as unknown }),
  ...(row.error === undefined ? {} : { error: row.error })
})

/** The arguments of `ledger exclude` and `ledger reopen`. */
const ledgerEntryArgs = {
  externalKey: Args.text({ name: "external-key" }).pipe(
    Args.withDescription("The posting's external key (`ledger`, postings/manifest.json)")
  ),
  by,
  reason: Options.text("reason").pipe(Options.withDescription("Why, kept with the posting"), Options.optional)
}

/**
 * `ledger exclude|reopen <external-key>`: `act` on the posting for the person `--by` now, then a line saying it was
 * `done` and what `follows`.
 */
const ledgerEntryCommand = (options: {
  readonly name: string
  readonly act: typeof excludePosting
  readonly done: string
  readonly follows: string
  readonly description: string
}) =>
  storeCommand(options.name, ledgerEntryArgs, (args) =>
    Effect.gen(function*() {
      const at = new Date(yield* Clock.currentTimeMillis).toISOString()
      const row = yield* options.act(args.externalKey, args.by, at, Option.getOrUndefined(args.reason))
      yield* Console.log(`posting ${row.externalKey} ${options.done} by ${args.by} at ${at}: ${options.follows}`)
    })).pipe(Command.withDescription(options.description))

const excludeCommand = ledgerEntryCommand({
  name: "exclude",
  act: excludePosting,
  done: "excluded",
  follows: "no run posts or reports it again",
  description: "Mark a posting as handled by a person: no run posts it or reports it again"
})

const reopenCommand = ledgerEntryCommand({
  name: "reopen",
  act: reopenPosting,
  done: "reopened",
  follows: "the next run plans and posts it again",
  description: "Reopen a failed or excluded posting: the next run plans and posts it again"
})

/** `clara-recon ledger [exclude|reopen <external-key>]`. */
export const ledgerCommand = storeCommand(
  "ledger",
  {
    status: Options.choice("status", LEDGER_STATES).pipe(
      Options.repeated,
      Options.withDescription(`Only postings in this state (repeatable; default: ${ATTENTION_STATES.join(", ")})`)
    ),
    json: Options.boolean("json")
  },
  (args) =>
    Effect.gen(function*() {
      const rows = yield* ledgerToReview(args.status.length === 0 ? ATTENTION_STATES : args.status)
      if (args.json) return yield* printJsonLine({ ledger: rows.map(ledgerJson) })
      if (rows.length === 0) return yield* Console.log("No posting in these states.")
      for (const row of rows) {
        yield* Console.log(
          `${row.state.padEnd(17)}  ${row.externalKey}  transaction ${row.transactionUuid}  document ` +
            `${row.documentId}  run ${row.runId}${row.error === undefined ? "" : `  ${row.error}`}`
        )
      }
    })
).pipe(
  Command.withDescription("List the postings that need a person (failed, or never confirmed by the ERP)"),
  Command.withSubcommands([excludeCommand, reopenCommand])
)
