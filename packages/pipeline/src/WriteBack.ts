/**
 * Optional write-back to Clara (off by default): marks the transactions still missing their CFDI with a comment
 * (`POST /api/v3/transactions/comments/bulk`) and, when a label uuid is configured, a label
 * (`POST /api/v3/transactions/labels/bulk`), clara-api.md §5.1. Each sent item is recorded in the store
 * (`write_backs`) right after its request succeeds, so a re-run or a resume does not send it again. A failed request
 * is logged and left for the next run; it never fails the job.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ClaraClient } from "@clara-recon/clara"
import type { ReconciliationException } from "@clara-recon/domain"
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

/**
 * Sends the comments and labels not yet sent for the MISSING_INVOICE transactions of `exceptions`. Returns how many
 * of each were sent now. Needs a `ClaraClient` (without one nothing is sent). Fails only with `StoreError`.
 */
export const writeBackMissing = (runId: string, exceptions: ReadonlyArray<ReconciliationException>, options: WriteBackOptions) =>
  Effect.gen(function*() {
    const client = yield* Effect.serviceOption(ClaraClient)
    if (Option.isNone(client)) {
      yield* Effect.logWarning("write-back skipped: no Clara connection configured")
      return { comments: 0, labels: 0 }
    }
    const store = yield* ReconStore
    const uuids = [...new Set(exceptions.filter((e) => e.code === "MISSING_INVOICE").flatMap((e) => e.transactionUuid ?? []))]
      .sort()
    const sent = yield* store.writeBacks(uuids)
    const done = new Set(sent.map((r) => `${r.kind}:${r.transactionUuid}:${r.payload}`))
    const send = (kind: "comment" | "label", payload: string, call: (chunk: ReadonlyArray<string>) => Effect.Effect<void, unknown>) =>
      Effect.gen(function*() {
        const todo = uuids.filter((u) => !done.has(`${kind}:${u}:${payload}`))
        const chunks: Array<ReadonlyArray<string>> = []
        for (let i = 0; i < todo.length; i += BULK) chunks.push(todo.slice(i, i + BULK))
        const counts = yield* Effect.forEach(chunks, (chunk) =>
          Effect.gen(function*() {
            const outcome = yield* Effect.either(call(chunk))
            if (outcome._tag === "Left") {
              yield* Effect.logWarning(`write-back of ${chunk.length} ${kind}(s) failed; the next run retries them`)
              return 0
            }
            const sentAt = yield* nowIso
            const rows: Array<WriteBackRow> = chunk.map((transactionUuid) => ({ transactionUuid, kind, payload, runId, sentAt }))
            yield* store.recordWriteBacks(rows)
            return chunk.length
          }).pipe(Effect.uninterruptible), { concurrency: options.concurrency })
        return counts.reduce((a, b) => a + b, 0)
      })
    const comments = yield* send("comment", options.comment, (chunk) =>
      client.value.transactions.commentBulk(chunk.map((uuid) => ({ uuid, comment: options.comment }))))
    const label = options.labelUuid
    const labels = label === undefined ? 0 : yield* send("label", label, (chunk) =>
      client.value.transactions.labelBulk(chunk.map((uuid) => ({ uuid, labelsUuid: [label] }))))
    return { comments, labels }
  })
