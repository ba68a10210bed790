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
import { ReconStore, type StepName, type StepRow } from "./ReconStore.js"

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

/**
 * `plan`: the external keys planned for the run's links, the postings refused (POSTING_FAILED), and the postings of
 * earlier runs for charges this run links to nothing or to another document (POSTED_LINK_CHANGED; absent from
 * checkpoints written before it).
 */
export const PlanCheckpoint = Schema.Struct({
  keys: Schema.Array(Schema.String),
  exceptions: Exceptions,
  postedLinkChanged: Schema.optionalWith(Exceptions, { default: () => [] })
})
export type PlanCheckpoint = typeof PlanCheckpoint.Type

/** `post`: postings that failed at the ERP; `dryRun` when nothing was posted on purpose. */
export const PostCheckpoint = Schema.Struct({
  exceptions: Exceptions,
  dryRun: Schema.Boolean
})
export type PostCheckpoint = typeof PostCheckpoint.Type

/**
 * `writeBack`: how many comments and labels were sent to Clara in this run, and how many comments were taken back
 * from transactions linked since (absent in checkpoints of earlier versions).
 */
export const WriteBackCheckpoint = Schema.Struct({
  comments: Schema.Number,
  labels: Schema.Number,
  commentsTakenBack: Schema.optional(Schema.Number)
})
export type WriteBackCheckpoint = typeof WriteBackCheckpoint.Type

/** A report file written by the report step: its path under the run folder and its stamp `<size>:<mtime ms>`. */
export const ReportFile = Schema.Struct({ path: Schema.String, stamp: Schema.String })
export type ReportFile = typeof ReportFile.Type

/**
 * `report`: the key of what the reports show besides the run's own heading (see `ReuseReports.reportKeyOf`) and the
 * files written with their stamps, so the next run of the same command with the same key can carry them over.
 * Both absent in stores written before reports were reused.
 */
export const ReportCheckpoint = Schema.Struct({
  reportKey: Schema.optional(Schema.String),
  files: Schema.optional(Schema.Array(ReportFile))
})
export type ReportCheckpoint = typeof ReportCheckpoint.Type

/** The schema of each step's checkpoint. */
export const checkpointSchemas = {
  sync: SyncCheckpoint,
  collect: CollectCheckpoint,
  match: MatchCheckpoint,
  plan: PlanCheckpoint,
  post: PostCheckpoint,
  writeBack: WriteBackCheckpoint,
  report: ReportCheckpoint
} as const

/** The decoded checkpoint of a step. */
export type Checkpoint<S extends StepName> = typeof checkpointSchemas[S]["Type"]

/** The current instant as ISO-8601 UTC, from the `Clock`. */
export const nowIso = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString())

/**
 * The checkpoint row of `step` in run `runId`, if the step is done; a step that reused an earlier run's
 * (`sameAs`) is followed to the row holding the checkpoint (its `runId` is then that run's). With
 * `{ checkpoint: false }` the row comes without its JSON (for its run id and keys). Fails with `StoreError` when the
 * row it names is missing.
 */
export const resolvedStep = (runId: string, step: StepName, options?: { readonly checkpoint?: boolean }) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const row = yield* store.step(runId, step, { checkpoint: false })
    if (Option.isNone(row)) return row
    if (row.value.sameAs === undefined) return options?.checkpoint === false ? row : yield* store.step(runId, step)
    const shared = yield* store.step(row.value.sameAs, step, options)
    if (Option.isNone(shared) || shared.value.sameAs !== undefined) {
      return yield* new StoreError({
        operation: "loadCheckpoint",
        message: `state store: checkpoint ${step} of run ${runId} names run ${row.value.sameAs}, which does not hold it`
      })
    }
    return shared
  })

const decodeError = (runId: string, step: StepName) => (cause: { readonly message: string }) =>
  new StoreError({ operation: "loadCheckpoint", message: `state store: checkpoint ${step} of run ${runId}: ${cause.message}` })

/**
 * The stored checkpoint of `step` in run `runId`, if the step is done (following `sameAs`). Fails with `StoreError`
 * when the stored JSON does not decode (a store written by an incompatible version).
 */
export const loadCheckpoint = <S extends StepName>(runId: string, step: S) =>
  Effect.gen(function*() {
    const row = Option.getOrUndefined(yield* resolvedStep(runId, step))
    if (row === undefined) return Option.none<Checkpoint<S>>()
    const schema = checkpointSchemas[step] as unknown as Schema.Schema<Checkpoint<S>, unknown>
    return yield* Schema.decodeUnknown(Schema.parseJson(schema))(row.checkpointJson).pipe(
      Effect.map(Option.some),
      Effect.mapError(decodeError(runId, step))
    )
  })

/**
 * The stored checkpoint JSON of `step` in run `runId` (following `sameAs`), not decoded: for hashing it, or reading
 * a part of it with `loadCheckpointPart`. Fails with `StoreError`.
 */
export const loadCheckpointJson = (runId: string, step: StepName) =>
  Effect.map(resolvedStep(runId, step), Option.map((row) => row.checkpointJson))

/**
 * Decodes only the fields of `part` (a sub-struct of the step's checkpoint schema; other fields are ignored) from the
 * stored checkpoint of `step`: cheaper than `loadCheckpoint` when a step needs its ids or keys but not its exceptions.
 * Fails with `StoreError` when the stored JSON does not decode.
 */
export const loadCheckpointPart = <A, I>(runId: string, step: StepName, part: Schema.Schema<A, I>) =>
  Effect.flatMap(loadCheckpointJson(runId, step), (json) =>
    Option.match(json, {
      onNone: () => Effect.succeed(Option.none<A>()),
      onSome: (text) =>
        Schema.decodeUnknown(Schema.parseJson(part))(text).pipe(
          Effect.map(Option.some),
          Effect.mapError(decodeError(runId, step))
        )
    }))

const InputsKeyPart = Schema.Struct({ inputsKey: Schema.String })

/**
 * The inputs key of a done `collect` or `match` step: its row's column, or (a store written before that column) the
 * key in its checkpoint. Fails with `StoreError`.
 */
export const stepInputsKey = (runId: string, step: "collect" | "match") =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const row = yield* store.step(runId, step, { checkpoint: false })
    if (Option.isNone(row)) return Option.none<string>()
    if (row.value.inputsKey !== undefined) return Option.some(row.value.inputsKey)
    return Option.map(yield* loadCheckpointPart(runId, step, InputsKeyPart), (c) => c.inputsKey)
  })

/**
 * The quick key of a done step (`StepRow.quickKey`), if it has one. Fails with `StoreError`.
 */
export const stepQuickKey = (runId: string, step: "collect" | "match") =>
  Effect.map(
    Effect.flatMap(ReconStore, (store) => store.step(runId, step, { checkpoint: false })),
    Option.flatMap((row) => Option.fromNullable(row.quickKey))
  )

/**
 * Commits a step as the same step of an earlier run (same inputs, so the same outcome): the row names the run
 * holding the checkpoint (`shared`, a row from `resolvedStep`) instead of a copy of it, and carries its inputs key
 * and the `quickKey` of this run's inputs. Like `commitStep`: with `writes`, in one transaction, uninterruptibly.
 */
export const commitStepSameAs = <E, R>(
  runId: string,
  step: StepName,
  shared: StepRow,
  writes: Effect.Effect<void, E, R>,
  quickKey?: string | undefined
) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const updatedAt = yield* nowIso
    const row: StepRow = {
      runId,
      step,
      state: "done",
      checkpointJson: "",
      updatedAt,
      inputsKey: shared.inputsKey,
      sameAs: shared.runId,
      quickKey
    }
    yield* store.atomically(Effect.zipRight(writes, store.saveStep(row)))
  }).pipe(Effect.uninterruptible)

/**
 * Commits a step: runs `writes` (store writes) and saves the step's checkpoint in one transaction, uninterruptibly,
 * so an interruption (Ctrl-C) lets the write in flight finish and a crash leaves either both or neither. A checkpoint
 * with an `inputsKey` (collect, match) has it stored in the row too, beside the step's `quickKey` if given.
 */
export const commitStep = <S extends StepName, E, R>(
  runId: string,
  step: S,
  checkpoint: Checkpoint<S>,
  writes: Effect.Effect<void, E, R>,
  quickKey?: string | undefined
) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const schema = checkpointSchemas[step] as unknown as Schema.Schema<Checkpoint<S>, unknown>
    const checkpointJson = JSON.stringify(Schema.encodeSync(schema)(checkpoint))
    const updatedAt = yield* nowIso
    const inputsKey = "inputsKey" in checkpoint && typeof checkpoint.inputsKey === "string" ? checkpoint.inputsKey : undefined
    yield* store.atomically(
      Effect.zipRight(writes, store.saveStep({ runId, step, state: "done", checkpointJson, updatedAt, inputsKey, quickKey }))
    )
  }).pipe(Effect.uninterruptible)
