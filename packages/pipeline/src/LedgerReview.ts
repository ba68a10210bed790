/**
 * What a person does with the posting ledger (erp.md §5.1) from the CLI: see the postings that need a person, mark
 * one as handled (`excluded`, the Ramp pattern) so that no run posts it or reports it again, or reopen a `failed` or
 * `excluded` one so that the next run plans and posts it again (erp `DocumentState` `reopen`).
 */
import * as Effect from "effect/Effect"
import { allowedEvents, type DocumentState, documentStates } from "@clara-recon/erp"
import { LedgerEntryError } from "./PipelineError.js"
import { type LedgerRow, ReconStore } from "./ReconStore.js"

/**
 * The states that need a person by default: `posting` and `posted_unverified` (posted, the ERP never confirmed it),
 * `failed` (refused by the ERP, or differing from the plan).
 */
export const ATTENTION_STATES: ReadonlyArray<DocumentState> = ["failed", "posted_unverified", "posting"]

/** The row of `externalKey`; fails with `LedgerEntryError` when there is none, or with `StoreError`. */
const ledgerRow = (externalKey: string) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const row = (yield* store.ledger([externalKey])).get(externalKey)
    if (row === undefined) {
      return yield* new LedgerEntryError({
        externalKey,
        message: `no posting in the ledger has the key ${externalKey}`
      })
    }
    return row
  })

/**
 * Moves `row` to `state` for a person, with what they did, who, when (ISO-8601 instant, UTC) and the optional reason in
 * its `error` text (`excluded by ana at ... (was failed): reversed in SAP`). Returns the row as written.
 */
const writeForPerson = (
  row: LedgerRow,
  state: DocumentState,
  who: string,
  at: string,
  reason: string | undefined
) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const written: LedgerRow = {
      ...row,
      state,
      error: `${state === "draft" ? "reopened" : state} by ${who} at ${at} (was ${row.state})` +
        (reason === undefined ? "" : `: ${reason}`)
    }
    yield* store.writeLedger([written], at)
    return written
  })

/** The state a person moved the row out of, as `writeForPerson` records it ("(was verified)"), if any. */
const stateBefore = (row: LedgerRow): string | undefined => /\(was ([a-z_]+)\)/.exec(row.error ?? "")?.[1]

/** States in which the ERP holds the posting, or may: reopening it would post it a second time under its key. */
const reachedErp: ReadonlySet<string> = new Set(["posting", "posted_unverified", "verified"])

/** The ledger rows in any of `states` (default `ATTENTION_STATES`), by external key. Fails with `StoreError`. */
export const ledgerToReview = (states: ReadonlyArray<DocumentState> = ATTENTION_STATES) =>
  Effect.flatMap(ReconStore, (store) => store.ledgerInStates(states))

/**
 * Marks the posting `externalKey` as handled by a person: `excluded`, with who, when (ISO-8601 instant, UTC) and the
 * optional reason in its `error` text. Later runs neither post it nor report it. A `verified` posting may be marked
 * too: one reported POSTED_LINK_CHANGED that a person reversed in the ERP. Returns the row as written. Fails with
 * `LedgerEntryError` when no row has the key or it is already excluded (the first person's who, when and reason
 * stay: reopen it first), or with `StoreError`.
 */
export const excludePosting = (externalKey: string, who: string, at: string, reason?: string) =>
  Effect.gen(function*() {
    const row = yield* ledgerRow(externalKey)
    if (row.state === "excluded") {
      return yield* new LedgerEntryError({
        externalKey,
        message: `the posting ${externalKey} is already excluded (${row.error ?? "no reason recorded"}): reopen it ` +
          "first to record another decision"
      })
    }
    return yield* writeForPerson(row, "excluded", who, at, reason)
  })

/** States a person can reopen: those the erp state machine lets take `reopen` (`failed`, `excluded`). */
export const REOPENABLE_STATES: ReadonlyArray<DocumentState> = documentStates.filter((state) =>
  allowedEvents(state).includes("reopen")
)

/**
 * Reopens the posting `externalKey` (`failed` or `excluded`): `draft`, with who, when (ISO-8601 instant, UTC) and the
 * optional reason in its `error` text, so that the next run plans it and posts it again (a file export writes it to a
 * new file; an ERP that finds it under its external key reads it back instead of creating it twice). Returns the row
 * as written. Fails with `LedgerEntryError` when no row has the key, it is in another state, or it was excluded
 * while the ERP held it or may have (`posting`, `posted_unverified`, `verified`: a second posting under the same key),
 * or with `StoreError`.
 */
export const reopenPosting = (externalKey: string, who: string, at: string, reason?: string) =>
  Effect.gen(function*() {
    const row = yield* ledgerRow(externalKey)
    if (!REOPENABLE_STATES.includes(row.state)) {
      return yield* new LedgerEntryError({
        externalKey,
        message: `the posting ${externalKey} is ${row.state}: only a ${REOPENABLE_STATES.join(" or ")} ` +
          "posting can be reopened"
      })
    }
    const before = row.state === "excluded" ? stateBefore(row) : undefined
    if (before !== undefined && reachedErp.has(before)) {
      return yield* new LedgerEntryError({
        externalKey,
        message: `the posting ${externalKey} was excluded when ${before}: the ERP holds it or may, and reopening ` +
          "would post it a second time under the same key. Post the right journal in the ERP yourself; the posting " +
          "stays excluded"
      })
    }
    return yield* writeForPerson(row, "draft", who, at, reason)
  })
