/**
 * A run's result rebuilt from the store alone: the transactions of its period, the documents and links it stored,
 * the exceptions of every step's checkpoint, the ledger for posting counts. The report step renders from this, so a
 * resumed run and an uninterrupted one write the same reports, and `renderReport` re-renders any finished run.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { toCardTransaction, TransactionResponseV3 } from "@clara-recon/clara"
import {
  type CardTransaction,
  fiscalDocumentFromJson,
  type FiscalDocument,
  type MatchLink,
  matchLinkFromJson,
  type ReconciliationException
} from "@clara-recon/domain"
import { runControlTotals } from "./ControlTotals.js"
import { StoreError } from "./PipelineError.js"
import { type LedgerRow, ReconStore, type RunRow, type TransactionRow } from "./ReconStore.js"
import type { PostingOutcome, RunResult } from "./RunResult.js"
import { type Checkpoint, loadCheckpoint } from "./RunSteps.js"

const decodeWire = Schema.decodeUnknownSync(TransactionResponseV3)

/**
 * The stored documents of `ids`, decoded, in the order of `ids` (an id the store does not hold is left out). Fails with
 * `StoreError`.
 */
export const storedDocuments = (ids: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const byId = new Map((yield* store.documents(ids)).map((r) => [r.documentId, fiscalDocumentFromJson(r.json)]))
    return ids.flatMap((id) => byId.get(id) ?? [])
  })

/**
 * Stored transaction rows as domain transactions and wire records (rows that no longer map are skipped). The JSON
 * was written by the sync step from a decoded record (`TransactionResponseV3` has no transformations, so its encoded
 * and decoded forms agree); only a row that does not look like one is decoded with the schema.
 */
export const decodeStoredTransactions = (rows: ReadonlyArray<TransactionRow>) => {
  const transactions: Array<CardTransaction> = []
  const wire = new Map<string, TransactionResponseV3>()
  for (const row of rows) {
    const parsed = JSON.parse(row.json) as TransactionResponseV3
    const decoded = typeof parsed === "object" && parsed !== null && parsed.uuid === row.uuid ? parsed : decodeWire(parsed)
    const mapped = toCardTransaction(decoded)
    if (Either.isLeft(mapped)) continue
    transactions.push(mapped.right)
    wire.set(row.uuid, decoded)
  }
  return { transactions, wire }
}

const missingStep = (runId: string, step: string) =>
  new StoreError({ operation: "loadRun", message: `state store: run ${runId} has no ${step} checkpoint` })

const required = <A>(runId: string, step: string) => (option: Option.Option<A>) =>
  Option.match(option, { onNone: () => Effect.fail(missingStep(runId, step)), onSome: Effect.succeed })

/**
 * The posting counts of run `runId` from the ledger rows of its planned `keys`: `new` posted (or verified) by this
 * run, `skipped` settled by an earlier run, and `failed` as given (the refused and failed postings of its plan and
 * post checkpoints). `known` may give those ledger rows, already read. Fails with `StoreError`.
 */
export const postingOutcome = (
  runId: string,
  keys: ReadonlyArray<string>,
  failed: number,
  known?: ReadonlyMap<string, LedgerRow>
) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const ledger = known ?? (yield* store.ledger(keys))
    const postedStates = new Set(["posted_unverified", "verified"])
    const outcome: PostingOutcome = {
      new: [...ledger.values()].filter((r) => r.runId === runId && postedStates.has(r.state)).length,
      skipped: [...ledger.values()].filter((r) =>
        r.runId !== runId && (postedStates.has(r.state) || r.state === "excluded")
      ).length,
      failed
    }
    return outcome
  })

/** Values of the run already in memory (decoded from, or identical to, what the store holds), to skip decoding. */
export interface LoadedParts {
  readonly transactions?: ReadonlyArray<CardTransaction>
  readonly documents?: ReadonlyArray<FiscalDocument>
  readonly links?: ReadonlyArray<MatchLink>
  readonly suggestions?: ReadonlyArray<MatchLink>
  /** Checkpoints of the run's steps as committed in this process. */
  readonly checkpoints?: {
    readonly sync?: Checkpoint<"sync"> | undefined
    readonly collect?: Checkpoint<"collect"> | undefined
    readonly match?: Checkpoint<"match"> | undefined
    readonly plan?: Checkpoint<"plan"> | undefined
    readonly post?: Checkpoint<"post"> | undefined
  }
}

/**
 * Rebuilds the `RunResult` of `run` from the store (parts given in `loaded` are taken as they are). Needs the sync,
 * collect, match and plan checkpoints (post and writeBack are optional). Fails with `StoreError` when a checkpoint
 * is missing or the store cannot be read.
 */
export const loadRun = (run: RunRow, loaded: LoadedParts = {}) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const given = loaded.checkpoints ?? {}
    const sync = given.sync ?? (yield* loadCheckpoint(run.runId, "sync").pipe(Effect.flatMap(required(run.runId, "sync"))))
    const collect = given.collect ??
      (yield* loadCheckpoint(run.runId, "collect").pipe(Effect.flatMap(required(run.runId, "collect"))))
    const matched = given.match ??
      (yield* loadCheckpoint(run.runId, "match").pipe(Effect.flatMap(required(run.runId, "match"))))
    const plan = given.plan ?? (yield* loadCheckpoint(run.runId, "plan").pipe(Effect.flatMap(required(run.runId, "plan"))))
    const post = given.post === undefined ? yield* loadCheckpoint(run.runId, "post") : Option.some(given.post)

    const transactions = loaded.transactions ??
      decodeStoredTransactions(yield* store.transactionsInPeriod(run.tenant, run.from, run.to)).transactions
    const byId = (a: FiscalDocument, b: FiscalDocument) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    const documents = [
      ...(loaded.documents ?? (yield* storedDocuments(collect.documentIds)))
    ].sort(byId)
    const byPair = (a: MatchLink, b: MatchLink) =>
      a.transactionUuid.localeCompare(b.transactionUuid) || a.documentId.localeCompare(b.documentId)
    const linkRows = loaded.links && loaded.suggestions ? [] : yield* store.links(run.runId)
    const links = [
      ...(loaded.links ?? linkRows.filter((r) => r.kind === "link").map((r) => matchLinkFromJson(r.json)))
    ].sort(byPair)
    const suggestions = [
      ...(loaded.suggestions ??
        linkRows.filter((r) => r.kind === "suggestion").map((r) => matchLinkFromJson(r.json)))
    ].sort(byPair)

    const postExceptions = Option.match(post, { onNone: () => [], onSome: (p) => p.exceptions })
    const postings = yield* postingOutcome(run.runId, plan.keys, plan.exceptions.length + postExceptions.length)

    const totals = runControlTotals(transactions, links, matched.exceptionUuids)
    const exceptions: Array<ReconciliationException> = [
      ...sync.invalid,
      ...collect.exceptions,
      ...matched.exceptions,
      ...plan.exceptions,
      ...plan.postedLinkChanged,
      ...postExceptions
    ]
    const result: RunResult = {
      runId: run.runId,
      tenant: run.tenant,
      period: { from: run.from, to: run.to },
      asOf: run.asOf,
      transactions,
      documents,
      links,
      suggestions,
      exceptions,
      postings,
      controlTotals: totals,
      engine: matched.engine
    }
    return result
  })
