/**
 * Worker thread of `CfdiReaderPool`: `workerData` holds the reader's limits; each message `{ kind, start, paths }` is
 * answered with `{ start, results }`, one `readCfdiFileReport` (kind `reports`) or `readCfdiFileDocument` (kind
 * `documents`) per path, in order. Says "ready" once loaded.
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
  }) => {
    const read = chunk.kind === "reports" ? readCfdiFileReport : readCfdiFileDocument
    port.postMessage({ start: chunk.start, results: chunk.paths.map((path) => read(path, options)) })
  })
  port.postMessage("ready")
}
