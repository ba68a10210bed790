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
  upstreamCode: Schema.optional(Schema.String)
}) {
  /**
   * A permanent refusal that never reached the ERP (`outcome: not_applied`, not retryable): bad document, mapping or
   * configuration. `internalMessage` defaults to the user message and is passed through {@link redactSecrets}.
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
      ...(options.remediation === undefined ? {} : { remediation: options.remediation })
    })
  }

  override get message(): string {
    return `${this.kind} ${this.code}: ${this.userMessage}`
  }
}
