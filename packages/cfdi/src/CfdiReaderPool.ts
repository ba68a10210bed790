/**
 * Reading a folder of CFDI files on several cores: a pool of `worker_threads`, each reading and parsing whole files
 * (`readCfdiFileReport`, `readCfdiFileDocument`) and sending back plain data, so the main thread only puts it in order.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { CfdiWorkerError } from "./CfdiError.js"
import { type CfdiFileDocument, type CfdiFileReport, readCfdiFileDocument, readCfdiFileReport } from "./CfdiFile.js"
import type { ReadCfdiOptions } from "./CfdiReader.js"
import type { DigestSet } from "./DigestSet.js"

/** Options of {@link makeCfdiReaderPool}: the reader's limits, and the number of workers. */
export interface CfdiReaderPoolOptions extends Omit<ReadCfdiOptions, "path"> {
  /**
   * Worker threads; default: two per core Node may use (`os.availableParallelism()`), at most 8. A worker reads each
   * file synchronously and its core idles while the disk answers; a second worker per core parses meanwhile. On 2
   * cores, 90,761 files not in the page cache: 10.1-10.6 s on 2 workers, 7.7-8.4 s on 4; from the page cache,
   * 4.1-4.2 s and 4.5 s. On Linux the workers run below the calling thread's priority (nice + 10): they take the
   * CPU it leaves, so it keeps its core for other work while they read.
   */
  readonly workers?: number
}

/** Reports files in their given order, reading them on the pool's worker threads. */
export interface CfdiReaderPool {
  /** Number of worker threads. */
  readonly workers: number
  /**
   * The report of each file of `paths`, in the same order (`readCfdiFileReport`: a file that cannot be read or parsed
   * is a refused report, never a failure). Fails with `CfdiWorkerError` when a worker crashes.
   */
  readonly reports: (paths: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<CfdiFileReport>, CfdiWorkerError>
  /**
   * The digest and `FiscalDocument` JSON of each file of `paths`, in the same order (`readCfdiFileDocument`: a file
   * that cannot be read or parsed is a refusal, never a failure). `cached`, when given, holds the digests the caller
   * holds a document for (e.g. its parse cache): a file with one of them is answered `known`, not parsed, whatever
   * its path. The workers share it without a copy. Fails with `CfdiWorkerError` when a worker crashes.
   */
  readonly documents: (
    paths: ReadonlyArray<string>,
    cached?: DigestSet
  ) => Effect.Effect<ReadonlyArray<CfdiFileDocument>, CfdiWorkerError>
}

/** What a worker makes of each path. */
type Kind = "reports" | "documents"

/**
 * A chunk for a worker (`start` = index of its first path) and its answer. `call` numbers the pool's calls: the
 * answers of an interrupted call that are still on their way are told apart from the next call's and dropped.
 */
interface Chunk {
  readonly kind: Kind
  readonly call: number
  readonly start: number
  readonly paths: ReadonlyArray<string>
  /** `documents`: the digests whose files are not parsed (`CfdiReaderPool.documents`), shared memory. */
  readonly cached?: DigestSet
}
interface ChunkResults<A> {
  readonly call: number
  readonly start: number
  readonly results: ReadonlyArray<A>
}

// The worker is the compiled `internal/reportWorker.js` beside this module; from the TypeScript sources (tests run
// them) it is the one in the package's `dist`.
const workerUrl = new URL(
  import.meta.url.endsWith(".ts") ? "../dist/internal/readerWorker.js" : "./internal/readerWorker.js",
  import.meta.url
)

/** Starts one worker and waits for its "ready". */
const startWorker = (options: Omit<ReadCfdiOptions, "path">) =>
  Effect.async<Worker, CfdiWorkerError>((resume) => {
    const worker = new Worker(workerUrl, { workerData: options })
    const onError = (error: Error) => resume(Effect.fail(new CfdiWorkerError({ detail: error.message })))
    worker.once("error", onError)
    worker.once("message", () => {
      worker.off("error", onError)
      resume(Effect.succeed(worker))
    })
    return Effect.promise(() => worker.terminate())
  })

/**
 * Spreads `paths` over the workers and puts the results back in order. Every chunk is posted at once, round robin
 * (what is left / (8 x workers) paths, between 16 and 500), so the workers read the whole list without waiting for
 * this thread: it may be busy with other work while they read, and takes in their answers when its event loop next
 * runs.
 */
const runChunks = <A>(
  workers: ReadonlyArray<Worker>,
  call: number,
  kind: Kind,
  paths: ReadonlyArray<string>,
  cached?: DigestSet
) =>
  Effect.async<ReadonlyArray<A>, CfdiWorkerError>((resume) => {
    const results = new Array<A>(paths.length)
    let pending = 0
    let done = false
    const cleanups: Array<() => void> = []
    const finish = (result: Effect.Effect<ReadonlyArray<A>, CfdiWorkerError>) => {
      if (done) return
      done = true
      for (const cleanup of cleanups) cleanup()
      resume(result)
    }
    for (const worker of workers) {
      const onMessage = (answer: ChunkResults<A>) => {
        if (answer.call !== call) return
        answer.results.forEach((result, i) => (results[answer.start + i] = result))
        if (--pending === 0) finish(Effect.succeed(results))
      }
      const onError = (error: Error) => finish(Effect.fail(new CfdiWorkerError({ detail: error.message })))
      const onExit = (code: number) => finish(Effect.fail(new CfdiWorkerError({ detail: `exited with code ${code}` })))
      worker.on("message", onMessage)
      worker.on("error", onError)
      worker.on("exit", onExit)
      cleanups.push(() => {
        worker.off("message", onMessage)
        worker.off("error", onError)
        worker.off("exit", onExit)
      })
    }
    if (paths.length === 0) finish(Effect.succeed([]))
    for (let next = 0; next < paths.length; pending++) {
      const size = Math.min(500, Math.max(16, Math.ceil((paths.length - next) / (8 * workers.length))))
      const chunk: Chunk = {
        kind,
        call,
        start: next,
        paths: paths.slice(next, next + size),
        ...(cached === undefined ? {} : { cached })
      }
      workers[pending % workers.length]!.postMessage(chunk)
      next += chunk.paths.length
    }
    return Effect.sync(() => {
      // interrupted: the answers still in flight are dropped with the listeners
      done = true
      for (const cleanup of cleanups) cleanup()
    })
  })

/**
 * A pool of worker threads reading CFDI files, for the life of the scope (the workers are terminated when it
 * closes). With `workers` <= 1 no thread is started and files are read on the calling thread. One call at a
 * time per pool. Fails with `CfdiWorkerError` when a worker cannot start.
 */
export const makeCfdiReaderPool = (
  options: CfdiReaderPoolOptions = {}
): Effect.Effect<CfdiReaderPool, CfdiWorkerError, Scope.Scope> => {
  const { workers: wanted, ...readOptions } = options
  const count = Math.max(1, Math.floor(wanted ?? Math.min(8, 2 * availableParallelism())))
  if (count === 1) {
    return Effect.succeed({
      workers: 1,
      reports: (paths) => Effect.sync(() => paths.map((path) => readCfdiFileReport(path, readOptions))),
      documents: (paths, cached) =>
        Effect.sync(() => paths.map((path) => readCfdiFileDocument(path, readOptions, cached)))
    })
  }
  return Effect.gen(function*() {
    const workers = yield* Effect.forEach(
      Array.from({ length: count }),
      () => Effect.acquireRelease(startWorker(readOptions), (worker) => Effect.promise(() => worker.terminate())),
      { concurrency: "unbounded" }
    )
    const one = yield* Effect.makeSemaphore(1)
    let calls = 0
    return {
      workers: count,
      reports: (paths) =>
        one.withPermits(1)(Effect.suspend(() => runChunks<CfdiFileReport>(workers, ++calls, "reports", paths))),
      documents: (paths, cached) =>
        one.withPermits(1)(
          Effect.suspend(() => runChunks<CfdiFileDocument>(workers, ++calls, "documents", paths, cached))
        )
    }
  })
}
