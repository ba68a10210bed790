/**
 * The one-call export of posting documents to SAP-style journal CSV (erp.md §5.3).
 */
import type { CivilDate, PostingDocument } from "@clara-recon/domain"
import type { ErpError } from "@clara-recon/erp"
import * as Arr from "effect/Array"
import * as Either from "effect/Either"
import * as Order from "effect/Order"
import { assembleCsvExport, type CsvExport } from "./CsvExport.js"
import type { CsvLayout } from "./CsvLayout.js"
import { renderDocumentRows } from "./DocumentRows.js"
import { genericJeV1 } from "./GenericJeV1.js"

/**
 * Renders `docs` with `layout` (default `generic-je-v1`; presets from `layoutById`) into the layout's files
 * (`rcn_<tenant>_<YYYYMMDD>_<seq>.csv` for single-file layouts) and their manifest. Deterministic: the same
 * documents and options give the same bytes, whatever the input order. Fails with the first error of
 * {@link renderDocumentRows} (in external-key order) or of `assembleCsvExport`.
 */
export const renderJournalCsv = (
  docs: ReadonlyArray<PostingDocument>,
  options: {
    readonly tenant: string
    readonly runDate: CivilDate
    readonly sequence: number
    readonly layout?: CsvLayout
  }
): Either.Either<CsvExport, ErpError> => {
  const layout = options.layout ?? genericJeV1
  const ordered = Arr.sort(docs, Order.mapInput(Order.string, (doc: PostingDocument) => doc.externalKey))
  return Either.flatMap(
    Either.all(ordered.map((doc) => Either.mapLeft(renderDocumentRows(doc, layout), Arr.headNonEmpty))),
    (rendered) => assembleCsvExport(rendered, { ...options, layout })
  )
}
