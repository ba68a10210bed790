/**
 * Pluggable signature verification for incoming webhooks (clara-api.md §6.2, §6.3, §7 #3).
 *
 * Clara documents NO signature scheme. The one provided here, HMAC-SHA256 over `<t>.<raw body>` sent as
 * `X-Clara-Signature: t=<unix seconds>,v1=<hex>`, is a third-party vendor's scheme (seed 003, not Clara): use it only
 * when the sender is known to sign that way (the sandbox emulator does when given a secret). The receiver verifies
 * nothing by default; secure the callback URL (secret path, IP allow-list) and dedupe deliveries.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { createHmac, timingSafeEqual } from "node:crypto"
import { ClaraWebhookError } from "./WebhookError.js"

/** Checks one delivery before its body is parsed: `headers` lower-cased, `body` the exact bytes received. */
export interface WebhookVerifier {
  readonly verify: (
    headers: Readonly<Record<string, string | undefined>>,
    body: Uint8Array
  ) => Effect.Effect<void, ClaraWebhookError>
}

/** Options of `hmacSha256Timestamped`. */
export interface HmacTimestampedOptions {
  /** The shared secret. */
  readonly secret: Redacted.Redacted<string>
  /** Header carrying `t=...,v1=...` (lower case); default `x-clara-signature`. */
  readonly header?: string
  /** Replay window: the largest |now - t| accepted, in seconds; default 300. */
  readonly toleranceSeconds?: number
}

/** Default replay window, in seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300

const hmacHex = (secret: Redacted.Redacted<string>, timestamp: string, body: Uint8Array): string =>
  createHmac("sha256", Redacted.value(secret)).update(`${timestamp}.`).update(body).digest("hex")

/**
 * The header value for `body` signed at `unixSeconds` (`t=<unixSeconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`).
 * For senders and tests of the non-Clara scheme of seed 003.
 */
export const signHmacSha256Timestamped = (
  secret: Redacted.Redacted<string>,
  body: Uint8Array | string,
  unixSeconds: number
): string => {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
  const t = String(Math.floor(unixSeconds))
  return `t=${t},v1=${hmacHex(secret, t, bytes)}`
}

/**
 * The HMAC-SHA256 `t=...,v1=...` verifier (seed 003's vendor scheme, opt-in). Fails with `ClaraWebhookError`:
 * `MissingSignature` (no header), `MalformedSignature` (no `t` or no `v1`), `Expired` (|now - t| above the tolerance,
 * now from the effect `Clock`), `BadSignature` (no `v1` equals the HMAC; compared in constant time).
 */
export const hmacSha256Timestamped = (options: HmacTimestampedOptions): WebhookVerifier => {
  const header = (options.header ?? "x-clara-signature").toLowerCase()
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS
  const fail = (reason: ClaraWebhookError["reason"], description: string) =>
    Effect.fail(new ClaraWebhookError({ reason, description }))
  return {
    verify: (headers, body) =>
      Effect.gen(function*() {
        const value = headers[header]
        if (value === undefined || value.trim() === "") return yield* fail("MissingSignature", `no ${header} header`)
        const parts = value.split(",").map((part) => part.trim().split("="))
        const t = parts.find(([k]) => k === "t")?.[1]
        const signatures = parts.filter(([k, v]) => k === "v1" && v !== undefined).map(([, v]) => v!)
        if (t === undefined || !/^\d+$/.test(t) || signatures.length === 0) {
          return yield* fail("MalformedSignature", `${header} must be t=<unix seconds>,v1=<hex>`)
        }
        const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        if (Math.abs(now - Number(t)) > tolerance) {
          return yield* fail("Expired", `signature timestamp ${t} is outside the ${tolerance} s replay window`)
        }
        const expected = Buffer.from(hmacHex(options.secret, t, body), "hex")
        const matches = signatures.some((hex) => {
          if (!/^[0-9a-f]+$/i.test(hex)) return false
          const given = Buffer.from(hex, "hex")
          return given.length === expected.length && timingSafeEqual(given, expected)
        })
        if (!matches) return yield* fail("BadSignature", "no v1 signature matches the body")
      })
  }
}
