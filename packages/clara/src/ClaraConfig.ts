/**
 * Settings of the Clara client (clara-api.md §1.1-§1.3, §7 #1, #2, #19, #20): host, path prefix, OAuth client
 * credentials, mutual-TLS files, and the timeout/retry/concurrency knobs.
 *
 * Sources: environment variables through effect `Config` (`CLARA_*`, see `claraConfig`), and/or a JSON file with the
 * same keys in camelCase (`loadClaraConfigFile`); the environment overrides the file. The secret stays `Redacted` and
 * is unwrapped only where the token request is signed; nothing here is ever logged.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ClaraConfigError } from "./ClaraError.js"
import { decodeWith } from "./internal/decode.js"

/** Clara market; each has its own host and credentials (clara-api.md §1.1). */
export const ClaraRegion = Schema.Literal("mx", "br", "co")
export type ClaraRegion = typeof ClaraRegion.Type

/** `https://public-api.{mx|br|co}.clara.com`. */
export const regionBaseUrl = (region: ClaraRegion): string => `https://public-api.${region}.clara.com`

/** Resolved client settings. Durations are effect `Duration`s; `baseUrl` and `basePath` have no trailing slash. */
export interface ClaraSettings {
  /** Host origin, e.g. `https://public-api.mx.clara.com`; `/oauth/token` lives at its root. */
  readonly baseUrl: string
  /** API path prefix: `/api` (production) or `/api-test` (sandbox). */
  readonly basePath: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** PEM client certificate file. */
  readonly certPath: string
  /** PEM private key file. */
  readonly keyPath: string
  /** PEM CA file trusted in addition to the system roots (Clara's "Clara API Certificate Authority"). */
  readonly caPath?: string
  /** Sent as `X-Tax-Identifier` (RFC / CNPJ / NIT of the subsidiary) for multi-entity projects. */
  readonly taxIdentifier?: string
  /** Per-request timeout, including reading the body. Default 30 s. */
  readonly requestTimeout: Duration.Duration
  /** Retries of 429 / 502 / 503 / 504 / timeouts / closed connections. Default 3 (500 is retried once). */
  readonly retryTimes: number
  /** First backoff delay, doubled on each retry, with jitter (50-100 %). Default 500 ms. */
  readonly retryBaseDelay: Duration.Duration
  /** In-flight request limit. Default 4. Also the default number of pages a list stream fetches ahead. */
  readonly maxConcurrency: number
  /**
   * Requests per second this client may start (each attempt counts, the token request too), beside the in-flight
   * limit; absent = no rate limit. Clara publishes no limits (clara-api.md §5.7), so this is the caller's choice.
   */
  readonly rateLimit?: number
  /** A token is refreshed this long before `expires_in` runs out. Default 60 s. */
  readonly tokenSkew: Duration.Duration
}

/** Input of `makeClaraSettings`: the required fields, plus any knob to override. */
export type ClaraSettingsInput =
  & Pick<ClaraSettings, "baseUrl" | "clientId" | "clientSecret" | "certPath" | "keyPath">
  & Partial<Omit<ClaraSettings, "baseUrl" | "clientId" | "clientSecret" | "certPath" | "keyPath">>

const trimSlash = (s: string): string => s.replace(/\/+$/, "")

/** Settings with the documented defaults filled in; does not validate (the `Config` and file loaders do). */
export const makeClaraSettings = (input: ClaraSettingsInput): ClaraSettings => ({
  basePath: "/api",
  requestTimeout: Duration.seconds(30),
  retryTimes: 3,
  retryBaseDelay: Duration.millis(500),
  maxConcurrency: 4,
  tokenSkew: Duration.seconds(60),
  ...input,
  baseUrl: trimSlash(input.baseUrl),
  ...(input.basePath === undefined ? {} : { basePath: trimSlash(input.basePath) })
})

/** Environment variable of each setting; the config file uses the camelCase keys. */
const settingNames = {
  baseUrl: "CLARA_BASE_URL",
  region: "CLARA_REGION",
  sandbox: "CLARA_SANDBOX",
  basePath: "CLARA_BASE_PATH",
  clientId: "CLARA_CLIENT_ID",
  clientSecret: "CLARA_CLIENT_SECRET",
  cert: "CLARA_CERT",
  key: "CLARA_KEY",
  ca: "CLARA_CA",
  taxIdentifier: "CLARA_TAX_IDENTIFIER",
  timeout: "CLARA_TIMEOUT",
  retryTimes: "CLARA_RETRY_TIMES",
  retryBaseDelay: "CLARA_RETRY_BASE_DELAY",
  maxConcurrency: "CLARA_MAX_CONCURRENCY",
  rateLimit: "CLARA_RATE_LIMIT",
  tokenSkew: "CLARA_TOKEN_SKEW"
} as const
type SettingKey = keyof typeof settingNames

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

const count = (name: string, min: number, fallback: number): Config.Config<number> =>
  Config.integer(name).pipe(
    Config.validate({ message: `must be an integer >= ${min}`, validation: (n) => n >= min }),
    Config.withDefault(fallback)
  )

const isHttpUrl = (text: string): boolean => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol)

/** Plain `http:` only to this machine (a local emulator): elsewhere the token call would send the secret in clear. */
const isLoopbackHost = (host: string): boolean =>
  host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host)

/** The Clara region whose public host `url` names, if any. */
const regionOfUrl = (url: string): ClaraRegion | undefined =>
  ClaraRegion.literals.find((region) => new URL(regionBaseUrl(region)).host === new URL(url).host)

const resolve = (raw: {
  readonly baseUrl: string | undefined
  readonly region: ClaraRegion | undefined
  readonly sandbox: boolean
  readonly basePath: string | undefined
}): Either.Either<{ baseUrl: string; basePath: string }, ConfigError.ConfigError> => {
  const baseUrl = raw.baseUrl ?? (raw.region === undefined ? undefined : regionBaseUrl(raw.region))
  if (baseUrl === undefined) {
    return Either.left(
      ConfigError.MissingData([settingNames.baseUrl], "set CLARA_BASE_URL or CLARA_REGION (mx, br, co)")
    )
  }
  if (!isHttpUrl(baseUrl)) {
    return Either.left(ConfigError.InvalidData([settingNames.baseUrl], "must be an http(s) URL"))
  }
  if (new URL(baseUrl).protocol === "http:" && !isLoopbackHost(new URL(baseUrl).hostname)) {
    return Either.left(ConfigError.InvalidData(
      [settingNames.baseUrl],
      "must be an https URL (plain http only to 127.0.0.1 or localhost): Clara takes mutual TLS on every call"
    ))
  }
  const named = regionOfUrl(baseUrl)
  if (raw.baseUrl !== undefined && raw.region !== undefined && named !== undefined && named !== raw.region) {
    return Either.left(ConfigError.InvalidData(
      [settingNames.region],
      `is ${raw.region} but CLARA_BASE_URL is the ${named} host ${trimSlash(baseUrl)}: set one of them`
    ))
  }
  const basePath = raw.basePath ?? (raw.sandbox ? "/api-test" : "/api")
  if (!basePath.startsWith("/")) {
    return Either.left(ConfigError.InvalidData([settingNames.basePath], "must start with /"))
  }
  return Either.right({ baseUrl: trimSlash(baseUrl), basePath: trimSlash(basePath) })
}

/**
 * The settings from `CLARA_BASE_URL` (or `CLARA_REGION` mx|br|co), `CLARA_SANDBOX` (true: `/api-test`),
 * `CLARA_BASE_PATH`, `CLARA_CLIENT_ID`, `CLARA_CLIENT_SECRET`, `CLARA_CERT`, `CLARA_KEY`, `CLARA_CA`,
 * `CLARA_TAX_IDENTIFIER`, `CLARA_TIMEOUT` / `CLARA_RETRY_BASE_DELAY` / `CLARA_TOKEN_SKEW` (durations such as
 * `"30 seconds"`), `CLARA_RETRY_TIMES`, `CLARA_MAX_CONCURRENCY` and `CLARA_RATE_LIMIT` (requests per second).
 */
export const claraConfig: Config.Config<ClaraSettings> = Config.all({
  baseUrl: optional(Config.nonEmptyString(settingNames.baseUrl)),
  region: optional(Config.literal("mx", "br", "co")(settingNames.region)),
  sandbox: Config.withDefault(Config.boolean(settingNames.sandbox), false),
  basePath: optional(Config.nonEmptyString(settingNames.basePath)),
  clientId: Config.nonEmptyString(settingNames.clientId),
  clientSecret: Config.redacted(Config.nonEmptyString(settingNames.clientSecret)),
  certPath: Config.nonEmptyString(settingNames.cert),
  keyPath: Config.nonEmptyString(settingNames.key),
  caPath: optional(Config.nonEmptyString(settingNames.ca)),
  taxIdentifier: optional(Config.nonEmptyString(settingNames.taxIdentifier)),
  requestTimeout: Config.withDefault(Config.duration(settingNames.timeout), Duration.seconds(30)),
  retryTimes: count(settingNames.retryTimes, 0, 3),
  retryBaseDelay: Config.withDefault(Config.duration(settingNames.retryBaseDelay), Duration.millis(500)),
  maxConcurrency: count(settingNames.maxConcurrency, 1, 4),
  rateLimit: optional(
    Config.number(settingNames.rateLimit).pipe(
      Config.validate({ message: "must be a number of requests per second > 0", validation: (n) => n > 0 })
    )
  ),
  tokenSkew: Config.withDefault(Config.duration(settingNames.tokenSkew), Duration.seconds(60))
}).pipe(
  Config.mapOrFail((raw) =>
    Either.map(resolve(raw), ({ basePath, baseUrl }) => {
      const { caPath, rateLimit, region: _region, sandbox: _sandbox, taxIdentifier, ...rest } = raw
      return {
        ...rest,
        baseUrl,
        basePath,
        ...(caPath === undefined ? {} : { caPath }),
        ...(rateLimit === undefined ? {} : { rateLimit }),
        ...(taxIdentifier === undefined ? {} : { taxIdentifier })
      }
    })
  )
)

/** The leaves of a `ConfigError` tree, in order. */
const leaves = (error: ConfigError.ConfigError): ReadonlyArray<ConfigError.ConfigError> =>
  error._op === "And" || error._op === "Or" ? [...leaves(error.left), ...leaves(error.right)] : [error]

/**
 * Which setting is wrong and why: the first leaf that says a value is wrong (an invalid region from a config file
 * also fails as "missing" from the other source), else the first missing setting.
 */
const firstProblem = (error: ConfigError.ConfigError): { readonly setting: string; readonly description: string } => {
  const all = leaves(error)
  const leaf = all.find((e) => e._op !== "MissingData") ?? all[0]!
  return leaf._op === "MissingData"
    // a redacted setting's own message is "<redacted>": say what is wrong instead
    ? { setting: leaf.path.join("."), description: "is required but not set" }
    : { setting: "path" in leaf ? leaf.path.join(".") : "", description: leaf.message }
}

const fromConfigError = (error: ConfigError.ConfigError, file?: string): ClaraConfigError => {
  const { description, setting } = firstProblem(error)
  const fileKey = (Object.keys(settingNames) as Array<SettingKey>).find((k) => settingNames[k] === setting)
  return new ClaraConfigError({
    setting: file !== undefined && fileKey !== undefined ? `${setting} (${fileKey})` : setting,
    description,
    ...(file === undefined ? {} : { path: file })
  })
}

/** Reads `claraConfig` from the current `ConfigProvider` (the environment by default). */
export const loadClaraConfig: Effect.Effect<ClaraSettings, ClaraConfigError> = Effect.mapError(
  claraConfig,
  (error) => fromConfigError(error)
)

const Setting = Schema.optional(Schema.String)
const Knob = Schema.optional(Schema.Union(Schema.String, Schema.Number))

/** The JSON config file: `claraConfig`'s settings under camelCase keys; durations as text or milliseconds. */
export const ClaraConfigFile = Schema.Struct({
  baseUrl: Setting,
  region: Setting,
  sandbox: Schema.optional(Schema.Boolean),
  basePath: Setting,
  clientId: Setting,
  clientSecret: Setting,
  cert: Setting,
  key: Setting,
  ca: Setting,
  taxIdentifier: Setting,
  timeout: Knob,
  retryTimes: Schema.optional(Schema.Number),
  retryBaseDelay: Knob,
  maxConcurrency: Schema.optional(Schema.Number),
  rateLimit: Schema.optional(Schema.Number),
  tokenSkew: Knob
})
export type ClaraConfigFile = typeof ClaraConfigFile.Type

const durationKeys: ReadonlySet<SettingKey> = new Set(["timeout", "retryBaseDelay", "tokenSkew"])

const fileProvider = (file: ClaraConfigFile): ConfigProvider.ConfigProvider => {
  const entries = new Map<string, string>()
  for (const key of Object.keys(settingNames) as Array<SettingKey>) {
    const value = file[key]
    if (value === undefined) continue
    const text = typeof value === "number" && durationKeys.has(key) ? `${value} millis` : String(value)
    entries.set(settingNames[key], text)
  }
  return ConfigProvider.fromMap(entries)
}

/**
 * Resolves the settings from a parsed JSON config `json` read from `path` (used in messages): the Clara keys
 * (baseUrl, region, sandbox, basePath, clientId, clientSecret, cert, key, ca, taxIdentifier, timeout, retryTimes,
 * retryBaseDelay, maxConcurrency, rateLimit, tokenSkew) at the top level, or under `clara` in a combined config file
 * (one with a `clara`, `erp` or `database` section; the other sections belong to other parts of the application, and
 * a combined file without `clara` leaves every setting to the environment); unknown Clara keys are rejected. Every `CLARA_*`
 * variable of the current `ConfigProvider` takes precedence. Fails with `ClaraConfigError` naming the file and key.
 */
export const loadClaraConfigJson = (json: unknown, path: string): Effect.Effect<ClaraSettings, ClaraConfigError> =>
  Effect.gen(function*() {
    const combined = typeof json === "object" && json !== null && ["clara", "erp", "database"].some((k) => k in json)
    const section = combined ? (json as { readonly clara?: unknown }).clara ?? {} : json
    const file = yield* Either.mapLeft(
      decodeWith(ClaraConfigFile, section, { endpoint: path, sensitive: true }, { onExcessProperty: "error" }),
      (error) => new ClaraConfigError({ path, setting: error.path, description: error.description })
    )
    return yield* Effect.configProviderWith((current) =>
      Effect.mapError(
        Effect.withConfigProvider(claraConfig, ConfigProvider.orElse(current, () => fileProvider(file))),
        (error) => fromConfigError(error, path)
      )
    )
  })

/**
 * Reads the settings from the JSON file at `path` (see `loadClaraConfigJson` for the keys), with every `CLARA_*`
 * variable taking precedence. Fails with `ClaraConfigError` naming the file and key when the file is unreadable,
 * not JSON, or incomplete.
 */
export const loadClaraConfigFile = (
  path: string
): Effect.Effect<ClaraSettings, ClaraConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* Effect.mapError(
      fs.readFileString(path),
      (cause) => new ClaraConfigError({ path, description: `cannot read the config file: ${cause.message}`, cause })
    )
    const json = yield* Either.try({
      try: (): unknown => JSON.parse(text),
      catch: () => new ClaraConfigError({ path, description: "the config file is not valid JSON" })
    })
    return yield* loadClaraConfigJson(json, path)
  })

/** The resolved `ClaraSettings` as a service, read by the transport and the client. */
export class ClaraConfig extends Context.Tag("@clara-recon/clara/ClaraConfig")<ClaraConfig, ClaraSettings>() {
  /** Fixed settings (tests, programmatic use). */
  static readonly layer = (settings: ClaraSettings): Layer.Layer<ClaraConfig> => Layer.succeed(ClaraConfig, settings)
  /** Settings from the current `ConfigProvider` (environment). */
  static readonly layerEnv: Layer.Layer<ClaraConfig, ClaraConfigError> = Layer.effect(ClaraConfig, loadClaraConfig)
  /** Settings from a JSON file, overridden by the environment. */
  static readonly layerFile = (path: string): Layer.Layer<ClaraConfig, ClaraConfigError, FileSystem.FileSystem> =>
    Layer.effect(ClaraConfig, loadClaraConfigFile(path))
}
