import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  type ClaraError,
  ClaraBadRequestError,
  ClaraForbiddenError,
  ClaraNotFoundError,
  ClaraRateLimitedError,
  ClaraServerError,
  ClaraTimeoutError,
  ClaraTransportError,
  ClaraUnauthorizedError
} from "../ClaraError.js"
import { ClaraErrorBody } from "../wire/OAuth.js"

/** Where a call went: `METHOD /path` and the record concerned. */
export interface CallContext {
  readonly endpoint: string
  readonly record?: string | undefined
}

interface NodeErrorLike {
  readonly code?: unknown
  readonly message?: unknown
  readonly cause?: unknown
  readonly errors?: unknown
}

/** The first Node / undici error code in a cause chain (including `AggregateError.errors`). */
const errorCode = (cause: unknown, depth = 0): { readonly code: string; readonly message: string } | undefined => {
  if (depth > 5 || typeof cause !== "object" || cause === null) return undefined
  const error = cause as NodeErrorLike
  if (typeof error.code === "string") {
    return { code: error.code, message: typeof error.message === "string" ? error.message : "" }
  }
  const nested = Array.isArray(error.errors) ? error.errors[0] : error.cause
  return errorCode(nested, depth + 1)
}

const TLS_CODE =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/

/** Maps a failure to reach the server (the `cause` of a platform `RequestError`) to a typed error. */
export const transportError = (ctx: CallContext, cause: unknown, timeoutMillis: number): ClaraError => {
  const found = errorCode(cause)
  const code = found?.code ?? "UNKNOWN"
  const detail = found === undefined ? "" : ` (${found.code}${found.message === "" ? "" : `: ${found.message}`})`
  const make = (kind: ClaraTransportError["kind"], description: string) =>
    new ClaraTransportError({ ...ctx, kind, description: `${description}${detail}`, cause: found })
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") {
    return new ClaraTimeoutError({ ...ctx, timeoutMillis })
  }
  if (code === "ECONNREFUSED") return make("ConnectionRefused", "connection refused")
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return make("Dns", "host not found")
  if (TLS_CODE.test(code)) {
    return make("Tls", "TLS handshake failed; check the certificate, key and CA (CLARA_CERT, CLARA_KEY, CLARA_CA)")
  }
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_CLOSED") {
    return make(
      "ConnectionClosed",
      "connection closed by the server before a response (with mutual TLS: a rejected client certificate)"
    )
  }
  return make("Other", "request failed")
}

const MESSAGE_MAX = 300

/** Clara's `message` and `code` from an error body, when it is JSON. */
const claraReply = (body: string): { claraMessage?: string; claraCode?: string } => {
  const parsed = Either.flatMap(
    Either.try(() => JSON.parse(body) as unknown),
    (json) => Schema.decodeUnknownEither(ClaraErrorBody)(json)
  )
  if (Either.isLeft(parsed)) return body.trim() === "" ? {} : { claraMessage: body.trim().slice(0, MESSAGE_MAX) }
  const message = parsed.right.message ?? parsed.right.error_description ?? parsed.right.error
  return {
    ...(message === undefined ? {} : { claraMessage: message.slice(0, MESSAGE_MAX) }),
    ...(parsed.right.code === undefined ? {} : { claraCode: parsed.right.code })
  }
}

/** `Retry-After` in whole seconds; HTTP-date values are ignored. */
export const retryAfterSeconds = (value: string | undefined): number | undefined =>
  value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined

/** Maps a non-2xx response to a typed error (clara-api.md §5.7). */
export const statusError = (
  ctx: CallContext,
  status: number,
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
  timeoutMillis: number
): ClaraError => {
  const reply = { ...ctx, status, ...claraReply(body) }
  if (status === 400 || status === 422) return new ClaraBadRequestError(reply)
  if (status === 401) return new ClaraUnauthorizedError(reply)
  if (status === 403) return new ClaraForbiddenError(reply)
  if (status === 404) return new ClaraNotFoundError(reply)
  if (status === 408) return new ClaraTimeoutError({ ...ctx, timeoutMillis })
  if (status === 429) {
    const after = retryAfterSeconds(headers["retry-after"])
    return new ClaraRateLimitedError(after === undefined ? reply : { ...reply, retryAfterSeconds: after })
  }
  if (status === 511) {
    return new ClaraTransportError({ ...ctx, kind: "Tls", description: "HTTP 511: no client certificate received" })
  }
  if (status >= 400 && status < 500) return new ClaraBadRequestError(reply)
  return new ClaraServerError(reply)
}
