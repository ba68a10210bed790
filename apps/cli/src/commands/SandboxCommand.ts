/**
 * `clara-recon sandbox [--port N] [--invoices DIR] [--json]`: the Clara emulator in the foreground until Ctrl-C.
 * With `--json` the first stdout line is `{"baseUrl","clientId","clientSecret","cert","key","ca"}` (paths): exactly
 * what `reconcile` needs through `CLARA_BASE_URL`, `CLARA_CLIENT_ID`, `CLARA_CLIENT_SECRET`, `CLARA_CERT`,
 * `CLARA_KEY` and `CLARA_CA`. A second line describes the scenario (period, invoices folder).
 */
import { Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { startSandbox } from "@clara-recon/sandbox"
import { countOption } from "./RunOptions.js"

const port = Options.integer("port").pipe(Options.withDescription("Port on 127.0.0.1 (default: a free one)"), Options.optional)
const invoices = Options.directory("invoices", { exists: "yes" }).pipe(
  Options.withDescription("Build the scenario around the CFDI .xml files under this folder"),
  Options.optional
)
const json = Options.boolean("json").pipe(Options.withDescription("Print the connection settings as JSON"))
const seed = Options.integer("seed").pipe(Options.withDescription("Scenario seed"), Options.withDefault(1))
const size = countOption("size").pipe(
  Options.withDescription("Transactions of a generated scenario"),
  Options.withDefault(60)
)

/** The `sandbox` command. */
export const sandboxCommand = Command.make("sandbox", { port, invoices, json, seed, size }, (args) =>
  Effect.scoped(Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped({ prefix: "clara-recon-sandbox-" })
    const sandbox = yield* startSandbox({
      seed: args.seed,
      size: args.size,
      dir,
      ...(Option.isSome(args.port) ? { port: args.port.value } : {}),
      ...(Option.isSome(args.invoices) ? { invoicesDir: args.invoices.value } : {})
    })
    const settings = {
      baseUrl: sandbox.baseUrl,
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      cert: sandbox.cert,
      key: sandbox.key,
      ca: sandbox.ca
    }
    const scenario = {
      from: sandbox.scenario.period.from,
      to: sandbox.scenario.period.to,
      invoicesDir: sandbox.invoicesDir,
      transactions: sandbox.scenario.transactions.length
    }
    if (args.json) {
      yield* Console.log(JSON.stringify(settings))
      yield* Console.log(JSON.stringify({ scenario }))
    } else {
      yield* Console.log(`Clara emulator listening on ${sandbox.baseUrl} (HTTPS, client certificate required)`)
      yield* Console.log(`Scenario ${scenario.from} .. ${scenario.to}: ${scenario.transactions} transactions; ` +
        `invoices folder ${scenario.invoicesDir}`)
      yield* Console.log(`export CLARA_BASE_URL=${settings.baseUrl} CLARA_CLIENT_ID=${settings.clientId} ` +
        `CLARA_CLIENT_SECRET=${settings.clientSecret} CLARA_CERT=${settings.cert} CLARA_KEY=${settings.key} ` +
        `CLARA_CA=${settings.ca}`)
      yield* Console.log("Ctrl-C to stop.")
    }
    return yield* Effect.never
  }))).pipe(Command.withDescription("Serve the Clara API emulator on 127.0.0.1 until interrupted"))
