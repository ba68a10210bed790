import { generateScenario, match, makeProfiler } from "@clara-recon/matcher"
import { performance } from "node:perf_hooks"
const n = Number(process.argv[2] ?? 50000)
const w = generateScenario({ seed: 4096, transactions: n })
const input = { transactions: w.transactions, documents: w.documents.slice(0, Number(process.argv[3] ?? n)), asOf: w.asOf, companyRfc: w.companyRfc, fxRates: w.fxRates }
const t0 = performance.now()
const r = match(input)
console.log("match", ((performance.now() - t0) / 1000).toFixed(2), "s links", r.links.length, "rss", (process.resourceUsage().maxRSS / 1024).toFixed(0))
