import { Session } from "node:inspector/promises"
import { writeFileSync } from "node:fs"
import { generateScenario, match } from "@clara-recon/matcher"
const n = Number(process.argv[2] ?? 50000)
const w = generateScenario({ seed: 4096, transactions: n })
const input = { transactions: w.transactions, documents: w.documents, asOf: w.asOf, companyRfc: w.companyRfc, fxRates: w.fxRates }
const s = new Session(); s.connect()
await s.post("HeapProfiler.startSampling", { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
const r = match(input)
const { profile } = await s.post("HeapProfiler.stopSampling")
writeFileSync("/tmp/hprof/alloc.heapprofile", JSON.stringify(profile))
console.log("links", r.links.length)
