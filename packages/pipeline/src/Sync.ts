/**
 * Step 1, sync: card transactions of the period, from the Clara API (`GET /api/v3/transactions` filtered by
 * `operationDateRangeStart/End`, pages of 100) or from a JSON export (an array of `TransactionResponseV3`, or an
 * array of Spring pages). A record that cannot be read becomes an `INVALID_TRANSACTION` exception; the rest go on.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Stream from "effect/Stream"
import { ClaraClient, toCardTransaction, TransactionResponseV3, wireDecoder } from "@clara-recon/clara"
import { addDays, type CardTransaction, ReconciliationException } from "@clara-recon/domain"
import { InputError } from "./PipelineError.js"

/** Transactions of the period keyed by uuid, plus the records that could not be read. */
export interface SyncedTransactions {
  readonly transactions: ReadonlyArray<CardTransaction>
  /** The wire record of each accepted transaction, for the document collection step (hasInvoice, links). */
  readonly wire: ReadonlyMap<string, TransactionResponseV3>
  readonly invalid: ReadonlyArray<ReconciliationException>
  /** Records outside the period that the export contained (not reconciled in this run). */
  readonly outOfPeriod: number
}

/**
 * One raw record: where it came from (for messages), either its decoded wire form or the reason it failed, and the
 * uuid of a record that failed when it has one.
 */
export interface RawRecord {
  readonly record: string
  readonly result: Either.Either<TransactionResponseV3, string>
  readonly uuid?: string | undefined
}

const invalidTransaction = (record: string, reason: string, uuid?: string) =>
  new ReconciliationException({
    code: "INVALID_TRANSACTION",
    severity: "high",
    message: `${record}: ${reason}`,
    location: record,
    ...(uuid ? { transactionUuid: uuid } : {}),
    suggestedAction: "Fix the record at its source (Clara or the export) and run again; it was not reconciled."
  })

/**
 * Accepts decoded records: maps them to the domain, keeps those whose operation date is in [from, to], and keeps one
 * record per uuid (the one with the latest `lastUpdateDate`; on a tie the later record).
 */
export const acceptTransactions = (
  records: ReadonlyArray<RawRecord>,
  period: { readonly from: string; readonly to: string }
): SyncedTransactions => {
  const byUuid = new Map<string, { tx: CardTransaction; wire: TransactionResponseV3 }>()
  const invalid: Array<ReconciliationException> = []
  let outOfPeriod = 0
  for (const { record, result, uuid } of records) {
    if (Either.isLeft(result)) {
      invalid.push(invalidTransaction(record, result.left, uuid))
      continue
    }
    const wire = result.right
    const mapped = toCardTransaction(wire)
    if (Either.isLeft(mapped)) {
      invalid.push(invalidTransaction(record, mapped.left.message, wire.uuid))
      continue
    }
    const tx = mapped.right
    if (tx.operationDate < period.from || tx.operationDate > period.to) {
      outOfPeriod++
      continue
    }
    const previous = byUuid.get(tx.uuid)
    if (!previous || (previous.tx.lastUpdateDate ?? "") <= (tx.lastUpdateDate ?? "")) byUuid.set(tx.uuid, { tx, wire })
  }
  const sorted = [...byUuid.values()].sort((a, b) =>
    a.tx.operationDate.localeCompare(b.tx.operationDate) || a.tx.uuid.localeCompare(b.tx.uuid)
  )
  return {
    transactions: sorted.map((e) => e.tx),
    wire: new Map(sorted.map((e) => [e.tx.uuid, e.wire])),
    invalid,
    outOfPeriod
  }
}

const decodeWire = wireDecoder(TransactionResponseV3)

const describe = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "record"}: ${issue.message}`)
    .join("; ")

/** Decodes one JSON value of an export as a transaction record; a value that is not an object says what it is. */
const decodeRecord = (record: string, value: unknown): RawRecord => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      record,
      result: Either.left(`record: expected a transaction object, got ${
        value === null ? "null" : Array.isArray(value) ? "an array" : typeof value
      }`)
    }
  }
  const uuid = (value as { readonly uuid?: unknown }).uuid
  return {
    record,
    result: Either.mapLeft(decodeWire(value), describe),
    ...(typeof uuid === "string" && uuid.trim() !== "" ? { uuid: uuid.trim() } : {})
  }
}

/**
 * The INVALID_TRANSACTION exceptions of an earlier incremental sync (`previous`) still standing: those of records
 * this sync did not fetch again (an incremental sync fetches only what Clara changed since), so a record that cannot
 * be read is reported by every run until Clara changes it, not once. A record with no uuid cannot be followed: it is
 * reported by the sync that fetched it.
 */
export const invalidStillStanding = (
  previous: ReadonlyArray<ReconciliationException>,
  fetched: ReadonlyArray<RawRecord>
): Array<ReconciliationException> => {
  const seen = new Set<string>()
  for (const raw of fetched) {
    const uuid = Either.isRight(raw.result) ? raw.result.right.uuid : raw.uuid
    if (uuid !== undefined) seen.add(uuid)
  }
  return previous.filter((e) => e.transactionUuid !== undefined && !seen.has(e.transactionUuid))
}

/**
 * Parses the text of a transactions export read from `path`: a JSON array of `TransactionResponseV3`, or an array of
 * pages `{content: [...]}`. Fails with `InputError` (naming the file) when the text is not such JSON.
 */
export const parseTransactionsExport = (path: string, text: string): Effect.Effect<Array<RawRecord>, InputError> =>
  Effect.gen(function*() {
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (cause) =>
        new InputError({ path, message: `transactions export ${path} is not JSON: ${(cause as Error).message}` })
    })
    if (!Array.isArray(json)) {
      return yield* new InputError({
        path,
        message: `transactions export ${path} must be a JSON array of transactions or of pages`
      })
    }
    const records: Array<RawRecord> = []
    json.forEach((entry: unknown, i) => {
      const isPage = typeof entry === "object" && entry !== null && Array.isArray((entry as { content?: unknown }).content)
      if (isPage) {
        ;(entry as { content: Array<unknown> }).content.forEach((item, j) =>
          records.push(decodeRecord(`${path}[${i}].content[${j}]`, item))
        )
      } else {
        records.push(decodeRecord(`${path}[${i}]`, entry))
      }
    })
    return records
  })

/** Reads the text of a transactions export. Fails with `InputError` naming the file when it cannot be read. */
export const readTransactionsText = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.readFileString(path).pipe(
      Effect.mapError((cause) => new InputError({ path, message: `cannot read transactions export ${path}: ${cause.message}` }))
    ))

/**
 * Reads the bytes of a transactions export (to hash it before deciding whether to decode it). Fails with
 * `InputError` naming the file when it cannot be read.
 */
export const readTransactionsBytes = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.readFile(path).pipe(
      Effect.mapError((cause) => new InputError({ path, message: `cannot read transactions export ${path}: ${cause.message}` }))
    ))

/**
 * Reads a transactions export (see `parseTransactionsExport`). Fails with `InputError` (naming the file) when the
 * file cannot be read or is not such JSON.
 */
export const readTransactionsExport = (path: string) =>
  Effect.flatMap(readTransactionsText(path), (text) => parseTransactionsExport(path, text))

/**
 * Pulls the period's transactions from Clara (and those of the day before and after it), every page (size 100); with
 * `updatedSince` (a civil date) only those whose `lastUpdateDate` is on or after it (`lastUpdateDateRangeStart`,
 * clara-api.md §5.4). Fails only when Clara cannot be read at all, or with `InputError` when no Clara client is
 * configured.
 */
export const pullTransactions = (
  period: { readonly from: string; readonly to: string },
  updatedSince?: string
) =>
  Effect.gen(function*() {
    const client = yield* Effect.serviceOption(ClaraClient)
    if (Option.isNone(client)) {
      return yield* new InputError({
        path: "CLARA_*",
        message: "no Clara connection configured: set the CLARA_* variables or --config, or pass --transactions FILE"
      })
    }
    const clara = client.value
    let index = 0
    // one day more on each side: Clara may date the filter by another zone than the records' Mexico City dates
    // (clara-api.md §5.6); `acceptTransactions` keeps the period's own
    return yield* clara.transactions.list({
      operationDateRangeStart: addDays(period.from, -1),
      operationDateRangeEnd: addDays(period.to, 1),
      ...(updatedSince === undefined ? {} : { lastUpdateDateRangeStart: updatedSince }),
      pageSize: 100
    }).pipe(
      Stream.map((item): RawRecord => {
        const record = `GET /api/v3/transactions record ${index++}`
        // a record Clara sent that does not decode is named `... uuid <uuid>` when it has one
        const uuid = item._tag === "Ok" ? undefined : / uuid (\S+)$/.exec(item.error.record ?? "")?.[1]
        return item._tag === "Ok"
          ? { record, result: Either.right(item.value) }
          : { record, result: Either.left(item.error.message), uuid }
      }),
      Stream.runCollect,
      Effect.map((chunk) => Array.from(chunk))
    )
  })
