/** matching.md §7.12: any permutation of the inputs gives byte-identical output. */
import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { canonicalJson } from "@clara-recon/domain"
import { match, type MatchInput } from "../src/Matcher.js"
import { generateScenario } from "../src/Synthetic.js"
import { cfdi, company, tx } from "./Builders.js"

const scenario = generateScenario({ seed: 11, transactions: 150 })
const rfc = "FIN010101AB1"
const name = "FINKOK SA DE CV"

const transactions = [
  ...scenario.transactions,
  tx({ uuid: "dup", amount: "10.00", date: "2025-03-01", descriptor: "FINKOK MX" }),
  tx({ uuid: "dup", amount: "10.00", date: "2025-03-01", descriptor: "FINKOK SERVICIOS" }),
  tx({ uuid: "tie", amount: "500.00", date: "2025-03-02", descriptor: "FINKOK MX" })
]
const documents = [
  ...scenario.documents,
  cfdi({ id: "T1", total: "500.00", date: "2025-03-02", rfc, name }),
  cfdi({ id: "T2", total: "500.00", date: "2025-03-02", rfc, name }),
  cfdi({ id: "D1", total: "10.00", date: "2025-03-01", rfc, name })
]
const aliases: Array<readonly [string, string]> = [["FINKOK", rfc], ["OXXO", "OXX010101AB1"]]

const render = (input: MatchInput): string => {
  const result = match(input)
  return canonicalJson({ ...result, dispositionOrder: [...result.dispositions.keys()] })
}

const inputOf = (
  txs: MatchInput["transactions"],
  docs: MatchInput["documents"],
  pairs: ReadonlyArray<readonly [string, string]>
): MatchInput => ({
  transactions: txs,
  documents: docs,
  asOf: scenario.asOf,
  companyRfc: company,
  aliases: new Map(pairs)
})

const baseline = render(inputOf(transactions, documents, aliases))

const permutation = <A>(items: ReadonlyArray<A>) =>
  FastCheck.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length })

describe("determinism", () => {
  it("gives byte-identical canonical output for shuffled inputs (seeded property)", () => {
    assert.include(baseline, "lnk_")
    FastCheck.assert(
      FastCheck.property(
        permutation(transactions),
        permutation(documents),
        permutation(aliases),
        (txs, docs, pairs) => render(inputOf(txs, docs, pairs)) === baseline
      ),
      { seed: 7, numRuns: 12 }
    )
  })

  it("collapses a duplicated transaction uuid to one disposition", () => {
    const result = match({ transactions, documents, asOf: scenario.asOf })
    assert.strictEqual(result.dispositions.size, new Set(transactions.map((t) => t.uuid)).size)
  })

  it("canonicalJson sorts keys and encodes decimals, maps and sets", () => {
    const record = { b: 1, a: [true, null, undefined], c: undefined }
    assert.strictEqual(canonicalJson(record), `{"a":[true,null,null],"b":1}`)
    assert.strictEqual(canonicalJson(new Map<string, unknown>([["z", 1], ["y", 2n]])), `{"y":"2","z":1}`)
    assert.strictEqual(canonicalJson(new Set(["b", "a"])), `["a","b"]`)
    const charge = tx({ uuid: "x", amount: "1250.50", date: "2025-01-01", descriptor: "A" })
    assert.strictEqual(canonicalJson(charge.amount), `{"amount":"1250.5","currency":"MXN"}`)
  })
})
