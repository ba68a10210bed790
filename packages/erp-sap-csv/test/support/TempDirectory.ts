/**
 * A fresh folder under the system's temporary directory, removed with its contents when the scope closes, pass or
 * fail (test support; this package does not depend on `@effect/platform`, whose `makeTempDirectoryScoped` does the
 * same).
 */
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"

export const tempDirectory = (prefix: string) =>
  Effect.acquireRelease(
    Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
  )
