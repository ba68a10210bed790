/**
 * `GET /api/v3/transactions/{uuid}/documents` (clara-api.md §3.5, §5.4; clara-docs 002): download links for a
 * transaction's attachments. The links are pre-signed and valid for 12 hours (`download.urlExpiration`); never keep
 * one longer. The transaction uuid comes as `transactionUuid` (samples) or `uuid` (S2 schema table): both accepted.
 */
import * as Schema from "effect/Schema"
import { Download } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** One attachment: `updateAt` (sic, Clara's spelling) is an ISO-8601 UTC instant with microseconds. */
export const AttachmentItem = Schema.Struct({
  uuid: Schema.String,
  fileName: OptionalString,
  updateAt: OptionalString,
  format: OptionalString,
  download: Download
})
export type AttachmentItem = typeof AttachmentItem.Type

/** The attachments of one transaction. */
export const AttachmentDocuments = Schema.Struct({
  transactionUuid: OptionalString,
  uuid: OptionalString,
  attachments: Schema.Array(AttachmentItem)
})
export type AttachmentDocuments = typeof AttachmentDocuments.Type
