/**
 * `clara-recon cfdi read <file|dir>... [--json] [--workers N]`: reads each CFDI (directories are walked recursively
 * for `*.xml`, sorted; 200 files or more are read on worker threads) and prints its identity, amounts and validation
 * findings (codes on the file's line, then one indented line per finding with its field and message), or the typed
 * reason it was refused. With `--json` one JSON object per file
 * and line (finding codes only). Refused files are reported, not fatal (exit 0); a path that does not exist fails
 * the command (exit 1) before anything is read. Source: packages/cfdi/README.md (reasons and finding codes).
 */
import { Args, Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { makeCfdiReaderPool } from "@clara-recon/cfdi"
import type { CfdiFileRead, CfdiFileRefused, CfdiFileReport, CfdiFinding } from "@clara-recon/cfdi"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { printJsonLine } from "../Output.js"
import { countOption } from "./RunOptions.js"

/** A path given to `cfdi read` does not exist. */
export class CfdiPathNotFound extends Schema.TaggedError<CfdiPathNotFound>()("CfdiPathNotFound", {
  path: Schema.String
}) {
  override get message(): string {
    return `cfdi read: ${this.path}: no such file or directory`
  }
}

/** One line of the `--json` output: a read CFDI with its finding codes, or a refusal with its reason. */
export type CfdiReport =
  | (Omit<CfdiFileRead, "errors" | "warnings"> & {
    readonly errors: ReadonlyArray<string>
    readonly warnings: ReadonlyArray<string>
  })
  | CfdiFileRefused

const detailOf = (severity: string, f: CfdiFinding): string => {
  const prefix = `${f.path}: ${f.field}: `
  const detail = f.message.startsWith(prefix) ? f.message.slice(prefix.length) : f.message
  return `${severity} ${f.field}: ${detail}`
}

/** The JSON shape: finding codes only. */
const jsonOf = (r: CfdiFileReport): CfdiReport =>
  r.status === "refused" ? r : { ...r, errors: r.errors.map((f) => f.code), warnings: r.warnings.map((f) => f.code) }

/** The files a path stands for: itself, or every `*.xml` below a directory, sorted. Fails when it does not exist. */
const filesOf = (path: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    if (!(yield* fs.exists(path))) return yield* new CfdiPathNotFound({ path })
    if ((yield* fs.stat(path)).type !== "Directory") return [path]
    const entries = yield* fs.readDirectory(path, { recursive: true })
    return entries.filter((e) => e.toLowerCase().endsWith(".xml")).sort().map((e) => paths.join(path, e))
  })

/** Files from which `cfdi read` starts worker threads by default (below, starting them costs more than it saves). */
const PARALLEL_FROM = 200

/**
 * Reads every file the paths stand for (all paths are checked first) and reports each one, in order; folders of at
 * least 200 files are read on worker threads (`workers`, default two per core, at most 8; 1 reads on this thread).
 * A file that cannot be read is a refused report (`Unreadable`). Fails with `CfdiPathNotFound` for a missing path,
 * or `CfdiWorkerError` when a worker thread crashes.
 */
export const cfdiReadReports = (paths: ReadonlyArray<string>, options: { readonly workers?: number } = {}) =>
  Effect.gen(function*() {
    const files = (yield* Effect.forEach(paths, filesOf)).flat()
    const workers = options.workers ?? (files.length >= PARALLEL_FROM ? undefined : 1)
    const pool = yield* makeCfdiReaderPool(workers === undefined ? {} : { workers })
    return yield* pool.reports(files)
  }).pipe(Effect.scoped)

const line = (r: CfdiFileReport): string => {
  if (r.status === "refused") {
    const detail = r.message.startsWith(`${r.path}: `) ? r.message.slice(r.path.length + 2) : r.message
    return `${r.path}: refused ${r.reason}: ${detail}`
  }
  const fields = [
    `CFDI ${r.version} ${r.tipoDeComprobante}`,
    `UUID ${r.uuid}`,
    `Fecha ${r.fecha}`,
    `Emisor ${r.emisorRfc}`,
    `Receptor ${r.receptorRfc}`,
    `Moneda ${r.moneda}`,
    `SubTotal ${r.subTotal}`,
    `Descuento ${r.descuento ?? "-"}`,
    `Total ${r.total}`,
    `TipoCambio ${r.tipoCambio ?? "-"}`,
    `errors ${r.errors.map((f) => f.code).join(",") || "none"}`,
    `warnings ${r.warnings.map((f) => f.code).join(",") || "none"}`
  ]
  const details = [...r.errors.map((f) => detailOf("error", f)), ...r.warnings.map((f) => detailOf("warning", f))]
  return [`${r.path}: ${fields.join(" | ")}`, ...details.map((d) => `  ${d}`)].join("\n")
}

const paths = Args.text({ name: "file|dir" }).pipe(
  Args.withDescription("CFDI .xml files, or folders searched recursively for *.xml"),
  Args.atLeast(1)
)
const json = Options.boolean("json").pipe(Options.withDescription("One JSON object per file and line"))
const workers = countOption("workers").pipe(
  Options.withDescription("Worker threads reading files (default: two per core, at most 8, for 200 files or more)"),
  Options.optional
)

const readCommand = Command.make("read", { paths, json, workers }, (args) =>
  Effect.gen(function*() {
    const reports = yield* cfdiReadReports(args.paths, Option.match(args.workers, {
      onNone: () => ({}),
      onSome: (n) => ({ workers: Math.max(1, n) })
    }))
    for (const report of reports) yield* args.json ? printJsonLine(jsonOf(report)) : Console.log(line(report))
  })).pipe(Command.withDescription("Read and validate CFDI files; report each one, or why it was refused"))

/** The `cfdi` command group: `cfdi read`. */
export const cfdiCommand = Command.make("cfdi").pipe(
  Command.withDescription("Work with CFDI files"),
  Command.withSubcommands([readCommand])
)
