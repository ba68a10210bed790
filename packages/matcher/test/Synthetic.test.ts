/** The scenario generator (matching.md §7.15): deterministic, exact size, every case, consistent ground truth. */
import { assert, describe, it } from "@effect/vitest"
import { canonicalJson } from "@clara-recon/domain"
import { evaluate } from "../src/Evaluate.js"
import type { MatchResult } from "../src/Matcher.js"
import { generateScenario, type ScenarioCase } from "../src/Synthetic.js"

const allCases: ReadonlyArray<ScenarioCase> = [
  "PLAIN", "PLAIN_WITH_DECOY", "TIP", "USD_SAAS", "USD_FX_TABLE", "MSI", "MSI_INCOMPLETE", "SPLIT_INVOICES",
  "SPLIT_TENDER", "REFUND_CREDIT_NOTE", "CREDIT_NOTE_NETTED", "REVERSAL", "CANCELLED_SUBSTITUTED", "CANCELLED",
  "SUBSCRIPTION", "LATE_MONTH_END", "RECEIPT_ONLY", "NOTHING", "FEE"
]

describe("scenario generator", () => {
  const world = generateScenario({ seed: 9, transactions: 4000 })

  it("is deterministic and exact in size", () => {
    const again = generateScenario({ seed: 9, transactions: 4000 })
    assert.strictEqual(world.transactions.length, 4000)
    assert.strictEqual(canonicalJson(again.transactions), canonicalJson(world.transactions))
    assert.strictEqual(canonicalJson(again.documents), canonicalJson(world.documents))
  })

  it("covers every case of §7.15, with truth that names real records", () => {
    assert.deepStrictEqual([...new Set(world.cases.values())].sort(), [...allCases].sort())
    const txs = new Set(world.transactions.map((t) => t.uuid))
    const docs = new Set(world.documents.map((d) => d.id))
    for (const link of world.truthLinks) {
      for (const t of link.transactions) assert.isTrue(txs.has(t))
      for (const d of link.documents) assert.isTrue(docs.has(d))
    }
    const kinds = new Set(world.truthLinks.map((l) => `${l.kind}:${l.transactions.length}:${l.documents.length > 1}`))
    assert.isTrue(kinds.has("SPLIT_TENDER:2:false"))
    assert.isTrue([...kinds].some((k) => k.startsWith("SPLIT_INVOICES:1:true")))
    for (const uuid of world.missingInvoice) assert.isFalse(world.truthLinks.some((l) => l.documents.some((d) => d === uuid)))
  })

  it("scores an oracle result at 100 %, and a wrong auto-link or a missed MISSING_INVOICE below", () => {
    const cfdis = new Set(world.documents.filter((d) => d.kind === "CFDI").map((d) => d.id))
    const row = (transactions: ReadonlyArray<string>, documents: ReadonlyArray<string>) => ({
      decision: "AUTO_LINKED",
      transactionUuid: transactions[0]!,
      documentId: documents[0]!,
      explanation: { members: { transactions, cfdis: documents.filter((d) => cfdis.has(d)), documents: [] } }
    })
    const links = world.truthLinks.map((l) => row(l.transactions, l.documents))
    const exceptions = [...world.missingInvoice].map((uuid) => ({ code: "MISSING_INVOICE", transactionUuid: uuid }))
    const oracle = evaluate(world, { links, suggestions: [], exceptions } as unknown as MatchResult)
    assert.strictEqual(oracle.autoPrecision.value, 1)
    assert.strictEqual(oracle.autoCoverage.value, 1)
    assert.strictEqual(oracle.missingInvoiceRecall.value, 1)
    assert.strictEqual(oracle.missingInvoicePrecision.value, 1)
    const [a, b] = world.truthLinks.filter((l) => l.kind === "PLAIN")
    const swapped = [row(a!.transactions, b!.documents), ...links.slice(1)]
    const worse = evaluate(world, { links: swapped, suggestions: [], exceptions: exceptions.slice(1) } as unknown as MatchResult)
    assert.isBelow(worse.autoPrecision.value!, 1)
    assert.isBelow(worse.missingInvoiceRecall.value!, 1)
    assert.isAtLeast(Object.keys(worse.errorsByCase).length, 1)
  })
})
