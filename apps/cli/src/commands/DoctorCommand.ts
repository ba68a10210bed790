/**
 * `clara-recon doctor [--config FILE] [--erp ID] [--state FILE | --database-url URL] [--json]`: checks what a run
 * needs before running it: the Clara settings (file and/or `CLARA_*`), the client certificate (expiry, key pair,
 * CA), a real call to Clara over mutual TLS (token + one page of transactions), the ERP adapter's connection check
 * and the state store. Prints one line per check (`--json`: one JSON object `{ok, checks}`) and exits 1 when any
 * check fails. Never prints a secret.
 */
import { Command, Options } from "@effect/cli"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ClaraClient, type ClaraSettings, loadClaraConfig, loadClaraConfigJson } from "@clara-recon/clara"
import { ReconStore } from "@clara-recon/pipeline"
import { type AppConfig, hasClaraSettings, loadAppConfig } from "../AppConfig.js"
import { claraClientLayerFor } from "../ClaraConnection.js"
import { erpIdOf } from "../ErpConnection.js"
import { type StoreLocation, storeLayer } from "../RunJob.js"
import { erpConnectionCheck } from "./ErpCommand.js"
import { configOption, erpOption } from "./ReconcileCommand.js"
import { storeLocationOf, storeOptions } from "./RunOptions.js"
import { certificateChecks } from "../doctor/CertificateCheck.js"
import { type Check, check, runCheck } from "../doctor/Check.js"
import { printJsonLine } from "../Output.js"

const json = Options.boolean("json").pipe(Options.withDescription("Print {ok, checks} as one JSON line"))

const MARKS = { ok: "ok  ", warn: "WARN", fail: "FAIL", skip: "skip" } as const

/** A real call: a token, then the first page of one transaction. */
const claraConnectivity = (settings: ClaraSettings) =>
  Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    const client = yield* ClaraClient
    const page = yield* client.transactions.page({ pageSize: 1 }, 0)
    const ms = (yield* Clock.currentTimeMillis) - started
    return check(
      "clara connectivity",
      "ok",
      `${settings.baseUrl}${settings.basePath}: token and first page in ${ms} ms` +
        (page.totalElements === undefined ? "" : ` (${page.totalElements} transactions visible)`)
    )
  }).pipe(Effect.provide(claraClientLayerFor(settings)))

const stateStore = (location: StoreLocation) =>
  Effect.gen(function*() {
    const layer = yield* storeLayer(location)
    const runs = yield* Effect.provide(Effect.flatMap(ReconStore, (store) => store.runCount), layer)
    const where = location.databaseUrl === undefined ? location.statePath : "PostgreSQL"
    return check("state store", "ok", `${where}: migrations applied, ${runs} runs recorded`)
  })

const erpCheck = (id: string, config: AppConfig) =>
  Effect.map(erpConnectionCheck(id, config, "out"), (result) =>
    check(
      "erp",
      result.ok ? (result.warnings.length > 0 ? "warn" : "ok") : "fail",
      `${id}: ${result.ok ? result.identity ?? "connected" : result.error?.userMessage ?? "not connected"}` +
        result.warnings.map((w) => `; ${w.message}`).join("")
    ))

/** Runs every check in order; Clara checks are skipped when no credentials are configured. */
export const doctorChecks = (args: {
  readonly config: Option.Option<string>
  readonly erp: Option.Option<string>
  readonly state: Option.Option<string>
  readonly databaseUrl: Option.Option<string>
}) =>
  Effect.gen(function*() {
    const checks: Array<Check> = []
    const loadedConfig = yield* Effect.either(loadAppConfig(args.config))
    if (loadedConfig._tag === "Left") return [check("config file", "fail", loadedConfig.left.message)]
    const config = loadedConfig.right
    if (!hasClaraSettings(config)) {
      checks.push(check("clara config", "fail", "no Clara credentials: set CLARA_CLIENT_ID (with the other " +
        "CLARA_* settings) or give --config FILE with a clara section; only reconcile --transactions FILE runs " +
        "without them"))
    } else {
      const loaded = yield* Effect.either(
        config.path !== undefined ? loadClaraConfigJson(config.json, config.path) : loadClaraConfig
      )
      if (loaded._tag === "Left") {
        checks.push(check("clara config", "fail", loaded.left.message))
      } else {
        const settings = loaded.right
        checks.push(check(
          "clara config",
          "ok",
          `${settings.baseUrl}${settings.basePath}, client ${settings.clientId}` +
            (settings.taxIdentifier ? `, X-Tax-Identifier ${settings.taxIdentifier}` : "")
        ))
        const now = yield* Clock.currentTimeMillis
        const certificates = yield* Effect.either(certificateChecks(settings, now))
        if (certificates._tag === "Left") checks.push(check("client certificate", "fail", certificates.left.message))
        else checks.push(...certificates.right)
        checks.push(
          checks.some((c) => c.status === "fail")
            ? check("clara connectivity", "skip", "fix the checks above first")
            : yield* runCheck("clara connectivity", claraConnectivity(settings))
        )
      }
    }
    checks.push(yield* runCheck("erp", erpCheck(erpIdOf(config, args.erp), config)))
    checks.push(
      yield* runCheck(
        "state store",
        Effect.flatMap(storeLocationOf(args, config, Option.getOrElse(args.config, () => "environment")), stateStore)
      )
    )
    return checks
  })

const doctorOptions = { config: configOption, erp: erpOption, ...storeOptions, json }

/** The `doctor` command. */
export const doctorCommand = Command.make("doctor", doctorOptions, (args) =>
  Effect.gen(function*() {
    const checks = yield* doctorChecks(args)
    const ok = checks.every((c) => c.status !== "fail")
    if (args.json) yield* printJsonLine({ ok, checks })
    else {
      for (const c of checks) yield* Console.log(`${MARKS[c.status]}  ${c.name}: ${c.detail}`)
      yield* Console.log(ok ? "All checks passed." : "Some checks failed.")
    }
    if (!ok) process.exitCode = 1
  })).pipe(Command.withDescription("Check the configuration, the certificate, the connection to Clara and the store"))
