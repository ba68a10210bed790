/**
 * The store's repository contract, one test body run on both backends: SQLite (a temp file) and PostgreSQL (a fresh
 * schema; skipped with a message when the server is unreachable).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ReconStore, type TransactionRow } from "../src/ReconStore.js"
import { backends } from "./StoreBackends.js"

const tx = (uuid: string, date: string, hash: string, tenant = "acme"): TransactionRow => ({
  uuid,
  tenant,
  operationDate: date,
  lastUpdateDate: `${date}T10:00:00`,
  contentHash: hash,
  json: JSON.stringify({ uuid, hash })
})

for (const backend of backends) {
  describe.skipIf(!backend.available)(`ReconStore on ${backend.name}`, () => {
    it.effect("runs: begin, find the unfinished one by options key, finish, read back", () =>
      Effect.gen(function*() {
        const store = yield* ReconStore
        assert.strictEqual(store.dialect, backend.name)
        assert.strictEqual(yield* store.runCount, 0)
        const run = {
          runId: "20260201T000000Z-0001",
          tenant: "acme",
          startedAt: "2026-02-01T00:00:00.000Z",
          finishedAt: undefined,
          from: "2026-01-01",
          to: "2026-01-31",
          asOf: "2026-02-01",
          optionsKey: "k1",
          summaryJson: undefined
        }
        yield* store.beginRun(run)
        assert.strictEqual(yield* store.runCount, 1)
        assert.deepStrictEqual(yield* store.unfinishedRun("k1"), Option.some(run))
        assert.isTrue(Option.isNone(yield* store.unfinishedRun("other")))
        assert.isTrue(Option.isNone(yield* store.getRun()), "no finished run yet")
        yield* store.saveStep({ runId: run.runId, step: "sync", state: "done", checkpointJson: "{\"a\":1}", updatedAt: "t1" })
        yield* store.saveStep({ runId: run.runId, step: "sync", state: "done", checkpointJson: "{\"a\":2}", updatedAt: "t2" })
        const steps = yield* store.steps(run.runId)
        assert.deepStrictEqual([...steps.keys()], ["sync"])
        assert.strictEqual(steps.get("sync")!.checkpointJson, "{\"a\":2}")
        yield* store.finishRun(run.runId, "2026-02-01T00:01:00.000Z", "{}")
        assert.isTrue(Option.isNone(yield* store.unfinishedRun("k1")))
        const finished = yield* store.getRun()
        assert.strictEqual(Option.getOrThrow(finished).finishedAt, "2026-02-01T00:01:00.000Z")
      }).pipe(Effect.provide(backend.fresh())))

    it.effect("transactions: upsert by uuid in batches, per tenant and period, ordered", () =>
      Effect.gen(function*() {
        const store = yield* ReconStore
        const many = Array.from({ length: 5000 }, (_, i) =>
          tx(`t${String(i).padStart(5, "0")}`, `2026-01-${String(1 + (i % 28)).padStart(2, "0")}`, "h0"))
        yield* store.upsertTransactions("r1", many)
        yield* store.upsertTransactions("r2", [tx("t00001", "2026-01-02", "h1"), tx("other", "2026-01-05", "h9", "beta")])
        const hashes = yield* store.transactionHashes("acme", "2026-01-01", "2026-01-31")
        assert.strictEqual(hashes.size, 5000)
        assert.strictEqual(hashes.get("t00001"), "h1")
        assert.strictEqual(hashes.get("t00002"), "h0")
        const jan1 = yield* store.transactionsInPeriod("acme", "2026-01-01", "2026-01-01")
        assert.strictEqual(jan1.length, Math.ceil(5000 / 28))
        assert.deepStrictEqual(jan1.slice(0, 2).map((r) => r.uuid), ["t00000", "t00028"])
        assert.strictEqual(jan1[0]!.lastUpdateDate, "2026-01-01T10:00:00")
        const beta = yield* store.transactionsByUuid(["other", "missing"])
        assert.deepStrictEqual(beta.map((r) => r.tenant), ["beta"])
      }).pipe(Effect.provide(backend.fresh())))

    it.effect("atomically: a failure inside rolls every write back", () =>
      Effect.gen(function*() {
        const store = yield* ReconStore
        const failed = yield* store.atomically(
          Effect.zipRight(store.upsertTransactions("r1", [tx("a", "2026-01-01", "h")]), Effect.fail("boom" as const))
        ).pipe(Effect.flip)
        assert.strictEqual(failed, "boom")
        assert.strictEqual((yield* store.transactionHashes("acme", "2026-01-01", "2026-01-31")).size, 0)
        yield* store.atomically(store.upsertTransactions("r1", [tx("a", "2026-01-01", "h")]))
        assert.strictEqual((yield* store.transactionHashes("acme", "2026-01-01", "2026-01-31")).size, 1)
      }).pipe(Effect.provide(backend.fresh())))

    it.effect("sync state, parse cache, file index, documents", () =>
      Effect.gen(function*() {
        const store = yield* ReconStore
        assert.isTrue(Option.isNone(yield* store.syncState("acme", "s")))
        const state = { tenant: "acme", scope: "s", watermark: "2026-01-20T00:00:00", sourceHash: undefined, detailJson: "{}" }
        yield* store.saveSyncState(state, "t")
        yield* store.saveSyncState({ ...state, watermark: "2026-01-21T00:00:00" }, "t")
        assert.deepStrictEqual(yield* store.syncState("acme", "s"), Option.some({ ...state, watermark: "2026-01-21T00:00:00" }))
        yield* store.cacheCfdi([{ sha256: "aa", json: "{}" }, { sha256: "bb", json: "[]" }])
        assert.deepStrictEqual([...(yield* store.cachedCfdi(["aa", "bb", "cc"])).entries()].sort(), [["aa", "{}"], ["bb", "[]"]])
        assert.deepStrictEqual([...(yield* store.cachedCfdiDigests)].sort(), ["aa", "bb"])
        yield* store.saveFileIndex([{ path: "/x/a.xml", stamp: "10:1", sha256: "aa" }])
        assert.strictEqual((yield* store.fileIndex(["/x/a.xml", "/x/b.xml"])).get("/x/a.xml")?.sha256, "aa")
        yield* store.upsertDocuments([{ documentId: "D1", contentHash: "h1", json: "{\"v\":1}" }])
        yield* store.upsertDocuments([{ documentId: "D1", contentHash: "h2", json: "{\"v\":2}" }])
        assert.deepStrictEqual(yield* store.documents(["D1"]), [{ documentId: "D1", contentHash: "h2", json: "{\"v\":2}" }])
        assert.strictEqual((yield* store.documentHashes(["D1", "D2"])).size, 1)
      }).pipe(Effect.provide(backend.fresh())))

    it.effect("links per run, decisions on them, and an unknown link refused", () =>
      Effect.gen(function*() {
        const store = yield* ReconStore
        const link = { linkId: "L1", kind: "link" as const, transactionUuid: "t1", documentId: "D1", decision: "AUTO_LINKED", json: "{}" }
        yield* store.saveLinks("r1", [link, { ...link, linkId: "L2", kind: "suggestion", decision: "SUGGESTED" }])
        yield* store.saveLinks("r1", [link])
        assert.deepStrictEqual((yield* store.links("r1")).map((l) => l.linkId), ["L1"])
        const decided = yield* store.decideLink("L1", "CONFIRMED", "ana@example.com", "2026-02-02T00:00:00Z")
        assert.strictEqual(decided.transactionUuid, "t1")
        yield* store.decideLink("L1", "REJECTED", "luis@example.com", "2026-02-03T00:00:00Z")
        const decisions = yield* store.linkDecisions
        assert.deepStrictEqual(decisions.map((d) => [d.linkId, d.decision, d.decidedBy]), [["L1", "REJECTED", "luis@example.com"]])
        const unknown = yield* Effect.flip(store.decideLink("nope", "CONFIRMED", "x", "y"))
        assert.strictEqual(unknown._tag, "UnknownLinkError")
      }).pipe(Effect.provide(backend.fresh())))

    it.effect("posting ledger: one row per external key, moved through its states", () =>
      Effect.gen(function*() {
        const store = yield* ReconStore
        const row = {
          externalKey: "acme:t1:1",
          transactionUuid: "t1",
          documentId: "D1",
          state: "planned" as const,
          runId: "r1",
          erp: "sap-csv",
          fingerprintJson: "{}",
          refJson: undefined,
          error: undefined
        }
        yield* store.writeLedger([row], "t0")
        yield* store.writeLedger([{ ...row, state: "posting" }], "t1")
        yield* store.writeLedger([{ ...row, state: "verified", refJson: "{\"erp\":\"sap-csv\"}" }], "t2")
        const got = yield* store.ledger(["acme:t1:1", "acme:t2:1"])
        assert.strictEqual(got.size, 1)
        assert.strictEqual(got.get("acme:t1:1")!.state, "verified")
        assert.strictEqual(got.get("acme:t1:1")!.refJson, "{\"erp\":\"sap-csv\"}")
        assert.deepStrictEqual((yield* store.ledgerOfRun("r1")).map((r) => r.externalKey), ["acme:t1:1"])
        yield* store.writeLedger([
          { ...row, externalKey: "acme:t3:1", state: "posted_unverified" },
          { ...row, externalKey: "acme:t2:1", state: "failed" }
        ], "t3")
        const inStates = yield* store.ledgerInStates(["failed", "posted_unverified", "posting"])
        assert.deepStrictEqual(inStates.map((r) => [r.externalKey, r.state]), [
          ["acme:t2:1", "failed"],
          ["acme:t3:1", "posted_unverified"]
        ])
        assert.deepStrictEqual(yield* store.ledgerInStates([]), [])
        yield* store.writeLedger([{ ...row, externalKey: "acme:t4:1", transactionUuid: "t4", documentId: "D2" }], "t4")
        const ofDocuments = yield* store.ledgerOfDocuments(["D1", "D9", "D1"])
        assert.deepStrictEqual(ofDocuments.map((r) => r.externalKey), ["acme:t1:1", "acme:t2:1", "acme:t3:1"])
        assert.deepStrictEqual(yield* store.ledgerOfDocuments([]), [])
        assert.deepStrictEqual((yield* store.ledgerOfTransactions(["t4", "t9"])).map((r) => r.externalKey), ["acme:t4:1"])
        yield* store.recordWriteBacks([{ transactionUuid: "t1", kind: "comment", payload: "c", runId: "r1", sentAt: "t" }])
        yield* store.recordWriteBacks([{ transactionUuid: "t1", kind: "comment", payload: "c", runId: "r2", sentAt: "t" }])
        assert.deepStrictEqual((yield* store.writeBacks(["t1", "t2"])).map((w) => [w.kind, w.runId]), [["comment", "r2"]])
      }).pipe(Effect.provide(backend.fresh())))
  })
}
