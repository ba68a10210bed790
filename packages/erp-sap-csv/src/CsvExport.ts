/**
 * Assembling rendered documents into the CSV file and its `manifest.json` sidecar (erp.md §5.3 "File rules"):
 * deterministic bytes, RFC 4180 quoting by `csv-stringify`, row counts, Σ debit, Σ credit and SHA-256 per file.
 */
import type { CivilDate } from "@clara-recon/domain"
import { formatFixed, sumAmounts, toEpochDay } from "@clara-recon/domain"
import { sha256Hex } from "@clara-recon/domain"
import { ErpError, type Fingerprint } from "@clara-recon/erp"
import { stringify } from "csv-stringify/sync"
import * as Arr from "effect/Array"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Order from "effect/Order"
import type { CsvFileSpec, CsvLayout } from "./CsvLayout.js"
import type { CsvRows, DocumentRows } from "./DocumentRows.js"
import { codePointName, encodeText, unencodableChar } from "./internal/Encoding.js"

/**
 * One CSV file. `rows` counts data rows (not header rows); `debit`/`credit` are Σ debit / Σ credit of the documents
 * it carries, decimal strings with 2 places.
 */
export interface CsvFile {
  readonly name: string
  readonly bytes: Uint8Array
  readonly sha256: string
  readonly rows: number
  readonly debit: string
  readonly credit: string
}

/**
 * The audit sidecar (erp.md §5.3 "File rules"): layout id and version, per-file rows, Σ debit, Σ credit and
 * SHA-256, totals, and the external keys exported (sorted).
 */
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
  /** The idempotency key of the `post` that delivered the batch (written by the adapter; read by its ledger). */
  readonly idempotencyKey?: string
  /** The planned fingerprint of every exported document, by external key (written by the adapter for `verify`). */
  readonly fingerprints?: { readonly [externalKey: string]: Fingerprint }
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

/** The start of every file name of a day's batches: `rcn_<tenant>_<YYYYMMDD>_`, the sequence follows. */
export const dayPrefix = (tenant: string, runDate: string): string => `rcn_${tenant}_${runDate.replaceAll("-", "")}_`

/**
 * Writes `documents` (already rendered with `options.layout`) into the layout's files, each named
 * `rcn_<tenant>_<YYYYMMDD>_<seq><suffix>.<extension>`, `seq` zero-padded to 3 digits, encoded as the layout says.
 * Documents are ordered by external key (code-unit order), lines by line number. Same input, same bytes. Fails with
 * CONFIG `INVALID_TENANT`, `INVALID_RUN_DATE`, `INVALID_SEQUENCE`, `LAYOUT_MISMATCH` (a document rendered with
 * another layout), `LAYOUT_INVALID` (two files named alike, a header row the encoding cannot write) or VALIDATION
 * `DUPLICATE_DOC_KEY` (two documents with one external key).
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

  const base = `${dayPrefix(tenant, runDate)}${String(sequence).padStart(3, "0")}`
  const names = layout.files.map((spec) => `${base}${spec.suffix}.${spec.extension}`)
  if (new Set(names).size !== names.length) {
    return configError("LAYOUT_INVALID", `Layout ${layout.id} v${layout.version} names two files alike`, "layout")
  }
  const literal = layout.files.flatMap((spec) => spec.sections.flatMap((section) => section.headerRows.flat()))
  const bad = literal.map((cell) => unencodableChar(cell, layout.encoding)).find((char) => char !== undefined)
  if (bad !== undefined) {
    return configError(
      "LAYOUT_INVALID",
      `A header row of layout ${layout.id} v${layout.version} contains "${bad}" (${codePointName(bad)}), which the ` +
        `${layout.encoding} encoding cannot write`,
      "layout"
    )
  }

  const sum = (pick: (d: DocumentRows) => string) =>
    formatFixed(sumAmounts(sorted.map((d) => BigDecimal.unsafeFromString(pick(d)))))
  const debit = sum((d) => d.debit)
  const credit = sum((d) => d.credit)
  const files = layout.files.map((spec, f): CsvFile => {
    const { dataRows, rows } = fileRows(spec, f, sorted)
    const text = stringify(rows, {
      delimiter: layout.delimiter,
      record_delimiter: layout.lineEnding,
      quoted_match: /[\r\n]/,
      quoted: layout.quote === "all"
    })
    const bytes = encodeText(text, layout.encoding)
    return { name: names[f] ?? base, bytes, sha256: sha256Hex(bytes), rows: dataRows, debit, credit }
  })
  const totalRows = files.reduce((acc, file) => acc + file.rows, 0)
  return Either.right({
    files,
    manifest: {
      layout: { id: layout.id, version: layout.version },
      files: files.map((file) => ({
        name: file.name,
        rows: file.rows,
        sha256: file.sha256,
        debitTotal: file.debit,
        creditTotal: file.credit
      })),
      totals: { rows: totalRows, debit, credit },
      documents: sorted.map((d) => d.externalKey)
    },
    manifestName: `${base}.manifest.json`
  })
}

/**
 * The rows of layout file `f` for the sorted documents: header rows and data rows per section, sections once per
 * file or once per document; `doc.batchPosition` cells get the document's 1-based position. `dataRows` excludes the
 * header rows.
 */
const fileRows = (spec: CsvFileSpec, f: number, sorted: ReadonlyArray<DocumentRows>) => {
  const dataOf = (s: number, d: DocumentRows, position: number): CsvRows => {
    const columns = spec.sections[s]?.columns ?? []
    return (d.files[f]?.[s] ?? []).map((row) =>
      row.map((cell, c) => (columns[c]?.source === "doc.batchPosition" ? String(position) : cell))
    )
  }
  const blocks: Array<{ readonly header: CsvRows; readonly data: CsvRows }> = spec.sectionsPer === "file" ?
    spec.sections.map((section, s) => ({
      header: section.headerRows,
      data: sorted.flatMap((d, i) => dataOf(s, d, i + 1))
    })) :
    sorted.flatMap((d, i) =>
      spec.sections.map((section, s) => ({ header: section.headerRows, data: dataOf(s, d, i + 1) }))
    )
  return {
    rows: blocks.flatMap((block) => [...block.header, ...block.data]),
    dataRows: blocks.reduce((acc, block) => acc + block.data.length, 0)
  }
}

/** The manifest as UTF-8 JSON (2-space indent, fixed key order, trailing newline): deterministic bytes. */
export const encodeManifest = (manifest: CsvManifest): Uint8Array =>
  new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)
