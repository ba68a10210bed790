/**
 * `clara-recon erp check [--config FILE] [--erp ID] [--out DIR]`: runs the chosen adapter's `checkConnection`
 * (credentials, permissions, output folder) without writing anything, and exits 1 when it fails.
 * `clara-recon erp list`: the registered adapters (built in and the config file's modules) with their capabilities.
 */
import { Command, Options } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type ConnectionCheck, loadModuleRegistry } from "@clara-recon/erp"
import { SapCsvAdapter } from "@clara-recon/erp-sap-csv"
import { type AppConfig, loadAppConfig } from "../AppConfig.js"
import { builtInAdapters, DEFAULT_ERP, erpAdapterFor, erpIdOf, NO_ERP } from "../ErpConnection.js"
import { printJsonLine } from "../Output.js"
import { configOption, erpOption } from "./ReconcileCommand.js"

const out = Options.directory("out").pipe(
  Options.withDescription("Output folder of the default sap-csv export (checked for writing)"),
  Options.withDefault("out")
)

/** The connection check of adapter `id` (the default CSV export is checked on `out`). */
export const erpConnectionCheck = (id: string, config: AppConfig, outDir: string) =>
  Effect.scoped(Effect.gen(function*() {
    if (id === NO_ERP) return { ok: true, identity: "none: nothing is posted", warnings: [] } satisfies ConnectionCheck
    const adapter = (yield* erpAdapterFor(id, config, "default")) ??
      SapCsvAdapter.make({ tenant: "default", outputDirectory: outDir })
    return yield* adapter.checkConnection()
  }))

const check = Command.make(
  "check",
  { config: configOption, erp: erpOption, out, json: Options.boolean("json") },
  (args) =>
    Effect.gen(function*() {
      const config = yield* loadAppConfig(args.config)
      const id = erpIdOf(config, args.erp)
      const result = yield* erpConnectionCheck(id, config, args.out)
      if (args.json) {
        yield* printJsonLine({ erp: id, ok: result.ok, identity: result.identity, warnings: result.warnings,
          error: result.error?.userMessage })
      } else {
        yield* Console.log(`${result.ok ? "ok  " : "FAIL"}  ${id}: ${result.identity ?? ""}`)
        for (const w of result.warnings) yield* Console.log(`WARN  ${w.code}: ${w.message}`)
        if (result.error) yield* Console.log(`      ${result.error.userMessage}`)
      }
      if (!result.ok) process.exitCode = 1
    })
).pipe(Command.withDescription("Check the ERP adapter's configuration and connection without writing"))

const list = Command.make("list", { config: configOption }, (args) =>
  Effect.gen(function*() {
    const config = yield* loadAppConfig(args.config)
    const registry = yield* loadModuleRegistry(builtInAdapters, config.erp.modules, config.erp.baseDirectory)
    const chosen = erpIdOf(config, Option.none())
    for (const m of registry.manifests) {
      const mark = m.id === chosen ? "*" : " "
      yield* Console.log(`${mark} ${m.id} ${m.version}  ${m.displayName}  [${m.capabilities.join(", ")}]`)
    }
    yield* Console.log(`${chosen === NO_ERP ? "*" : " "} ${NO_ERP}  match and report only`)
    if (chosen === DEFAULT_ERP && config.erp.config === undefined) {
      yield* Console.log("(default: sap-csv generic-je-v1 into each run folder)")
    }
  })).pipe(Command.withDescription("List the ERP adapters (built in and configured modules)"))

/** `clara-recon erp check|list`. */
export const erpCommand = Command.make("erp").pipe(
  Command.withDescription("ERP adapters: check the connection, list what is available"),
  Command.withSubcommands([check, list])
)
