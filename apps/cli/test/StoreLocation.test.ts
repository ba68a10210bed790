/**
 * `storeLocationOf`: which store a command opens, from `--database-url`, `--state` and the `database` setting (the
 * config file's or CLARA_RECON_DATABASE_URL), and the errors that name where a bad value came from.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { loadAppConfig } from "../src/AppConfig.js"
import { storeLocationOf } from "../src/commands/RunOptions.js"

const pg = "postgres://recon:secret@127.0.0.1:5432/recon"

/** The location for the flags and a `CLARA_RECON_DATABASE_URL` of `database` (no config file). */
const locate = (flags: { state?: string; databaseUrl?: string }, database?: string) =>
  Effect.flatMap(
    loadAppConfig(Option.none(), database === undefined ? {} : { CLARA_RECON_DATABASE_URL: database }),
    (config) =>
      storeLocationOf(
        { state: Option.fromNullable(flags.state), databaseUrl: Option.fromNullable(flags.databaseUrl) },
        config,
        "environment"
      )
  ).pipe(Effect.provide(NodeContext.layer))

describe("storeLocationOf", () => {
  it.effect("takes --database-url, then an explicit --state, then the setting, then the default file", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* locate({ databaseUrl: pg, state: "a.db" }, "b.db"), {
        statePath: ".clara-recon/state.db",
        databaseUrl: pg
      })
      assert.deepStrictEqual(yield* locate({ state: "a.db" }, pg), { statePath: "a.db" })
      assert.deepStrictEqual(yield* locate({}, pg), { statePath: ".clara-recon/state.db", databaseUrl: pg })
      assert.deepStrictEqual(yield* locate({}), { statePath: ".clara-recon/state.db" })
    }))

  it.effect("reads a `database` setting that is a SQLite file path (as the README says)", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* locate({}, "/var/lib/recon/state.db"), { statePath: "/var/lib/recon/state.db" })
      assert.deepStrictEqual(yield* locate({}, "sqlite:recon.db"), { statePath: "recon.db" })
    }))

  it.effect("names the bad value's source, and never prints a password", () =>
    Effect.gen(function*() {
      const flag = yield* Effect.flip(locate({ databaseUrl: "state.db" }))
      assert.strictEqual(flag._tag, "UsageError")
      assert.include(flag.message, "--database-url must be a postgres:// URL")
      const setting = yield* Effect.flip(locate({}, "mysql://root:hunter2@db/recon"))
      assert.strictEqual(setting._tag, "AppConfigError")
      assert.include(setting.message, "CLARA_RECON_DATABASE_URL")
      assert.notInclude(setting.message, "hunter2")
    }))
})
