/** matching.md §7.8: credit notes, refunds, cancellations and substitutions. */
import { CfdiRelation, FiscalDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { match, type MatchInput } from "../src/Matcher.js"
import { cfdi, tx } from "./Builders.js"

const palacio = { rfc: "PHI010101AB1", name: "EL PALACIO DE HIERRO SA DE CV" }
const run = (input: Omit<MatchInput, "asOf">) => match({ asOf: "2025-03-31", ...input })
const codes = (result: ReturnType<typeof match>, id: string) =>
  result.exceptions.filter((e) => e.transactionUuid === id).map((e) => `${e.code}${e.subtype ? `/${e.subtype}` : ""}`)
const purchase = tx({ uuid: "p", amount: "650.00", date: "2025-01-04", descriptor: "PALACIO DE HIERRO", card: "c1" })
const refund = (amount: string) =>
  tx({ uuid: "r", amount: `-${amount}`, date: "2025-01-09", descriptor: "PALACIO DE HIERRO", card: "c1", type: "REFUND" })
const invoice = cfdi({ id: "I1", total: "650.00", date: "2025-01-04", ...palacio, formaPago: "04" })

describe("credit notes and refunds (matching.md §7.8)", () => {
  it("links a refund to its type E CFDI, sign-aware, and the purchase to its I", () => {
    const result = run({
      transactions: [purchase, refund("200.00")],
      documents: [invoice, cfdi({ id: "E1", total: "200.00", date: "2025-01-09", ...palacio, tipo: "E", relatedTo: ["01", "I1"] })]
    })
    assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId]), [["p", "I1"], ["r", "E1"]])
    assert.deepStrictEqual(result.exceptions, [])
  })

  it("raises REFUND_WITHOUT_CREDIT_NOTE for a partial refund without an E", () => {
    const result = run({ transactions: [purchase, refund("200.00")], documents: [invoice] })
    assert.deepStrictEqual(codes(result, "r"), ["REFUND_WITHOUT_CREDIT_NOTE"])
    assert.strictEqual(result.exceptions[0]!.amountAtRisk!.amount.toString(), "BigDecimal(200)")
  })

  it("a full refund of an invoiced purchase needs a credit note; of an uninvoiced one, nothing (REVERSED_PURCHASE)", () => {
    const invoiced = run({ transactions: [purchase, refund("650.00")], documents: [invoice] })
    assert.deepStrictEqual(codes(invoiced, "r"), ["REFUND_WITHOUT_CREDIT_NOTE/FULL_REVERSAL"])
    // the document is the purchase's CFDI, the purchase is named in the message
    const reversal = invoiced.exceptions.find((e) => e.transactionUuid === "r")!
    assert.strictEqual(reversal.documentId, "I1")
    assert.include(reversal.message, "reverses purchase p, whose CFDI I1 has no credit note")
    assert.strictEqual(invoiced.dispositions.get("p"), "LINKED")
    const bare = run({ transactions: [purchase, refund("650.00")], documents: [] })
    assert.deepStrictEqual(codes(bare, "p"), ["REVERSED_PURCHASE"])
    assert.deepStrictEqual(codes(bare, "r"), ["REVERSED_PURCHASE"])
    assert.deepStrictEqual(bare.exceptions.map((e) => e.documentId), [undefined, undefined])
    assert.strictEqual(bare.exceptions[0]!.severity, "low")
    const otherCard = run({
      transactions: [
        purchase,
        tx({ uuid: "r", amount: "-650.00", date: "2025-01-09", descriptor: "PALACIO DE HIERRO", card: "c2", type: "REFUND" })
      ],
      documents: []
    })
    assert.deepStrictEqual(codes(otherCard, "p"), ["MISSING_INVOICE/NOTHING"])
  })
})

describe("an invoice net of its credit notes (cfdi.md §2.7, matching.md §7.8)", () => {
  const discounted = tx({
    uuid: "p",
    amount: "1000.00",
    date: "2025-01-04",
    descriptor: "PALACIO DE HIERRO",
    card: "c1"
  })
  const gross = cfdi({ id: "I1", total: "1160.00", date: "2025-01-04", ...palacio, formaPago: "04" })
  const note = (id: string, total: string, relation = "01") =>
    cfdi({ id, total, date: "2025-01-20", ...palacio, tipo: "E", relatedTo: [relation, "I1"] })

  it("links a charge that paid I.Total - E.Total to the invoice and its credit notes, as one explained group", () => {
    for (const relation of ["01", "03", "07"]) {
      const notes = [note("E1", "100.00", relation), note("E2", "60.00")]
      const result = run({ transactions: [discounted], documents: [gross, ...notes] })
      assert.deepStrictEqual(result.links.map((l) => [l.decision, l.transactionUuid, l.documentId]), [
        ["AUTO_LINKED", "p", "I1"]
      ])
      const explanation = result.links[0]!.explanation
      assert.deepStrictEqual(explanation.members.cfdis, ["E1", "E2", "I1"])
      const amount = explanation.evidence.find((e) => e.feature === "amount")!
      assert.strictEqual(amount.class, "G4_CREDIT_NOTE_NETTED")
      assert.deepInclude(amount.detail, { documents: "1000.00 MXN", gap: "0.00", items: 3 })
      assert.include(explanation.text, "CFDI I1 net of 2 credit note(s) 1000.00 MXN = the charge")
      assert.deepStrictEqual(result.exceptions, [])
      assert.strictEqual(result.dispositions.get("p"), "LINKED")
    }
  })

  it("nets only the notes the charge explains: a later return note leaves the netting as it was", () => {
    const withReturn = run({
      transactions: [discounted],
      documents: [gross, note("E1", "160.00"), note("E2", "300.00", "03")]
    })
    assert.deepStrictEqual(withReturn.links.map((l) => [l.decision, l.documentId, l.explanation.members.cfdis]), [
      ["AUTO_LINKED", "I1", ["E1", "I1"]]
    ])
    // two notes that each explain the charge: a person chooses
    const either = run({ transactions: [discounted], documents: [gross, note("E1", "160.00"), note("E2", "160.00")] })
    assert.deepStrictEqual(either.links, [])
    assert.deepStrictEqual(either.suggestions.map((s) => s.explanation.gatesFailed), [["margin"]])
  })

  it("nets nothing when the credit note is another relation, names two invoices, or leaves a gap", () => {
    const other = run({ transactions: [discounted], documents: [gross, note("E1", "160.00", "02")] })
    assert.deepStrictEqual(codes(other, "p"), ["MISSING_INVOICE/NOTHING"])
    const two = cfdi({ id: "E1", total: "160.00", date: "2025-01-20", ...palacio, tipo: "E", relatedTo: ["01", "I1"] })
    const twoInvoices = run({
      transactions: [discounted],
      documents: [
        gross,
        new FiscalDocument({
          ...two,
          relations: [...two.relations, new CfdiRelation({ tipoRelacion: "01", uuids: ["I9"] })]
        })
      ]
    })
    assert.deepStrictEqual(twoInvoices.links, [])
    const gap = run({ transactions: [discounted], documents: [gross, note("E1", "150.00")] })
    assert.deepStrictEqual(gap.links, [])
  })

  it("keeps a credit note matched to its card refund out of the netting: the purchase links to its I at gross", () => {
    const paid = tx({ uuid: "p", amount: "1160.00", date: "2025-01-04", descriptor: "PALACIO DE HIERRO", card: "c1" })
    const back = tx({
      uuid: "r",
      amount: "-160.00",
      date: "2025-01-20",
      descriptor: "PALACIO DE HIERRO",
      card: "c1",
      type: "REFUND"
    })
    const result = run({ transactions: [paid, back], documents: [gross, note("E1", "160.00")] })
    assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId, l.explanation.members.cfdis]), [
      ["p", "I1", ["I1"]],
      ["r", "E1", ["E1"]]
    ])
  })

  it("only suggests when two invoices net to the charge", () => {
    const twin = cfdi({ id: "I2", total: "1160.00", date: "2025-01-06", ...palacio, formaPago: "04" })
    const result = run({
      transactions: [discounted],
      documents: [
        gross,
        twin,
        note("E1", "160.00"),
        cfdi({ id: "E2", total: "160.00", date: "2025-01-20", ...palacio, tipo: "E", relatedTo: ["01", "I2"] })
      ]
    })
    assert.deepStrictEqual(result.links, [])
    assert.deepStrictEqual(result.suggestions.map((s) => [s.documentId, s.explanation.gatesFailed]), [
      ["I1", ["margin"]]
    ])
  })
})

describe("cancellations and substitutions (matching.md §7.8)", () => {
  it("reports a cancelled CFDI Clara held under a charge, and links the substitute through the normal gates", () => {
    const result = run({
      transactions: [purchase],
      documents: [
        cfdi({ id: "I0", total: "650.00", date: "2025-01-04", ...palacio, satStatus: "Cancelado", attachedTo: ["p"] }),
        cfdi({ id: "I2", total: "650.00", date: "2025-01-05", ...palacio, formaPago: "04", substitutes: "I0" })
      ]
    })
    assert.deepStrictEqual(result.links.map((l) => l.documentId), ["I2"])
    const cancelled = result.exceptions.find((e) => e.code === "CFDI_CANCELLED_LINKED")!
    assert.strictEqual(cancelled.documentId, "I0")
    assert.strictEqual(cancelled.topSuggestion, result.links[0]!.linkId)
    assert.include(result.links[0]!.explanation.vetoesChecked, "cfdiSubstituted")
  })

  it("keeps a cancelled CFDI out of candidates: no substitute, a high-severity exception", () => {
    const result = run({
      transactions: [purchase],
      documents: [cfdi({ id: "I0", total: "650.00", date: "2025-01-04", ...palacio, satStatus: "Cancelado", attachedTo: ["p"] })]
    })
    assert.deepStrictEqual(result.links, [])
    assert.deepStrictEqual(codes(result, "p"), ["CFDI_CANCELLED_LINKED/CANCELLED", "MISSING_INVOICE/NOTHING"])
    assert.strictEqual(result.exceptions.find((e) => e.code === "CFDI_CANCELLED_LINKED")!.severity, "high")
  })
})
