/**
 * A fresh folder under the system's temporary directory, removed with its contents when the scope closes, pass or
 * fail (test support): the platform's `FileSystem.makeTempDirectoryScoped`, on the Node file system.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { NodeFileSystem } from "@effect/platform-node"
import { Effect } from "effect"

export const tempDirectory = (prefix: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix })).pipe(
    Effect.provide(NodeFileSystem.layer)
  )
