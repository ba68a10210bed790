/**
 * Runs the reconciliation job with the store on a SQLite file and, when given, the Clara client layer.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ClaraClient, ClaraConfigError } from "@clara-recon/clara"
import { layerSqlite, reconcile, type ReconcileOptions, StoreError } from "@clara-recon/pipeline"

/** Runs `reconcile` with the store at `statePath` (its folder is created) and an optional Clara client layer. */
export const runJob = (
  options: ReconcileOptions,
  statePath: string,
  clara: Layer.Layer<ClaraClient, ClaraConfigError, FileSystem.FileSystem> | undefined
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    yield* fs.makeDirectory(path.dirname(path.resolve(statePath)), { recursive: true }).pipe(
      Effect.mapError((cause) =>
        new StoreError({ operation: "open", message: `cannot create the folder of ${statePath}: ${cause.message}` })
      )
    )
    yield* Effect.logDebug(`state store: SQLite file ${path.resolve(statePath)}`)
    const store = layerSqlite(statePath)
    const layer = clara === undefined ? store : Layer.merge(store, clara)
    return yield* reconcile(options).pipe(Effect.provide(layer))
  })
