/**
 * Commands that work on the state store alone:
 * - `clara-recon report [--run ID] [--out DIR]`: re-renders a finished run's reports from the store;
 * - `clara-recon link confirm|reject <link-id> [--by NAME]`: a person's decision on a link, pinned (confirmed) or
 *   forbidden (rejected) on every later run (matching.md §7.13);
 * - `clara-recon aliases [--json]`: what the matcher learned from those decisions (descriptor -> issuer RFC).
 * All take `--state FILE` or `--database-url URL` (default `CLARA_RECON_DATABASE_URL` / the config file).
 */
import { Args, Command, Options } from "@effect/cli"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { decideLink, learnedAliases, renderReport } from "@clara-recon/pipeline"
import { loadAppConfig } from "../AppConfig.js"
import { printJsonLine, printSummary } from "../Output.js"
import { storeLayer } from "../RunJob.js"
import { configOption, databaseUrlOf } from "./ReconcileCommand.js"
import { storeOptions } from "./RunOptions.js"

/** Runs `effect` against the store named by the options (and the config file). */
const withStore = <A, E, R>(
  args: { readonly state: string; readonly databaseUrl: Option.Option<string>; readonly config: Option.Option<string> },
  effect: Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const config = yield* loadAppConfig(args.config)
    const layer = yield* storeLayer({ statePath: args.state, databaseUrl: databaseUrlOf(args.databaseUrl, config) })
    return yield* Effect.provide(effect, layer)
  })

const run = Options.text("run").pipe(
  Options.withDescription("Run id (default: the latest finished run)"),
  Options.optional
)
const out = Options.directory("out").pipe(
  Options.withDescription("Output folder; the run is written to <out>/<run-id>"),
  Options.withDefault("out")
)

/** `clara-recon report`. */
export const reportCommand = Command.make(
  "report",
  { run, out, json: Options.boolean("json"), config: configOption, ...storeOptions },
  (args) =>
    withStore(
      args,
      Effect.gen(function*() {
        const rendered = yield* renderReport({ outDir: args.out, runId: Option.getOrUndefined(args.run) })
        if (args.json) yield* printJsonLine(rendered.summary)
        else yield* printSummary(rendered.summary, rendered.runDir)
      })
    )
).pipe(Command.withDescription("Re-render a run's reports (HTML, CSV, JSON, chase lists) from the state store"))

const linkId = Args.text({ name: "link-id" }).pipe(Args.withDescription("The link id (links.json, report.html)"))
const by = Options.text("by").pipe(
  Options.withDescription("Who decides (default: $USER)"),
  Options.withDefault(process.env["USER"] ?? "unknown")
)

const decision = (name: "confirm" | "reject", status: "CONFIRMED" | "REJECTED") =>
  Command.make(name, { linkId, by, config: configOption, ...storeOptions }, (args) =>
    withStore(
      args,
      Effect.gen(function*() {
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        yield* decideLink(args.linkId, status, args.by, at)
        yield* Console.log(`link ${args.linkId} ${status.toLowerCase()} by ${args.by} at ${at}`)
      })
    )).pipe(
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
export const aliasesCommand = Command.make(
  "aliases",
  { json: Options.boolean("json"), config: configOption, ...storeOptions },
  (args) =>
    withStore(
      args,
      Effect.gen(function*() {
        const today = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 10)
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
    )
).pipe(Command.withDescription("Show the descriptor -> issuer RFC aliases learned from confirmed and rejected links"))
