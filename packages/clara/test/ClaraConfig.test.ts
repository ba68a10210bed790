import { FileSystem } from "@effect/platform"
import { SystemError } from "@effect/platform/Error"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import { ClaraConfig, loadClaraConfig, loadClaraConfigFile, loadClaraConfigJson } from "../src/ClaraConfig.js"

const env = (entries: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(entries)))

const complete = {
  CLARA_REGION: "mx",
  CLARA_CLIENT_ID: "client-id",
  CLARA_CLIENT_SECRET: "s3cr3t-value",
  CLARA_CERT: "/etc/clara/client.crt",
  CLARA_KEY: "/etc/clara/client.key"
}

/** A file system holding only `files`; reading anything else fails like a missing file. */
const files = (contents: Record<string, string>) =>
  FileSystem.layerNoop({
    readFileString: (path) =>
      path in contents
        ? Effect.succeed(contents[path]!)
        : Effect.fail(
          new SystemError({
            reason: "NotFound",
            module: "FileSystem",
            method: "readFileString",
            pathOrDescriptor: path
          })
        )
  })

describe("ClaraConfig from the environment", () => {
  it.effect("resolves the region host, the defaults and a redacted secret", () =>
    Effect.gen(function*() {
      const settings = yield* loadClaraConfig
      assert.strictEqual(settings.baseUrl, "https://public-api.mx.clara.com")
      assert.strictEqual(settings.basePath, "/api")
      assert.strictEqual(settings.clientId, "client-id")
      assert.strictEqual(Redacted.value(settings.clientSecret), "s3cr3t-value")
      assert.notInclude(String(settings.clientSecret), "s3cr3t")
      assert.isUndefined(settings.caPath)
      assert.strictEqual(settings.retryTimes, 3)
      assert.strictEqual(settings.maxConcurrency, 4)
      assert.isTrue(Duration.equals(settings.requestTimeout, Duration.seconds(30)))
      assert.isTrue(Duration.equals(settings.tokenSkew, Duration.seconds(60)))
    }).pipe(Effect.withConfigProvider(env(complete))))

  it.effect("prefers CLARA_BASE_URL, uses /api-test in sandbox, reads CA, tax id and knobs", () =>
    Effect.gen(function*() {
      const settings = yield* loadClaraConfig
      assert.strictEqual(settings.baseUrl, "http://127.0.0.1:8080")
      assert.strictEqual(settings.basePath, "/api-test")
      assert.strictEqual(settings.caPath, "/etc/clara/ca.pem")
      assert.strictEqual(settings.taxIdentifier, "AAA010101AAA")
      assert.strictEqual(settings.retryTimes, 5)
      assert.isTrue(Duration.equals(settings.requestTimeout, Duration.seconds(45)))
    }).pipe(Effect.withConfigProvider(env({
      ...complete,
      CLARA_BASE_URL: "http://127.0.0.1:8080/",
      CLARA_SANDBOX: "true",
      CLARA_CA: "/etc/clara/ca.pem",
      CLARA_TAX_IDENTIFIER: "AAA010101AAA",
      CLARA_RETRY_TIMES: "5",
      CLARA_TIMEOUT: "45 seconds"
    }))))

  it.effect("reads an optional rate limit (CLARA_RATE_LIMIT, requests per second) and refuses a non-positive one", () =>
    Effect.gen(function*() {
      assert.isUndefined((yield* loadClaraConfig).rateLimit)
      const limited = yield* Effect.withConfigProvider(loadClaraConfig, env({ ...complete, CLARA_RATE_LIMIT: "2.5" }))
      assert.strictEqual(limited.rateLimit, 2.5)
      const error = yield* Effect.flip(Effect.withConfigProvider(loadClaraConfig, env({ ...complete, CLARA_RATE_LIMIT: "0" })))
      assert.strictEqual(error.setting, "CLARA_RATE_LIMIT")
    }).pipe(Effect.withConfigProvider(env(complete))))

  it.effect("a missing client id is a Config error naming CLARA_CLIENT_ID", () =>
    Effect.gen(function*() {
      const { CLARA_CLIENT_ID: _omitted, ...rest } = complete
      const error = yield* Effect.flip(Effect.withConfigProvider(loadClaraConfig, env(rest)))
      assert.strictEqual(error._tag, "ClaraConfigError")
      assert.strictEqual(error.setting, "CLARA_CLIENT_ID")
      assert.include(error.message, "CLARA_CLIENT_ID")
    }))

  it.effect("needs a base URL or a known region", () =>
    Effect.gen(function*() {
      const { CLARA_REGION: _omitted, ...rest } = complete
      const missing = yield* Effect.flip(Effect.withConfigProvider(loadClaraConfig, env(rest)))
      assert.strictEqual(missing.setting, "CLARA_BASE_URL")
      const unknown = yield* Effect.flip(
        Effect.withConfigProvider(loadClaraConfig, env({ ...rest, CLARA_REGION: "ar" }))
      )
      assert.strictEqual(unknown.setting, "CLARA_REGION")
      const notUrl = yield* Effect.flip(
        Effect.withConfigProvider(loadClaraConfig, env({ ...rest, CLARA_BASE_URL: "public-api.mx.clara.com" }))
      )
      assert.strictEqual(notUrl.setting, "CLARA_BASE_URL")
    }))

  it.effect("refuses plain http beyond this machine, and a region that contradicts the base URL", () =>
    Effect.gen(function*() {
      const { CLARA_REGION: _omitted, ...rest } = complete
      const load = (extra: Record<string, string>) =>
        Effect.withConfigProvider(loadClaraConfig, env({ ...rest, ...extra }))
      const cleartext = yield* Effect.flip(load({ CLARA_BASE_URL: "http://public-api.mx.clara.com" }))
      assert.strictEqual(cleartext.setting, "CLARA_BASE_URL")
      assert.include(cleartext.message, "https")
      for (const local of ["http://127.0.0.1:8080", "http://localhost:9000"]) {
        assert.strictEqual((yield* load({ CLARA_BASE_URL: local })).baseUrl, local)
      }
      const crossed = yield* Effect.flip(
        load({ CLARA_BASE_URL: "https://public-api.mx.clara.com", CLARA_REGION: "br" })
      )
      assert.strictEqual(crossed.setting, "CLARA_REGION")
      const proxy = yield* load({ CLARA_BASE_URL: "https://clara-proxy.example.com", CLARA_REGION: "br" })
      assert.strictEqual(proxy.baseUrl, "https://clara-proxy.example.com")
    }))

  it.effect("provides the settings as a layer", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* ClaraConfig).clientId, "client-id")
    }).pipe(Effect.provide(ClaraConfig.layerEnv), Effect.withConfigProvider(env(complete))))
})

describe("ClaraConfig from a JSON file", () => {
  const file = JSON.stringify({
    region: "br",
    clientId: "file-id",
    clientSecret: "file-secret",
    cert: "/f/client.crt",
    key: "/f/client.key",
    retryBaseDelay: 250
  })

  it.effect("reads camelCase keys, with the environment overriding the file", () =>
    Effect.gen(function*() {
      const settings = yield* loadClaraConfigFile("/etc/clara.json")
      assert.strictEqual(settings.baseUrl, "https://public-api.br.clara.com")
      assert.strictEqual(settings.clientId, "env-id")
      assert.strictEqual(Redacted.value(settings.clientSecret), "file-secret")
      assert.strictEqual(settings.certPath, "/f/client.crt")
      assert.isTrue(Duration.equals(settings.retryBaseDelay, Duration.millis(250)))
    }).pipe(
      Effect.provide(files({ "/etc/clara.json": file })),
      Effect.withConfigProvider(env({ CLARA_CLIENT_ID: "env-id" }))
    ))

  it.effect("names the file and the key of a bad entry, never showing the secret", () =>
    Effect.gen(function*() {
      const bad = JSON.stringify({ clientId: "x", clientSecret: 123456789, cert: "c", key: "k", region: "mx" })
      const error = yield* Effect.flip(loadClaraConfigFile("/etc/clara.json"))
        .pipe(Effect.provide(files({ "/etc/clara.json": bad })))
      assert.strictEqual(error.path, "/etc/clara.json")
      assert.strictEqual(error.setting, "clientSecret")
      assert.notInclude(error.message, "123456789")
      const unknownKey = yield* Effect.flip(loadClaraConfigFile("/etc/clara.json"))
        .pipe(Effect.provide(files({ "/etc/clara.json": JSON.stringify({ clientID: "typo" }) })))
      assert.strictEqual(unknownKey.setting, "clientID")
      const region = JSON.stringify({ clientId: "x", clientSecret: "s", cert: "c", key: "k", region: "zz" })
      const badRegion = yield* Effect.flip(loadClaraConfigFile("/etc/clara.json"))
        .pipe(Effect.provide(files({ "/etc/clara.json": region })))
      assert.strictEqual(badRegion.setting, "CLARA_REGION (region)")
      assert.include(badRegion.message, `received "zz"`)
    }).pipe(Effect.withConfigProvider(env({}))))

  it.effect("reports a missing setting with its file key, and an unreadable file by path", () =>
    Effect.gen(function*() {
      const incomplete = JSON.stringify({ region: "mx", clientSecret: "s", cert: "c", key: "k" })
      const missing = yield* Effect.flip(loadClaraConfigFile("/etc/clara.json"))
        .pipe(Effect.provide(files({ "/etc/clara.json": incomplete })))
      assert.strictEqual(missing.setting, "CLARA_CLIENT_ID (clientId)")
      const unreadable = yield* Effect.flip(loadClaraConfigFile("/nope.json")).pipe(Effect.provide(files({})))
      assert.strictEqual(unreadable.path, "/nope.json")
      assert.include(unreadable.message, "cannot read the config file")
    }).pipe(Effect.withConfigProvider(env({}))))

  it.effect("is also a layer", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* ClaraConfig).clientId, "file-id")
    }).pipe(
      Effect.provide(ClaraConfig.layerFile("/etc/clara.json").pipe(Layer.provide(files({ "/etc/clara.json": file })))),
      Effect.withConfigProvider(env({}))
    ))
})

describe("ClaraConfig from a combined config file", () => {
  it.effect("reads the `clara` section, ignores the other sections, and leaves everything to CLARA_* without one", () =>
    Effect.gen(function*() {
      const combined = { clara: { region: "co", clientId: "from-file" }, erp: { adapter: "netsuite" }, database: "x" }
      const fromSection = yield* Effect.withConfigProvider(
        loadClaraConfigJson(combined, "clara-recon.json"),
        env({ CLARA_CLIENT_SECRET: "s", CLARA_CERT: "c", CLARA_KEY: "k" })
      )
      assert.strictEqual(fromSection.baseUrl, "https://public-api.co.clara.com")
      assert.strictEqual(fromSection.clientId, "from-file")
      const withoutSection = yield* Effect.withConfigProvider(
        loadClaraConfigJson({ erp: { adapter: "none" } }, "clara-recon.json"),
        env(complete)
      )
      assert.strictEqual(withoutSection.clientId, "client-id")
      const unknownKey = yield* Effect.flip(loadClaraConfigJson({ clara: { colour: "red" } }, "clara-recon.json"))
      assert.include(unknownKey.message, "colour")
      assert.include(unknownKey.message, "clara-recon.json")
    }))
})
