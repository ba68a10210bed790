/**
 * `ClaraClientService.attachments`: v2 attachments (clara-api.md §2.2, §3.7, §5.4, §7 #14): the list, one attachment
 * with its pre-signed URL (valid 12 h), and the content as base64.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Stream from "effect/Stream"
import { type ClaraError, ClaraDecodeError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { AttachmentBase64Body, AttachmentV2, BASE64_KEYS } from "../wire/AttachmentV2.js"
import { type ClaraQuery, fetchFlexiblePage, flexiblePages, getOne, queryParams, segment } from "./ListShapes.js"

/** Query of the list: zero-based `page`, `size` 1-100 (default 20), other parameters (entity type, id) passed through. */
export type AttachmentQuery = ClaraQuery & { readonly page?: number; readonly size?: number }

/** An attachment's content: the base64 text as sent and its decoded bytes. */
export interface AttachmentContent {
  readonly base64: string
  readonly bytes: Uint8Array
  readonly fileName: string | undefined
  readonly mimeType: string | undefined
}

/** The v2 attachment operations. */
export interface AttachmentsApi {
  /** Every attachment (`GET /api/v2/attachments`; bare array or Spring page). */
  readonly list: (query?: AttachmentQuery) => Stream.Stream<ClaraItem<AttachmentV2>, ClaraError>
  /** One page (`query.page`, default 0) of `list`. */
  readonly page: (query?: AttachmentQuery) => Effect.Effect<ClaraPage<AttachmentV2>, ClaraError>
  /** One attachment with its pre-signed URL (`GET /api/v2/attachments/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly get: (uuid: string) => Effect.Effect<AttachmentV2, ClaraError>
  /**
   * The content (`GET /api/v2/attachments/{uuid}/base64`): a bare JSON string or an object carrying it (§7 #14, see
   * `BASE64_KEYS`). A body with no base64 text, or text that is not base64, fails with `ClaraDecodeError`.
   */
  readonly base64: (uuid: string) => Effect.Effect<AttachmentContent, ClaraError>
}

const PATH = "/v2/attachments"

/** Builds `AttachmentsApi` over one `ClaraCall`. */
export const makeAttachments = (call: ClaraCall): AttachmentsApi => {
  const split = (query: AttachmentQuery) => {
    const { page = 0, size = 20, ...rest } = query
    return { page, size, params: queryParams(rest) }
  }
  const base64 = (uuid: string) =>
    Effect.flatMap(segment(call, "GET", `${PATH}/{uuid}/base64`, uuid), (s) => {
      const path = `${PATH}/${s}/base64`
      const endpoint = call.endpointOf("GET", path)
      return Effect.flatMap(getOne(call, path, AttachmentBase64Body), (body) => {
        const key = typeof body === "string" ? undefined : BASE64_KEYS.find((k) => typeof body[k] === "string")
        const text = (typeof body === "string" ? body : key === undefined ? undefined : body[key])?.replace(/\s/g, "")
        const fail = (description: string, at: string) =>
          Either.left(new ClaraDecodeError({ endpoint, record: uuid, path: at, description }))
        if (text === undefined) return fail(`expected a base64 string or an object with ${BASE64_KEYS.join(", ")}`, "")
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
          return fail("expected base64 text", key ?? "")
        }
        return Either.right({
          base64: text,
          bytes: new Uint8Array(Buffer.from(text, "base64")),
          fileName: typeof body === "string" ? undefined : body.fileName ?? undefined,
          mimeType: typeof body === "string" ? undefined : body.mimeType ?? undefined
        })
      })
    }).pipe(Effect.withSpan("ClaraClient.attachments.base64"))
  return {
    list: (query = {}) => {
      const q = split(query)
      return flexiblePages(call, PATH, q.params, AttachmentV2, q.size, q.page)
    },
    page: (query = {}) => {
      const q = split(query)
      return fetchFlexiblePage(call, PATH, q.params, AttachmentV2, q.size, q.page).pipe(
        Effect.withSpan("ClaraClient.attachments.page")
      )
    },
    get: (uuid) =>
      Effect.flatMap(segment(call, "GET", `${PATH}/{uuid}`, uuid), (s) => getOne(call, `${PATH}/${s}`, AttachmentV2))
        .pipe(Effect.withSpan("ClaraClient.attachments.get")),
    base64
  }
}
