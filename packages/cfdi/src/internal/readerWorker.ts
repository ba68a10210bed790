/**
 * Worker thread of `CfdiReaderPool`: `workerData` holds the reader's limits; each message
 * `{ kind, start, paths, known }` is answered with `{ start, results }`, one `readCfdiFileReport` (kind `reports`) or
 * `readCfdiFileDocument` (kind `documents`, with the path's `known` digest) per path, in order. Says "ready" once
 * loaded.
 */
import { parentPort, workerData } from "node:worker_threads"
import { readCfdiFileDocument, readCfdiFileReport } from "../CfdiFile.js"
import type { ReadCfdiOptions } from "../CfdiReader.js"

const options = (workerData ?? {}) as Omit<ReadCfdiOptions, "path">
const port = parentPort
if (port !== null) {
  port.on("message", (chunk: {
    readonly kind: "reports" | "documents"
    readonly start: number
    readonly paths: ReadonlyArray<string>
    readonly known?: ReadonlyArray<string | undefined>
  }) => {
    const results = chunk.kind === "reports"
      ? chunk.paths.map((path) => readCfdiFileReport(path, options))
      : chunk.paths.map((path, i) => readCfdiFileDocument(path, options, chunk.known?.[i]))
    port.postMessage({ start: chunk.start, results })
  })
  port.postMessage("ready")
}
