/**
 * The emulator's transaction pages (clara-api.md §3.1 Spring page of §3.4 `TransactionResponseV3`) kept as the bytes
 * sent, so a list read again (page after page, by several clients, or once per benchmark round) is not serialised
 * again. A page holding an edited record (comment, labels) is never cached: edits show on the next read. The bytes are
 * those `HttpServerResponse.unsafeJson(page)` sends.
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"

/** Bytes of pages kept at most (about 3,000 pages of 100 transactions). */
const MAX_BYTES = 256 * 1024 * 1024

/** Serialised pages by key, oldest dropped first past `MAX_BYTES`. */
export interface PageCache {
  /** The response for `key`: the cached bytes, or `render()`'s JSON encoded (and kept when `cacheable`). */
  readonly respond: (key: string, cacheable: boolean, render: () => unknown) => HttpServerResponse.HttpServerResponse
}

const encoder = new TextEncoder()

/** An empty cache. */
export const makePageCache = (maxBytes: number = MAX_BYTES): PageCache => {
  const pages = new Map<string, Uint8Array>()
  let bytes = 0
  return {
    respond: (key, cacheable, render) => {
      const known = cacheable ? pages.get(key) : undefined
      const body = known ?? encoder.encode(JSON.stringify(render()))
      if (cacheable && known === undefined && body.length <= maxBytes) {
        for (const [oldest, page] of pages) {
          if (bytes + body.length <= maxBytes) break
          pages.delete(oldest)
          bytes -= page.length
        }
        pages.set(key, body)
        bytes += body.length
      }
      return HttpServerResponse.uint8Array(body, { contentType: "application/json" })
    }
  }
}
