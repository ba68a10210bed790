/**
 * v2 attachments (clara-api.md §2.2, §3.7, §5.4): metadata with a pre-signed `url` (valid 12 h, field name assumed
 * from the docs' "with a pre-signed URL"; `download.url` accepted too) and the base64 content, whose wrapper is not
 * documented: a bare JSON string or an object with the text under `base64`, `content`, `data` or `file` (§7 #14).
 */
import * as Schema from "effect/Schema"
import { Download } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** One attachment. `entityType` is open (`TRANSACTION`, ...); `createdAt` an ISO-8601 UTC instant. */
export const AttachmentV2 = Schema.Struct({
  uuid: Schema.String,
  fileName: OptionalString,
  entityUuid: OptionalString,
  entityType: OptionalString,
  mimeType: OptionalString,
  createdAt: OptionalString,
  url: OptionalString,
  download: Schema.optional(Schema.NullOr(Download))
})
export type AttachmentV2 = typeof AttachmentV2.Type

/** Keys under which an object-wrapped base64 body may carry the content, in the order they are read. */
export const BASE64_KEYS = ["base64", "content", "data", "file"] as const

/** `GET /api/v2/attachments/{uuid}/base64`: a bare string, or an object (see `BASE64_KEYS`). */
export const AttachmentBase64Body = Schema.Union(
  Schema.String,
  Schema.Struct({
    base64: OptionalString,
    content: OptionalString,
    data: OptionalString,
    file: OptionalString,
    fileName: OptionalString,
    mimeType: OptionalString
  })
)
export type AttachmentBase64Body = typeof AttachmentBase64Body.Type
