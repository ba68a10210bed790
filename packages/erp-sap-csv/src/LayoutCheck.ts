/**
 * Static consistency of a CSV layout (erp.md §5.3 "Configurability"), checked by `checkConnection` before any export.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { CsvLayout } from "./CsvLayout.js"
import { codePointName, unencodableChar } from "./internal/Encoding.js"

/**
 * Every problem of `layout`, as sentences (empty when usable): a shape the {@link CsvLayout} schema refuses, two
 * files with one name (suffix and extension), a `line.*` source in a section with one row per document, or a header
 * row holding a character the layout's encoding cannot write.
 */
export const layoutProblems = (layout: CsvLayout): ReadonlyArray<string> => {
  const decoded = Schema.decodeUnknownEither(CsvLayout)(layout)
  if (Either.isLeft(decoded)) return [ParseResult.TreeFormatter.formatErrorSync(decoded.left)]
  const problems: Array<string> = []
  const names = layout.files.map((file) => `${file.suffix}.${file.extension}`)
  if (new Set(names).size !== names.length) problems.push(`two files are named alike (${names.join(", ")})`)
  layout.files.forEach((file, f) =>
    file.sections.forEach((section, s) => {
      for (const column of section.columns) {
        if (section.rowPer === "document" && column.source.startsWith("line.")) {
          problems.push(`file ${f + 1} section ${s + 1}: column ${column.name} reads ${column.source} per document`)
        }
      }
      for (const cell of section.headerRows.flat()) {
        const bad = unencodableChar(cell, layout.encoding)
        if (bad !== undefined) {
          problems.push(
            `file ${f + 1} section ${s + 1}: header "${cell}" holds ${codePointName(bad)}, not in ${layout.encoding}`
          )
        }
      }
    })
  )
  return problems
}
