import { generateScenario, match } from "@clara-recon/matcher"
const size = Number(process.argv[2] ?? 20000)
const s = generateScenario({ seed: 1, transactions: size })
const input = { transactions: s.transactions, documents: s.documents, asOf: s.asOf, companyRfc: s.companyRfc, fxRates: s.fxRates }
for (let r = 0; r < 2; r++) {
const c0 = process.cpuUsage()
match(input)
const c = process.cpuUsage(c0)
console.log("match cpu", ((c.user + c.system) / 1e6).toFixed(2))
}
