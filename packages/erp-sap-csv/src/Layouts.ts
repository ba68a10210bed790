/**
 * The shipped layout presets (erp.md §5.3 "Shipped presets"), selectable by id.
 */
import { ErpError } from "@clara-recon/erp"
import * as Either from "effect/Either"
import { b1DtwJe } from "./B1DtwJe.js"
import type { CsvLayout } from "./CsvLayout.js"
import { fiBapiFlat } from "./FiBapiFlat.js"
import { genericJeV1 } from "./GenericJeV1.js"
import { s4F2548 } from "./S4F2548.js"

/** Every preset, by id: `generic-je-v1`, `s4-f2548`, `b1-dtw-je`, `fi-bapi-flat`. */
export const layoutPresets: ReadonlyArray<CsvLayout> = [genericJeV1, s4F2548, b1DtwJe, fiBapiFlat]

/** The ids of the presets, in {@link layoutPresets} order. */
export const layoutIds: ReadonlyArray<string> = layoutPresets.map((layout) => layout.id)

/** The preset with id `id`; fails with CONFIG `UNKNOWN_CSV_LAYOUT` naming the known ids. */
export const layoutById = (id: string): Either.Either<CsvLayout, ErpError> => {
  const found = layoutPresets.find((layout) => layout.id === id)
  return found !== undefined ? Either.right(found) : Either.left(
    ErpError.rejected(
      "CONFIG",
      "UNKNOWN_CSV_LAYOUT",
      `Unknown CSV layout "${id}"; known layouts: ${layoutIds.join(", ")}`,
      { fieldPath: "layout", remediation: { action: "fix_mapping", target: "layout" } }
    )
  )
}
