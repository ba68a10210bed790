/**
 * Worker thread of `CfdiReaderPool`: `workerData` holds the reader's limits; each message `{ start, paths }` is
 * answered with `{ start, reports }`, one `readCfdiFileReport` per path in order. Says "ready" once loaded.
 */
import { parentPort, workerData } from "node:worker_threads"
import { readCfdiFileReport } from "../CfdiFileReport.js"
import type { ReadCfdiOptions } from "../CfdiReader.js"

const options = (workerData ?? {}) as Omit<ReadCfdiOptions, "path">
const port = parentPort
if (port !== null) {
  port.on("message", (chunk: { readonly start: number; readonly paths: ReadonlyArray<string> }) => {
    port.postMessage({ start: chunk.start, reports: chunk.paths.map((path) => readCfdiFileReport(path, options)) })
  })
  port.postMessage("ready")
}
