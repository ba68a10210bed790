/**
 * A posting the ERP holds differently from the plan (`failed`, erp `DocumentState` `verify_mismatch`) waits for a
 * person, on a real SQLite store with the SAP CSV export: an export whose file was moved away after the run that wrote
 * it could not read it back is `failed` by the next run, reported by every later run and never exported again (that
 * would put the same journal in a second import file), until a person reopens it (`reopenPosting`): the next run then
 * exports it once.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { type ErpAdapter, ErpError } from "@clara-recon/erp"
import { ATTENTION_STATES, ledgerToReview, reopenPosting } from "../src/LedgerReview.js"
import { defaultSapCsvAdapter } from "../src/Post.js"
import { type ErpContext, reconcile } from "../src/ReconcileJob.js"
import { ReconStore } from "../src/ReconStore.js"
import { layerSqlite } from "../src/StoreLayer.js"
import { setup } from "./JobSetup.js"

/** The SAP CSV export; while `blind.value` is set it cannot read anything back (`verify` fails). */
const blindableErp = () => {
  const blind = { value: false }
  const erp = (ctx: ErpContext): ErpAdapter => {
    const inner = defaultSapCsvAdapter({ tenant: ctx.tenant, postingsDir: ctx.postingsDir })
    return {
      ...inner,
      verify: (ref, expected) =>
        blind.value
          ? Effect.fail(ErpError.rejected("TRANSIENT", "READ_BACK_DOWN", "the import folder cannot be read"))
          : inner.verify(ref, expected)
    }
  }
  return { blind, erp }
}

/** The number of CSV export files under `outDir` holding each of `keys` (the keys no file holds left out). */
const exportedKeys = (outDir: string, keys: ReadonlyArray<string>): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const entry of fs.readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".csv") || !entry.parentPath.endsWith("postings")) continue
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8")
    for (const key of keys) if (text.includes(key)) counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

describe("a failed posting", () => {
  it.effect("is reported by every run and never exported again until a person reopens it", () => {
    const { dir, options } = setup()
    const erp = blindableErp()
    const job = { ...options, erp: erp.erp }
    return Effect.gen(function*() {
      // 1. exported, but the read-back fails: the postings stay posted_unverified
      erp.blind.value = true
      const first = yield* reconcile(job)
      assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
      const unverified = yield* ledgerToReview(ATTENTION_STATES)
      assert.deepStrictEqual(unverified.map((r) => r.state), ["posted_unverified", "posted_unverified"])
      const keys = unverified.map((r) => r.externalKey)
      assert.deepStrictEqual(exportedKeys(options.outDir, keys), new Map(keys.map((k) => [k, 1])))
      // 2. the accountant imports the file and moves it away; the next run reads the postings back: they differ
      for (const file of fs.readdirSync(path.join(first.runDir, "postings")).filter((f) => f.endsWith(".csv"))) {
        fs.rmSync(path.join(first.runDir, "postings", file))
      }
      erp.blind.value = false
      const second = yield* reconcile(job)
      assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 0, failed: 2 })
      const failed = yield* ledgerToReview(["failed"])
      assert.deepStrictEqual(failed.map((r) => r.externalKey), keys)
      assert.isTrue(failed.every((r) => /differs from the planned posting/.test(r.error ?? "")))
      // 3. a later run reports them again and exports nothing
      const third = yield* reconcile(job)
      assert.deepStrictEqual(third.summary.postings, { new: 0, skipped: 0, failed: 2 })
      assert.deepStrictEqual(exportedKeys(options.outDir, keys), new Map())
      const exceptions = JSON.parse(fs.readFileSync(path.join(third.runDir, "exceptions.json"), "utf8"))
      const reported = exceptions.filter((e: { code: string }) => e.code === "POSTING_FAILED")
      assert.strictEqual(reported.length, 2)
      assert.isTrue(reported.every((e: { suggestedAction: string }) => e.suggestedAction.includes("ledger reopen")))
      // 4. a person reopens one: the next run exports it, once, and still reports the other
      const reopened = yield* reopenPosting(keys[0]!, "ana", "2026-03-02T10:00:00.000Z", "re-import it")
      assert.strictEqual(reopened.state, "draft")
      const fourth = yield* reconcile(job)
      assert.deepStrictEqual(fourth.summary.postings, { new: 1, skipped: 0, failed: 1 })
      assert.deepStrictEqual(exportedKeys(options.outDir, keys), new Map([[keys[0]!, 1]]))
      assert.deepStrictEqual((yield* ledgerToReview(ATTENTION_STATES)).map((r) => [r.externalKey, r.state]), [
        [keys[1]!, "failed"]
      ])
      // only a failed or excluded posting can be reopened
      const refused = yield* Effect.flip(reopenPosting(keys[0]!, "ana", "2026-03-02T10:05:00.000Z"))
      assert.match(refused.message, /is verified: only a failed or excluded posting can be reopened/)
    }).pipe(
      Effect.provide(Layer.merge(layerSqlite(path.join(dir, "state.db")), NodeContext.layer)),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })
})
