import { assert, describe, it } from "@effect/vitest"
import { canonicalJson } from "@clara-recon/domain"
import { type MatchInput, type MatchResult, match } from "../src/Matcher.js"
import { cfdi, company, receipt, tx } from "./Builders.js"

const rfc = "FIN010101AB1"
const name = "FINKOK SA DE CV"

const run = (input: Partial<MatchInput>): MatchResult =>
  match({ asOf: "2025-03-31", transactions: [], documents: [], ...input })

const codes = (result: MatchResult, id: string) =>
  result.exceptions
    .filter((e) => e.transactionUuid === id || e.documentId === id)
    .map((e) => (e.subtype === undefined ? e.code : `${e.code}/${e.subtype}`))

describe("gates (matching.md §7.5)", () => {
  it("never auto-links on amount alone: same-amount decoys become an AMBIGUOUS suggestion list", () => {
    const result = run({
      transactions: [tx({ uuid: "t1", amount: "799.00", date: "2025-01-10", descriptor: "FINKOK MX" })],
      documents: [
        cfdi({ id: "C1", total: "799.00", date: "2025-01-11", rfc, name }),
        cfdi({ id: "C2", total: "799.00", date: "2025-01-11", rfc, name }),
        cfdi({ id: "C3", total: "799.00", date: "2025-01-11", rfc: "OXX010101AB1", name: "CADENA COMERCIAL OXXO" })
      ]
    })
    assert.strictEqual(result.links.length, 0)
    assert.deepStrictEqual(result.suggestions.map((s) => s.documentId), ["C1", "C2"])
    assert.deepStrictEqual(codes(result, "t1"), ["AMBIGUOUS", "MISSING_INVOICE/HAS_SUGGESTION"])
    const ambiguous = result.exceptions.find((e) => e.code === "AMBIGUOUS")!
    assert.strictEqual(ambiguous.topSuggestion, result.suggestions[0]!.linkId)
    assert.strictEqual(result.dispositions.get("t1"), "EXCEPTION")
  })

  it("auto-links an abbreviated descriptor, and not a same-amount CFDI of a different brand", () => {
    const result = run({
      transactions: [tx({ uuid: "t1", amount: "744.59", date: "2025-01-12", descriptor: "EST SERV FRONTERA NTE" })],
      documents: [
        cfdi({
          id: "C1",
          total: "744.59",
          date: "2025-01-12",
          rfc: "ESF100722AQ1",
          name: "ESTACIÓN DE SERVICIO FRONTERA NORTE",
          formaPago: "04"
        }),
        cfdi({
          id: "C2",
          total: "744.59",
          date: "2025-01-12",
          rfc: "SGL0905118H1",
          name: "ESTACIÓN DE SERVICIO LAS PALMAS",
          formaPago: "04"
        })
      ]
    })
    assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId]), [["t1", "C1"]])
    const identity = result.links[0]!.explanation.evidence.find((e) => e.feature === "identity")!
    assert.strictEqual(identity.class, "NAME_SIM_HIGH")
    assert.deepStrictEqual(result.suggestions, [])
  })

  it("makes two charges competing for one CFDI ambiguous", () => {
    const result = run({
      transactions: [
        tx({ uuid: "t1", amount: "799.00", date: "2025-01-10", descriptor: "FINKOK MX" }),
        tx({ uuid: "t2", amount: "799.00", date: "2025-01-10", descriptor: "FINKOK MX" })
      ],
      documents: [cfdi({ id: "C1", total: "799.00", date: "2025-01-10", rfc, name })]
    })
    assert.strictEqual(result.links.length, 0)
    assert.deepStrictEqual(codes(result, "t1"), ["AMBIGUOUS", "MISSING_INVOICE/HAS_SUGGESTION"])
    assert.deepStrictEqual(codes(result, "t2"), ["AMBIGUOUS", "MISSING_INVOICE/HAS_SUGGESTION"])
  })

  it("auto-links a unique strong match and explains it", () => {
    const result = run({
      transactions: [tx({ uuid: "t1", amount: "1250.00", date: "2025-01-10", descriptor: "STR*FINKOK" })],
      documents: [
        cfdi({ id: "C1", total: "1250.00", date: "2025-01-10", rfc, name, formaPago: "04" }),
        cfdi({ id: "C2", total: "1250.00", date: "2025-01-22", rfc, name })
      ]
    })
    const link = result.links[0]!
    assert.strictEqual(link.documentId, "C1")
    assert.match(link.linkId, /^lnk_[0-9a-f]{16}$/)
    const e = link.explanation
    assert.strictEqual(e.points, 17)
    assert.deepStrictEqual(e.threshold, { auto: 15, suggest: 9 })
    assert.strictEqual(e.runnerUp?.document, "C2")
    assert.strictEqual(e.runnerUp?.points, 13)
    assert.include(e.runnerUp?.lostBecause ?? [], "date +12d (0 vs +3)")
    assert.isAtLeast(link.margin, 4)
    assert.deepStrictEqual(e.gatesFailed, [])
    assert.include(e.vetoesChecked, "cfdiStatus")
    assert.match(e.engine.configHash, /^sha256:[0-9a-f]{64}$/)
    assert.match(e.engine.inputsHash, /^sha256:[0-9a-f]{64}$/)
    assert.match(e.text, /^Auto-linked \(17 pts >= 15, margin 4\): exact amount 1250\.00 MXN \(\+8\)/)
    assert.notInclude(e.text, "\n")
    assert.deepStrictEqual(result.engine, e.engine)
  })

  it("drops contradicting names, vetoes cancelled and substituted CFDIs, respects the cap and NOT_VERIFIED", () => {
    const result = run({
      transactions: [
        tx({ uuid: "t1", amount: "1250.00", date: "2025-01-10", descriptor: "SANBORNS HERMANOS" }),
        tx({ uuid: "t2", amount: "300.00", date: "2025-01-10", descriptor: "FINKOK MX" }),
        tx({ uuid: "t3", amount: "60000.00", date: "2025-01-10", descriptor: "FINKOK MX" }),
        tx({ uuid: "t4", amount: "420.00", date: "2025-01-10", descriptor: "FINKOK MX" })
      ],
      documents: [
        cfdi({ id: "C1", total: "1250.00", date: "2025-01-10", rfc: "TOK010101AB1", name: "RESTAURANTES TOKS" }),
        cfdi({ id: "C2", total: "300.00", date: "2025-01-10", rfc, name, satStatus: "Cancelado" }),
        cfdi({ id: "C3", total: "300.00", date: "2025-01-10", rfc, name, substitutes: "C4" }),
        cfdi({ id: "C4", total: "300.00", date: "2025-01-09", rfc, name }),
        cfdi({ id: "C5", total: "60000.00", date: "2025-01-10", rfc, name }),
        receipt({ id: "r6", total: "420.00", date: "2025-01-10", name, validation: "NOT_VERIFIED" })
      ]
    })
    assert.deepStrictEqual(codes(result, "t1"), ["MISSING_INVOICE/NOTHING"])
    assert.strictEqual(result.links.find((l) => l.transactionUuid === "t2")?.documentId, "C3")
    const capped = result.suggestions.find((l) => l.transactionUuid === "t3")!
    assert.deepStrictEqual(capped.explanation.gatesFailed, ["unattendedCap"])
    const unverified = result.suggestions.find((l) => l.transactionUuid === "t4")!
    assert.deepStrictEqual(unverified.explanation.gatesFailed, ["documentNotVerified"])
  })
})

describe("exceptions (matching.md §7.10)", () => {
  const result = run({
    asOf: "2025-02-05",
    companyRfc: company,
    transactions: [
      tx({ uuid: "nothing", amount: "100.00", date: "2025-01-02", descriptor: "LIBRERIA GANDHI" }),
      tx({ uuid: "grace", amount: "100.00", date: "2025-02-01", descriptor: "LIBRERIA GANDHI" }),
      tx({ uuid: "receipt", amount: "210.00", date: "2025-01-03", descriptor: "CAFE TACUBA", userUuid: "u1" }),
      tx({ uuid: "foreign", amount: "340.00", original: ["19.99", "USD"], date: "2025-01-03", descriptor: "NOTION" }),
      tx({ uuid: "fx", amount: "1740.00", date: "2025-01-03", descriptor: "AWS EMEA" }),
      tx({ uuid: "iva", amount: "1160.00", date: "2025-01-04", descriptor: "FINKOK MX" }),
      tx({ uuid: "fee", amount: "50.00", date: "2025-01-05", descriptor: "COMISION", type: "FEE" }),
      tx({ uuid: "rejected", amount: "70.00", date: "2025-01-05", descriptor: "FINKOK MX", status: "REJECTED" }),
      tx({ uuid: "refund", amount: "-300.00", date: "2025-01-06", descriptor: "FINKOK MX", type: "REFUND" })
    ],
    documents: [
      receipt({ id: "r1", total: "210.00", date: "2025-01-03", name: "CAFE TACUBA", attachedTo: ["receipt"] }),
      cfdi({ id: "FX1", total: "100.00", currency: "USD", exchangeRate: "17.2", date: "2025-01-04", rfc, name: "AWS" }),
      cfdi({ id: "IVA1", total: "1000.00", date: "2025-01-04", rfc, name }),
      cfdi({ id: "E1", total: "300.00", date: "2025-01-06", rfc, name, tipo: "E" }),
      cfdi({ id: "ORPHAN", total: "999.00", date: "2024-12-01", rfc, name, formaPago: "04" }),
      cfdi({ id: "OTHERCO", total: "10.00", date: "2024-12-02", rfc, name, receiver: "OTR010101AB1" }),
      cfdi({ id: "PUBLIC", total: "11.00", date: "2024-12-03", rfc, name, receiver: "XAXX010101000" }),
      // a document naming no receptor (Clara's summary of an invoice): nothing to check
      cfdi({ id: "NORECEPTOR", total: "13.00", date: "2024-12-04", rfc, name, receiver: "" }),
      // a negative Total is never a valid CFDI: refused, never matched (its absolute value would fit "nothing")
      cfdi({ id: "NEGATIVE", total: "-100.00", date: "2025-01-05", rfc, name: "FINKOK MX" }),
      cfdi({ id: "BADDATE", total: "12.00", date: "2025-02-30", rfc, name })
    ]
  })

  it("reaches every code the matcher emits", () => {
    assert.deepStrictEqual(codes(result, "nothing"), ["MISSING_INVOICE/NOTHING"])
    assert.deepStrictEqual(codes(result, "grace"), ["MISSING_INVOICE/PENDING_GRACE"])
    assert.deepStrictEqual(codes(result, "receipt"), ["MISSING_INVOICE/HAS_RECEIPT_NO_CFDI"])
    assert.deepStrictEqual(codes(result, "foreign"), ["RECEIPT_ONLY_EXPECTED"])
    assert.deepStrictEqual(codes(result, "fx"), ["AMOUNT_MISMATCH/FX_DIFFERENCE", "MISSING_INVOICE/HAS_SUGGESTION"])
    assert.deepStrictEqual(codes(result, "iva"), ["AMOUNT_MISMATCH/IVA_ONLY", "MISSING_INVOICE/HAS_SUGGESTION"])
    assert.deepStrictEqual(codes(result, "ORPHAN"), ["INVOICE_WITHOUT_TRANSACTION"])
    assert.deepStrictEqual(codes(result, "OTHERCO"), ["RECEPTOR_RFC_MISMATCH"])
    assert.deepStrictEqual(codes(result, "PUBLIC"), ["GENERIC_RECEPTOR"])
    assert.deepStrictEqual(codes(result, "NORECEPTOR"), [])
    assert.deepStrictEqual(codes(result, "NEGATIVE"), ["INVALID_DOCUMENT/NEGATIVE_AMOUNT"])
    assert.isUndefined([...result.links, ...result.suggestions].find((l) => l.documentId === "NEGATIVE"))
    assert.deepStrictEqual(codes(result, "BADDATE"), ["INVALID_DOCUMENT/INVALID_DATE"])
    assert.include(result.exceptions.find((e) => e.code === "INVALID_DOCUMENT")!.message, "issueDate")
  })

  it("fills amount at risk, age, cardholder, severity and suggested action", () => {
    const nothing = result.exceptions.find((e) => e.transactionUuid === "nothing")!
    assert.strictEqual(nothing.severity, "high")
    assert.strictEqual(nothing.ageDays, 34)
    assert.strictEqual(nothing.cardholder, "Ana Pérez")
    assert.strictEqual(canonicalJson(nothing.amountAtRisk), `{"amount":"100","currency":"MXN"}`)
    assert.isAbove(nothing.suggestedAction.length, 0)
    const grace = result.exceptions.find((e) => e.transactionUuid === "grace")!
    assert.strictEqual(grace.severity, "low")
    assert.include(grace.suggestedAction, "2025-03-03")
  })

  it("links refunds to credit notes and keeps fees and rejected charges out", () => {
    assert.strictEqual(result.links.find((l) => l.transactionUuid === "refund")?.documentId, "E1")
    assert.strictEqual(result.dispositions.get("refund"), "LINKED")
    assert.strictEqual(result.dispositions.get("fee"), "NOT_SUBJECT")
    assert.strictEqual(result.dispositions.get("rejected"), "NOT_SUBJECT")
    assert.deepStrictEqual(codes(result, "fee"), [])
    assert.deepStrictEqual(codes(result, "rejected"), [])
  })

  it("gives every open transaction exactly one open-item exception, in date then id order", () => {
    assert.deepStrictEqual([...result.dispositions.keys()], [
      "nothing",
      "foreign",
      "fx",
      "receipt",
      "iva",
      "fee",
      "rejected",
      "refund",
      "grace"
    ])
    const openItem = new Set(["MISSING_INVOICE", "RECEIPT_ONLY_EXPECTED", "REFUND_WITHOUT_CREDIT_NOTE", "REVERSED_PURCHASE"])
    const count = new Map<string, number>()
    for (const e of result.exceptions) {
      if (e.transactionUuid !== undefined && openItem.has(e.code)) {
        count.set(e.transactionUuid, (count.get(e.transactionUuid) ?? 0) + 1)
      }
    }
    for (const [uuid, disposition] of result.dispositions) {
      if (disposition === "EXCEPTION") assert.strictEqual(count.get(uuid), 1, uuid)
      if (disposition === "NOT_SUBJECT") assert.isUndefined(count.get(uuid), uuid)
    }
  })
})
