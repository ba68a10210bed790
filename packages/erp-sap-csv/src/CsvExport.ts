/**
 * Assembling rendered documents into the CSV file and its `manifest.json` sidecar (erp.md §5.3 "File rules"):
 * deterministic bytes, RFC 4180 quoting by `csv-stringify`, row counts, Σ debit, Σ credit and SHA-256 per file.
 */
import type { CivilDate } from "@clara-recon/domain"
import { formatFixed, sumAmounts, toEpochDay } from "@clara-recon/domain"
import { ErpError, sha256Hex } from "@clara-recon/erp"
import { stringify } from "csv-stringify/sync"
import * as Arr from "effect/Array"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Order from "effect/Order"
import type { CsvLayout } from "./CsvLayout.js"
import type { DocumentRows } from "./DocumentRows.js"

/** One CSV file. `rows` counts data rows (not the header); `debit`/`credit` are decimal strings with 2 places. */
export interface CsvFile {
  readonly name: string
  readonly bytes: Uint8Array
  readonly sha256: string
  readonly rows: number
  readonly debit: string
  readonly credit: string
}

/** The audit sidecar: layout, per-file counts, totals and hashes, and the external keys exported (sorted). */
export interface CsvManifest {
  readonly layout: { readonly id: string; readonly version: number }
  readonly files: ReadonlyArray<{
    readonly name: string
    readonly rows: number
    readonly sha256: string
    readonly debitTotal: string
    readonly creditTotal: string
  }>
  readonly totals: { readonly rows: number; readonly debit: string; readonly credit: string }
  readonly documents: ReadonlyArray<string>
}

/** An export: the CSV files, the manifest, and the name to write the manifest under (`<file base>.manifest.json`). */
export interface CsvExport {
  readonly files: ReadonlyArray<CsvFile>
  readonly manifest: CsvManifest
  readonly manifestName: string
}

/** Options of an export: tenant (`[A-Za-z0-9_-]{1,40}`), run date (civil, Mexico City), sequence 1..999, layout. */
export interface CsvExportOptions {
  readonly tenant: string
  readonly runDate: CivilDate
  readonly sequence: number
  readonly layout: CsvLayout
}

const configError = (code: string, message: string, fieldPath: string) =>
  Either.left(ErpError.rejected("CONFIG", code, message, { fieldPath, remediation: { action: "contact_admin" } }))

/**
 * Writes `documents` (already rendered with `options.layout`) into `rcn_<tenant>_<YYYYMMDD>_<seq>.csv`, `seq`
 * zero-padded to 3 digits. Rows are ordered by external key (code-unit order), then line number. Same input, same
 * bytes. Fails with CONFIG `INVALID_TENANT`, `INVALID_RUN_DATE`, `INVALID_SEQUENCE`, `LAYOUT_MISMATCH` (a document
 * rendered with another layout) or VALIDATION `DUPLICATE_DOC_KEY` (two documents with one external key).
 */
export const assembleCsvExport = (
  documents: ReadonlyArray<DocumentRows>,
  options: CsvExportOptions
): Either.Either<CsvExport, ErpError> => {
  const { layout, runDate, sequence, tenant } = options
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(tenant)) {
    return configError("INVALID_TENANT", `Tenant "${tenant}" must match [A-Za-z0-9_-]{1,40} to name files`, "tenant")
  }
  if (toEpochDay(runDate) === undefined || runDate.length !== 10) {
    return configError("INVALID_RUN_DATE", `Run date "${runDate}" is not a yyyy-MM-dd date`, "runDate")
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > 999) {
    return configError("INVALID_SEQUENCE", `File sequence ${sequence} is not an integer from 1 to 999`, "sequence")
  }
  const foreign = documents.find((d) => d.layout.id !== layout.id || d.layout.version !== layout.version)
  if (foreign !== undefined) {
    return configError(
      "LAYOUT_MISMATCH",
      `Document ${foreign.externalKey} was rendered with layout ${foreign.layout.id} v${foreign.layout.version}, ` +
        `not ${layout.id} v${layout.version}`,
      "layout"
    )
  }
  const sorted = Arr.sort(documents, Order.mapInput(Order.string, (d: DocumentRows) => d.externalKey))
  const duplicate = sorted.find((d, i) => i > 0 && sorted[i - 1]?.externalKey === d.externalKey)
  if (duplicate !== undefined) {
    return Either.left(
      ErpError.rejected("VALIDATION", "DUPLICATE_DOC_KEY", `Document ${duplicate.externalKey} appears twice`, {
        fieldPath: "externalKey"
      })
    )
  }

  const dataRows = sorted.flatMap((d) => d.rows)
  const header = layout.headerRow ? [layout.columns.map((c) => c.name)] : []
  const text = stringify([...header, ...dataRows], {
    delimiter: layout.delimiter,
    record_delimiter: layout.lineEnding,
    bom: layout.encoding === "utf8bom",
    quoted_match: /[\r\n]/
  })
  const bytes = new TextEncoder().encode(text)
  const sum = (pick: (d: DocumentRows) => string) =>
    formatFixed(sumAmounts(sorted.map((d) => BigDecimal.unsafeFromString(pick(d)))))
  const base = `rcn_${tenant}_${runDate.replaceAll("-", "")}_${String(sequence).padStart(3, "0")}`
  const file: CsvFile = {
    name: `${base}.csv`,
    bytes,
    sha256: sha256Hex(bytes),
    rows: dataRows.length,
    debit: sum((d) => d.debit),
    credit: sum((d) => d.credit)
  }
  return Either.right({
    files: [file],
    manifest: {
      layout: { id: layout.id, version: layout.version },
      files: [{
        name: file.name,
        rows: file.rows,
        sha256: file.sha256,
        debitTotal: file.debit,
        creditTotal: file.credit
      }],
      totals: { rows: file.rows, debit: file.debit, credit: file.credit },
      documents: sorted.map((d) => d.externalKey)
    },
    manifestName: `${base}.manifest.json`
  })
}

/** The manifest as UTF-8 JSON (2-space indent, fixed key order, trailing newline): deterministic bytes. */
export const encodeManifest = (manifest: CsvManifest): Uint8Array =>
  new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)
