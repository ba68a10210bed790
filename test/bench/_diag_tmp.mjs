import { generateScenario, match, evaluate } from "@clara-recon/matcher"
const size = Number(process.argv[2] ?? 10000), seed = Number(process.argv[3] ?? 1)
const s = generateScenario({ seed, transactions: size })
const r = match({ transactions: s.transactions, documents: s.documents, asOf: s.asOf, companyRfc: s.companyRfc, fxRates: s.fxRates })
const truthOf = new Map(); for (const l of s.truthLinks) for (const t of l.transactions) truthOf.set(t, l)
const autoOf = new Map(); for (const l of r.links) for (const t of l.explanation.members.transactions) autoOf.set(t, l)
const sugOf = new Map(); for (const l of r.suggestions) if (!sugOf.has(l.transactionUuid)) sugOf.set(l.transactionUuid, l)
const stats = {}
for (const [uuid, kind] of s.cases) {
  const st = stats[kind] ??= { n: 0, auto: 0, autoWrong: 0, sug: 0, none: 0 }
  st.n++
  const truth = truthOf.get(uuid)
  const a = autoOf.get(uuid)
  const docs = (l) => (l.explanation.members.cfdis.length ? l.explanation.members.cfdis : [l.documentId]).join(",")
  if (a) { if (truth && docs(a) === [...truth.documents].sort().join(",")) st.auto++; else { st.autoWrong++; if (process.argv[4] === kind) console.log("WRONG", uuid, a.explanation.text, "truth", truth?.documents) } }
  else if (sugOf.get(uuid)) st.sug++
  else st.none++
}
console.table(stats)
const gates = {}
for (const l of r.suggestions) { const k = s.cases.get(l.transactionUuid); if (k !== process.argv[5]) continue; const g = l.explanation.gatesFailed.join(",") + " " + l.explanation.evidence.map(e => e.class+":"+e.points).join(" "); gates[g] = (gates[g] ?? 0) + 1 }
console.log(Object.entries(gates).sort((a,b)=>b[1]-a[1]).slice(0,12))
