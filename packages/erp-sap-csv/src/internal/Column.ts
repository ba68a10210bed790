/**
 * Shorthands for writing layout presets as data.
 */
import type { CsvColumn, CsvFormat, CsvLayout } from "../CsvLayout.js"

/** Text format. */
export const text = { kind: "text" } as const
/** `YYYYMMDD` date format. */
export const date = { kind: "date", pattern: "YYYYMMDD" } as const
/** Unsigned amount with `places` decimals. */
export const amount = (places: number): CsvFormat => ({ kind: "decimal", places, sign: "unsigned" })

/** A column of `source`, formatted as text unless `rest.format` says otherwise. */
export const column = (
  name: string,
  source: CsvColumn["source"],
  rest: Omit<CsvColumn, "name" | "source" | "format"> & { readonly format?: CsvFormat } = {}
): CsvColumn => ({ name, source, format: text, ...rest })

/** The row of column names. */
export const namesRow = (columns: ReadonlyArray<CsvColumn>): ReadonlyArray<string> => columns.map((c) => c.name)

/**
 * A layout writing one comma-separated `<base>.csv` with CRLF line ends: a header row of the column names, then one
 * row per journal line.
 */
export const singleCsvLayout = (
  spec: Pick<CsvLayout, "id" | "version" | "encoding"> & {
    readonly columns: CsvLayout["files"][number]["sections"][number]["columns"]
  }
): CsvLayout => ({
  id: spec.id,
  version: spec.version,
  delimiter: ",",
  encoding: spec.encoding,
  lineEnding: "\r\n",
  files: [{
    suffix: "",
    extension: "csv",
    sectionsPer: "file",
    sections: [{ rowPer: "line", headerRows: [namesRow(spec.columns)], columns: spec.columns }]
  }]
})
