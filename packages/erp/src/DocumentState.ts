/**
 * The per-document posting state machine (erp.md §5.1 "Status machine per document"): which event moves a document
 * from one {@link DocumentState} to the next. Pure; the pipeline stores the state, this only says what is allowed.
 */
import * as Either from "effect/Either"
import type { DocumentState } from "./ErpAdapter.js"
import { ErpError } from "./ErpError.js"

/**
 * What happens to a document:
 * - `plan_ok` / `plan_failed`: the dry-run accepted or refused it;
 * - `send`: the write was sent (outcome not known yet);
 * - `write_acknowledged`: the ERP (or the file ledger) answered that the record exists;
 * - `write_not_applied`: the write failed and nothing was applied (may be planned and sent again);
 * - `write_unknown`: no answer (timeout, reset): stays `posting` until `find` settles it;
 * - `found`: `find` returned the record (after an unknown outcome);
 * - `not_found`: `find` returned nothing after an unknown outcome: safe to send again;
 * - `verify_match` / `verify_mismatch` / `verify_missing`: the read-back result;
 * - `exclude`: a person marks it as handled outside the tool; `reopen`: a person puts a failed or excluded
 *   document back to `draft` (for instance after fixing the mapping).
 */
export type DocumentEvent =
  | "plan_ok"
  | "plan_failed"
  | "send"
  | "write_acknowledged"
  | "write_not_applied"
  | "write_unknown"
  | "found"
  | "not_found"
  | "verify_match"
  | "verify_mismatch"
  | "verify_missing"
  | "exclude"
  | "reopen"

const table: { readonly [S in DocumentState]: { readonly [E in DocumentEvent]?: DocumentState } } = {
  draft: { plan_ok: "planned", plan_failed: "failed", exclude: "excluded" },
  planned: { send: "posting", plan_ok: "planned", plan_failed: "failed", exclude: "excluded" },
  posting: {
    write_acknowledged: "posted_unverified",
    write_not_applied: "planned",
    write_unknown: "posting",
    found: "posted_unverified",
    not_found: "planned"
  },
  posted_unverified: { verify_match: "verified", verify_mismatch: "failed", verify_missing: "planned" },
  verified: {},
  // a read-back mismatch waits for a person; a later read-back that matches (the ERP record was corrected) ends it
  failed: { verify_match: "verified", reopen: "draft", exclude: "excluded" },
  excluded: { reopen: "draft" }
}

/** Every state, in the order of the happy path then the end states. */
export const documentStates: ReadonlyArray<DocumentState> = [
  "draft",
  "planned",
  "posting",
  "posted_unverified",
  "verified",
  "failed",
  "excluded"
]

/** The events `state` accepts, in {@link DocumentEvent} declaration order. */
export const allowedEvents = (state: DocumentState): ReadonlyArray<DocumentEvent> =>
  Object.keys(table[state]) as Array<DocumentEvent>

/**
 * The state after `event` in `state`. Notable rules: a document being posted (`posting`) or posted can never be
 * excluded or re-planned without settling first (no double posting); `verified` is final; a `mismatch` fails (a
 * person must look, never re-post over it); a record `missing` at verify goes back to `planned`. Fails with
 * CONFLICT `INVALID_STATE_TRANSITION` (outcome `not_applied`) naming the state, the event and the allowed events.
 */
export const transition = (state: DocumentState, event: DocumentEvent): Either.Either<DocumentState, ErpError> => {
  const next = table[state][event]
  return next !== undefined ? Either.right(next) : Either.left(
    ErpError.rejected(
      "CONFLICT",
      "INVALID_STATE_TRANSITION",
      `A document in state ${state} cannot take event ${event}; allowed: ${allowedEvents(state).join(", ") || "none"}`,
      { fieldPath: "state" }
    )
  )
}
