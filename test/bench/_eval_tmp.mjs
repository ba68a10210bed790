import { generateScenario, match, evaluate } from "@clara-recon/matcher"
import { performance } from "node:perf_hooks"
const size = Number(process.argv[2] ?? 10000)
const seed = Number(process.argv[3] ?? 1)
const s = generateScenario({ seed, transactions: size })
const t = performance.now()
const r = match({ transactions: s.transactions, documents: s.documents, asOf: s.asOf, companyRfc: s.companyRfc, fxRates: s.fxRates })
const ms = performance.now() - t
const e = evaluate(s, r)
const f = (x) => `${x.hits}/${x.total} = ${x.value === undefined ? "n/a" : (100 * x.value).toFixed(2)}%`
console.log(`seed ${seed} size ${size}: ${(ms/1000).toFixed(2)} s; docs ${s.documents.length}`)
for (const k of ["autoPrecision","autoCoverage","top1Accuracy","missingInvoicePrecision","missingInvoiceRecall"]) console.log(k.padEnd(26), f(e[k]))
console.log(JSON.stringify(e.errorsByCase))
const codes = {}; for (const x of r.exceptions) codes[x.code] = (codes[x.code] ?? 0) + 1
console.log(JSON.stringify(codes))
console.log("groups", r.links.filter(l => l.explanation.evidence[0]?.class.startsWith("G")).length, r.suggestions.filter(l => l.explanation.evidence[0]?.class.startsWith("G")).length)
console.log("unbalanced", r.controlTotals.filter(c => !c.balanced).length)
