/**
 * The SAP CSV adapter's memory of what it exported, so that `find` and `verify` work for a file adapter
 * (erp.md §5.1 `find`/`verify`, §5.2 step 4 "Idempotent write algorithm", §5.3 "File rules").
 *
 * Choice: the ledger is the set of `<file base>.manifest.json` sidecars. A manifest is written last, after every CSV
 * file of its batch is in place, so a manifest that exists means its whole batch was delivered; it lists every
 * exported external key with its fingerprint and the idempotency key of the batch. `directoryLedger` reads them
 * from the output folder (durable, survives restarts, and a person can audit it); `memoryLedger` keeps the same
 * facts in process (previews, tests, or a caller that writes the artifacts itself).
 */
import { sha256Hex } from "@clara-recon/domain"
import type { Artifact, ErpError as ErpErrorType, Fingerprint, PlanWarning } from "@clara-recon/erp"
import { ErpError, redactSecrets } from "@clara-recon/erp"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import { constants as fsConstants, createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { pipeline } from "node:stream/promises"

/** The fingerprint as stored in a manifest (erp.md §5.1 `Fingerprint`). */
export const StoredFingerprint = Schema.Struct({
  hash: Schema.String,
  totals: Schema.Struct({ debit: Schema.String, credit: Schema.String }),
  lineCount: Schema.Number,
  date: Schema.String,
  currency: Schema.String
})

/**
 * What the ledger reads back from a manifest: its files (name, SHA-256), the idempotency key of the batch and the
 * fingerprint of every exported document by external key. Other manifest fields are ignored.
 */
export const LedgerManifest = Schema.Struct({
  files: Schema.Array(Schema.Struct({ name: Schema.String, sha256: Schema.String })),
  idempotencyKey: Schema.String,
  fingerprints: Schema.Record({ key: Schema.String, value: StoredFingerprint })
})
export type LedgerManifest = typeof LedgerManifest.Type

/** One exported document: the manifest (batch) that carries it, the batch's idempotency key and its fingerprint. */
export interface LedgerEntry {
  readonly externalKey: string
  readonly manifestName: string
  readonly idempotencyKey: string
  readonly fingerprint: Fingerprint
  readonly files: ReadonlyArray<{ readonly name: string; readonly sha256: string }>
}

/** One batch to record: its CSV files, then its manifest (`manifest` decodes as {@link LedgerManifest}). */
export interface LedgerBatch {
  readonly files: ReadonlyArray<Artifact>
  readonly manifest: Artifact
}

/**
 * Where exports are remembered.
 * - `identity`: the output folder, or `in-memory ledger`;
 * - `check`: whether the ledger can take a batch (folder exists and is writable), with non-blocking warnings;
 * - `lookup`: the entry of an external key, if a delivered batch carries it;
 * - `lookupMany`: the entries of several keys at once (one read of the ledger), keyed by external key;
 * - `entries`: the entry of every delivered document, keyed by external key (one read of the ledger; a snapshot that
 *   later commits do not change), for a caller that looks up many keys one at a time;
 * - `artifacts`: the stored files and manifest of a batch, in batch order (CSV files, then the manifest);
 * - `changedFiles`: the files of an entry missing or no longer matching their SHA-256, as readable differences;
 * - `commit`: delivers a batch, CSV files first, the manifest last; writing identical bytes again is a no-op. Fails
 *   with CONFLICT `EXPORT_FILE_CONFLICT` (outcome `not_applied`) when a file of that name exists with other bytes,
 *   or TRANSIENT `EXPORT_WRITE_FAILED` (outcome `unknown`: some files may be in place) when the disk refuses.
 */
export interface ExportLedger {
  readonly identity: string
  readonly check: Effect.Effect<ReadonlyArray<PlanWarning>, ErpErrorType>
  lookup(externalKey: string): Effect.Effect<Option.Option<LedgerEntry>, ErpErrorType>
  lookupMany(externalKeys: ReadonlyArray<string>): Effect.Effect<ReadonlyMap<string, LedgerEntry>, ErpErrorType>
  readonly entries: Effect.Effect<ReadonlyMap<string, LedgerEntry>, ErpErrorType>
  artifacts(manifestName: string): Effect.Effect<Option.Option<ReadonlyArray<Artifact>>, ErpErrorType>
  changedFiles(entry: LedgerEntry): Effect.Effect<ReadonlyArray<string>, ErpErrorType>
  commit(batch: LedgerBatch): Effect.Effect<void, ErpErrorType>
}

const decodeManifest = Schema.decodeUnknownOption(Schema.parseJson(LedgerManifest))

const entriesOf = (manifestName: string, manifest: LedgerManifest): ReadonlyArray<LedgerEntry> =>
  Object.entries(manifest.fingerprints).map(([externalKey, fingerprint]) => ({
    externalKey,
    manifestName,
    idempotencyKey: manifest.idempotencyKey,
    fingerprint,
    files: manifest.files
  }))

const conflict = (name: string) =>
  new ErpError({
    kind: "CONFLICT",
    outcome: "not_applied",
    retryable: false,
    code: "EXPORT_FILE_CONFLICT",
    userMessage: `The export file ${name} already exists with other content; use the next file sequence`,
    internalMessage: `refused to overwrite ${name}`,
    fieldPath: "sequence",
    remediation: { action: "fix_document", target: name }
  })

const pick = (entries: ReadonlyMap<string, LedgerEntry>, keys: ReadonlyArray<string>): ReadonlyMap<string, LedgerEntry> =>
  new Map(keys.flatMap((key) => {
    const entry = entries.get(key)
    return entry === undefined ? [] : [[key, entry] as const]
  }))

const artifactOf = (name: string, bytes: Uint8Array): Artifact => ({ name, bytes, sha256: sha256Hex(bytes) })

/**
 * A ledger held in memory: exports are remembered for the life of the value only. `check` warns
 * `LEDGER_IN_MEMORY`: a new process forgets what was exported.
 */
export const memoryLedger = (): ExportLedger => {
  const files = new Map<string, Uint8Array>()
  const batches = new Map<string, ReadonlyArray<string>>()
  const entries = new Map<string, LedgerEntry>()
  return {
    identity: "in-memory ledger",
    check: Effect.succeed([{
      code: "LEDGER_IN_MEMORY",
      message: "No output directory is configured: what is exported is forgotten when the process ends"
    }]),
    lookup: (externalKey) => Effect.sync(() => Option.fromNullable(entries.get(externalKey))),
    lookupMany: (externalKeys) => Effect.sync(() => pick(entries, externalKeys)),
    entries: Effect.sync(() => new Map(entries)),
    artifacts: (manifestName) =>
      Effect.sync(() =>
        Option.map(Option.fromNullable(batches.get(manifestName)), (names) =>
          [...names, manifestName].flatMap((name) => {
            const bytes = files.get(name)
            return bytes === undefined ? [] : [artifactOf(name, bytes)]
          }))
      ),
    changedFiles: (entry) =>
      Effect.sync(() =>
        entry.files.flatMap(({ name, sha256 }) => {
          const bytes = files.get(name)
          if (bytes === undefined) return [`file ${name} is missing`]
          return sha256Hex(bytes) === sha256 ? [] : [`file ${name} changed since it was exported`]
        })
      ),
    commit: (batch) =>
      Effect.suspend(() => {
        const all = [...batch.files, batch.manifest]
        const clash = all.find((a) => {
          const old = files.get(a.name)
          return old !== undefined && sha256Hex(old) !== a.sha256
        })
        if (clash !== undefined) return Effect.fail(conflict(clash.name))
        const manifest = decodeManifest(new TextDecoder().decode(batch.manifest.bytes))
        if (Option.isNone(manifest)) {
          return Effect.die(new Error(`the manifest ${batch.manifest.name} does not carry the ledger fields`))
        }
        for (const a of all) files.set(a.name, a.bytes)
        batches.set(batch.manifest.name, batch.files.map((a) => a.name))
        for (const entry of entriesOf(batch.manifest.name, manifest.value)) {
          if (!entries.has(entry.externalKey)) entries.set(entry.externalKey, entry)
        }
        return Effect.void
      })
  }
}

const ioError = (code: string, outcome: "not_applied" | "unknown", message: string, cause: unknown) =>
  new ErpError({
    kind: code === "OUTPUT_DIRECTORY_UNUSABLE" ? "CONFIG" : "TRANSIENT",
    outcome,
    retryable: code !== "OUTPUT_DIRECTORY_UNUSABLE",
    code,
    userMessage: message,
    internalMessage: redactSecrets(`${message}: ${cause instanceof Error ? cause.message : String(cause)}`),
    remediation: code === "OUTPUT_DIRECTORY_UNUSABLE" ?
      { action: "contact_admin", target: "outputDirectory" } :
      { action: "retry_later" }
  })

/** A failed read of `file`: none when it does not exist, else TRANSIENT `EXPORT_READ_FAILED` naming it. */
const noneIfMissing = <A>(file: string) => (cause: unknown) =>
  (cause as NodeJS.ErrnoException).code === "ENOENT" ?
    Effect.succeed(Option.none<A>()) :
    Effect.fail(ioError("EXPORT_READ_FAILED", "not_applied", `Cannot read ${path.basename(file)}`, cause))

const readIfExists = (file: string) =>
  Effect.tryPromise({
    // a Buffer is a Uint8Array: no copy (on a month of postings that is tens of MB outside the heap)
    try: () => fs.readFile(file).then((b): Option.Option<Uint8Array> => Option.some(b)),
    catch: (cause) => cause
  }).pipe(Effect.catchAll(noneIfMissing<Uint8Array>(file)))

/** Bytes read at a time by `sha256OfFile`. */
const HASH_CHUNK = 1 << 20

/**
 * The SHA-256 (hex) of a file, or none when it does not exist. Streamed in 1 MiB chunks: an export of a month
 * is tens of MB, and reading it whole for a hash kept that much memory outside the heap, which V8 counts towards a
 * full collection. Fails with TRANSIENT `EXPORT_READ_FAILED`.
 */
const sha256OfFile = (file: string) =>
  Effect.tryPromise({
    try: async () => {
      const hash = createHash("sha256")
      await pipeline(createReadStream(file, { highWaterMark: HASH_CHUNK }), hash)
      return Option.some(hash.digest("hex"))
    },
    catch: (cause) => cause
  }).pipe(Effect.catchAll(noneIfMissing<string>(file)))

/**
 * A ledger over the manifests in `outputDirectory` (absolute or relative to the working directory). Files are
 * written atomically (a temporary file in the same folder, then a rename), CSV files first and the manifest last.
 * The folder is listed on every lookup; each manifest is read once and cached (a delivered manifest is never
 * rewritten), and forgotten when its file is removed. A `.manifest.json` file that is not
 * ours (does not decode as {@link LedgerManifest}) is ignored. `check` fails with CONFIG
 * `OUTPUT_DIRECTORY_UNUSABLE` when the folder is missing, not a folder, or not writable; reads fail with TRANSIENT
 * `EXPORT_READ_FAILED`.
 */
export const directoryLedger = (outputDirectory: string): ExportLedger => {
  const directory = path.resolve(outputDirectory)
  const cache = new Map<string, ReadonlyArray<LedgerEntry>>()
  // replaced (never changed in place) by each refresh, so `entries` can hand it out
  let index: ReadonlyMap<string, LedgerEntry> = new Map()

  const refresh = Effect.gen(function*() {
    const names = yield* Effect.tryPromise({
      try: () => fs.readdir(directory),
      catch: (cause) => ioError("EXPORT_READ_FAILED", "not_applied", `Cannot list ${directory}`, cause)
    })
    const manifests = names.filter((n) => n.endsWith(".manifest.json")).sort()
    for (const name of manifests) {
      if (cache.has(name)) continue
      const bytes = yield* readIfExists(path.join(directory, name))
      const manifest = Option.flatMap(bytes, (b) => decodeManifest(new TextDecoder().decode(b)))
      cache.set(name, Option.match(manifest, { onNone: () => [], onSome: (m) => entriesOf(name, m) }))
    }
    const present = new Set(manifests)
    for (const name of [...cache.keys()]) if (!present.has(name)) cache.delete(name)
    const fresh = new Map<string, LedgerEntry>()
    for (const name of manifests) {
      for (const entry of cache.get(name) ?? []) if (!fresh.has(entry.externalKey)) fresh.set(entry.externalKey, entry)
    }
    index = fresh
  })

  const writeAtomic = (name: string, bytes: Uint8Array) =>
    Effect.tryPromise({
      try: async () => {
        const target = path.join(directory, name)
        const temp = path.join(directory, `.${name}.${process.pid}.tmp`)
        await fs.writeFile(temp, bytes)
        await fs.rename(temp, target)
      },
      catch: (cause) => ioError("EXPORT_WRITE_FAILED", "unknown", `Cannot write ${name} into ${directory}`, cause)
    })

  return {
    identity: directory,
    check: Effect.tryPromise({
      try: async () => {
        // a folder not made yet is made by the first export: its nearest existing parent must take it
        let existing = path.resolve(directory)
        while (!(await fs.stat(existing).then(() => true, () => false)) && path.dirname(existing) !== existing) {
          existing = path.dirname(existing)
        }
        const stat = await fs.stat(existing)
        if (!stat.isDirectory()) throw new Error("not a directory")
        await fs.access(existing, fsConstants.W_OK)
        return existing === path.resolve(directory) ? [] as ReadonlyArray<PlanWarning> : [{
          code: "OUTPUT_DIRECTORY_MADE_ON_FIRST_EXPORT",
          message: `The output directory ${directory} does not exist yet: the first export makes it in ${existing}`
        }]
      },
      catch: (cause) =>
        ioError(
          "OUTPUT_DIRECTORY_UNUSABLE",
          "not_applied",
          `The output directory ${directory} does not exist, is not a directory or is not writable`,
          cause
        )
    }),
    lookup: (externalKey) => Effect.map(refresh, () => Option.fromNullable(index.get(externalKey))),
    lookupMany: (externalKeys) => Effect.map(refresh, () => pick(index, externalKeys)),
    entries: Effect.map(refresh, () => index),
    artifacts: (manifestName) =>
      Effect.gen(function*() {
        yield* refresh
        const entries = cache.get(manifestName)
        const manifestBytes = yield* readIfExists(path.join(directory, manifestName))
        if (entries === undefined || Option.isNone(manifestBytes)) return Option.none()
        const manifest = decodeManifest(new TextDecoder().decode(manifestBytes.value))
        if (Option.isNone(manifest)) return Option.none()
        const files: Array<Artifact> = []
        for (const file of manifest.value.files) {
          const bytes = yield* readIfExists(path.join(directory, file.name))
          if (Option.isNone(bytes)) return Option.none()
          files.push(artifactOf(file.name, bytes.value))
        }
        return Option.some([...files, artifactOf(manifestName, manifestBytes.value)])
      }),
    changedFiles: (entry) =>
      Effect.forEach(entry.files, ({ name, sha256 }) =>
        Effect.map(sha256OfFile(path.join(directory, name)), (digest) =>
          Option.match(digest, {
            onNone: () => [`file ${name} is missing from ${directory}`],
            onSome: (d) => (d === sha256 ? [] : [`file ${name} changed since it was exported`])
          }))).pipe(Effect.map((lists) => lists.flat())),
    commit: (batch) =>
      Effect.gen(function*() {
        const all = [...batch.files, batch.manifest]
        const existing = yield* Effect.forEach(all, (a) => sha256OfFile(path.join(directory, a.name)))
        const clash = all.find((a, i) => {
          const old = existing[i]
          return old !== undefined && Option.isSome(old) && old.value !== a.sha256
        })
        if (clash !== undefined) return yield* conflict(clash.name)
        for (const [i, a] of all.entries()) {
          if (Option.isNone(existing[i] ?? Option.none())) yield* writeAtomic(a.name, a.bytes)
        }
        yield* refresh
      })
  }
}
