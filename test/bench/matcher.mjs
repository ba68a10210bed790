// The matcher on the emulator's scenario (~10k x 8k CFDIs of 40 merchants in one month: dense) and on the matcher's
// own synthetic 10k x 10k world (sparser, more merchants).
import { readCfdi, toFiscalDocument } from "@clara-recon/cfdi"
import { toCardTransaction } from "@clara-recon/clara"
import { DocumentSource } from "@clara-recon/domain"
import { generateScenario as syntheticMatcherScenario, match } from "@clara-recon/matcher"
import { fmt, rssMb, timeIt } from "./common.mjs"

/** Prints matcher timings for the emulator scenario (its CFDIs parsed unless `parsed` is given) and a synthetic world. */
export const run = ({ seed, size, scenario, xmlFiles, parsed }) => {
  const transactions = scenario.transactions.map(toCardTransaction).filter((e) => e._tag === "Right").map((e) => e.right)
  const documents = []
  const reads = parsed ?? xmlFiles.map((f) => readCfdi(f.bytes, { path: f.name }))
  for (const [i, r] of reads.entries()) {
    if (r._tag === "Right") {
      documents.push(toFiscalDocument(r.right, new DocumentSource({ kind: "file", location: xmlFiles[i].name })))
    }
  }
  const unique = [...new Map(documents.map((d) => [d.id, d])).values()]
  const emulatorRun = timeIt(() => match({ transactions, documents: unique, asOf: "2026-11-22" }))
  const result = emulatorRun.result
  console.log(`matcher         : ${transactions.length} x ${unique.length} in ${fmt(emulatorRun.ms / 1000, 2)} s ` +
    `(best of 3; ${result.links.length} auto-linked, ${result.suggestions.length} suggested, ` +
    `${result.exceptions.length} exceptions; RSS ${fmt(rssMb(), 0)} MB)`)

  const synthetic = syntheticMatcherScenario({ seed, transactions: size })
  const syntheticRun = timeIt(() =>
    match({ transactions: synthetic.transactions, documents: synthetic.documents, asOf: synthetic.asOf })
  )
  const correct = syntheticRun.result.links.filter((l) => synthetic.truth.get(l.transactionUuid) === l.documentId)
    .length
  console.log(`matcher (synth) : ${synthetic.transactions.length} x ${synthetic.documents.length} in ` +
    `${fmt(syntheticRun.ms / 1000, 2)} s (best of 3; ${syntheticRun.result.links.length} auto-linked, ${correct} of them right)`)
}
