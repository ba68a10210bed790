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
import {
  type CfdiFileDocument,
  makeCfdiReaderPool,
  makeDigestSet,
  readCfdi,
  readCfdiFileDocument,
  toFiscalDocument
} from "@clara-recon/cfdi"
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

/** Files read taken in per parse-cache look-up. */
const READ_SLICE = 2000

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

/**
 * The folder part of a collection, begun before the rest (`beginFolderRead`): the files are unchanged since the
 * previous collection, or the files to read are being read on worker threads.
 */
export type FolderRead =
  | { readonly _tag: "Unchanged"; readonly inputsKey: string; readonly scanKey: string | undefined }
  | {
    readonly _tag: "Reading"
    readonly scanKey: string | undefined
    readonly scan: FolderScan
    /** SHA-256 -> cached document JSON, for the files whose stamp the file index knows. */
    readonly cached: ReadonlyMap<string, string>
    /** Indexes (in `scan.files`) of the files being read: the others are taken from the cache. */
    readonly toRead: ReadonlyArray<number>
    /** The answer for each file of `toRead`, in order, once read. */
    readonly read: Effect.Effect<ReadonlyArray<CfdiFileDocument>, InputError>
  }

/**
 * Begins the folder part of a collection: lists the `.xml` files under `invoiceDirs` (recursively, sorted) with
 * their stamps; when no Clara client is present and the files are those of the previous collection (`previousScanKey`
 * on paths and stamps, else `previousInputsKey` on paths and the file index's digests), answers `Unchanged`.
 * Otherwise it starts reading, hashing and parsing every file the parse cache cannot give by its stamp, on worker
 * threads (two per core from 1000 files, `cfdiWorkers` to choose), and returns at once: the threads go on reading
 * while the caller does other work (the job's sync step), until the scope closes. Fails with `InputError` when a
 * folder cannot be listed or a worker thread cannot start, `StoreError` when the store cannot be read.
 */
export const beginFolderRead = (options: {
  readonly invoiceDirs: ReadonlyArray<string>
  readonly cfdiWorkers?: number | undefined
  readonly previousInputsKey?: string | undefined
  readonly previousScanKey?: string | undefined
}) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const client = yield* Effect.serviceOption(ClaraClient)
    const listed = yield* listFolders(options.invoiceDirs)
    const scanKey = Option.isNone(client) ? folderScanKey(listed.files, listed.stamps) : undefined
    if (scanKey !== undefined && scanKey === options.previousScanKey && options.previousInputsKey !== undefined) {
      return { _tag: "Unchanged", inputsKey: options.previousInputsKey, scanKey } satisfies FolderRead
    }
    const scan = yield* scanFolders(listed)
    const pinned = Option.isNone(client) ? folderInputsKey(scan.files, scan.known) : undefined
    if (pinned !== undefined && pinned === options.previousInputsKey) {
      return { _tag: "Unchanged", inputsKey: pinned, scanKey } satisfies FolderRead
    }
    const cached = yield* store.cachedCfdi([...new Set(scan.known.values())])
    const toRead = scan.files.flatMap((file, i) => {
      const knownSha = scan.known.get(file)
      return knownSha !== undefined && cached.has(knownSha) ? [] : [i]
    })
    if (toRead.length === 0) {
      return { _tag: "Reading", scanKey, scan, cached, toRead, read: Effect.succeed([]) } satisfies FolderRead
    }
    const paths = toRead.map((i) => scan.files[i]!)
    const workers = options.cfdiWorkers ?? (toRead.length >= PARALLEL_FROM ? undefined : 1)
    const pool = yield* makeCfdiReaderPool(workers === undefined ? {} : { workers }).pipe(
      Effect.mapError((error) => new InputError({ path: paths[0]!, message: error.message }))
    )
    // Every file is hashed before it is parsed: one whose bytes the parse cache holds (touched, copied, renamed,
    // moved to another folder) is answered `known` and taken from the cache. The workers share the cache's digests.
    const cachedDigests = makeDigestSet(yield* store.cachedCfdiDigests)
    const reading = yield* Effect.forkScoped(pool.documents(paths, cachedDigests).pipe(
      Effect.mapError((error) => new InputError({ path: paths[0]!, message: error.message }))
    ))
    // let the reading fiber hand the workers their chunks before the caller goes on
    yield* Effect.yieldNow()
    return { _tag: "Reading", scanKey, scan, cached, toRead, read: Fiber.join(reading) } satisfies FolderRead
  })

/**
 * Finishes the folder part begun by `beginFolderRead`: the documents of the files (from the cache or as read), and
 * an `INVALID_DOCUMENT` exception for each file that is not a readable CFDI. Cached documents are taken by stamp or,
 * for a file read and hashed, by digest: every path gives the same document.
 */
const readFolderDocuments = (folders: Extract<FolderRead, { _tag: "Reading" }>, writes: CollectWrites) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const { cached, scan, toRead } = folders
    const { files, known, stamps } = scan
    const digests = new Map(known)
    const documents: Array<ReadDocument> = []
    /** Files parsed: neither their stamp nor their digest was known with a cached document. */
    let parsed = 0
    const exceptions: Array<ReconciliationException> = []
    const reading = new Set(toRead)
    for (const [i, file] of files.entries()) {
      if (reading.has(i)) continue
      const knownSha = known.get(file)!
      const document = fiscalDocumentFromJson(cached.get(knownSha)!)
      const withSource = new DocumentSource({ kind: "file", location: file, sha256: knownSha })
      documents.push({
        document: trustedInstance(FiscalDocument, { ...document, sources: [withSource] }),
        sha256: knownSha
      })
    }
    yield* progressTotal("collect", files.length, "files")
    yield* progressAdvance("collect", files.length - toRead.length)
    const answers = yield* folders.read
    // in slices, with one cache look-up per slice
    for (let start = 0; start < toRead.length; start += READ_SLICE) {
      const slice = toRead.slice(start, start + READ_SLICE)
      const read = answers.slice(start, start + READ_SLICE)
      yield* progressAdvance("collect", slice.length)
      const hits = yield* store.cachedCfdi([...new Set(read.flatMap((r) => r.sha256 ?? []))])
      for (const [j, i] of slice.entries()) {
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
  })

const invoicesPath = (uuid: string) => `/api/v3/transactions/${uuid}/invoices`

/**
 * The CFDIs Clara holds for one transaction: the XML when it can be downloaded and read; Clara's summary when there
 * is no XML or its download failed; nothing but an INVALID_DOCUMENT exception when the XML was read and refused.
 */
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
        // the XML itself was refused (unstamped, not a CFDI, unsafe...): Clara's summary of it backs no charge
        // either (cfdi.md §1.6)
        exceptions.push(invalidDocument(location, read.left.message, read.left.reason))
        continue
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
 * Collects, parses and dedupes the documents of a run: the folder part `folders` (begun by `beginFolderRead`), and
 * Clara's documents of `wire`, the transactions whose Clara invoices and extracted documents are fetched (at most
 * `claraConcurrency` transactions at a time, default 4). The store is only read: the parse-cache entries and
 * file-index rows to save are returned in `writes`, for the caller's durable commit. `inputsKey` pins the inputs
 * (every file's path and SHA-256) when no Clara document was involved. When the folders are `Unchanged`, so is the
 * result, and nothing is parsed. Fails with `InputError` when a worker thread fails, `StoreError` when the store
 * cannot be read.
 */
export const collectDocuments = (options: {
  readonly wire: ReadonlyMap<string, TransactionResponseV3>
  readonly folders: FolderRead
  readonly claraConcurrency?: number
}) =>
  Effect.gen(function*() {
    const { folders } = options
    if (folders._tag === "Unchanged") return folders
    const client = yield* Effect.serviceOption(ClaraClient)
    const writes: CollectWrites = { cache: new Map(), fileIndex: [], encoded: new WeakMap() }
    const fromClara = yield* claraDocuments(options.wire, writes, Math.max(1, options.claraConcurrency ?? 4))
    const fromFolders = yield* readFolderDocuments(folders, writes)
    const deduped = dedupeDocuments([...fromClara.documents, ...fromFolders.documents])
    return {
      _tag: "Collected" as const,
      documents: deduped.documents,
      exceptions: [...fromClara.exceptions, ...fromFolders.exceptions, ...deduped.exceptions],
      files: fromFolders.files,
      parsed: fromFolders.parsed,
      inputsKey: Option.isNone(client) ? fromFolders.inputsKey ?? "" : "",
      scanKey: folders.scanKey,
      writes
    } as CollectedDocuments & {
      readonly inputsKey: string
      readonly scanKey: string | undefined
      readonly writes: CollectWrites
    }
  })
