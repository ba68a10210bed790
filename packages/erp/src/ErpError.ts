/**
 * The ERP error taxonomy shared by every adapter (erp.md §5.1): a `kind`, an explicit `outcome` telling whether the
 * write reached the ERP, a stable `code`, a message for people and a redacted message for operators.
 */
import * as Schema from "effect/Schema"

/** What went wrong, adapter-independent (erp.md §5.1 `ErrorKind`). */
export const ErrorKind = Schema.Literal(
  "AUTH",
  "PERMISSION",
  "CONFIG",
  "MAPPING",
  "VALIDATION",
  "REFERENCE",
  "PERIOD_CLOSED",
  "DUPLICATE",
  "CONFLICT",
  "RATE_LIMITED",
  "TRANSIENT",
  "UNSUPPORTED",
  "UNKNOWN"
)
export type ErrorKind = typeof ErrorKind.Type

/** Whether the write took effect in the ERP. `unknown` means: read back (find + verify) before any retry. */
export const ErrorOutcome = Schema.Literal("applied", "not_applied", "unknown")
export type ErrorOutcome = typeof ErrorOutcome.Type

/** What a person can do about the error, and on what (an account, a period, a connection). */
export const Remediation = Schema.Struct({
  action: Schema.Literal(
    "reconnect",
    "fix_mapping",
    "fix_document",
    "open_period",
    "shift_date",
    "retry_later",
    "contact_admin"
  ),
  target: Schema.optional(Schema.String)
})
export type Remediation = typeof Remediation.Type

/**
 * One problem among several reported by one error (see {@link ErpError.combine}): its own stable `code`, a message
 * for people and the path of the field at fault.
 */
export const ErpProblem = Schema.Struct({
  code: Schema.String,
  message: Schema.String,
  fieldPath: Schema.optional(Schema.String)
})
export type ErpProblem = typeof ErpProblem.Type

/** What a person does about each kind when nothing more precise is known (erp.md §5.1 `remediation`). */
export const defaultRemediation: { readonly [K in ErrorKind]: Remediation["action"] } = {
  AUTH: "reconnect",
  PERMISSION: "contact_admin",
  CONFIG: "contact_admin",
  MAPPING: "fix_mapping",
  VALIDATION: "fix_document",
  REFERENCE: "fix_mapping",
  PERIOD_CLOSED: "open_period",
  DUPLICATE: "contact_admin",
  CONFLICT: "contact_admin",
  RATE_LIMITED: "retry_later",
  TRANSIENT: "retry_later",
  UNSUPPORTED: "contact_admin",
  UNKNOWN: "contact_admin"
}

const SECRET_NAMES = [
  "oauth_signature",
  "oauth_token",
  "client_secret",
  "token_secret",
  "consumer_secret",
  "access_token",
  "refresh_token",
  "password",
  "api_key",
  "private_key"
].join("|")

const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/("?authorization"?\s*[:=]\s*)("[^"]*"|[^\r\n]*)/gi, "$1[REDACTED]"],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [REDACTED]"],
  [new RegExp(`("?(?:${SECRET_NAMES})"?\\s*[:=]\\s*"?)[^"&\\s,}]+`, "gi"), "$1[REDACTED]"],
  [/\b\d{9,15}(\d{4})\b/g, "****$1"]
]

/**
 * Masks credentials and card numbers in free text before it goes into `internalMessage` or a log: Authorization
 * header values, Bearer/Basic tokens, OAuth and client secrets (`name=value`, `name: value` or JSON `"name":"value"`),
 * and 13-19 digit runs (card numbers) down to their last four digits.
 */
export const redactSecrets = (text: string): string =>
  SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text)

/**
 * An ERP planning, export or posting failure.
 *
 * - `code`: stable, ours, upper snake case (e.g. `AMOUNT_GAP_TOO_LARGE`, `CSV_FIELD_TOO_LONG`).
 * - `userMessage`: names the record and field in words a bookkeeper understands.
 * - `internalMessage`: raw detail for operators; build it with {@link redactSecrets} when it quotes upstream text.
 * - `fieldPath`: path into our document (e.g. `lines[2].amount`), when one field is at fault.
 * - `retryAfterMs`: a server hint for `RATE_LIMITED` / `TRANSIENT`; `upstreamCode`: the ERP's own code.
 * - `problems`: when one refusal has several causes, every one of them (see {@link ErpError.combine}).
 */
export class ErpError extends Schema.TaggedError<ErpError>("@clara-recon/erp/ErpError")("ErpError", {
  kind: ErrorKind,
  outcome: ErrorOutcome,
  retryable: Schema.Boolean,
  code: Schema.String.pipe(Schema.pattern(/^[A-Z][A-Z0-9_]*$/)),
  userMessage: Schema.String,
  internalMessage: Schema.String,
  fieldPath: Schema.optional(Schema.String),
  remediation: Schema.optional(Remediation),
  retryAfterMs: Schema.optional(Schema.Number),
  upstreamCode: Schema.optional(Schema.String),
  problems: Schema.optional(Schema.Array(ErpProblem))
}) {
  /**
   * A permanent refusal that never reached the ERP (`outcome: not_applied`, not retryable): bad document, mapping or
   * configuration. `internalMessage` defaults to the user message and is passed through {@link redactSecrets};
   * `remediation` defaults to {@link defaultRemediation} of the kind.
   */
  static rejected(
    kind: ErrorKind,
    code: string,
    userMessage: string,
    options: { readonly fieldPath?: string; readonly remediation?: Remediation; readonly internalMessage?: string } =
      {}
  ): ErpError {
    return new ErpError({
      kind,
      outcome: "not_applied",
      retryable: false,
      code,
      userMessage,
      internalMessage: redactSecrets(options.internalMessage ?? userMessage),
      ...(options.fieldPath === undefined ? {} : { fieldPath: options.fieldPath }),
      remediation: options.remediation ?? { action: defaultRemediation[kind] }
    })
  }

  /**
   * A write whose fate is not known (timeout, connection reset, 5xx after sending): `outcome: unknown`, retryable,
   * kind TRANSIENT. The caller must `find` + `verify` before any retry (erp.md §5.2 step 4).
   */
  static unknownOutcome(
    code: string,
    userMessage: string,
    options: { readonly internalMessage?: string; readonly retryAfterMs?: number; readonly upstreamCode?: string } =
      {}
  ): ErpError {
    return new ErpError({
      kind: "TRANSIENT",
      outcome: "unknown",
      retryable: true,
      code,
      userMessage,
      internalMessage: redactSecrets(options.internalMessage ?? userMessage),
      remediation: { action: "retry_later" },
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      ...(options.upstreamCode === undefined ? {} : { upstreamCode: options.upstreamCode })
    })
  }

  /**
   * One error carrying every problem of `errors` (a refusal lists all its causes at once, erp.md §5.1 "Pre-flight").
   * A single error is returned as is. Otherwise: the kind and field path of the first; code `MULTIPLE_PROBLEMS`
   * unless all share one code; outcome `not_applied` only when all are, `applied` only when all are, else
   * `unknown`; retryable only when all are; the user message numbers each problem; `problems` lists them (nested
   * `problems` are flattened).
   */
  static combine(errors: readonly [ErpError, ...ReadonlyArray<ErpError>]): ErpError {
    const [first] = errors
    if (errors.length === 1) return first
    const problems = errors.flatMap((e): ReadonlyArray<ErpProblem> =>
      e.problems ?? [{ code: e.code, message: e.userMessage, ...(e.fieldPath === undefined ? {} : { fieldPath: e.fieldPath }) }]
    )
    const codes = new Set(errors.map((e) => e.code))
    const outcomes = new Set(errors.map((e) => e.outcome))
    const userMessage = `${problems.length} problems: ` +
      problems.map((p, i) => `${i + 1}) ${p.message}`).join("; ")
    return new ErpError({
      kind: first.kind,
      outcome: outcomes.size === 1 ? first.outcome : "unknown",
      retryable: errors.every((e) => e.retryable),
      code: codes.size === 1 ? first.code : "MULTIPLE_PROBLEMS",
      userMessage,
      internalMessage: redactSecrets(errors.map((e) => e.internalMessage).join("\n")),
      ...(first.fieldPath === undefined ? {} : { fieldPath: first.fieldPath }),
      remediation: first.remediation ?? { action: defaultRemediation[first.kind] },
      problems
    })
  }

  override get message(): string {
    return `${this.kind} ${this.code}: ${this.userMessage}`
  }
}
