/**
 * Data migrations on a real SQLite file written by the earlier schema: `0005_failed_waits_for_a_person` keeps `failed`
 * only for postings the ERP holds differently from the plan (a read-back mismatch); a post the ERP refused, which
 * earlier versions also wrote `failed` and retried, becomes `planned`, so that the next run still retries it.
 * `0006_cfdi_read_again` (and `0007_cfdi_untaxed_concepts`) empty the parse cache and forget the collections' keys,
 * so every file is read again.
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { migrations } from "../src/internal/Migrations.js"
import { ReconStore } from "../src/ReconStore.js"
import { layerSqlite } from "../src/StoreLayer.js"

const {
  "0005_failed_waits_for_a_person": _failed,
  "0006_cfdi_read_again": _read,
  "0007_cfdi_untaxed_concepts": _untaxed,
  "0008_company_binding": _company,
  "0009_job_lock": _lock,
  ...before
} = migrations

describe("store migrations", () => {
  it.effect("0005: failed stays failed only for a read-back mismatch; a refused post is planned again", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-migrate-"))
    const file = path.join(dir, "state.db")
    const row = (key: string, error: string | null) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql`INSERT INTO ledger (external_key, transaction_uuid, document_id, state, run_id, erp, fingerprint_json,
          ref_json, error, updated_at)
          VALUES (${key}, ${`t-${key}`}, ${`d-${key}`}, 'failed', 'r1', 'sap-csv', '{}', NULL, ${error}, 'now')`)
    return Effect.gen(function*() {
      // a store as the previous version left it
      yield* Effect.gen(function*() {
        yield* Migrator.make({})({ loader: Migrator.fromRecord(before) })
        yield* row("mismatch", "the ERP record differs from the planned posting: totals 10.00 != 12.00")
        yield* row("refused", "VALIDATION: the account 999 is inactive")
        yield* row("no-reason", null)
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO cfdi_cache (sha256, outcome, json) VALUES ('abc', 'ok', '{}')`
        yield* sql`INSERT INTO run_steps (run_id, step, state, checkpoint_json, updated_at, inputs_key, quick_key)
          VALUES ('r1', 'collect', 'done', '{}', 'now', 'inputs', 'scan')`
      }).pipe(Effect.provide(SqliteClient.layer({ filename: file })), Effect.scoped)
      const { collect, digests, states } = yield* Effect.gen(function*() {
        const store = yield* ReconStore
        const ledger = yield* store.ledger(["mismatch", "refused", "no-reason"])
        return {
          states: [...ledger.values()].map((r) => [r.externalKey, r.state, r.error ?? null]).sort(),
          digests: yield* store.cachedCfdiDigests,
          collect: Option.getOrUndefined(yield* store.step("r1", "collect", { checkpoint: false }))
        }
      }).pipe(Effect.provide(layerSqlite(file)))
      assert.deepStrictEqual(digests, [])
      assert.deepStrictEqual([collect?.inputsKey, collect?.quickKey], [undefined, undefined])
      assert.deepStrictEqual(states, [
        ["mismatch", "failed", "the ERP record differs from the planned posting: totals 10.00 != 12.00"],
        ["no-reason", "planned", null],
        ["refused", "planned", "VALIDATION: the account 999 is inactive"]
      ])
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })
})
