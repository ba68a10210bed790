/** matching.md §7.12: any permutation of the inputs gives byte-identical output. */
import { assert, describe, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { canonicalJson } from "@clara-recon/domain"
import type { LinkDecision } from "../src/Incremental.js"
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
const [first, second, third] = scenario.truthLinks.filter((l) => l.transactions.length === 1)
const pinned: Array<LinkDecision> = [
  { status: "MANUAL", transactionUuid: first!.transactions[0]!, documentId: first!.documents[0]!, who: "a", when: "2025-12-01T00:00:00Z" },
  { status: "REJECTED", transactionUuid: second!.transactions[0]!, documentId: second!.documents[0]!, who: "b", when: "2025-12-02T00:00:00Z" }
]
const previous = [{ transactionUuid: third!.transactions[0]!, documentId: third!.documents[0]!, points: 16 }, {
  transactionUuid: "tie",
  documentId: "T2",
  points: 16
}]

const render = (input: MatchInput): string => {
  const result = match(input)
  return canonicalJson({ ...result, dispositionOrder: [...result.dispositions.keys()] })
}

const inputOf = (
  txs: MatchInput["transactions"],
  docs: MatchInput["documents"],
  pairs: ReadonlyArray<readonly [string, string]>,
  decisions: ReadonlyArray<LinkDecision> = pinned,
  links: MatchInput["previous"] = previous,
  rates: MatchInput["fxRates"] = scenario.fxRates
): MatchInput => ({
  transactions: txs,
  documents: docs,
  asOf: scenario.asOf,
  companyRfc: company,
  aliases: new Map(pairs),
  pinned: decisions,
  previous: links,
  fxRates: rates
})

const baseline = render(inputOf(transactions, documents, aliases))

const permutation = <A>(items: ReadonlyArray<A>) =>
  FastCheck.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length })

describe("determinism", () => {
  it("gives byte-identical canonical output for shuffled inputs (seeded property)", () => {
    assert.include(baseline, "lnk_")
    for (const marker of ["G1_SPLIT_INVOICES", "G2_MSI_INSTALMENTS", "MANUAL", "Kept from the previous run"]) {
      assert.include(baseline, marker)
    }
    FastCheck.assert(
      FastCheck.property(
        permutation(transactions),
        permutation(documents),
        permutation(aliases),
        permutation(pinned),
        permutation(previous),
        permutation(scenario.fxRates.slice(0, 60)),
        (txs, docs, pairs, decisions, links, rates) =>
          render(inputOf(txs, docs, pairs, decisions, links, [...rates, ...scenario.fxRates.slice(60)])) === baseline
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
