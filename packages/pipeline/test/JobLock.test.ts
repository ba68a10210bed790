/**
 * One job at a time per tenant (`holdJobLock`), on both store backends: a second job is refused while the first
 * holds the lock, and takes it once the first ended, its lock expired, or its process on this host is gone
 * (`kill -9`); `reconcile` refuses to start beside another job, before it writes anything.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { hostname } from "node:os"
import { hostKey, withJobLock } from "../src/JobLock.js"
import { reconcile } from "../src/ReconcileJob.js"
import { ReconStore } from "../src/ReconStore.js"
import { setup } from "./JobSetup.js"
import { backends } from "./StoreBackends.js"

/** The pid of a process that has exited (a child run to its end). */
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!

/** A lock row of another job (pid `pid` on `host`) expiring at `expiresAt`. */
const otherJob = (pid: number, expiresAt: string, host = hostKey()) => ({
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
        yield* withJobLock("default", Effect.gen(function*() {
          const refused = yield* Effect.flip(withJobLock("default", Effect.void))
          assert.strictEqual(refused._tag, "JobRunningError")
          assert.include(refused.message, `pid ${process.pid} on ${hostname()}`)
          // another tenant of the store is another job
          yield* withJobLock("other", Effect.void)
        }))
        assert.isTrue(Option.isNone(yield* store.jobLock("default")), "given up when the job ended")
        yield* withJobLock("default", Effect.void)
      })))

    it.effect("takes over a lock whose process on this host is gone, or that expired elsewhere", () =>
      onStore(Effect.gen(function*() {
        const store = yield* ReconStore
        yield* TestClock.setTime(Date.parse("2026-02-01T06:00:00Z"))
        assert.isTrue(yield* store.takeJobLock(otherJob(deadPid(), "2026-02-01T06:10:00.000Z"), undefined))
        yield* withJobLock("default", Effect.void)
        // a live job on another host (or in another pid namespace) holds until its lock expires
        assert.isTrue(yield* store.takeJobLock(otherJob(1, "2026-02-01T06:10:00.000Z", "elsewhere"), undefined))
        const held = yield* Effect.flip(withJobLock("default", Effect.void))
        assert.include(held.message, "pid 1 on elsewhere")
        yield* TestClock.setTime(Date.parse("2026-02-01T06:10:00Z"))
        yield* withJobLock("default", Effect.gen(function*() {
          const lock = yield* store.jobLock("default")
          assert.strictEqual(Option.getOrThrow(lock).pid, process.pid)
        }))
      })))

    it.effect("interrupts a job whose lock another job took while it stalled past its lease", () =>
      onStore(Effect.gen(function*() {
        const store = yield* ReconStore
        yield* TestClock.setTime(Date.parse("2026-02-01T06:00:00Z"))
        const job = yield* Effect.fork(withJobLock("default", Effect.never))
        yield* TestClock.adjust(1)
        const mine = Option.getOrThrow(yield* store.jobLock("default"))
        assert.isTrue(yield* store.takeJobLock(otherJob(1, "2026-02-01T07:00:00.000Z", "elsewhere"), mine.owner))
        yield* TestClock.adjust(61_000)
        const ended = yield* Effect.flip(Fiber.join(job))
        assert.strictEqual(ended._tag, "JobRunningError")
        assert.include(ended.message, "pid 1 on elsewhere")
        // the other job's lock stays
        assert.strictEqual(Option.getOrThrow(yield* store.jobLock("default")).host, "elsewhere")
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
