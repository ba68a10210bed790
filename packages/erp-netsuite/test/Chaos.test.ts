import { assert, describe, it, vi } from "@effect/vitest"
import { Effect } from "effect"
import { wireJson } from "../src/NetSuitePlan.js"
import { harness, manyPostings } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const planAll = (adapter: { plan: (d: any) => any }, documents: ReadonlyArray<any>) =>
  documents.map((d) => {
    const plan = adapter.plan(d)
    if (!plan.ok) throw new Error(`plan refused: ${plan.errors.map((e: any) => e.code).join(",")}`)
    return plan
  })

describe("NetSuite chaos: answers lost after commit", () => {
  it.live(
    "1,000 postings with 10 % of the answers lost after commit: every document posted exactly once, 0 duplicates",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // uniqueness off: only the adapter's find + verify before any retry can prevent a second record
        const { adapter: build, emulator } = yield* harness({
          uniqueExternalIds: false,
          concurrencyLimit: 20,
          chaos: { seed: 6, dropAfterCommit: 0.05, errorAfterCommit: 0.05 }
        })
        const adapter = yield* build("tba", { concurrency: 4 })
        const documents = manyPostings(1000, "chaos")
        const results = yield* adapter.postEach(planAll(adapter, documents))

        const stats = emulator.stats()
        const lost = stats.droppedAfterCommit + stats.errorsAfterCommit
        const counts = emulator.countByExternalId()
        const duplicates = [...counts.values()].filter((n) => n > 1).length
        const resolved = results.filter((r) => r.status === "posted" && r.resolvedBy === "unknown_outcome_verified")
        console.log(
          `chaos: ${documents.length} postings, ${stats.creates} creates, ${stats.droppedAfterCommit} dropped + ` +
            `${stats.errorsAfterCommit} 500 after commit (${((100 * lost) / stats.creates).toFixed(1)} %), ` +
            `${resolved.length} settled by find + verify, ${emulator.records().length} records, ${duplicates} duplicates`
        )
        assert.isAbove(lost, 50, "the chaos modes fired")
        assert.strictEqual(results.filter((r) => r.status === "posted").length, 1000)
        assert.strictEqual(resolved.length, lost)
        assert.strictEqual(duplicates, 0)
        assert.strictEqual(emulator.records().length, 1000)
        for (const document of documents) assert.strictEqual(counts.get(document.externalKey), 1, document.externalKey)
      })),
    120_000
  )

  it.live("control: the same chaos with a blind retry instead of find + verify does create duplicates", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, client: connect, emulator } = yield* harness({
        uniqueExternalIds: false,
        chaos: { seed: 6, dropAfterCommit: 0.05, errorAfterCommit: 0.05 }
      })
      const adapter = yield* build("tba")
      const client = yield* connect("tba")
      for (const plan of planAll(adapter, manyPostings(100, "blind"))) {
        const create = client.send({
          method: "POST",
          path: "/services/rest/record/v1/journalEntry",
          body: wireJson(plan.payload.body),
          write: true,
          subject: plan.externalKey
        })
        const first = yield* Effect.either(create)
        if (first._tag === "Left" || first.right.status >= 500) yield* Effect.either(create)
      }
      const duplicates = [...emulator.countByExternalId().values()].filter((n) => n > 1).length
      assert.isAbove(duplicates, 0)
      assert.isAbove(emulator.records().length, 100)
    })), 60_000)

  it.live("a create slower than the client timeout is settled by find + verify and posted once", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness({ chaos: { seed: 3, slow: 0.3, slowMs: 400 } })
      const adapter = yield* build("m2m", { concurrency: 2, requestTimeoutMs: 150 })
      const documents = manyPostings(30, "slow")
      const results = yield* adapter.postEach(planAll(adapter, documents))
      // let the slow creates that lost their client finish on the server before counting
      yield* Effect.sleep("600 millis")
      assert.isAbove(emulator.stats().slowCreates, 0)
      assert.strictEqual(results.filter((r) => r.status === "posted").length, 30)
      assert.strictEqual(emulator.records().length, 30)
      assert.isTrue([...emulator.countByExternalId().values()].every((n) => n === 1))
      for (const [i, r] of results.entries()) {
        if (r.status !== "posted") continue
        const verified = yield* adapter.verify(r.ref, planAll(adapter, [documents[i]])[0].fingerprint)
        assert.strictEqual(verified.status, "match")
      }
    })), 60_000)
})
