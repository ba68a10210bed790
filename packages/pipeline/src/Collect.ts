/**
 * Step 2, collect: fiscal documents from Clara (the CFDI XML behind each invoice of a transaction with `hasInvoice`,
 * the extracted documents of one with `hasExtractedDocuments`) and every `.xml` under each `--invoices` folder,
 * recursively. Each CFDI is parsed once per content hash (cache in the store). A file that is not a readable CFDI
 * becomes an `INVALID_DOCUMENT` exception naming its path and the reason; the job goes on.
 *
 * Identity (design.md): a CFDI is its TimbreFiscalDigital UUID. The same CFDI reached twice (through Clara and a
 * folder, identical bytes) is one document with two sources; different files carrying the same UUID are reported
 * as `DUPLICATE_CFDI` and the first in source order (Clara first, then by path) is kept.
 */
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { makeCfdiReaderPool, makeDigestSet, readCfdi, readCfdiFileDocument, toFiscalDocument } from "@clara-recon/cfdi"
import {
  ClaraClient,
  extractedToFiscalDocument,
  hasValue,
  invoiceToFiscalDocument,
  invoiceXmlUrl,
  type TransactionResponseV3
} from "@clara-recon/clara"
import {
  DocumentSource,
  FiscalDocument,
  fiscalDocumentFromJson,
  fiscalDocumentJson,
  ReconciliationException,
  sha256Hex,
  trustedInstance
} from "@clara-recon/domain"
import { type FileStat, listFilesRecursive, statFiles } from "./internal/Files.js"
import { progressAdvance, progressTotal } from "./Progress.js"
import { InputError } from "./PipelineError.js"
import { type FileIndexRow, ReconStore } from "./ReconStore.js"

/** A document read from one source, before identity dedupe. */
interface ReadDocument {
  readonly document: FiscalDocument
  /** SHA-256 of the XML bytes (CFDI read from XML), or undefined for Clara summaries and extracted documents. */
  readonly sha256: string | undefined
}

/** The documents of a run after dedupe, and the exceptions found while collecting them. */
export interface CollectedDocuments {
  readonly _tag: "Collected"
  readonly documents: ReadonlyArray<FiscalDocument>
  readonly exceptions: ReadonlyArray<ReconciliationException>
  /** XML files found under the folders. */
  readonly files: number
  /**
   * Of those, the files parsed: the others were taken from the parse cache, by their unchanged stamp (file index) or,
   * read and hashed, by their digest (a touched, copied or renamed file).
   */
  readonly parsed: number
}


const invalidDocument = (location: string, message: string, subtype: string) =>
  new ReconciliationException({
    code: "INVALID_DOCUMENT",
    subtype,
    severity: "medium",
    message,
    location,
    suggestedAction: "Replace the file with the stamped CFDI XML from the issuer, or remove it from the folder."
  })

/** Store writes the collection found necessary: new parse-cache entries and file-index rows. */
export interface CollectWrites {
  /** New parse-cache entries: SHA-256 -> encoded `FiscalDocument` JSON. */
  readonly cache: Map<string, string>
  readonly fileIndex: Array<FileIndexRow>
  /**
   * The encoded JSON of documents parsed in this run (the string put in `cache`), by document object: a document kept
   * as is by the dedupe is stored with it instead of being encoded again.
   */
  readonly encoded: WeakMap<FiscalDocument, string>
}

/**
 * Parses CFDI bytes (a Clara invoice's XML) once per content hash: a cached success (in the store, or parsed earlier in
 * this run) is reused; a new success is queued in `writes.cache`. Failures are cheap and not cached.
 */
const parseCfdi = (bytes: Uint8Array, source: DocumentSource, writes: CollectWrites) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const sha256 = sha256Hex(bytes)
    // `source` is a valid DocumentSource and `sha256` a digest: no re-validation needed
    const withSource = trustedInstance(DocumentSource, { ...source, sha256 })
    const cached = writes.cache.get(sha256) ?? (yield* store.cachedCfdi([sha256])).get(sha256)
    if (cached !== undefined) {
      const document = fiscalDocumentFromJson(cached)
      // a decoded document given another source needs no re-validation: the decode checked it
      const withNewSource = trustedInstance(FiscalDocument, { ...document, sources: [withSource] })
      return Either.right<ReadDocument>({ document: withNewSource, sha256 })
    }
    const parsed = readCfdi(bytes, { path: source.location })
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    const document = toFiscalDocument(parsed.right, withSource)
    const json = fiscalDocumentJson(document)
    writes.cache.set(sha256, json)
    writes.encoded.set(document, json)
    return Either.right<ReadDocument>({ document, sha256 })
  })

/** Lists `.xml` files under a folder, recursively, sorted. Fails with `InputError` when the folder is unreadable. */
const listXmlFiles = (dir: string) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const entries = yield* listFilesRecursive(dir).pipe(
      Effect.mapError((cause) => new InputError({ path: dir, message: `cannot read invoices folder ${dir}: ${cause.message}` }))
    )
    return entries.filter((e) => e.toLowerCase().endsWith(".xml")).sort().map((e) => path.join(dir, e))
  })

/** A file's stamp for the file index: size and modification time in milliseconds. */
const stampOf = (info: FileStat): string => `${info.size}:${info.mtimeMs}`

/**
 * Reads the CFDI files of the folders. A file whose stamp (size, mtime) matches the file index and whose hash is in
 * the parse cache is not read again; the others are read and hashed (on worker threads from `PARALLEL_FROM` files
 * on). One whose digest the parse cache holds (a touched, copied or renamed file) is not parsed again; the others
 * are parsed.
 */
const READ_SLICE = 2000
/** Resumes after the event loop has run its pending I/O and messages (`setImmediate`), not in the same microtasks. */
const nextMacrotask = Effect.async<void>((resume) => {
  const timer = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(timer))
})

/** Files to read from which the collection starts worker threads (below, starting them costs more than it saves). */
const PARALLEL_FROM = 1000

/** The `.xml` files of the folders with their stamps, and the digests the file index knows for unchanged ones. */
interface FolderScan {
  readonly files: ReadonlyArray<string>
  readonly stamps: ReadonlyArray<Option.Option<FileStat>>
  /** path -> SHA-256 for files whose stamp matches the file index. */
  readonly known: ReadonlyMap<string, string>
}

/** The `.xml` files of the folders with their stamps (none for a file that cannot be stat'ed). */
const listFolders = (dirs: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const listed = (yield* Effect.forEach(dirs, listXmlFiles)).flat()
    const listedStamps = yield* statFiles(listed)
    // a folder whose name ends in .xml is not a document
    const isFolder = (i: number) => Option.exists(listedStamps[i]!, (info) => info.isDirectory)
    return {
      files: listed.filter((_, i) => !isFolder(i)),
      stamps: listedStamps.filter((_, i) => !isFolder(i))
    }
  })

/**
 * SHA-256 (hex) over every file's path and stamp (size, mtime): equal to an earlier collection's when no file was
 * added, removed, resized or modified since (the file index's own test of "unchanged").
 */
const folderScanKey = (files: ReadonlyArray<string>, stamps: ReadonlyArray<Option.Option<FileStat>>): string => {
  const hash = createHash("sha256")
  files.forEach((file, i) => {
    const stamp = stamps[i]!
    hash.update(`${file}\t${Option.isSome(stamp) ? stampOf(stamp.value) : ""}\n`)
  })
  return hash.digest("hex")
}

/** The listed files with the digests the file index knows for those whose stamp it has. */
const scanFolders = (listedFiles: { readonly files: ReadonlyArray<string>; readonly stamps: ReadonlyArray<Option.Option<FileStat>> }) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const { files, stamps } = listedFiles
    const index = yield* store.fileIndex(files)
    const known = new Map<string, string>()
    files.forEach((file, i) => {
      const entry = index.get(file)
      const stamp = stamps[i]!
      if (entry !== undefined && Option.isSome(stamp) && entry.stamp === stampOf(stamp.value)) {
        known.set(file, entry.sha256)
      }
    })
    return { files, stamps, known } satisfies FolderScan
  })

/** SHA-256 over every file's path and digest, or undefined when a digest is missing (the input is not pinned). */
const folderInputsKey = (files: ReadonlyArray<string>, digests: ReadonlyMap<string, string>): string | undefined => {
  const lines: Array<string> = []
  for (const file of files) {
    const sha = digests.get(file)
    if (sha === undefined) return undefined
    lines.push(`${file}\t${sha}`)
  }
  return sha256Hex(lines.join("\n"))
}

const readFolderDocuments = (scan: FolderScan, writes: CollectWrites, cfdiWorkers: number | undefined) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const { files, known, stamps } = scan
    const digests = new Map(known)
    const cached = yield* store.cachedCfdi([...new Set(known.values())])
    const documents: Array<ReadDocument> = []
    /** Files parsed: neither their stamp nor their digest was known with a cached document. */
    let parsed = 0
    const exceptions: Array<ReconciliationException> = []
    const toRead: Array<number> = []
    for (const [i, file] of files.entries()) {
      const knownSha = known.get(file)
      const json = knownSha === undefined ? undefined : cached.get(knownSha)
      if (knownSha === undefined || json === undefined) {
        toRead.push(i)
        continue
      }
      const document = fiscalDocumentFromJson(json)
      const withSource = new DocumentSource({ kind: "file", location: file, sha256: knownSha })
      documents.push({
        document: trustedInstance(FiscalDocument, { ...document, sources: [withSource] }),
        sha256: knownSha
      })
    }
    // The others in slices, read, hashed and parsed on worker threads when there are many (two per core), with one
    // cache look-up per slice: a cached document is taken from the cache, so every path gives the same document.
    yield* progressTotal("collect", files.length, "files")
    yield* progressAdvance("collect", files.length - toRead.length)
    const workers = cfdiWorkers ?? (toRead.length >= PARALLEL_FROM ? undefined : 1)
    const pool = yield* makeCfdiReaderPool(workers === undefined ? {} : { workers }).pipe(
      Effect.mapError((error) => new InputError({ path: files[toRead[0]!]!, message: error.message }))
    )
    const slices: Array<ReadonlyArray<number>> = []
    for (let start = 0; start < toRead.length; start += READ_SLICE) slices.push(toRead.slice(start, start + READ_SLICE))
    // Every file is hashed before it is parsed: one whose bytes the parse cache holds (touched, copied, renamed,
    // moved to another folder) is answered `known` and taken from the cache. The workers share the cache's digests.
    const cachedDigests = toRead.length === 0 ? undefined : makeDigestSet(yield* store.cachedCfdiDigests)
    const readSlice = (slice: ReadonlyArray<number>) =>
      Effect.forkScoped(pool.documents(slice.map((i) => files[i]!), cachedDigests).pipe(
        Effect.mapError((error) => new InputError({ path: files[slice[0]!]!, message: error.message }))
      ))
    // the workers read the next slice while this thread takes in the current one
    let next = slices.length > 0 ? yield* readSlice(slices[0]!) : undefined
    for (const [n, slice] of slices.entries()) {
      const read = yield* Fiber.join(next!)
      if (n + 1 < slices.length) next = yield* readSlice(slices[n + 1]!)
      yield* progressAdvance("collect", slice.length)
      const hits = yield* store.cachedCfdi([...new Set(read.flatMap((r) => r.sha256 ?? []))])
      for (const [j, i] of slice.entries()) {
        // let the event loop hand the workers their next chunks now and then
        if (j % 250 === 249) yield* nextMacrotask
        const file = files[i]!
        const answer = read[j]!
        // `known` only for a cached digest; should the cache have lost it since, the file is parsed here
        const result = answer.status === "known" && !hits.has(answer.sha256) ? readCfdiFileDocument(file) : answer
        const sha256 = result.sha256
        if (sha256 !== undefined) {
          digests.set(file, sha256)
          const stamp = stamps[i]!
          if (Option.isSome(stamp)) writes.fileIndex.push({ path: file, stamp: stampOf(stamp.value), sha256 })
        }
        if (result.status !== "known") parsed++
        if (result.status === "refused") {
          exceptions.push(invalidDocument(file, result.message, result.reason))
          continue
        }
        const cachedJson = writes.cache.get(result.sha256) ?? hits.get(result.sha256)
        if (cachedJson === undefined && result.status === "read") {
          // parsed from this file: its source is already the file with its digest
          const document = fiscalDocumentFromJson(result.json)
          writes.cache.set(result.sha256, result.json)
          writes.encoded.set(document, result.json)
          documents.push({ document, sha256: result.sha256 })
          continue
        }
        const document = fiscalDocumentFromJson(cachedJson!)
        const withSource = trustedInstance(DocumentSource, { kind: "file", location: file, sha256: result.sha256 })
        documents.push({
          document: trustedInstance(FiscalDocument, { ...document, sources: [withSource] }),
          sha256: result.sha256
        })
      }
    }
    documents.sort((a, b) => (a.document.sources[0]?.location ?? "").localeCompare(b.document.sources[0]?.location ?? ""))
    return { documents, exceptions, files: files.length, parsed, inputsKey: folderInputsKey(files, digests) }
  }).pipe(Effect.scoped)

const invoicesPath = (uuid: string) => `/api/v3/transactions/${uuid}/invoices`

/** The CFDIs Clara holds for one transaction: the XML when it can be downloaded and read, else Clara's summary. */
const claraInvoices = (uuid: string, writes: CollectWrites) =>
  Effect.gen(function*() {
    const clara = yield* ClaraClient
    const documents: Array<ReadDocument> = []
    const exceptions: Array<ReconciliationException> = []
    const items = yield* clara.transactions.invoices(uuid)
    for (const item of items) {
      if (item._tag !== "Ok") {
        exceptions.push(invalidDocument(invoicesPath(uuid), item.error.message, "InvalidRecord"))
        continue
      }
      const invoice = item.value
      const location = `${invoicesPath(uuid)}#${invoice.invoiceId}`
      const withClaraFacts = (document: FiscalDocument) =>
        new FiscalDocument({
          ...document,
          claraTransactionUuids: [uuid],
          ...(invoice.xmlStatus ? { satStatus: invoice.xmlStatus } : {})
        })
      const url = invoiceXmlUrl(invoice)
      const bytes = url === undefined ? undefined : yield* clara.download(url).pipe(Effect.either)
      if (bytes !== undefined && Either.isRight(bytes)) {
        const read = yield* parseCfdi(
          bytes.right,
          new DocumentSource({ kind: "clara-invoice", location, transactionUuid: uuid }),
          writes
        )
        if (Either.isRight(read)) {
          documents.push({ ...read.right, document: withClaraFacts(read.right.document) })
          continue
        }
        exceptions.push(invalidDocument(location, read.left.message, read.left.reason))
      } else if (bytes !== undefined && Either.isLeft(bytes)) {
        yield* Effect.logWarning(`invoice XML of ${location} could not be downloaded: ${bytes.left.message}`)
      }
      const summary = invoiceToFiscalDocument(invoice, uuid)
      if (Either.isRight(summary)) documents.push({ document: withClaraFacts(summary.right), sha256: undefined })
      else exceptions.push(invalidDocument(location, summary.left.message, "InvalidRecord"))
    }
    return { documents, exceptions }
  })

/** The extracted documents Clara holds for one transaction. */
const claraExtractedDocuments = (uuid: string) =>
  Effect.gen(function*() {
    const clara = yield* ClaraClient
    const items = yield* Stream.runCollect(clara.transactions.extractedDocuments(uuid))
    const documents: Array<ReadDocument> = []
    const exceptions: Array<ReconciliationException> = []
    const location = `/api/v3/transactions/${uuid}/extracted-documents`
    for (const item of items) {
      const mapped = item._tag === "Ok" ? extractedToFiscalDocument(item.value, uuid) : Either.left(item.error)
      if (Either.isRight(mapped)) documents.push({ document: mapped.right, sha256: undefined })
      else exceptions.push(invalidDocument(location, mapped.left.message, "InvalidRecord"))
    }
    return { documents, exceptions }
  })

const claraDocuments = (
  wire: ReadonlyMap<string, TransactionResponseV3>,
  writes: CollectWrites,
  concurrency: number
) =>
  Effect.gen(function*() {
    const client = yield* Effect.serviceOption(ClaraClient)
    if (Option.isNone(client)) return { documents: [], exceptions: [] }
    const results = yield* Effect.forEach([...wire.values()], (tx) =>
      Effect.gen(function*() {
        const parts = [
          hasValue(tx.hasInvoice) ? claraInvoices(tx.uuid, writes) : undefined,
          hasValue(tx.hasExtractedDocuments) ? claraExtractedDocuments(tx.uuid) : undefined
        ].filter((p) => p !== undefined)
        const collected = yield* Effect.forEach(parts, (part) =>
          part.pipe(
            Effect.catchAll((error) =>
              Effect.succeed({
                documents: [] as Array<ReadDocument>,
                exceptions: [invalidDocument(`transaction ${tx.uuid}`, error.message, "ClaraUnavailable")]
              })
            )
          ))
        return {
          documents: collected.flatMap((c) => c.documents),
          exceptions: collected.flatMap((c) => c.exceptions)
        }
      }), { concurrency }).pipe(Effect.provideService(ClaraClient, client.value))
    return {
      documents: results.flatMap((r) => r.documents),
      exceptions: results.flatMap((r) => r.exceptions)
    }
  })

const sourceOrder = (a: ReadDocument, b: ReadDocument): number => {
  const rank = (d: ReadDocument) => (d.document.sources[0]?.kind === "file" ? 1 : 0)
  return rank(a) - rank(b) || (a.document.sources[0]?.location ?? "").localeCompare(b.document.sources[0]?.location ?? "")
}

const unique = <A>(values: ReadonlyArray<A>): Array<A> => [...new Set(values)]

/**
 * Merges documents of one identity read from several sources with identical content. Built unchecked: every field
 * comes from documents that are valid already (a status, uuids and sources taken from them).
 */
const merge = (first: FiscalDocument, more: ReadonlyArray<FiscalDocument>): FiscalDocument =>
  more.length === 0 ? first : trustedInstance(FiscalDocument, {
    ...first,
    satStatus: first.satStatus ?? more.find((d) => d.satStatus)?.satStatus,
    claraTransactionUuids: unique([first, ...more].flatMap((d) => d.claraTransactionUuids)).sort(),
    sources: [first, ...more].flatMap((d) => d.sources)
  })

/**
 * Dedupes by identity: same id and same content (same bytes, or a Clara summary of a CFDI whose XML was read) is
 * one document; a different file with an id already seen is a `DUPLICATE_CFDI` exception.
 */
export const dedupeDocuments = (read: ReadonlyArray<ReadDocument>) => {
  const byId = new Map<string, Array<ReadDocument>>()
  for (const r of read) {
    const group = byId.get(r.document.id)
    if (group === undefined) byId.set(r.document.id, [r])
    else group.push(r)
  }
  const documents: Array<FiscalDocument> = []
  const exceptions: Array<ReconciliationException> = []
  for (const id of [...byId.keys()].sort()) {
    const group = byId.get(id)!.sort(sourceOrder)
    const kept = group.find((r) => r.sha256 !== undefined) ?? group[0]!
    const same = group.filter((r) => r !== kept && (r.sha256 === undefined || r.sha256 === kept.sha256))
    for (const other of group.filter((r) => r !== kept && !same.includes(r))) {
      const location = other.document.sources[0]?.location ?? id
      exceptions.push(
        new ReconciliationException({
          code: "DUPLICATE_CFDI",
          severity: "medium",
          message: `${location} carries TimbreFiscalDigital UUID ${id}, already read from ` +
            `${kept.document.sources[0]?.location ?? "another source"} with different content`,
          documentId: id,
          location,
          suggestedAction: "Keep one stamped file per UUID; check whether one of them was altered or re-issued."
        })
      )
    }
    documents.push(merge(kept.document, same.map((r) => r.document)))
  }
  return { documents, exceptions }
}

/**
 * Collects, parses and dedupes the documents of a run. `wire` are the transactions whose Clara invoices and extracted
 * documents are fetched (at most `claraConcurrency` transactions at a time, default 4). The store is only read: the
 * parse-cache entries and file-index rows to save are returned in `writes`, for the caller's durable commit.
 * `inputsKey` pins the inputs (every file's path and SHA-256) when no Clara document was involved; when it equals
 * `previousInputsKey` (every file unchanged since that collection) the result is `unchanged` and nothing is parsed.
 * `scanKey` (paths and stamps, see `folderScanKey`) is cheaper still: when it equals `previousScanKey`, the result is
 * `unchanged` (with `previousInputsKey`) before the file index is even read.
 * Folder files are parsed on `cfdiWorkers` worker threads (see `CfdiReaderPool`). Fails with `InputError` when a
 * folder cannot be listed or a worker thread fails, `StoreError` when the store cannot be read.
 */
export const collectDocuments = (options: {
  readonly wire: ReadonlyMap<string, TransactionResponseV3>
  readonly invoiceDirs: ReadonlyArray<string>
  readonly claraConcurrency?: number
  /** Worker threads parsing CFDI files; default two per core (at most 8) from 1000 files to read, 1: this thread. */
  readonly cfdiWorkers?: number
  readonly previousInputsKey?: string | undefined
  readonly previousScanKey?: string | undefined
}) =>
  Effect.gen(function*() {
    const client = yield* Effect.serviceOption(ClaraClient)
    const listed = yield* listFolders(options.invoiceDirs)
    const scanKey = Option.isNone(client) ? folderScanKey(listed.files, listed.stamps) : undefined
    if (scanKey !== undefined && scanKey === options.previousScanKey && options.previousInputsKey !== undefined) {
      return { _tag: "Unchanged" as const, inputsKey: options.previousInputsKey, scanKey }
    }
    const scan = yield* scanFolders(listed)
    const pinned = Option.isNone(client) ? folderInputsKey(scan.files, scan.known) : undefined
    if (pinned !== undefined && pinned === options.previousInputsKey) {
      return { _tag: "Unchanged" as const, inputsKey: pinned, scanKey }
    }
    const writes: CollectWrites = { cache: new Map(), fileIndex: [], encoded: new WeakMap() }
    const fromClara = yield* claraDocuments(options.wire, writes, Math.max(1, options.claraConcurrency ?? 4))
    const fromFolders = yield* readFolderDocuments(scan, writes, options.cfdiWorkers)
    const deduped = dedupeDocuments([...fromClara.documents, ...fromFolders.documents])
    return {
      _tag: "Collected" as const,
      documents: deduped.documents,
      exceptions: [...fromClara.exceptions, ...fromFolders.exceptions, ...deduped.exceptions],
      files: fromFolders.files,
      parsed: fromFolders.parsed,
      inputsKey: Option.isNone(client) ? fromFolders.inputsKey ?? "" : "",
      scanKey,
      writes
    } as CollectedDocuments & {
      readonly inputsKey: string
      readonly scanKey: string | undefined
      readonly writes: CollectWrites
    }
  })
