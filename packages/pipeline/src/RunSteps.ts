/**
 * Checkpoints of the job's steps (the `run_steps` table): what each step stores beside its durable writes so a
 * resumed run replays it from the store, and the commit that writes both in one uninterruptible transaction.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ReconciliationException } from "@clara-recon/domain"
import { StoreError } from "./PipelineError.js"
import { ReconStore, type StepName } from "./ReconStore.js"

const Exceptions = Schema.Array(ReconciliationException)

/** `sync`: the records that could not be read and the counts of the source read. */
export const SyncCheckpoint = Schema.Struct({
  invalid: Exceptions,
  outOfPeriod: Schema.Number,
  /** Records read from the source (after the watermark filter). */
  fetched: Schema.Number,
  /** Transactions inserted or changed in the store. */
  changed: Schema.Number
})
export type SyncCheckpoint = typeof SyncCheckpoint.Type

/** `collect`: the ids of the run's documents (in the `documents` table) and the exceptions found. */
export const CollectCheckpoint = Schema.Struct({
  /** SHA-256 of the inputs (file paths with their digests), or empty when Clara documents were read. */
  inputsKey: Schema.String,
  documentIds: Schema.Array(Schema.String),
  exceptions: Exceptions,
  files: Schema.Number
})
export type CollectCheckpoint = typeof CollectCheckpoint.Type

/** `match`: exceptions, the transactions the matcher put in exceptions, and the engine (links are in `links`). */
export const MatchCheckpoint = Schema.Struct({
  /** SHA-256 of the matcher's inputs (transaction and document hashes, decisions, as-of date, company RFC). */
  inputsKey: Schema.String,
  exceptions: Exceptions,
  exceptionUuids: Schema.Array(Schema.String),
  engine: Schema.Struct({ version: Schema.String, configHash: Schema.String, inputsHash: Schema.String })
})
export type MatchCheckpoint = typeof MatchCheckpoint.Type

/** `plan`: the external keys planned for the run's links, and the postings refused (POSTING_FAILED). */
export const PlanCheckpoint = Schema.Struct({
  keys: Schema.Array(Schema.String),
  exceptions: Exceptions
})
export type PlanCheckpoint = typeof PlanCheckpoint.Type

/** `post`: postings that failed at the ERP; `dryRun` when nothing was posted on purpose. */
export const PostCheckpoint = Schema.Struct({
  exceptions: Exceptions,
  dryRun: Schema.Boolean
})
export type PostCheckpoint = typeof PostCheckpoint.Type

/** `writeBack`: how many comments and labels were sent to Clara in this run. */
export const WriteBackCheckpoint = Schema.Struct({
  comments: Schema.Number,
  labels: Schema.Number
})
export type WriteBackCheckpoint = typeof WriteBackCheckpoint.Type

/** The schema of each step's checkpoint. */
export const checkpointSchemas = {
  sync: SyncCheckpoint,
  collect: CollectCheckpoint,
  match: MatchCheckpoint,
  plan: PlanCheckpoint,
  post: PostCheckpoint,
  writeBack: WriteBackCheckpoint,
  report: Schema.Struct({})
} as const

/** The decoded checkpoint of a step. */
export type Checkpoint<S extends StepName> = typeof checkpointSchemas[S]["Type"]

/** The current instant as ISO-8601 UTC, from the `Clock`. */
export const nowIso = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString())

/**
 * The stored checkpoint of `step` in run `runId`, if the step is done. Fails with `StoreError` when the stored JSON
 * does not decode (a store written by an incompatible version).
 */
export const loadCheckpoint = <S extends StepName>(runId: string, step: S) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const row = (yield* store.steps(runId)).get(step)
    if (row === undefined) return Option.none<Checkpoint<S>>()
    const schema = checkpointSchemas[step] as unknown as Schema.Schema<Checkpoint<S>, unknown>
    return yield* Schema.decodeUnknown(Schema.parseJson(schema))(row.checkpointJson).pipe(
      Effect.map(Option.some),
      Effect.mapError((cause) =>
        new StoreError({ operation: "loadCheckpoint", message: `state store: checkpoint ${step} of run ${runId}: ${cause.message}` })
      )
    )
  })

/**
 * Commits a step: runs `writes` (store writes) and saves the step's checkpoint in one transaction, uninterruptibly,
 * so an interruption (Ctrl-C) lets the write in flight finish and a crash leaves either both or neither.
 */
export const commitStep = <S extends StepName, E, R>(
  runId: string,
  step: S,
  checkpoint: Checkpoint<S>,
  writes: Effect.Effect<void, E, R>
) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const schema = checkpointSchemas[step] as unknown as Schema.Schema<Checkpoint<S>, unknown>
    const checkpointJson = JSON.stringify(Schema.encodeSync(schema)(checkpoint))
    const updatedAt = yield* nowIso
    yield* store.atomically(Effect.zipRight(writes, store.saveStep({ runId, step, state: "done", checkpointJson, updatedAt })))
  }).pipe(Effect.uninterruptible)
