/**
 * The CLI's configuration file (`--config FILE`, JSON) and its environment overrides. The file holds one object:
 *
 * ```json
 * { "clara": { "region": "mx", "clientId": "...", "clientSecret": "...", "cert": "...", "key": "..." },
 *   "erp": { "adapter": "netsuite", "modules": ["./my-adapter.js"], "config": { ... },
 *            "mapping": { "accounts": { ... }, "companyCode": "MX01", "taxCodes": { ... } },
 *            "closedPeriods": [{ "start": "2025-12-01", "end": "2025-12-31" }] },
 *   "database": "postgres://user:password@127.0.0.1:5432/recon" }
 * ```
 *
 * - `clara`: the Clara settings (`loadClaraConfigJson`; a file with those keys at the top level still works), each
 *   overridden by its `CLARA_*` variable.
 * - `erp.adapter`: the adapter id (`sap-csv`, `netsuite`, `none`, or the id of a module listed in `erp.modules`:
 *   package names or paths relative to the config file); `CLARA_RECON_ERP` overrides it, `--erp` overrides both.
 * - `erp.config`: the adapter's configuration (its manifest's `configSchema`); secrets of the NetSuite adapter can
 *   come from `NETSUITE_*` variables instead (see `netsuiteEnvironment`).
 * - `erp.mapping`: the posting mapping (erp `MappingConfig`: GL accounts, company code, tax codes, posting-date and
 *   closed-period policies, dimensions); the placeholder `defaultMapping` when absent. The job posts one journal per
 *   transaction: a `grouping` other than `perTransaction` is refused.
 * - `erp.closedPeriods`: the ERP's closed accounting periods (inclusive civil dates), for `closedPeriodPolicy`.
 * - `database`: a SQLite file path or a `postgres://` URL; `CLARA_RECON_DATABASE_URL` overrides it,
 *   `--database-url` overrides both.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { CivilDate } from "@clara-recon/domain"
import { type ClosedPeriod, MappingConfig } from "@clara-recon/erp"

/** A closed accounting period in the config file: `start` to `end`, inclusive civil dates (`yyyy-MM-dd`). */
const ClosedPeriodEntry = Schema.Struct({ start: CivilDate, end: CivilDate }).pipe(
  Schema.filter((p) => p.start <= p.end || `closed period ${p.start} .. ${p.end}: start is after end`)
)

/** The posting mapping: one journal per transaction is what the job posts. */
const JobMapping = MappingConfig.pipe(
  Schema.filter((m) =>
    m.grouping === "perTransaction" ||
    `grouping ${m.grouping} is not supported by the reconcile job, which posts one journal per transaction ` +
      "(perTransaction)"
  )
)

/** The `erp` section. */
export const ErpSection = Schema.Struct({
  adapter: Schema.optionalWith(Schema.String, { exact: true }),
  modules: Schema.optionalWith(Schema.Array(Schema.String), { exact: true }),
  config: Schema.optionalWith(Schema.Unknown, { exact: true }),
  mapping: Schema.optionalWith(JobMapping, { exact: true }),
  closedPeriods: Schema.optionalWith(Schema.Array(ClosedPeriodEntry), { exact: true })
})
export type ErpSection = typeof ErpSection.Type

/** The combined file; `clara` is decoded by `@clara-recon/clara`. */
export const AppConfigFile = Schema.Struct({
  clara: Schema.optionalWith(Schema.Unknown, { exact: true }),
  erp: Schema.optionalWith(ErpSection, { exact: true }),
  database: Schema.optionalWith(Schema.String, { exact: true })
})

/** The configuration after the file and the environment. `path` is the file, when one was given. */
export interface AppConfig {
  readonly path: string | undefined
  /** The raw JSON of the file (for the Clara section), when one was given. */
  readonly json: unknown
  readonly erp: {
    readonly adapter: string | undefined
    readonly modules: ReadonlyArray<string>
    readonly config: unknown
    /** Folder module paths are resolved from: the config file's folder, else the working directory. */
    readonly baseDirectory: string
    /** The posting mapping (`erp.mapping`), when the file gives one. */
    readonly mapping: MappingConfig | undefined
    readonly closedPeriods: ReadonlyArray<ClosedPeriod>
  }
  readonly database: string | undefined
}

/** A config file that cannot be used; `message` names the file (and the key, for a section of the wrong shape). */
export class AppConfigError extends Schema.TaggedError<AppConfigError>("@clara-recon/cli/AppConfigError")(
  "AppConfigError",
  { path: Schema.String, message: Schema.String }
) {}

const COMBINED_KEYS = ["clara", "erp", "database"]

/** Whether `json` is a combined file (has one of its sections) rather than the flat Clara-only form. */
const isCombined = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && COMBINED_KEYS.some((k) => k in json)

const nonBlank = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value.trim()

/**
 * Reads the config file (when given) and applies `CLARA_RECON_ERP` and `CLARA_RECON_DATABASE_URL`. Fails with
 * `AppConfigError` when the file cannot be read, is not JSON, or a section has the wrong shape.
 */
export const loadAppConfig = (file: Option.Option<string>, env: NodeJS.ProcessEnv = process.env) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    let json: unknown = undefined
    let section: typeof AppConfigFile.Type = {}
    if (Option.isSome(file)) {
      const text = yield* fs.readFileString(file.value).pipe(
        Effect.mapError((e) =>
          new AppConfigError({ path: file.value, message: `config file ${file.value}: cannot read it: ${e.message}` })
        )
      )
      json = yield* Either.try({
        try: (): unknown => JSON.parse(text),
        catch: () => new AppConfigError({ path: file.value, message: `config file ${file.value}: not valid JSON` })
      })
      if (isCombined(json)) {
        section = yield* Either.mapLeft(
          Schema.decodeUnknownEither(AppConfigFile)(json, { onExcessProperty: "error" }),
          (e) =>
            new AppConfigError({
              path: file.value,
              message: `config file ${file.value}: ${
                ParseResult.ArrayFormatter.formatErrorSync(e).map((issue) =>
                  `${issue.path.join(".")}: ${issue.message}`
                ).join("; ")
              }`
            })
        )
      }
    }
    return {
      path: Option.getOrUndefined(file),
      json,
      erp: {
        adapter: nonBlank(env["CLARA_RECON_ERP"]) ?? section.erp?.adapter,
        modules: section.erp?.modules ?? [],
        config: section.erp?.config,
        baseDirectory: Option.isSome(file) ? path.dirname(path.resolve(file.value)) : process.cwd(),
        mapping: section.erp?.mapping,
        closedPeriods: section.erp?.closedPeriods ?? []
      },
      database: nonBlank(env["CLARA_RECON_DATABASE_URL"]) ?? section.database
    } satisfies AppConfig
  })

/** Whether the configuration names Clara credentials (a `clara` section or flat file, or `CLARA_CLIENT_ID`). */
export const hasClaraSettings = (config: AppConfig, env: NodeJS.ProcessEnv = process.env): boolean =>
  nonBlank(env["CLARA_CLIENT_ID"]) !== undefined ||
  (config.path !== undefined && (!isCombined(config.json) || config.json["clara"] !== undefined))
