/**
 * Pre-signed download URLs in the style of S3 (clara-api.md §5.4): the emulator's `download.url` carries
 * `X-Amz-Date`, `X-Amz-Expires` and an HMAC-SHA256 `X-Amz-Signature` over the path and both, so a tampered or expired
 * link is refused with 403.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

/** Signs and checks download links with a random key made at start. */
export interface UrlSigner {
  /** The query string (without `?`) for `pathname`, valid `ttlSeconds` from `nowMs`, and the expiry instant. */
  readonly sign: (pathname: string, nowMs: number, ttlSeconds: number) => { query: string; expiresAt: Date }
  /** Whether the query of a request to `pathname` is a valid, unexpired signature at `nowMs`. */
  readonly verify: (pathname: string, params: Readonly<Record<string, string | undefined>>, nowMs: number) => boolean
}

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")

const parseAmzDate = (text: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined
}

/** A signer with a fresh random key. */
export const makeUrlSigner = (): UrlSigner => {
  const key = randomBytes(32)
  const mac = (pathname: string, date: string, expires: string) =>
    createHmac("sha256", key).update(`${pathname}\n${date}\n${expires}`).digest("hex")
  return {
    sign: (pathname, nowMs, ttlSeconds) => {
      const date = amzDate(nowMs)
      const expires = String(ttlSeconds)
      const query = new URLSearchParams({
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Date": date,
        "X-Amz-Expires": expires,
        "X-Amz-Signature": mac(pathname, date, expires)
      }).toString()
      return { query, expiresAt: new Date((parseAmzDate(date) ?? nowMs) + ttlSeconds * 1000) }
    },
    verify: (pathname, params, nowMs) => {
      const date = params["X-Amz-Date"] ?? ""
      const expires = params["X-Amz-Expires"] ?? ""
      const signature = Buffer.from(params["X-Amz-Signature"] ?? "", "utf8")
      const expected = Buffer.from(mac(pathname, date, expires), "utf8")
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return false
      const signedAt = parseAmzDate(date)
      return signedAt !== undefined && /^\d+$/.test(expires) && nowMs < signedAt + Number(expires) * 1000
    }
  }
}
