// Worker of the `cfdi` bench's parallel folder mode: reads and parses the files it is sent (readCfdi + map to
// FiscalDocument) and answers with counts only, so the measure is the reading, not the structured clone of results.
import { readFileSync } from "node:fs"
import { parentPort } from "node:worker_threads"
import { readCfdi, toFiscalDocument } from "@clara-recon/cfdi"
import { DocumentSource, trustedInstance } from "@clara-recon/domain"

parentPort.on("message", (paths) => {
  let read = 0
  let refused = 0
  for (const path of paths) {
    const result = readCfdi(readFileSync(path), { path })
    if (result._tag === "Right") {
      toFiscalDocument(result.right, trustedInstance(DocumentSource, { kind: "file", location: path }))
      read++
    } else refused++
  }
  parentPort.postMessage({ read, refused })
})
parentPort.postMessage("ready")
