import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import { OutputError } from "../PipelineError.js"

/** Writes a file atomically (temporary file + rename in the same folder), creating the folder when missing. */
export const writeFileAtomic = (path: string, data: Uint8Array | string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data
    const tmp = `${path}.tmp-${process.pid}`
    yield* fs.makeDirectory(paths.dirname(path), { recursive: true })
    yield* fs.writeFile(tmp, bytes)
    yield* fs.rename(tmp, path)
  }).pipe(
    Effect.mapError((cause) => new OutputError({ path, message: `cannot write ${path}: ${cause.message}` }))
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
