/** Test helpers over single-file, single-section layouts. */
import type { CsvColumn, CsvLayout } from "../../src/CsvLayout.js"

/** The columns of the layout's first section of its first file. */
export const columnsOf = (layout: CsvLayout): ReadonlyArray<CsvColumn> => layout.files[0].sections[0].columns

/** `layout` with every column of its first section passed through `f` (the header rows are kept). */
export const mapColumns = (layout: CsvLayout, f: (column: CsvColumn) => CsvColumn): CsvLayout => {
  const [file] = layout.files
  const [section] = file.sections
  const [first, ...rest] = section.columns
  return { ...layout, files: [{ ...file, sections: [{ ...section, columns: [f(first), ...rest.map(f)] }] }] }
}
