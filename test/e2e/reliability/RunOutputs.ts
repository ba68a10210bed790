/**
 * Helpers of the reliability suite: the outputs of a finished `clara-recon reconcile` run, normalised so that two
 * runs of the same inputs compare equal (run ids, ISO timestamps and the run's own folders masked), the posting
 * records the SAP-style CSV export left on disk (`<out>/<runId>/postings/*.csv`, layout `generic-je-v1`), and the
 * state the run left in its SQLite store, read through `@clara-recon/pipeline`'s `ReconStore`.
 */
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { layerSqlite, ReconStore } from "@clara-recon/pipeline"

/** A run id as the job makes them: `20260201T063000Z-0003`. */
const RUN_ID = /\b\d{8}T\d{6}Z-\d{4}\b/g
/** An ISO-8601 UTC instant, with or without fractional seconds. */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
const filesUnder = (dir: string): Array<string> =>
  (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<fs.Dirent>)
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort()

/**
 * The files of `<outDir>/latest` (the run folder it points at), relative path -> text with the run id, ISO instants
 * and each string of `mask` (absolute folders, base URLs) replaced by placeholders. Throws when `latest` is absent.
 */
export const runSnapshot = (outDir: string, mask: Readonly<Record<string, string>> = {}): Map<string, string> => {
  const runDir = fs.realpathSync(path.join(outDir, "latest"))
  const replacements = Object.entries(mask).sort(([a], [b]) => b.length - a.length)
  const normalise = (text: string) => {
    let out = text
    for (const [from, to] of replacements) out = out.replace(new RegExp(escapeRegExp(from), "g"), to)
    return out.replace(RUN_ID, "<runId>").replace(ISO_INSTANT, "<instant>")
  }
  return new Map(filesUnder(runDir).map((file) => [file, normalise(fs.readFileSync(path.join(runDir, file), "utf8"))]))
}

/**
 * The differences between two snapshots, one line each (missing files, extra files, and for each differing file the
 * first differing line); empty when they are equal.
 */
export const snapshotDiff = (expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): Array<string> => {
  const lines: Array<string> = []
  for (const file of expected.keys()) if (!actual.has(file)) lines.push(`missing ${file}`)
  for (const file of actual.keys()) if (!expected.has(file)) lines.push(`extra ${file}`)
  for (const [file, want] of expected) {
    const got = actual.get(file)
    if (got === undefined || got === want) continue
    const a = want.split("\n")
    const b = got.split("\n")
    const i = a.findIndex((line, k) => line !== b[k])
    const at = i < 0 ? a.length : i
    lines.push(`${file}:${at + 1}: expected ${JSON.stringify(a[at]?.slice(0, 300))} got ${JSON.stringify(b[at]?.slice(0, 300))}`)
  }
  return lines
}

/** The parsed `summary.json` of `<outDir>/latest`. */
export const latestSummary = (outDir: string): any =>
  JSON.parse(fs.readFileSync(path.join(outDir, "latest", "summary.json"), "utf8"))

/** Posting records found on disk under every run folder of `outDir`. */
export interface PostingRecords {
  /** CSV export files (`postings/*.csv`) across all run folders. */
  readonly files: number
  /** Journal lines (CSV rows) across those files. */
  readonly lines: number
  /** Distinct documents (`DOC_KEY`, the ledger's externalKey). */
  readonly documents: ReadonlySet<string>
  /** `DOC_KEY` + `LINE_NO` pairs written more than once (a document posted twice). */
  readonly duplicateLines: number
  /** Documents whose lines appear in more than one export file. */
  readonly documentsInSeveralFiles: number
  /** Documents listed by more than one batch manifest (`*.manifest.json`, not the `manifest.json` copy). */
  readonly documentsInSeveralManifests: number
}

/** Counts the posting records of every `<outDir>/<run>/postings` folder (see `PostingRecords`). */
export const postingRecords = (outDir: string): PostingRecords => {
  const folders = fs.readdirSync(outDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(outDir, e.name, "postings")))
    .map((e) => path.join(outDir, e.name, "postings"))
  const lineCount = new Map<string, number>()
  const filesOf = new Map<string, Set<string>>()
  const manifestsOf = new Map<string, number>()
  let files = 0
  let lines = 0
  for (const folder of folders) {
    for (const name of fs.readdirSync(folder).sort()) {
      const file = path.join(folder, name)
      if (name.endsWith(".manifest.json")) {
        const manifest = JSON.parse(fs.readFileSync(file, "utf8"))
        for (const key of manifest.documents as Array<string>) manifestsOf.set(key, (manifestsOf.get(key) ?? 0) + 1)
        continue
      }
      if (!name.endsWith(".csv")) continue
      files++
      const rows = parse(fs.readFileSync(file), { bom: true, columns: true }) as Array<Record<string, string>>
      for (const row of rows) {
        lines++
        const key = `${row["DOC_KEY"]}#${row["LINE_NO"]}`
        lineCount.set(key, (lineCount.get(key) ?? 0) + 1)
        const seen = filesOf.get(row["DOC_KEY"]!) ?? new Set<string>()
        seen.add(file)
        filesOf.set(row["DOC_KEY"]!, seen)
      }
    }
  }
  return {
    files,
    lines,
    documents: new Set(filesOf.keys()),
    duplicateLines: [...lineCount.values()].filter((n) => n > 1).length,
    documentsInSeveralFiles: [...filesOf.values()].filter((s) => s.size > 1).length,
    documentsInSeveralManifests: [...manifestsOf.values()].filter((n) => n > 1).length
  }
}

/** What a finished run left in its SQLite store. */
export interface StoreState {
  /** Runs the store has begun (a resumed run is not a new run). */
  readonly runs: number
  readonly runId: string
  readonly finished: boolean
  /** Steps checkpointed for the run. */
  readonly steps: ReadonlyArray<string>
  /** `linkId|kind|transactionUuid|documentId|decision`, sorted. */
  readonly links: ReadonlyArray<string>
  /** `externalKey|state|transactionUuid|documentId|fingerprint`, sorted: one row per externalKey by construction. */
  readonly ledger: ReadonlyArray<string>
}

/**
 * Whether the SQLite store `statePath` holds a finished run. Opening the store runs its migrations, so call it only on a
 * store the job has already migrated.
 */
export const hasFinishedRun = (statePath: string): Promise<boolean> =>
  Effect.runPromise(
    Effect.flatMap(ReconStore, (store) => store.getRun()).pipe(
      Effect.map((run) => run._tag === "Some" && run.value.finishedAt !== undefined),
      Effect.provide(layerSqlite(statePath))
    )
  )

/** Reads the state of the most recent finished run from the SQLite file `statePath` through `ReconStore`. */
export const storeState = (statePath: string): Promise<StoreState> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const store = yield* ReconStore
      const run = yield* store.getRun()
      if (run._tag === "None") return yield* Effect.dieMessage(`no finished run in ${statePath}`)
      const runId = run.value.runId
      const steps = yield* store.steps(runId)
      const links = yield* store.links(runId)
      const ledger = yield* store.ledgerOfRun(runId)
      return {
        runs: yield* store.runCount,
        runId,
        finished: run.value.finishedAt !== undefined,
        steps: [...steps.keys()].sort(),
        links: links.map((l) => [l.linkId, l.kind, l.transactionUuid, l.documentId, l.decision].join("|")).sort(),
        ledger: ledger.map((r) => [r.externalKey, r.state, r.transactionUuid, r.documentId, r.fingerprintJson].join("|"))
          .sort()
      }
    }).pipe(Effect.provide(layerSqlite(statePath)))
  )
