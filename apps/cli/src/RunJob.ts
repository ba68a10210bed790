/**
 * Runs the reconciliation job with the state store (a SQLite file, or PostgreSQL with a database URL) and, when
 * given, the Clara client layer.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ClaraClient, ClaraConfigError } from "@clara-recon/clara"
import {
  layerStore,
  loadRunResult,
  Progress,
  reconcile,
  type ReconcileOptions,
  redactDatabaseUrl,
  type RunResult,
  StoreError
} from "@clara-recon/pipeline"
import { progressReporter } from "./ProgressView.js"

/** Where the state lives: `databaseUrl` (PostgreSQL) when given, else the SQLite file `statePath`. */
export interface StoreLocation {
  readonly statePath: string
  readonly databaseUrl?: string | undefined
}

/**
 * The store layer for `location`; for a SQLite file its folder is created first. Fails with `StoreError` naming the
 * file, or the URL with its password masked.
 */
export const storeLayer = (location: StoreLocation) =>
  Effect.gen(function*() {
    if (location.databaseUrl !== undefined) {
      yield* Effect.logDebug(`state store: PostgreSQL ${redactDatabaseUrl(location.databaseUrl)}`)
      return layerStore(location)
    }
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    yield* fs.makeDirectory(path.dirname(path.resolve(location.statePath)), { recursive: true }).pipe(
      Effect.mapError((cause) =>
        new StoreError({
          operation: "open",
          message: `cannot create the folder of ${location.statePath}: ${cause.message}`
        })
      )
    )
    yield* Effect.logDebug(`state store: SQLite file ${path.resolve(location.statePath)}`)
    return layerStore({ statePath: location.statePath })
  })

/**
 * Runs `reconcile` with the store at `location` and an optional Clara client layer, showing its progress (bars on a
 * terminal, plain lines otherwise: `ProgressView`). With `withResult`, the run's `RunResult` is loaded from the store
 * afterwards (`loadRunResult`, e.g. for `demo`'s evaluation) and returned as `run`.
 */
export const runJob = <const WithResult extends boolean = false>(
  options: ReconcileOptions,
  location: StoreLocation,
  clara: Layer.Layer<ClaraClient, ClaraConfigError, FileSystem.FileSystem> | undefined,
  withResult?: WithResult
) =>
  Effect.gen(function*() {
    const store = yield* storeLayer(location)
    const layer = clara === undefined ? store : Layer.merge(store, clara)
    const progress = progressReporter()
    const job = Effect.gen(function*() {
      const outcome = yield* reconcile(options)
      const run = withResult === true ? yield* loadRunResult(outcome.runId) : undefined
      return { ...outcome, run: run as WithResult extends true ? RunResult : undefined }
    })
    return yield* job.pipe(
      Effect.provide(layer),
      Effect.provideService(Progress, progress),
      Effect.ensuring(Effect.sync(() => progress.stop()))
    )
  })
