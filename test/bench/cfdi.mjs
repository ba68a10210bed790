// CFDI read rate (files/s, MB/s) over a generated corpus, beside raw fast-xml-parser on the same bytes.
import { createRequire } from "node:module"
import { readCfdi } from "@clara-recon/cfdi"
import { fmt, timeIt } from "./common.mjs"

const requireFromCfdi = createRequire(new URL("../../packages/cfdi/package.json", import.meta.url))
const { XMLParser } = requireFromCfdi("fast-xml-parser")

/** Prints the read rates over `xmlFiles` (`{name, bytes}`); returns the parse results in order. */
export const run = ({ xmlFiles }) => {
  const megabytes = xmlFiles.reduce((n, f) => n + f.bytes.byteLength, 0) / 1_048_576
  const ours = timeIt(() => xmlFiles.map((f) => readCfdi(f.bytes, { path: f.name })))
  const failures = ours.result.filter((r) => r._tag === "Left").length
  const decoder = new TextDecoder()
  const raw = timeIt(() => {
    const parser = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, processEntities: false })
    return xmlFiles.map((f) => parser.parse(decoder.decode(f.bytes)))
  })
  const rate = (ms) => `${fmt(xmlFiles.length / (ms / 1000), 0)} files/s, ${fmt(megabytes / (ms / 1000), 2)} MB/s`
  console.log(`cfdi read       : ${rate(ours.ms)} (${xmlFiles.length} files, ${fmt(megabytes, 2)} MB, ${failures} refused)`)
  console.log(`fast-xml-parser : ${rate(raw.ms)} (raw parse of the same bytes, no CFDI semantics)`)
  console.log(`cfdi read / raw : ${fmt(raw.ms / ours.ms, 2)}x of raw fast-xml-parser throughput`)
  return ours.result
}
