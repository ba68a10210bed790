/**
 * Worker thread of `CfdiReaderPool`: `workerData` holds the reader's limits; each message
 * `{ kind, start, paths, cached }` is answered with `{ start, results }`, one `readCfdiFileReport` (kind `reports`) or
 * `readCfdiFileDocument` (kind `documents`, with the `cached` digests) per path, in order. Says "ready" once
 * loaded.
 */
import { parentPort, workerData } from "node:worker_threads"
import { readCfdiFileDocument, readCfdiFileReport } from "../CfdiFile.js"
import type { ReadCfdiOptions } from "../CfdiReader.js"
import type { DigestSet } from "../DigestSet.js"

const options = (workerData ?? {}) as Omit<ReadCfdiOptions, "path">
const port = parentPort
if (port !== null) {
  port.on("message", (chunk: {
    readonly kind: "reports" | "documents"
    readonly start: number
    readonly paths: ReadonlyArray<string>
    readonly cached?: DigestSet
  }) => {
    const results = chunk.kind === "reports"
      ? chunk.paths.map((path) => readCfdiFileReport(path, options))
      : chunk.paths.map((path) => readCfdiFileDocument(path, options, chunk.cached))
    port.postMessage({ start: chunk.start, results })
  })
  port.postMessage("ready")
}
