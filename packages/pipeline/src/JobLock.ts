/**
 * One job at a time per tenant of a store (design.md: never post twice). Two processes running the same command
 * (an overlapping cron, a person re-running a slow job) would resume the same unfinished run and post its batches
 * twice; the second one is refused instead. The lock is a row of the store, so it holds for SQLite and PostgreSQL
 * alike, across hosts: the holder renews it every minute for ten; a holder on the same host whose process is gone
 * (`kill -9`) gives it up at once, so the same command resumes the run right away.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { randomUUID } from "node:crypto"
import { readlinkSync } from "node:fs"
import { hostname } from "node:os"
import { JobRunningError } from "./PipelineError.js"
import { type JobLockRow, ReconStore } from "./ReconStore.js"

/** How long a lock holds without renewal, and how often its holder renews it (milliseconds). */
const LEASE_MS = 10 * 60_000
const RENEW_MS = 60_000

/** Whether process `pid` runs on this host (a signal 0 probes it; EPERM means it runs as another user). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Whether `lock` no longer holds: expired at `now` (ISO-8601), or its process on this host is gone. */
const lapsed = (lock: JobLockRow, now: string, host: string): boolean =>
  lock.expiresAt <= now || (lock.host === host && lock.pid !== process.pid && !processAlive(lock.pid))

/**
 * This host, as far as process ids go: the host name and the pid namespace (containers that share a host name,
 * `--network host` or a pod's `hostNetwork`, still have pids of their own).
 */
export const hostKey = (): string => {
  try {
    return `${hostname()} ${readlinkSync("/proc/self/ns/pid")}`
  } catch {
    return hostname()
  }
}

/**
 * Runs `effect` holding `tenant`'s job lock: takes it (or a lapsed one), renews it in the background, and gives it up
 * when `effect` ends. Fails with `JobRunningError` naming the holder when another job holds it, and interrupts
 * `effect` with `JobRunningError` when the lock is lost while it runs (a renewal that finds another holder, after
 * this process stalled past the lease), so two jobs never post side by side; or `StoreError`.
 */
export const withJobLock = <A, E, R>(tenant: string, effect: Effect.Effect<A, E, R>) =>
  Effect.scoped(Effect.gen(function*() {
    const lost = yield* holdJobLock(tenant)
    return yield* Effect.raceFirst(effect, Effect.flatMap(Deferred.await(lost), Effect.fail))
  }))

/**
 * Holds `tenant`'s job lock for the enclosing scope (see `withJobLock`); the deferred completes with a
 * `JobRunningError` if the lock is lost.
 */
const holdJobLock = (tenant: string) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const host = hostKey()
    const owner = `${host}/${process.pid}/${randomUUID()}`
    const expiry = Effect.map(Clock.currentTimeMillis, (now) => new Date(now + LEASE_MS).toISOString())
    const take = Effect.gen(function*() {
      const now = new Date(yield* Clock.currentTimeMillis).toISOString()
      const held = yield* store.jobLock(tenant)
      if (Option.isSome(held) && !lapsed(held.value, now, host)) {
        return yield* new JobRunningError({
          tenant,
          holder: `pid ${held.value.pid} on ${held.value.host}`,
          until: held.value.expiresAt
        })
      }
      const lock: JobLockRow = { tenant, owner, host, pid: process.pid, expiresAt: yield* expiry }
      return yield* store.takeJobLock(lock, Option.getOrUndefined(Option.map(held, (h) => h.owner)))
    })
    // another job may take it between the read and the write: read again (it is then refused as held)
    yield* Effect.acquireRelease(
      Effect.repeat(take, { until: (taken) => taken, times: 2 }).pipe(
        Effect.filterOrFail((taken) => taken, () => new JobRunningError({ tenant, holder: "a job", until: "" }))
      ),
      () => Effect.ignore(store.releaseJobLock(tenant, owner))
    )
    const lost = yield* Deferred.make<never, JobRunningError>()
    // a renewal that finds the lock another job's ends this one; a store error is retried at the next renewal
    const renew = Effect.flatMap(expiry, (expiresAt) => store.renewJobLock(tenant, owner, expiresAt)).pipe(
      Effect.catchAll(() => Effect.succeed(true)),
      Effect.flatMap((kept) =>
        kept ? Effect.void : Effect.flatMap(
          store.jobLock(tenant).pipe(Effect.option, Effect.map(Option.flatten)),
          (holder) =>
            Deferred.fail(
              lost,
              new JobRunningError({
                tenant,
                holder: Option.match(holder, {
                  onNone: () => "none (the lock was given up)",
                  onSome: (h) => `pid ${h.pid} on ${h.host}`
                }),
                until: Option.match(holder, { onNone: () => "", onSome: (h) => h.expiresAt })
              })
            )
        )
      )
    )
    yield* Effect.forkScoped(Effect.repeat(renew, Schedule.spaced(RENEW_MS)).pipe(Effect.delay(RENEW_MS)))
    return lost
  })
