/**
 * Worker thread of `CfdiReaderPool`: `workerData` holds the reader's limits; each message
 * `{ kind, call, start, paths, cached }` is answered with `{ call, start, results }`, one `readCfdiFileReport`
 * (kind `reports`) or `readCfdiFileDocument` (kind `documents`, with the `cached` digests) per path, in order. Says
 * "ready" once loaded.
 */
import { getPriority, setPriority } from "node:os"
import { parentPort, workerData } from "node:worker_threads"
import { readCfdiFileDocument, readCfdiFileReport } from "../CfdiFile.js"
import type { ReadCfdiOptions } from "../CfdiReader.js"
import type { DigestSet } from "../DigestSet.js"

const options = (workerData ?? {}) as Omit<ReadCfdiOptions, "path">
const port = parentPort
// Below the calling thread's priority (nice + 10): the workers take what CPU the calling thread leaves, so that it
// keeps its core for other work while they read ahead. Only on Linux, where the nice value is the thread's own;
// elsewhere it would lower the whole process.
if (process.platform === "linux") {
  try {
    setPriority(Math.min(19, getPriority() + 10))
  } catch {
    // not allowed here: keep the priority
  }
}
if (port !== null) {
  port.on("message", (chunk: {
    readonly kind: "reports" | "documents"
    readonly call: number
    readonly start: number
    readonly paths: ReadonlyArray<string>
    readonly cached?: DigestSet
  }) => {
    const results = chunk.kind === "reports"
      ? chunk.paths.map((path) => readCfdiFileReport(path, options))
      : chunk.paths.map((path) => readCfdiFileDocument(path, options, chunk.cached))
    port.postMessage({ call: chunk.call, start: chunk.start, results })
  })
  port.postMessage("ready")
}
