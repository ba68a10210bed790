/**
 * Carrying a run's reports over to the next run of the same command when nothing they show has changed: the report
 * key (`reportKeyOf`) pins everything the reports show besides the run's own heading (run id and posting counts),
 * and the report checkpoint of each run keeps the key and the stamps of the files it wrote. A run whose key equals
 * the previous run's, and whose previous files are still as written, links (or copies) them, writes its own
 * `summary.json` and puts its own heading on the previous `report.html` body: no domain object is decoded and
 * nothing is rendered again.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { createHash } from "node:crypto"
import { linkOrCopyAtomic, removeStaleTemporaries, writeFileAtomic } from "../internal/Files.js"
import { OutputError } from "../PipelineError.js"
import type { RunRow, StepName } from "../ReconStore.js"
import type { Summary } from "../RunResult.js"
import { loadCheckpointPart, ReportCheckpoint, type ReportFile, resolvedStep } from "../RunSteps.js"
import { renderHtmlHead } from "./HtmlReport.js"
import { renderSummaryJson } from "./WriteReports.js"

/** Version of what the report files hold; part of the report key, so a new format never reuses older files. */
export const REPORT_FORMAT = "reports-4"

/**
 * SHA-256 (hex) over what the reports of `run` show besides its heading: the report format, tenant, period and
 * as-of date, the invalid records of the sync checkpoint, the collect checkpoint (document ids and exceptions), the
 * run holding the match checkpoint and links (the same for runs that reused it), the plan checkpoint and the post
 * exceptions. `undefined` while a checkpoint the report needs is missing. Fails with `StoreError`.
 */
export const reportKeyOf = (run: RunRow) =>
  Effect.gen(function*() {
    const row = (step: StepName, checkpoint = true) =>
      Effect.map(resolvedStep(run.runId, step, { checkpoint }), Option.getOrUndefined)
    const sync = yield* row("sync")
    const collect = yield* row("collect")
    const match = yield* row("match", false)
    const plan = yield* row("plan")
    const post = yield* row("post")
    if (sync === undefined || collect === undefined || match === undefined || plan === undefined) return undefined
    const hash = createHash("sha256")
    const field = (text: string) => hash.update(`${text.length}:${text}\n`)
    field(JSON.stringify([REPORT_FORMAT, run.tenant, run.from, run.to, run.asOf]))
    // sync: the invalid records and the count outside the period (not the fetched and changed counts of this read)
    const synced = JSON.parse(sync.checkpointJson) as { invalid?: unknown; outOfPeriod?: unknown }
    field(JSON.stringify([synced.invalid, synced.outOfPeriod]))
    field(collect.checkpointJson)
    // match: the run holding the checkpoint and the links (a run that reused it shares both), not its content
    field(`match:${match.runId}`)
    field(plan.checkpointJson)
    field(JSON.stringify(post === undefined ? [] : (JSON.parse(post.checkpointJson) as { exceptions?: unknown }).exceptions))
    return hash.digest("hex")
  })

/** A file's stamp: its size and modification time in milliseconds, `<size>:<mtime ms>`. */
const stampOf = (info: FileSystem.File.Info): string =>
  `${info.size}:${Option.match(info.mtime, { onNone: () => "", onSome: (d) => String(d.getTime()) })}`

/** The stamps of `files` (paths relative to `dir`). Fails with `OutputError` when one cannot be read. */
export const reportFileStamps = (dir: string, files: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    return yield* Effect.forEach(files, (file) =>
      fs.stat(path.join(dir, file)).pipe(
        Effect.map((info): ReportFile => ({ path: file, stamp: stampOf(info) })),
        Effect.mapError((cause) => new OutputError({ path: file, message: `cannot read ${file}: ${cause.message}` }))
      ))
  })

/**
 * Writes the reports of `run` (summary `summary`) into `runDir` from those of `previous` (written into `previousDir`)
 * when the previous run's report checkpoint has the same `reportKey` and all its files still have the stamps they
 * were written with, and its `report.html` starts with the heading rendered for it. Returns the files written with
 * their stamps, or none (nothing written) when the previous reports cannot be reused. Fails with `StoreError` or
 * `OutputError`.
 */
export const reuseReports = (options: {
  readonly previous: RunRow
  readonly previousDir: string
  readonly run: RunRow
  readonly runDir: string
  readonly reportKey: string
  readonly summary: Summary
}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const { previous, previousDir, run, runDir } = options
    const none = Option.none<ReadonlyArray<ReportFile>>()
    const checkpoint = yield* loadCheckpointPart(previous.runId, "report", ReportCheckpoint)
    if (Option.isNone(checkpoint) || previous.summaryJson === undefined) return none
    const { files, reportKey } = checkpoint.value
    if (reportKey !== options.reportKey || files === undefined) return none
    const stamps = yield* Effect.forEach(files, (file) =>
      Effect.option(fs.stat(path.join(previousDir, file.path))).pipe(
        Effect.map(Option.map(stampOf)),
        Effect.map((stamp) => Option.contains(stamp, file.stamp))
      ))
    if (stamps.some((same) => !same) || !files.some((f) => f.path === "report.html")) return none
    // the page as bytes (it can be hundreds of MB): the previous heading must be its exact start
    const previousHtml = yield* fs.readFile(path.join(previousDir, "report.html")).pipe(Effect.option)
    const previousHead = Buffer.from(renderHtmlHead(JSON.parse(previous.summaryJson) as Summary, previous), "utf8")
    const html = Option.getOrUndefined(previousHtml)
    if (html === undefined || html.length < previousHead.length) return none
    if (Buffer.compare(previousHead, html.subarray(0, previousHead.length)) !== 0) return none

    yield* removeStaleTemporaries(runDir)
    for (const file of files) {
      if (file.path === "summary.json" || file.path === "report.html") continue
      yield* linkOrCopyAtomic(path.join(previousDir, file.path), path.join(runDir, file.path))
    }
    yield* writeFileAtomic(path.join(runDir, "summary.json"), renderSummaryJson(options.summary))
    yield* writeFileAtomic(
      path.join(runDir, "report.html"),
      [Buffer.from(renderHtmlHead(options.summary, run), "utf8"), html.subarray(previousHead.length)]
    )
    return Option.some(yield* reportFileStamps(runDir, files.map((f) => f.path)))
  })
