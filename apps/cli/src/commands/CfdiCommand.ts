/**
 * `clara-recon cfdi read <file|dir>... [--json]`: reads each CFDI (directories are walked recursively for `*.xml`,
 * sorted) and prints its identity, amounts and validation findings (codes on the file's line, then one indented line
 * per finding with its field and message), or the typed reason it was refused. With `--json` one JSON object per file
 * and line (finding codes only). Refused files are reported, not fatal (exit 0); a path that does not exist fails
 * the command (exit 1) before anything is read. Source: packages/cfdi/README.md (reasons and finding codes).
 */
import { Args, Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { readCfdi, validateCfdi } from "@clara-recon/cfdi"
import type { Cfdi, CfdiFinding } from "@clara-recon/cfdi"
import { formatFixed } from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { printJsonLine } from "../Output.js"

/** A path given to `cfdi read` does not exist. */
export class CfdiPathNotFound extends Schema.TaggedError<CfdiPathNotFound>()("CfdiPathNotFound", {
  path: Schema.String
}) {
  override get message(): string {
    return `cfdi read: ${this.path}: no such file or directory`
  }
}

/** One line of the report: a read CFDI with its finding codes, or a refusal with its reason. */
export type CfdiReport =
  | {
    readonly path: string
    readonly status: "read"
    readonly version: string
    readonly tipoDeComprobante: string
    readonly uuid: string
    readonly fecha: string
    readonly emisorRfc: string
    readonly receptorRfc: string
    readonly moneda: string
    /** Decimal text in units of `moneda`, scale as written. */
    readonly subTotal: string
    readonly descuento?: string
    readonly total: string
    /** MXN per unit of `moneda`. */
    readonly tipoCambio?: string
    readonly errors: ReadonlyArray<string>
    readonly warnings: ReadonlyArray<string>
  }
  | { readonly path: string; readonly status: "refused"; readonly reason: string; readonly message: string }

/** A report with the full findings (`<severity> <field>: <detail> [<code>]`) for the text output. */
type DetailedReport =
  | (Extract<CfdiReport, { readonly status: "read" }> & { readonly details: ReadonlyArray<string> })
  | { readonly path: string; readonly status: "refused"; readonly reason: string; readonly message: string }

const decimal = (value: BigDecimal.BigDecimal) => formatFixed(value, Math.max(0, value.scale))

const detailOf = (severity: string, f: CfdiFinding): string => {
  const prefix = `${f.path}: ${f.field}: `
  const detail = f.message.startsWith(prefix) ? f.message.slice(prefix.length) : f.message
  return `${severity} ${f.field}: ${detail}`
}

const reportOf = (path: string, cfdi: Cfdi): DetailedReport => {
  const { errors, warnings } = validateCfdi(cfdi)
  return {
    path,
    status: "read",
    version: cfdi.version,
    tipoDeComprobante: cfdi.tipoDeComprobante,
    uuid: cfdi.timbre.uuid,
    fecha: cfdi.fecha,
    emisorRfc: cfdi.emisor.rfc,
    receptorRfc: cfdi.receptor.rfc,
    moneda: cfdi.moneda,
    subTotal: decimal(cfdi.subTotal),
    ...(cfdi.descuento === undefined ? {} : { descuento: decimal(cfdi.descuento) }),
    total: decimal(cfdi.total),
    ...(cfdi.tipoCambio === undefined ? {} : { tipoCambio: decimal(cfdi.tipoCambio) }),
    errors: errors.map((f) => f.code),
    warnings: warnings.map((f) => f.code),
    details: [...errors.map((f) => detailOf("error", f)), ...warnings.map((f) => detailOf("warning", f))]
  }
}

/** The JSON shape: the report without the text-only finding details. */
const jsonOf = (r: DetailedReport): CfdiReport => {
  if (r.status === "refused") return r
  const { details: _, ...report } = r
  return report
}

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

/**
 * Reads every file the paths stand for (all paths are checked first) and reports each one. Fails with
 * `CfdiPathNotFound` for a missing path, or with the platform error of an unreadable file.
 */
export const cfdiReadReports = (paths: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const files = (yield* Effect.forEach(paths, filesOf)).flat()
    return yield* Effect.forEach(files, (file) =>
      Effect.map(fs.readFile(file), (bytes): DetailedReport => {
        const result = readCfdi(bytes, { path: file })
        return Either.isRight(result)
          ? reportOf(file, result.right)
          : { path: file, status: "refused", reason: result.left.reason, message: result.left.message }
      }))
  })

const line = (r: DetailedReport): string => {
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
    `errors ${r.errors.join(",") || "none"}`,
    `warnings ${r.warnings.join(",") || "none"}`
  ]
  return [`${r.path}: ${fields.join(" | ")}`, ...r.details.map((d) => `  ${d}`)].join("\n")
}

const paths = Args.text({ name: "file|dir" }).pipe(
  Args.withDescription("CFDI .xml files, or folders searched recursively for *.xml"),
  Args.atLeast(1)
)
const json = Options.boolean("json").pipe(Options.withDescription("One JSON object per file and line"))

const readCommand = Command.make("read", { paths, json }, (args) =>
  Effect.gen(function*() {
    const reports = yield* cfdiReadReports(args.paths)
    for (const report of reports) yield* args.json ? printJsonLine(jsonOf(report)) : Console.log(line(report))
  })).pipe(Command.withDescription("Read and validate CFDI files; report each one, or why it was refused"))

/** The `cfdi` command group: `cfdi read`. */
export const cfdiCommand = Command.make("cfdi").pipe(
  Command.withDescription("Work with CFDI files"),
  Command.withSubcommands([readCommand])
)
