/** The worked examples of matching.md §7.4, reproduced point by point. */
import { assert, describe, it } from "@effect/vitest"
import type { MatchLink } from "@clara-recon/domain"
import { type MatchInput, match, matchStages } from "../src/Matcher.js"
import { cfdi, receipt, tx } from "./Builders.js"

const asOf = "2025-03-31"
const rfc = "GGB010101AB1"

const run = (input: Omit<MatchInput, "asOf">) => {
  const result = match({ asOf, ...input })
  const stages = matchStages({ asOf, ...input })
  return { result, edges: stages.graph.edges }
}

const evidence = (link: MatchLink) => link.explanation.evidence.map((e) => `${e.feature}:${e.class}:${e.points}`)
const berisa = "GRUPO GASOLINERO BERISA SA DE CV"
const tacos = (amount: string) =>
  tx({ uuid: "t1", amount, date: "2025-01-16", descriptor: "STR*TACOS LUPITA MX", mcc: "5812" })

describe("§7.4 worked examples", () => {
  it("exact + RFC alias + same day = 8 + 7 + 3 = 18: auto", () => {
    const { result } = run({
      transactions: [tx({ uuid: "t1", amount: "1250.00", date: "2025-01-16", descriptor: "PEMEX ES 4412" })],
      documents: [cfdi({ id: "C1", total: "1250.00", date: "2025-01-16", rfc, name: berisa })],
      aliases: new Map([["PEMEX ES", rfc]])
    })
    assert.strictEqual(result.links.length, 1)
    const link = result.links[0]!
    assert.strictEqual(link.points, 18)
    assert.strictEqual(link.decision, "AUTO_LINKED")
    assert.deepStrictEqual(evidence(link), ["amount:A2_EXACT:8", "identity:RFC_ALIAS:7", "date:CFDI_DATE:3"])
    assert.strictEqual(link.explanation.confidence, "0.998")
    assert.strictEqual(result.dispositions.get("t1"), "LINKED")
  })

  it("exact + unknown descriptor + same day = 8 + 0 + 3 = 11: suggest only", () => {
    const { result } = run({
      transactions: [tx({ uuid: "t1", amount: "1250.00", date: "2025-01-16", descriptor: "POS 00012345" })],
      documents: [cfdi({ id: "C1", total: "1250.00", date: "2025-01-16", rfc, name: berisa })]
    })
    assert.strictEqual(result.links.length, 0)
    const suggestion = result.suggestions[0]!
    assert.strictEqual(suggestion.points, 11)
    assert.deepStrictEqual(evidence(suggestion), ["amount:A2_EXACT:8", "identity:UNINFORMATIVE:0", "date:CFDI_DATE:3"])
    assert.include(suggestion.explanation.gatesFailed, "identity")
    assert.strictEqual(result.exceptions[0]!.subtype, "HAS_SUGGESTION")
  })

  it("exact + contradicting name + same day = 8 - 6 + 3 = 5: no edge", () => {
    const { edges, result } = run({
      transactions: [tx({ uuid: "t1", amount: "1250.00", date: "2025-01-16", descriptor: "SANBORNS HERMANOS SA" })],
      documents: [cfdi({ id: "C1", total: "1250.00", date: "2025-01-16", rfc, name: "RESTAURANTES TOKS SA DE CV" })]
    })
    assert.strictEqual(edges.length, 0)
    assert.strictEqual(result.suggestions.length, 0)
    assert.strictEqual(result.exceptions[0]!.code, "MISSING_INVOICE")
    assert.strictEqual(result.exceptions[0]!.subtype, "NOTHING")
  })

  it("restaurant, three-way exact through the receipt's tip + name 0.95 + same day = 8 + 5 + 3 = 16: auto", () => {
    const { result } = run({
      transactions: [tacos("1150.00")],
      documents: [
        cfdi({ id: "C1", total: "1000.00", date: "2025-01-16", rfc, name: "TACOS LUPITA SA DE CV" }),
        receipt({ id: "r1", total: "1150.00", tip: "150.00", date: "2025-01-16", rfc, name: "TACOS LUPITA" })
      ]
    })
    const link = result.links[0]!
    assert.strictEqual(link.points, 16)
    assert.deepStrictEqual(evidence(link), [
      "amount:A2_THREE_WAY_TIP:8",
      "identity:NAME_SIM_HIGH:5",
      "date:CFDI_DATE:3"
    ])
    assert.deepStrictEqual(link.explanation.members, { transactions: ["t1"], cfdis: ["C1"], documents: ["r1"] })
    const info = result.exceptions.find((e) => e.transactionUuid === "t1")!
    assert.strictEqual(info.code, "AMOUNT_MISMATCH")
    assert.strictEqual(info.subtype, "TIP")
    assert.strictEqual(info.severity, "low")
    assert.strictEqual(result.dispositions.get("t1"), "LINKED")
  })

  it("restaurant, tip plausible only + name 0.95 + same day = 2 + 5 + 3 = 10: suggest", () => {
    const { result } = run({
      transactions: [tacos("1150.00")],
      documents: [cfdi({ id: "C1", total: "1000.00", date: "2025-01-16", rfc, name: "TACOS LUPITA SA DE CV" })]
    })
    assert.strictEqual(result.links.length, 0)
    const suggestion = result.suggestions[0]!
    assert.strictEqual(suggestion.points, 10)
    assert.deepStrictEqual(evidence(suggestion), [
      "amount:A5_TIP_PLAUSIBLE:2",
      "identity:NAME_SIM_HIGH:5",
      "date:CFDI_DATE:3"
    ])
    const exception = result.exceptions[0]!
    assert.strictEqual(exception.code, "AMOUNT_MISMATCH")
    assert.strictEqual(exception.subtype, "TIP")
    assert.strictEqual(exception.topSuggestion, suggestion.linkId)
  })

  it("USD SaaS, original exact + name 0.9 + next day = 9 + 5 + 3 = 17: auto", () => {
    const figma = tx({
      uuid: "t1",
      amount: "361.40",
      original: ["20.00", "USD"],
      date: "2025-01-16",
      descriptor: "PAYPAL *FIGMA"
    })
    const { result } = run({
      transactions: [figma],
      documents: [cfdi({ id: "C1", total: "20.00", currency: "USD", date: "2025-01-17", rfc, name: "FIGMA INC" })]
    })
    const link = result.links[0]!
    assert.strictEqual(link.points, 17)
    assert.deepStrictEqual(evidence(link), [
      "amount:A1_ORIGINAL_EXACT:9",
      "identity:NAME_SIM_HIGH:5",
      "date:CFDI_DATE:3"
    ])
    assert.strictEqual(result.exceptions.length, 0)
  })
})

describe("§7.4 tables", () => {
  const single = (amount: string, total: string, days: number, extra: Partial<Parameters<typeof cfdi>[0]> = {}) => {
    const date = new Date(Date.UTC(2025, 0, 16 + days)).toISOString().slice(0, 10)
    return matchStages({
      asOf,
      transactions: [tx({ uuid: "t1", amount, date: "2025-01-16", descriptor: "FINKOK MX" })],
      documents: [cfdi({ id: "C1", total, date, rfc, name: "FINKOK SA DE CV", ...extra })]
    }).graph.edges[0]
  }

  it("grades the CFDI date delta", () => {
    const deltas = [-4, -3, -2, -1, 0, 1, 2, 3, 4, 10, 11, 35, 36]
    const points = deltas.map((d) => single("100.00", "100.00", d)?.date.points)
    assert.deepStrictEqual(points, [undefined, 0, 0, 2, 3, 3, 2, 2, 1, 1, 0, 0, undefined])
  })

  it("grades amounts: rounding, converted, IVA-only; FormaPago corroborates", () => {
    assert.strictEqual(single("100.00", "99.60", 0)?.amount.cls, "A3_ROUNDING")
    assert.strictEqual(single("116.00", "100.00", 0)?.amount.cls, "A6_IVA_ONLY")
    const fx = single("1740.00", "100.00", 0, { currency: "USD", exchangeRate: "17.20" })
    assert.strictEqual(fx?.amount.cls, "A4_CONVERTED")
    assert.strictEqual(fx?.amount.points, 4)
    assert.strictEqual(single("100.00", "100.00", 0, { formaPago: "04" })?.points, 17)
    assert.strictEqual(single("100.00", "100.00", 0, { formaPago: "01" })?.points, 13)
    assert.isUndefined(single("100.00", "90.00", 0))
  })

  it("extends the CFDI window to +45 days for charges in the last 5 days of a month", () => {
    const edge = matchStages({
      asOf,
      transactions: [tx({ uuid: "t1", amount: "100.00", date: "2025-01-28", descriptor: "FINKOK MX" })],
      documents: [cfdi({ id: "C1", total: "100.00", date: "2025-03-10", rfc, name: "FINKOK SA DE CV" })]
    }).graph.edges[0]
    assert.strictEqual(edge?.date.deltaDays, 41)
    assert.strictEqual(edge?.date.points, 0)
  })
})
