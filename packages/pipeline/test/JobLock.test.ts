/**
 * One job at a time per tenant (`holdJobLock`), on both store backends: a second job is refused while the first
 * holds the lock, and takes it once the first ended, its lock expired, or its process on this host is gone
 * (`kill -9`); `reconcile` refuses to start beside another job, before it writes anything.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, TestClock } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { hostname } from "node:os"
import { holdJobLock } from "../src/JobLock.js"
import { reconcile } from "../src/ReconcileJob.js"
import { ReconStore } from "../src/ReconStore.js"
import { setup } from "./JobSetup.js"
import { backends } from "./StoreBackends.js"

/** The pid of a process that has exited (a child run to its end). */
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!

/** A lock row of another job (pid `pid` on `host`) expiring at `expiresAt`. */
const otherJob = (pid: number, expiresAt: string, host = hostname()) => ({
  tenant: "default",
  owner: `${host}/${pid}/other`,
  host,
  pid,
  expiresAt
})

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the job lock on ${backend.name}`, () => {
    const onStore = <A, E>(effect: Effect.Effect<A, E, ReconStore | NodeContext.NodeContext>) =>
      Effect.provide(effect, Layer.merge(backend.fresh(), NodeContext.layer))

    it.effect("refuses a second job while the first holds the lock, and lets it in once the first ended", () =>
      onStore(Effect.gen(function*() {
        const store = yield* ReconStore
        yield* Effect.scoped(Effect.gen(function*() {
          yield* holdJobLock("default")
          const refused = yield* Effect.flip(Effect.scoped(holdJobLock("default")))
          assert.strictEqual(refused._tag, "JobRunningError")
          assert.include(refused.message, `pid ${process.pid} on ${hostname()}`)
          // another tenant of the store is another job
          yield* Effect.scoped(holdJobLock("other"))
        }))
        assert.isTrue(Option.isNone(yield* store.jobLock("default")), "given up when the scope closed")
        yield* Effect.scoped(holdJobLock("default"))
      })))

    it.effect("takes over a lock whose process on this host is gone, or that expired elsewhere", () =>
      onStore(Effect.gen(function*() {
        const store = yield* ReconStore
        yield* TestClock.setTime(Date.parse("2026-02-01T06:00:00Z"))
        assert.isTrue(yield* store.takeJobLock(otherJob(deadPid(), "2026-02-01T06:10:00.000Z"), undefined))
        yield* Effect.scoped(holdJobLock("default"))
        // a live job on another host holds until its lock expires
        assert.isTrue(yield* store.takeJobLock(otherJob(1, "2026-02-01T06:10:00.000Z", "elsewhere"), undefined))
        const held = yield* Effect.flip(Effect.scoped(holdJobLock("default")))
        assert.include(held.message, "pid 1 on elsewhere")
        yield* TestClock.setTime(Date.parse("2026-02-01T06:10:00Z"))
        yield* Effect.scoped(Effect.gen(function*() {
          yield* holdJobLock("default")
          const lock = yield* store.jobLock("default")
          assert.strictEqual(Option.getOrThrow(lock).pid, process.pid)
        }))
      })))

    it.effect("reconcile refuses to start beside another job, and writes no run", () => {
      const { dir, options } = setup()
      return onStore(Effect.gen(function*() {
        const store = yield* ReconStore
        yield* TestClock.setTime(Date.parse("2026-02-01T06:00:00Z"))
        assert.isTrue(yield* store.takeJobLock(otherJob(1, "2026-02-01T06:10:00.000Z", "elsewhere"), undefined))
        const refused = yield* Effect.flip(reconcile(options))
        assert.strictEqual(refused._tag, "JobRunningError")
        assert.strictEqual(yield* store.runCount, 0)
      })).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
    })
  })
}
