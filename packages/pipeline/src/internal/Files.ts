import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { statSync } from "node:fs"
import { open, readdir } from "node:fs/promises"
import { join } from "node:path"
import { OutputError } from "../PipelineError.js"

/**
 * Writes a file atomically (temporary file + rename in the same folder), creating the folder when missing. `data`
 * may be several byte arrays, written one after the other (no copy into one buffer); text is written as
 * `writeFileAtomicParts` writes it.
 */
export const writeFileAtomic = (path: string, data: Uint8Array | string | ReadonlyArray<Uint8Array>) =>
  typeof data === "string" ? writeFileAtomicParts(path, [data]) : writeBytesAtomic(path, data)

const writeBytesAtomic = (path: string, data: Uint8Array | ReadonlyArray<Uint8Array>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const parts = data instanceof Uint8Array ? [data] : data
    const tmp = `${path}.tmp-${process.pid}`
    yield* fs.makeDirectory(paths.dirname(path), { recursive: true })
    if (parts.length === 1) yield* fs.writeFile(tmp, parts[0]!)
    else {
      yield* Effect.scoped(Effect.flatMap(fs.open(tmp, { flag: "w" }), (file) =>
        Effect.forEach(parts, (part) => file.writeAll(part), { discard: true })))
    }
    yield* fs.rename(tmp, path)
  }).pipe(
    Effect.mapError((cause) => new OutputError({ path, message: `cannot write ${path}: ${cause.message}` }))
  )

/** Bytes compared at a time by `fileHolds`. */
const COMPARE_CHUNK = 1 << 20

/**
 * Whether the file at `path` holds exactly `bytes` (false when it is missing or cannot be read). Compared in chunks
 * after the size: a month's export is tens of MB, and reading it whole kept that much memory outside the heap, which
 * V8 counts towards a full collection.
 */
export const fileHolds = (path: string, bytes: Uint8Array): Effect.Effect<boolean> =>
  Effect.promise(async () => {
    const handle = await open(path, "r").catch(() => undefined)
    if (handle === undefined) return false
    try {
      if ((await handle.stat()).size !== bytes.length) return false
      const buffer = Buffer.allocUnsafe(Math.min(COMPARE_CHUNK, bytes.length))
      for (let at = 0; at < bytes.length;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, bytes.length - at), at)
        if (bytesRead === 0 || buffer.compare(bytes, at, at + bytesRead, 0, bytesRead) !== 0) return false
        at += bytesRead
      }
      return true
    } catch {
      return false
    } finally {
      await handle.close()
    }
  })

/** What the job needs of a file's metadata: folder or not, size in bytes, modification time in milliseconds. */
export interface FileStat {
  readonly isDirectory: boolean
  readonly size: number
  readonly mtimeMs: number
}

/** Files stat'ed between two yields to the scheduler by `statFiles`. */
const STAT_SLICE = 2048

/**
 * The metadata of each path (none for a path that cannot be stat'ed), in order. Synchronous `stat` calls in slices
 * with a yield between them: on a folder of 100k files this is several times faster than one asynchronous call (or
 * fiber) per file, whose round trips through the thread pool dominate.
 */
export const statFiles = (paths: ReadonlyArray<string>): Effect.Effect<Array<Option.Option<FileStat>>> =>
  Effect.gen(function*() {
    const out: Array<Option.Option<FileStat>> = []
    for (let i = 0; i < paths.length; i += STAT_SLICE) {
      if (i > 0) yield* Effect.yieldNow()
      for (const p of paths.slice(i, i + STAT_SLICE)) {
        const st = statSync(p, { throwIfNoEntry: false })
        out.push(
          st === undefined
            ? Option.none()
            : Option.some({ isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtime.getTime() })
        )
      }
    }
    return out
  }).pipe(Effect.catchAllDefect(() => Effect.sync(() => statFilesOneByOne(paths))))

/** `statFiles` when a slice throws (a permission error): each path on its own, an unreadable one as none. */
const statFilesOneByOne = (paths: ReadonlyArray<string>): Array<Option.Option<FileStat>> =>
  paths.map((p) => {
    try {
      const st = statSync(p)
      return Option.some<FileStat>({ isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtime.getTime() })
    } catch {
      return Option.none<FileStat>()
    }
  })

/**
 * The paths (relative to `dir`, `/`-separated) of everything under `dir` that is not a folder, recursively, one
 * `readdir` with file types per folder (Node's recursive `readdir` looks each entry up again, several times slower
 * on 100k files). Symbolic links are listed, not followed. Fails with the first folder that cannot be read.
 */
export const listFilesRecursive = (dir: string): Effect.Effect<Array<string>, Error> =>
  Effect.tryPromise({
    try: async () => {
      const out: Array<string> = []
      const walk = async (folder: string, prefix: string): Promise<void> => {
        for (const entry of await readdir(folder, { withFileTypes: true })) {
          const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`
          if (entry.isDirectory()) await walk(join(folder, entry.name), rel)
          else out.push(rel)
        }
      }
      await walk(dir, "")
      return out
    },
    catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause)))
  })

/** Text gathered before one write to the file (characters), for `writeFileAtomicParts`. */
const WRITE_BATCH = 1 << 20

/** Bytes of the buffer `writeFileAtomicParts` encodes into: a batch of one-byte characters in one go. */
const ENCODE_BUFFER = 4 << 20

/**
 * Writes a file atomically from text parts, in batches of about 1 MiB, so a large report is never one string in
 * memory (V8 caps a string at about 512 MiB). Each batch is encoded as UTF-8 into one buffer, reused for the whole
 * file: a fresh array per batch is memory outside the heap that V8 counts, and hundreds of MB of it made it run
 * extra full collections of a 1 GB heap. Same temporary-file-and-rename as `writeFileAtomic`.
 */
export const writeFileAtomicParts = (path: string, parts: Iterable<string>) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const tmp = `${path}.tmp-${process.pid}`
    yield* fs.makeDirectory(paths.dirname(path), { recursive: true })
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* fs.open(tmp, { flag: "w" })
      const encoder = new TextEncoder()
      let buffer = new Uint8Array(0)
      const write = (text: string) =>
        Effect.gen(function*() {
          // at most 3 bytes per UTF-16 code unit: a small file gets a small buffer
          if (buffer.length < ENCODE_BUFFER && buffer.length < 3 * text.length) {
            buffer = new Uint8Array(Math.min(ENCODE_BUFFER, 3 * text.length))
          }
          // `encodeInto` stops before a character that does not fit whole (a surrogate pair is never split)
          for (let rest = text; rest.length > 0;) {
            const { read, written } = encoder.encodeInto(rest, buffer)
            yield* file.writeAll(buffer.subarray(0, written))
            rest = rest.slice(read)
          }
        })
      let batch: Array<string> = []
      let size = 0
      for (const part of parts) {
        batch.push(part)
        size += part.length
        if (size < WRITE_BATCH) continue
        yield* write(batch.join(""))
        batch = []
        size = 0
      }
      if (batch.length > 0) yield* write(batch.join(""))
    }))
    yield* fs.rename(tmp, path)
  }).pipe(
    Effect.mapError((cause) => new OutputError({ path, message: `cannot write ${path}: ${cause.message}` }))
  )

/**
 * Gives `to` the content of `from` without rewriting it: a hard link (a new name for the same bytes; the job never
 * changes a written file in place, it replaces it by rename), or a copy where links are not possible. Atomic like
 * `writeFileAtomic`.
 */
export const linkOrCopyAtomic = (from: string, to: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const tmp = `${to}.tmp-${process.pid}`
    yield* fs.makeDirectory(paths.dirname(to), { recursive: true })
    yield* fs.remove(tmp, { force: true })
    yield* fs.link(from, tmp).pipe(Effect.orElse(() => fs.copyFile(from, tmp)))
    yield* fs.rename(tmp, to)
  }).pipe(
    Effect.mapError((cause) => new OutputError({ path: to, message: `cannot write ${to}: ${cause.message}` }))
  )

/** Points `link` (a symbolic link) at `target`, replacing an older link. */
export const replaceSymlink = (target: string, link: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const tmp = `${link}.tmp-${process.pid}`
    yield* fs.remove(tmp, { force: true })
    yield* fs.symlink(target, tmp)
    yield* fs.rename(tmp, link)
  }).pipe(
    Effect.mapError((cause) => new OutputError({ path: link, message: `cannot update ${link}: ${cause.message}` }))
  )

const TEMPORARY = /\.tmp-\d+$/

/**
 * Removes the temporary files (`<name>.tmp-<pid>`) a killed attempt left under `dir` (recursively), so a resumed run
 * leaves the same files as an uninterrupted one. A missing folder is fine.
 */
export const removeStaleTemporaries = (dir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    if (!(yield* fs.exists(dir))) return
    const entries = yield* fs.readDirectory(dir, { recursive: true })
    for (const entry of entries.filter((e) => TEMPORARY.test(e))) {
      yield* fs.remove(paths.join(dir, entry), { force: true })
    }
  }).pipe(
    Effect.mapError((cause) => new OutputError({ path: dir, message: `cannot clean ${dir}: ${cause.message}` }))
  )
