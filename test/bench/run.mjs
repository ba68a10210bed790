// `pnpm bench`: throughput and time of the hot paths, each beside a baseline measured in the same run on the same
// data, so the ratios hold on any machine. Not a test: it prints figures and never fails on a number.
//   - CFDI read rate (files/s, MB/s) over a generated corpus, beside raw fast-xml-parser on the same bytes;
//   - the matcher on the emulator's scenario (~10k x 8k CFDIs of 40 merchants in one month: dense) and on the
//     matcher's own synthetic 10k x 10k world (sparser, more merchants).
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
import { readCfdi, toFiscalDocument } from "@clara-recon/cfdi"
import { toCardTransaction } from "@clara-recon/clara"
import { DocumentSource } from "@clara-recon/domain"
import { generateScenario as syntheticMatcherScenario, match } from "@clara-recon/matcher"
import { generateScenario } from "@clara-recon/sandbox"

const requireFromCfdi = createRequire(new URL("../../packages/cfdi/package.json", import.meta.url))
const { XMLParser } = requireFromCfdi("fast-xml-parser")

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const size = arg("size", 10_000)
const seed = arg("seed", 42)

const timeIt = (fn, rounds = 3) => {
  let best = Infinity
  let result
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now()
    result = fn()
    best = Math.min(best, performance.now() - t0)
  }
  return { ms: best, result }
}
const fmt = (n, d = 1) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d })

console.log(`clara-recon bench (node ${process.version}, seed ${seed}, ${size} transactions)`)
const t0 = performance.now()
const scenario = generateScenario({ seed, size })
const xmlFiles = [
  ...Object.values(scenario.invoices).flat().map((i) => i.xml),
  ...scenario.folderCfdis
].filter((f) => f.bytes !== undefined)
console.log(`scenario: ${scenario.transactions.length} transactions, ${xmlFiles.length} CFDI files ` +
  `(generated in ${fmt((performance.now() - t0) / 1000, 2)} s)`)

// 1. CFDI read rate
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

// 2. Matcher 10k x 10k
const transactions = scenario.transactions.map(toCardTransaction).filter((e) => e._tag === "Right").map((e) => e.right)
const documents = []
for (const [i, r] of ours.result.entries()) {
  if (r._tag === "Right") {
    documents.push(toFiscalDocument(r.right, new DocumentSource({ kind: "file", location: xmlFiles[i].name })))
  }
}
const unique = [...new Map(documents.map((d) => [d.id, d])).values()]
const emulatorRun = timeIt(() => match({ transactions, documents: unique, asOf: "2026-11-22" }))
const result = emulatorRun.result
const rss = process.memoryUsage().rss / 1_048_576
console.log(`matcher         : ${transactions.length} x ${unique.length} in ${fmt(emulatorRun.ms / 1000, 2)} s ` +
  `(best of 3; ${result.links.length} auto-linked, ${result.suggestions.length} suggested, ` +
  `${result.exceptions.length} exceptions; RSS ${fmt(rss, 0)} MB)`)

const synthetic = syntheticMatcherScenario({ seed, transactions: size })
const syntheticRun = timeIt(() => match({ transactions: synthetic.transactions, documents: synthetic.documents, asOf: synthetic.asOf }))
const correct = syntheticRun.result.links.filter((l) => synthetic.truth.get(l.transactionUuid) === l.documentId).length
console.log(`matcher (synth) : ${synthetic.transactions.length} x ${synthetic.documents.length} in ` +
  `${fmt(syntheticRun.ms / 1000, 2)} s (best of 3; ${syntheticRun.result.links.length} auto-linked, ${correct} of them right)`)
