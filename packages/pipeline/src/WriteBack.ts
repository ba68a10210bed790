/**
 * Optional write-back to Clara (off by default): marks the transactions still missing their CFDI with a comment
 * (`POST /api/v3/transactions/comments/bulk`) and, when a label uuid is configured, a label
 * (`POST /api/v3/transactions/labels/bulk`), clara-api.md §5.1. Each sent item is recorded in the store
 * (`write_backs`) right after its request succeeds, so a re-run or a resume does not send it again. A failed request
 * is logged with Clara's answer and left for the next run; it never fails the job. A bulk request Clara refuses for
 * its content (400, 404: one deleted or foreign transaction) is split in halves until only the refused transactions
 * are left, so one bad uuid never holds back the other 99. A transaction that already carries a comment in Clara (a
 * cardholder's or an approver's note, often the only justification of a charge) never gets ours: Clara keeps one
 * comment per transaction, and setting it replaces it (clara-api.md §3.4); the last synced copy of the transaction
 * tells. Once a commented transaction is linked to its CFDI, the comment is taken back (`DELETE
 * /api/v3/transactions/{uuid}/comment`) when Clara still holds ours (read just before); labels stay (Clara documents
 * no way to unbind one).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ClaraBadRequestError, ClaraClient, ClaraNotFoundError } from "@clara-recon/clara"
import type { ReconciliationException } from "@clara-recon/domain"
import type { StoreError } from "./PipelineError.js"
import { ReconStore, type WriteBackRow } from "./ReconStore.js"
import { nowIso } from "./RunSteps.js"

/** Write-back settings: the comment text and the optional label uuid; `concurrency` bounds Clara requests. */
export interface WriteBackOptions {
  readonly comment: string
  readonly labelUuid?: string | undefined
  readonly concurrency: number
}

/** The comment sent by default. */
export const defaultWriteBackComment =
  "clara-recon: no CFDI invoice found for this charge. Please upload the invoice (XML) for this transaction."

/** Items per bulk request. */
const BULK = 100

/** A refusal of the request's content: splitting the chunk finds the transactions it is about. */
const refusedForContent = (error: unknown): boolean =>
  error instanceof ClaraBadRequestError || error instanceof ClaraNotFoundError

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

/** The comment a stored Clara transaction (its wire JSON) carries, when it has a non-blank one. */
const storedComment = (json: string): string | undefined => {
  const comment = (JSON.parse(json) as { readonly comment?: unknown }).comment
  return typeof comment === "string" && comment.trim() !== "" ? comment : undefined
}

/**
 * Sends the comments and labels not yet sent for the MISSING_INVOICE transactions of `exceptions`, and takes back the
 * comments of the `linked` transactions (uuids linked to a document in this run) that no longer miss their CFDI.
 * Returns how many comments and labels were sent now, and how many comments were taken back. Needs a `ClaraClient`
 * (without one nothing is sent). Fails only with `StoreError`.
 */
export const writeBackMissing = (
  runId: string,
  exceptions: ReadonlyArray<ReconciliationException>,
  linked: ReadonlyArray<string>,
  options: WriteBackOptions
) =>
  Effect.gen(function*() {
    const client = yield* Effect.serviceOption(ClaraClient)
    if (Option.isNone(client)) {
      yield* Effect.logWarning("write-back skipped: no Clara connection configured")
      return { comments: 0, labels: 0, commentsTakenBack: 0 }
    }
    const store = yield* ReconStore
    const uuids = [
      ...new Set(exceptions.filter((e) => e.code === "MISSING_INVOICE").flatMap((e) => e.transactionUuid ?? []))
    ].sort()
    // a comment of ours on a transaction linked to its CFDI since says something false: take it back (a charge linked
    // to a receipt only still misses its CFDI, and keeps it)
    const missing = new Set(uuids)
    const ourComments = (yield* store.writeBacks(linked.filter((u) => !missing.has(u)))).filter((r) =>
      r.kind === "comment"
    )
    const takenBack = yield* Effect.forEach(ourComments, (row) =>
      Effect.gen(function*() {
        // what Clara holds now, not the last synced copy: a note someone wrote over ours is never deleted
        const now = yield* Effect.either(client.value.transactions.get(row.transactionUuid))
        const gone = now._tag === "Left" && now.left instanceof ClaraNotFoundError
        if (now._tag === "Left" && !gone) {
          yield* Effect.logWarning(
            `write-back: the comment of transaction ${row.transactionUuid} could not be read ` +
              `(${messageOf(now.left)}); the next run takes it back`
          )
          return 0
        }
        const ours = now._tag === "Right" && now.right.comment === row.payload
        if (ours) {
          const outcome = yield* Effect.either(client.value.transactions.deleteComment(row.transactionUuid))
          if (outcome._tag === "Left" && !(outcome.left instanceof ClaraNotFoundError)) {
            yield* Effect.logWarning(
              `write-back: the comment of transaction ${row.transactionUuid} could not be taken back ` +
                `(${messageOf(outcome.left)}); the next run retries it`
            )
            return 0
          }
        }
        // taken back, gone already, or replaced by someone: no longer ours
        yield* store.forgetWriteBacks("comment", [row.transactionUuid])
        return ours ? 1 : 0
      }).pipe(Effect.uninterruptible), { concurrency: options.concurrency })
    const sent = yield* store.writeBacks(uuids)
    const done = new Set(sent.map((r) => `${r.kind}:${r.transactionUuid}:${r.payload}`))
    // a comment someone wrote in Clara stays: ours would replace it
    const noted = new Set(
      (yield* store.transactionsByUuid(uuids)).filter((row) => {
        const comment = storedComment(row.json)
        return comment !== undefined && comment !== options.comment
      }).map((row) => row.uuid)
    )
    if (noted.size > 0) {
      yield* Effect.logInfo(`write-back: ${noted.size} transaction(s) already carry a comment in Clara, which is kept`)
    }
    const send = (
      kind: "comment" | "label",
      payload: string,
      targets: ReadonlyArray<string>,
      call: (chunk: ReadonlyArray<string>) => Effect.Effect<void, unknown>
    ) =>
      Effect.gen(function*() {
        /** Sends `chunk`, halving it while Clara refuses its content; returns how many were sent. */
        const attempt = (chunk: ReadonlyArray<string>): Effect.Effect<number, StoreError> =>
          Effect.gen(function*() {
            const outcome = yield* Effect.either(call(chunk))
            if (outcome._tag === "Left") {
              if (refusedForContent(outcome.left) && chunk.length > 1) {
                const half = Math.ceil(chunk.length / 2)
                return (yield* attempt(chunk.slice(0, half))) + (yield* attempt(chunk.slice(half)))
              }
              const which = chunk.length === 1 ? `of transaction ${chunk[0]}` : `of ${chunk.length} transactions`
              yield* Effect.logWarning(
                `write-back ${kind} ${which} failed (${messageOf(outcome.left)}); the next run retries it`
              )
              return 0
            }
            const sentAt = yield* nowIso
            const rows: Array<WriteBackRow> = chunk.map((transactionUuid) => ({
              transactionUuid,
              kind,
              payload,
              runId,
              sentAt
            }))
            yield* store.recordWriteBacks(rows)
            return chunk.length
          })
        const todo = targets.filter((u) => !done.has(`${kind}:${u}:${payload}`))
        const chunks: Array<ReadonlyArray<string>> = []
        for (let i = 0; i < todo.length; i += BULK) chunks.push(todo.slice(i, i + BULK))
        const counts = yield* Effect.forEach(chunks, (chunk) => Effect.uninterruptible(attempt(chunk)), {
          concurrency: options.concurrency
        })
        return counts.reduce((a, b) => a + b, 0)
      })
    const comments = yield* send("comment", options.comment, uuids.filter((u) => !noted.has(u)), (chunk) =>
      client.value.transactions.commentBulk(chunk.map((uuid) => ({ uuid, comment: options.comment }))))
    const label = options.labelUuid
    const labels = label === undefined ? 0 : yield* send("label", label, uuids, (chunk) =>
      client.value.transactions.labelBulk(chunk.map((uuid) => ({ uuid, labelsUuid: [label] }))))
    return { comments, labels, commentsTakenBack: takenBack.reduce((a: number, b) => a + b, 0) }
  })
