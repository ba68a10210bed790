/**
 * NetSuite error bodies (erp.md §1.7: RFC 7807-like `nsError` with `o:errorDetails[]` holding `detail`,
 * `o:errorCode`, `o:errorPath`) turned into `ErpError`s with a kind, an outcome, a stable code of ours, NetSuite's
 * code as `upstreamCode`, the faulty field of our document, a message for people and a redacted one for operators.
 */
import { ErpError, redactSecrets } from "@clara-recon/erp"
import type { ErrorKind, ErrorOutcome, Remediation } from "@clara-recon/erp"

/** One entry of `o:errorDetails`. */
export interface NsErrorDetail {
  readonly detail: string
  readonly errorCode?: string
  readonly errorPath?: string
}

/** Parses an error body; any text that is not an `nsError` gives no details (the status still classifies it). */
export const parseErrorDetails = (body: string): ReadonlyArray<NsErrorDetail> => {
  try {
    const parsed: unknown = JSON.parse(body)
    const details = typeof parsed === "object" && parsed !== null ?
      (parsed as Record<string, unknown>)["o:errorDetails"] :
      undefined
    if (!Array.isArray(details)) return []
    return details.flatMap((d: unknown) => {
      if (typeof d !== "object" || d === null) return []
      const r = d as Record<string, unknown>
      const text = (k: string) => (typeof r[k] === "string" ? { [k]: r[k] as string } : {})
      const code = text("o:errorCode")["o:errorCode"]
      const path = text("o:errorPath")["o:errorPath"]
      return [{
        detail: typeof r["detail"] === "string" ? r["detail"] : "",
        ...(code === undefined ? {} : { errorCode: code }),
        ...(path === undefined ? {} : { errorPath: path })
      }]
    })
  } catch {
    return []
  }
}

/** What was asked when NetSuite answered with an error. */
export interface ResponseContext {
  readonly method: string
  /** Path and query, never the host's credentials (there are none in a URL here). */
  readonly path: string
  readonly status: number
  readonly body: string
  /** True for a create: a 5xx then leaves the outcome unknown. */
  readonly write: boolean
  /** What the request was about, for people: e.g. `journal entry rcn_…`. */
  readonly subject: string
  readonly retryAfterMs?: number
  /** Maps NetSuite's `o:errorPath` (e.g. `line.items[2].account`) to our document's field path. */
  readonly fieldPathOf?: (errorPath: string) => string | undefined
  /** Replaces internal ids in NetSuite's text with the codes people know (account 612 -> `601.84`). */
  readonly describe?: (detail: string) => string
}

const DUPLICATE = /already exists|duplicate/i
const PERIOD = /accounting period|posting period|period is closed|closed period/i
const REFERENCE = /invalid .*reference key|reference key .* (?:for|is invalid)|INVALID_KEY_OR_REF/i

interface Classified {
  readonly kind: ErrorKind
  readonly code: string
  readonly outcome: ErrorOutcome
  readonly retryable: boolean
  readonly remediation?: Remediation
}

const classify = (ctx: ResponseContext, detail: NsErrorDetail | undefined): Classified => {
  const text = `${detail?.errorCode ?? ""} ${detail?.detail ?? ""}`
  const unknownIfWrite: ErrorOutcome = ctx.write ? "unknown" : "not_applied"
  if (ctx.status === 401) {
    return {
      kind: "AUTH",
      code: "NETSUITE_INVALID_LOGIN",
      outcome: "not_applied",
      retryable: false,
      remediation: { action: "reconnect" }
    }
  }
  if (ctx.status === 403) {
    return {
      kind: "PERMISSION",
      code: "NETSUITE_PERMISSION_DENIED",
      outcome: "not_applied",
      retryable: false,
      remediation: { action: "contact_admin" }
    }
  }
  if (ctx.status === 429) {
    return {
      kind: "RATE_LIMITED",
      code: "NETSUITE_CONCURRENCY_LIMIT",
      outcome: "not_applied",
      retryable: true,
      remediation: { action: "retry_later" }
    }
  }
  if (ctx.status >= 500) {
    return {
      kind: "TRANSIENT",
      code: "NETSUITE_SERVER_ERROR",
      outcome: unknownIfWrite,
      retryable: true,
      remediation: { action: "retry_later" }
    }
  }
  if (ctx.status === 404) {
    return { kind: "CONFIG", code: "NETSUITE_NOT_FOUND", outcome: "not_applied", retryable: false }
  }
  // a duplicate of another field (a vendor's reference number, `o:errorPath` tranId) is not our record: a
  // validation error of the document, never an applied post to look up
  const otherField = detail?.errorPath !== undefined && !/^externalid$/i.test(detail.errorPath)
  if ((DUPLICATE.test(text) || /^DUP_/.test(detail?.errorCode ?? "")) && !otherField) {
    return { kind: "DUPLICATE", code: "NETSUITE_DUPLICATE_EXTERNAL_ID", outcome: "applied", retryable: false }
  }
  if (PERIOD.test(text)) {
    return {
      kind: "PERIOD_CLOSED",
      code: "NETSUITE_PERIOD_CLOSED",
      outcome: "not_applied",
      retryable: false,
      remediation: { action: "open_period" }
    }
  }
  if (REFERENCE.test(text)) {
    return {
      kind: "REFERENCE",
      code: "NETSUITE_INVALID_REFERENCE",
      outcome: "not_applied",
      retryable: false,
      remediation: { action: "fix_mapping" }
    }
  }
  return {
    kind: "VALIDATION",
    code: "NETSUITE_INVALID_CONTENT",
    outcome: "not_applied",
    retryable: false,
    remediation: { action: "fix_document" }
  }
}

/**
 * The `ErpError` for an error response: 401 AUTH, 403 PERMISSION, 429 RATE_LIMITED (retryable, `retryAfterMs`),
 * 5xx TRANSIENT (outcome `unknown` for a create), duplicate externalId DUPLICATE (outcome `applied`: find + verify;
 * a duplicate whose `o:errorPath` names another field is VALIDATION),
 * closed period PERIOD_CLOSED, invalid reference REFERENCE, any other 4xx VALIDATION. `fieldPath` comes from the first
 * detail's `o:errorPath`; the user message quotes NetSuite's detail with ids replaced by codes.
 */
export const errorFromResponse = (ctx: ResponseContext): ErpError => {
  const details = parseErrorDetails(ctx.body)
  const first = details[0]
  const c = classify(ctx, first)
  const fieldPath = first?.errorPath === undefined ? undefined : ctx.fieldPathOf?.(first.errorPath) ?? first.errorPath
  const detailText = details.map((d) => ctx.describe?.(d.detail) ?? d.detail).filter((d) => d !== "").join("; ")
  const userMessage = `NetSuite refused ${ctx.subject} (HTTP ${ctx.status}${
    first?.errorCode === undefined ? "" : ` ${first.errorCode}`
  })${detailText === "" ? "" : `: ${detailText}`}`
  return new ErpError({
    kind: c.kind,
    outcome: c.outcome,
    retryable: c.retryable,
    code: c.code,
    userMessage: redactSecrets(userMessage),
    internalMessage: redactSecrets(`${ctx.method} ${ctx.path} -> ${ctx.status}: ${ctx.body.slice(0, 2000)}`),
    ...(fieldPath === undefined ? {} : { fieldPath }),
    ...(c.remediation === undefined ? {} : { remediation: c.remediation }),
    ...(ctx.retryAfterMs === undefined ? {} : { retryAfterMs: ctx.retryAfterMs }),
    ...(first?.errorCode === undefined ? {} : { upstreamCode: first.errorCode })
  })
}

/**
 * The `ErpError` when no response came back (connection refused or dropped, TLS failure, timeout): TRANSIENT,
 * retryable, outcome `unknown` for a create (it may have been committed) and `not_applied` otherwise.
 */
export const transportError = (
  ctx: { readonly method: string; readonly path: string; readonly write: boolean; readonly subject: string },
  reason: string
): ErpError =>
  new ErpError({
    kind: "TRANSIENT",
    outcome: ctx.write ? "unknown" : "not_applied",
    retryable: true,
    code: reason === "timeout" ? "NETSUITE_TIMEOUT" : "NETSUITE_CONNECTION_LOST",
    userMessage: `No answer from NetSuite for ${ctx.subject} (${reason})${
      ctx.write ? "; it may have been saved, so it is looked up before any retry" : ""
    }`,
    internalMessage: redactSecrets(`${ctx.method} ${ctx.path}: ${reason}`),
    remediation: { action: "retry_later" }
  })

/** True for the error NetSuite gives when a record with the same externalId exists. */
export const isDuplicateError = (error: ErpError): boolean => error.code === "NETSUITE_DUPLICATE_EXTERNAL_ID"
