/**
 * The folder scan behind the collect step on a real temporary folder: every file under nested folders (folders
 * themselves left out, even one named like a CFDI), stamps of files and folders, none for a missing path; and the
 * atomic writes the reports use (several byte parts, text parts encoded across buffer bounds, a link or copy).
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  fileHolds,
  linkOrCopyAtomic,
  listFilesRecursive,
  statFiles,
  writeFileAtomic,
  writeFileAtomicParts
} from "../src/internal/Files.js"

const tree = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-files-"))
  fs.mkdirSync(path.join(dir, "2026", "01", "odd.xml"), { recursive: true })
  fs.writeFileSync(path.join(dir, "top.xml"), "<a/>")
  fs.writeFileSync(path.join(dir, "2026", "01", "deep.XML"), "<b/>")
  fs.writeFileSync(path.join(dir, "2026", "notes.txt"), "x")
  return dir
}

describe("folder scan", () => {
  it.effect("lists every file under nested folders, relative and /-separated, never a folder", () => {
    const dir = tree()
    return Effect.gen(function*() {
      const files = (yield* listFilesRecursive(dir)).sort()
      assert.deepStrictEqual(files, ["2026/01/deep.XML", "2026/notes.txt", "top.xml"])
      const missing = yield* Effect.flip(listFilesRecursive(path.join(dir, "nope")))
      assert.match(missing.message, /ENOENT/)
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })

  it.effect("stats files and folders in order, none for a missing path", () => {
    const dir = tree()
    return Effect.gen(function*() {
      const [file, folder, missing] = yield* statFiles([
        path.join(dir, "top.xml"),
        path.join(dir, "2026", "01", "odd.xml"),
        path.join(dir, "gone.xml")
      ])
      const info = Option.getOrThrow(file!)
      assert.deepStrictEqual([info.isDirectory, info.size], [false, 4])
      assert.strictEqual(info.mtimeMs, fs.statSync(path.join(dir, "top.xml")).mtime.getTime())
      assert.isTrue(Option.getOrThrow(folder!).isDirectory)
      assert.isTrue(Option.isNone(missing!))
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })
})

describe("atomic writes", () => {
  it.effect("writes byte parts and text parts in order, and links or copies a file, leaving no temporary file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-files-"))
    return Effect.gen(function*() {
      yield* writeFileAtomic(path.join(dir, "a.html"), [Buffer.from("<head>"), Buffer.from("<body>")])
      assert.strictEqual(fs.readFileSync(path.join(dir, "a.html"), "utf8"), "<head><body>")
      const many = Array.from({ length: 5000 }, (_, i) => `line ${i} ${"x".repeat(300)}\n`)
      yield* writeFileAtomicParts(path.join(dir, "sub", "b.txt"), many)
      assert.strictEqual(fs.readFileSync(path.join(dir, "sub", "b.txt"), "utf8"), many.join(""))
      yield* linkOrCopyAtomic(path.join(dir, "a.html"), path.join(dir, "other", "a.html"))
      assert.strictEqual(fs.readFileSync(path.join(dir, "other", "a.html"), "utf8"), "<head><body>")
      // replacing the original (as every write does: rename) leaves the carried-over file as it was
      yield* writeFileAtomic(path.join(dir, "a.html"), "changed")
      assert.strictEqual(fs.readFileSync(path.join(dir, "other", "a.html"), "utf8"), "<head><body>")
      const leftovers = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).includes(".tmp-"))
      assert.deepStrictEqual(leftovers, [])
    }).pipe(
      Effect.provide(NodeContext.layer),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })

  it.effect("encodes text parts as UTF-8 across its buffer's bounds, never splitting a character", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-files-"))
    // parts larger than the 4 MiB encode buffer, in 4-byte (a surrogate pair) and 3-byte characters, behind 0 to 3
    // ASCII characters so that the buffer's end falls at every offset inside a character; then small parts
    const parts = ["😀".repeat(1_100_000), "€".repeat(1_750_001), ...Array.from("😀ñ".repeat(40)), "Cañón ", "", "fin\n"]
    const file = path.join(dir, "c.txt")
    return Effect.gen(function*() {
      for (const shift of ["", "a", "ab", "abc"]) {
        yield* writeFileAtomicParts(file, [shift, ...parts])
        const written = fs.readFileSync(file)
        assert.isTrue(written.equals(Buffer.from([shift, ...parts].join(""), "utf8")), `shift ${shift.length}`)
      }
    }).pipe(
      Effect.provide(NodeContext.layer),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })

  it.effect("tells whether a file holds given bytes, compared in chunks past the first MiB", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-files-"))
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251)
    const file = path.join(dir, "export.csv")
    fs.writeFileSync(file, bytes)
    return Effect.gen(function*() {
      assert.isTrue(yield* fileHolds(file, bytes))
      const late = bytes.slice()
      late[late.length - 5] = (late[late.length - 5]! + 1) % 256
      assert.isFalse(yield* fileHolds(file, late), "differs in the last chunk")
      assert.isFalse(yield* fileHolds(file, bytes.subarray(0, bytes.length - 1)), "shorter")
      assert.isFalse(yield* fileHolds(path.join(dir, "missing.csv"), bytes))
      fs.writeFileSync(path.join(dir, "empty.csv"), "")
      assert.isTrue(yield* fileHolds(path.join(dir, "empty.csv"), new Uint8Array(0)))
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })
})
