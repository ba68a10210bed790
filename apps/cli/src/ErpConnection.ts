/**
 * The ERP side of a run: the adapter registry (ours plus the modules named in the config file), the adapter chosen
 * by `--erp` / `CLARA_RECON_ERP` / the config file, and its configuration with environment overrides
 * (erp.md §5.1). This is the only place ERP adapters are wired.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { ErpAdapter, loadModuleRegistry } from "@clara-recon/erp"
import { netsuiteAdapterModule } from "@clara-recon/erp-netsuite"
import { SapCsvAdapter } from "@clara-recon/erp-sap-csv"
import type { AppConfig } from "./AppConfig.js"
import { UsageError } from "./UsageError.js"

/** The adapters built in: `sap-csv` and `netsuite`. */
export const builtInAdapters = [SapCsvAdapter.adapterModule, netsuiteAdapterModule]

/** The adapter id that posts nothing (match and report only). */
export const NO_ERP = "none"

/** The default adapter: SAP-style CSV (`generic-je-v1`) into the run folder. */
export const DEFAULT_ERP = "sap-csv"

const env = (name: string, from: NodeJS.ProcessEnv): string | undefined => {
  const value = from[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/**
 * NetSuite settings from the environment over the file's `erp.config`: `NETSUITE_ACCOUNT_ID`, `NETSUITE_BASE_URL`;
 * token-based auth from `NETSUITE_CONSUMER_KEY`, `NETSUITE_CONSUMER_SECRET`, `NETSUITE_TOKEN_ID`,
 * `NETSUITE_TOKEN_SECRET`; OAuth 2.0 M2M from `NETSUITE_CLIENT_ID`, `NETSUITE_CERTIFICATE_ID` and
 * `NETSUITE_PRIVATE_KEY` (PEM text). A variable set replaces the file's value; secrets thus never need to be in the
 * file.
 */
export const netsuiteEnvironment = (config: unknown, from: NodeJS.ProcessEnv = process.env): unknown => {
  const base = isObject(config) ? config : {}
  const auth = isObject(base["auth"]) ? base["auth"] : {}
  const tba = ["NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET", "NETSUITE_TOKEN_ID", "NETSUITE_TOKEN_SECRET"]
  const m2m = ["NETSUITE_CLIENT_ID", "NETSUITE_CERTIFICATE_ID", "NETSUITE_PRIVATE_KEY"]
  const envAuth = tba.every((n) => env(n, from) !== undefined)
    ? {
      method: "tba",
      consumerKey: env(tba[0]!, from),
      consumerSecret: env(tba[1]!, from),
      tokenId: env(tba[2]!, from),
      tokenSecret: env(tba[3]!, from)
    }
    : m2m.every((n) => env(n, from) !== undefined)
    ? {
      method: "m2m",
      clientId: env(m2m[0]!, from),
      certificateId: env(m2m[1]!, from),
      privateKey: env(m2m[2]!, from)
    }
    : undefined
  return {
    ...base,
    ...(env("NETSUITE_ACCOUNT_ID", from) ? { accountId: env("NETSUITE_ACCOUNT_ID", from) } : {}),
    ...(env("NETSUITE_BASE_URL", from) ? { baseUrl: env("NETSUITE_BASE_URL", from) } : {}),
    ...(envAuth ? { auth: { ...auth, ...envAuth } } : {})
  }
}

/** The adapter id a run uses: `--erp`, else `CLARA_RECON_ERP` / the file (`AppConfig.erp.adapter`), else sap-csv. */
export const erpIdOf = (config: AppConfig, flag: Option.Option<string>): string =>
  Option.getOrElse(flag, () => config.erp.adapter ?? DEFAULT_ERP)

/** The configuration handed to adapter `id`: the file's `erp.config` (plus `NETSUITE_*` for NetSuite). */
const adapterConfig = (id: string, config: AppConfig, tenant: string): unknown => {
  if (id === "netsuite") return netsuiteEnvironment(config.erp.config)
  if (id === DEFAULT_ERP) return { tenant, ...(isObject(config.erp.config) ? config.erp.config : {}) }
  return config.erp.config
}

/**
 * The adapter for a run, built in the current scope, or `undefined` when the run uses the pipeline's default (the SAP
 * CSV export into the run folder: `sap-csv` with no `erp.config`) or posts nothing (`none`). Fails with `UsageError`
 * for an unknown id (naming the registered ids and `none`), `AdapterLoadError` (a module that cannot be imported) or
 * the adapter's CONFIG `ErpError` (naming the bad setting).
 */
export const erpAdapterFor = (
  id: string,
  config: AppConfig,
  tenant: string
): Effect.Effect<ErpAdapter | undefined, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    if (id === NO_ERP) return undefined
    if (id === DEFAULT_ERP && config.erp.config === undefined) return undefined
    const registry = yield* loadModuleRegistry(builtInAdapters, config.erp.modules, config.erp.baseDirectory)
    const layer = yield* registry.layer(id, adapterConfig(id, config, tenant)).pipe(
      Effect.catchTag("UnknownAdapter", (unknown) =>
        new UsageError({
          message: `unknown ERP adapter "${unknown.id}" (--erp, CLARA_RECON_ERP or the config file's erp.adapter): ` +
            `use one of ${[...unknown.known, NO_ERP].join(", ")}`
        }))
    )
    const context = yield* Layer.build(layer)
    return yield* Effect.provide(ErpAdapter, context)
  })
