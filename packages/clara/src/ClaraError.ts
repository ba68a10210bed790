/**
 * Typed failures of the Clara client (clara-api.md §5.7, §3.12).
 *
 * Design: one `Schema.TaggedError` class per failure kind, so callers can `Effect.catchTag` exactly the cases they
 * handle (a 404 on one transaction, a rate limit, a bad record) and the union `ClaraError` names them all. Every error
 * carries `endpoint` (`"GET /api/v3/transactions"`: method and path, never a query string, a token or a pre-signed
 * signature) and, where relevant, `record` (which page, record or uuid). `message` is one line built from them.
 */
import * as Schema from "effect/Schema"

/** Schema identifier of an error class. */
const key = (name: string): string => `@clara-recon/clara/${name}`

const describe = (endpoint: string, record: string | undefined, detail: string): string =>
  `${endpoint}${record === undefined ? "" : ` (${record})`}: ${detail}`

interface StatusReply {
  readonly status: number
  readonly claraMessage?: string | undefined
  readonly claraCode?: string | undefined
}

/** `HTTP 400 VALIDATION_ERROR size must be ...`. */
const reply = (r: StatusReply): string =>
  [`HTTP ${r.status}`, r.claraCode, r.claraMessage].filter((part) => part !== undefined).join(" ")

const Endpoint = {
  /** `METHOD /path` of the call (or the mapper name for mapping errors). */
  endpoint: Schema.String,
  /** The page, record or uuid concerned, when there is one. */
  record: Schema.optional(Schema.String)
}

const Reply = {
  ...Endpoint,
  status: Schema.Number,
  /** Clara's `message` (or `error`, `error_description`) from the error body. */
  claraMessage: Schema.optional(Schema.String),
  /** Clara's `code` (`VALIDATION_ERROR`, `B013`, ...). */
  claraCode: Schema.optional(Schema.String)
}

/**
 * The connection failed before an HTTP response: refused, DNS, TLS handshake (bad or missing client certificate,
 * untrusted server certificate), or closed by the server. Under TLS 1.3 a rejected client certificate surfaces as
 * `ConnectionClosed` (the server closes before answering). Only `ConnectionClosed` is retried.
 */
export class ClaraTransportError extends Schema.TaggedError<ClaraTransportError>(key("ClaraTransportError"))(
  "ClaraTransportError",
  {
    ...Endpoint,
    kind: Schema.Literal("ConnectionRefused", "ConnectionClosed", "Tls", "Dns", "Other"),
    description: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  override get message(): string {
    return describe(this.endpoint, this.record, `transport failure (${this.kind}): ${this.description}`)
  }
}

/** No complete response within the per-request timeout (or the connection could not be opened in time). */
export class ClaraTimeoutError extends Schema.TaggedError<ClaraTimeoutError>(key("ClaraTimeoutError"))(
  "ClaraTimeoutError",
  { ...Endpoint, timeoutMillis: Schema.Number }
) {
  override get message(): string {
    return describe(this.endpoint, this.record, `no response within ${this.timeoutMillis} ms`)
  }
}

/** HTTP 401: bad client credentials on `/oauth/token`, or a token still rejected after one refresh. */
export class ClaraUnauthorizedError extends Schema.TaggedError<ClaraUnauthorizedError>(key("ClaraUnauthorizedError"))(
  "ClaraUnauthorizedError",
  Reply
) {
  override get message(): string {
    return describe(this.endpoint, this.record, `unauthorized, ${reply(this)}`)
  }
}

/** HTTP 403: the project lacks the scope or the API user lacks the role (`COMPANY_OWNER`). Never retried. */
export class ClaraForbiddenError extends Schema.TaggedError<ClaraForbiddenError>(key("ClaraForbiddenError"))(
  "ClaraForbiddenError",
  Reply
) {
  override get message(): string {
    return describe(this.endpoint, this.record, `forbidden, ${reply(this)}`)
  }
}

/** HTTP 404: unknown uuid or path. Never retried. */
export class ClaraNotFoundError extends Schema.TaggedError<ClaraNotFoundError>(key("ClaraNotFoundError"))(
  "ClaraNotFoundError",
  Reply
) {
  override get message(): string {
    return describe(this.endpoint, this.record, `not found, ${reply(this)}`)
  }
}

/**
 * The request was rejected: HTTP 400 (`VALIDATION_ERROR`), 422 (business rule such as `B013`) or another 4xx, with
 * Clara's `message`/`code`; or it was rejected client-side before any request (`status` absent, `field` set).
 */
export class ClaraBadRequestError extends Schema.TaggedError<ClaraBadRequestError>(key("ClaraBadRequestError"))(
  "ClaraBadRequestError",
  {
    ...Endpoint,
    /** Absent when the client rejected the input before sending it. */
    status: Schema.optional(Schema.Number),
    claraMessage: Schema.optional(Schema.String),
    claraCode: Schema.optional(Schema.String),
    /** The offending input field, for client-side validation. */
    field: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    const detail = this.status === undefined
      ? `invalid input${this.field === undefined ? "" : ` ${this.field}`}: ${this.claraMessage ?? "rejected"}`
      : `rejected, ${reply({ status: this.status, claraMessage: this.claraMessage, claraCode: this.claraCode })}`
    return describe(this.endpoint, this.record, detail)
  }
}

/** HTTP 429 after the retries ran out. `retryAfterSeconds` is the server's last `Retry-After`, when sent. */
export class ClaraRateLimitedError extends Schema.TaggedError<ClaraRateLimitedError>(key("ClaraRateLimitedError"))(
  "ClaraRateLimitedError",
  { ...Reply, retryAfterSeconds: Schema.optional(Schema.Number) }
) {
  override get message(): string {
    const after = this.retryAfterSeconds === undefined ? "" : `, retry after ${this.retryAfterSeconds} s`
    return describe(this.endpoint, this.record, `rate limited, ${reply(this)}${after}`)
  }
}

/** HTTP 5xx after the retries ran out (500 is retried once; 502, 503, 504 up to the configured times). */
export class ClaraServerError extends Schema.TaggedError<ClaraServerError>(key("ClaraServerError"))(
  "ClaraServerError",
  Reply
) {
  override get message(): string {
    return describe(this.endpoint, this.record, `server error, ${reply(this)}`)
  }
}

/**
 * A body or record did not match the expected shape. `path` is the JSON path of the bad field
 * (`content[3].amountValue.value`), `description` what was expected (never the value itself), `sample` the offending
 * value as JSON, truncated and with long digit runs masked; no sample for sensitive bodies (token responses).
 */
export class ClaraDecodeError extends Schema.TaggedError<ClaraDecodeError>(key("ClaraDecodeError"))(
  "ClaraDecodeError",
  { ...Endpoint, path: Schema.String, description: Schema.String, sample: Schema.optional(Schema.String) }
) {
  override get message(): string {
    const sample = this.sample === undefined ? "" : ` (got ${this.sample})`
    const field = this.path === "" ? "body" : this.path
    return describe(this.endpoint, this.record, `${field}: ${this.description}${sample}`)
  }
}

/** A missing or invalid setting, or an unreadable certificate/key/CA/config file (`path`). Secrets are never shown. */
export class ClaraConfigError extends Schema.TaggedError<ClaraConfigError>(key("ClaraConfigError"))(
  "ClaraConfigError",
  {
    /** The environment variable or config-file key. */
    setting: Schema.optional(Schema.String),
    /** The file concerned. */
    path: Schema.optional(Schema.String),
    description: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  override get message(): string {
    const where = [this.path, this.setting].filter((s) => s !== undefined).join(" ")
    return `Clara config${where === "" ? "" : ` ${where}`}: ${this.description}`
  }
}

/**
 * A paged list read to its end held fewer distinct records than its first page's `totalElements`, after a second
 * read: records moved across page boundaries while it was read (offset paging over a changing list), so some were
 * never served. Nothing is lost by failing: the caller keeps its watermark and reads again on its next run.
 */
export class ClaraIncompleteListError extends Schema.TaggedError<ClaraIncompleteListError>(
  key("ClaraIncompleteListError")
)("ClaraIncompleteListError", {
  ...Endpoint,
  /** `totalElements` of the first page. */
  expected: Schema.Number,
  /** Distinct records served over both reads. */
  received: Schema.Number
}) {
  override get message(): string {
    return describe(
      this.endpoint,
      this.record,
      `the list changed while it was read: ${this.received} distinct records of the ${this.expected} announced`
    )
  }
}

/** Every failure of the Clara client. */
export type ClaraError =
  | ClaraTransportError
  | ClaraTimeoutError
  | ClaraUnauthorizedError
  | ClaraForbiddenError
  | ClaraNotFoundError
  | ClaraBadRequestError
  | ClaraRateLimitedError
  | ClaraServerError
  | ClaraDecodeError
  | ClaraConfigError
  | ClaraIncompleteListError

/** Schema of the `ClaraError` union (for persisting or reporting failures). */
export const ClaraError: Schema.Union<[
  typeof ClaraTransportError,
  typeof ClaraTimeoutError,
  typeof ClaraUnauthorizedError,
  typeof ClaraForbiddenError,
  typeof ClaraNotFoundError,
  typeof ClaraBadRequestError,
  typeof ClaraRateLimitedError,
  typeof ClaraServerError,
  typeof ClaraDecodeError,
  typeof ClaraConfigError,
  typeof ClaraIncompleteListError
]> = Schema.Union(
  ClaraTransportError,
  ClaraTimeoutError,
  ClaraUnauthorizedError,
  ClaraForbiddenError,
  ClaraNotFoundError,
  ClaraBadRequestError,
  ClaraRateLimitedError,
  ClaraServerError,
  ClaraDecodeError,
  ClaraConfigError,
  ClaraIncompleteListError
)
