/** matching.md §7.6: group solvers (1:N subset-sum, MSI instalments, split tender), explained as groups. */
import { assert, describe, it } from "@effect/vitest"
import { money } from "@clara-recon/domain"
import { subsetSums } from "../src/internal/SubsetSum.js"
import { match, type MatchInput } from "../src/Matcher.js"
import { cfdi, tx } from "./Builders.js"

const hotel = { rfc: "HPR010101AB1", name: "HOTELES PRESIDENTE SA DE CV" }
const run = (input: Omit<MatchInput, "asOf">) => match({ asOf: "2025-03-31", ...input })

describe("subset-sum by meet in the middle", () => {
  it("finds every fewest-item subset within 0.01 per item, in a fixed order", () => {
    const values = [500, 300, 200, 700, 1000, 1]
    const options = { minItems: 2, maxItems: 6, limit: 8 }
    assert.deepStrictEqual(subsetSums(values, 1000, { ...options, tolerancePerItem: 1 }), [[1, 3], [4, 5]])
    assert.deepStrictEqual(subsetSums(values, 1000, { ...options, tolerancePerItem: 0 }), [[1, 3]])
    assert.deepStrictEqual(subsetSums(values, 1501, { ...options, tolerancePerItem: 0 }), [[0, 4, 5]])
    assert.deepStrictEqual(subsetSums(values, 99_999, { ...options, tolerancePerItem: 1 }), [])
  })

  it("agrees with brute force on seeded pools of 16", () => {
    let state = 7
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648)
    for (let round = 0; round < 10; round++) {
      const values = Array.from({ length: 16 }, () => 100 + (next() % 5000))
      const target = values[3]! + values[11]! + values[14]!
      const found = subsetSums(values, target, { minItems: 2, maxItems: 4, tolerancePerItem: 0, limit: 1000 })
      const brute: Array<string> = []
      let fewest = 5
      for (let mask = 0; mask < 1 << 16; mask++) {
        let sum = 0
        let count = 0
        for (let i = 0; i < 16; i++) {
          if (mask & (1 << i)) {
            sum += values[i]!
            count++
          }
        }
        if (count < 2 || count > 4 || sum !== target || count > fewest) continue
        if (count < fewest) {
          fewest = count
          brute.length = 0
        }
        brute.push(values.flatMap((_, i) => (mask & (1 << i) ? [i] : [])).join(","))
      }
      assert.deepStrictEqual(found.map((items) => items.join(",")).sort(), brute.sort())
      assert.isAtLeast(found.length, 1)
    }
  })
})

describe("1 charge : N CFDIs (split invoices)", () => {
  it("auto-links a unique 3-CFDI split and says it is a group", () => {
    const result = run({
      transactions: [tx({ uuid: "t1", amount: "4500.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })],
      documents: [
        cfdi({ id: "H1", total: "3000.00", date: "2025-01-10", ...hotel }),
        cfdi({ id: "H2", total: "1200.00", date: "2025-01-10", ...hotel }),
        cfdi({ id: "H3", total: "300.00", date: "2025-01-11", ...hotel }),
        cfdi({ id: "H4", total: "4000.00", date: "2025-01-12", ...hotel })
      ]
    })
    assert.strictEqual(result.links.length, 1)
    const link = result.links[0]!
    assert.strictEqual(link.decision, "AUTO_LINKED")
    assert.deepStrictEqual(link.explanation.members.cfdis, ["H1", "H2", "H3"])
    assert.strictEqual(link.documentId, "H1")
    assert.strictEqual(link.explanation.evidence[0]!.class, "G1_SPLIT_INVOICES")
    assert.strictEqual(link.explanation.evidence[0]!.detail.items, 3)
    assert.match(link.explanation.text, /^Auto-linked group SPLIT_INVOICES 1:3/)
    assert.strictEqual(result.dispositions.get("t1"), "LINKED")
    assert.isUndefined(result.exceptions.find((e) => e.documentId === "H2"))
  })

  it("only suggests a split of more than 3 CFDIs, and an ambiguous one", () => {
    const four = run({
      transactions: [tx({ uuid: "t1", amount: "1000.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })],
      documents: ["100.00", "200.00", "300.00", "400.00"].map((total, i) =>
        cfdi({ id: `Q${i}`, total, date: "2025-01-10", ...hotel })
      )
    })
    assert.strictEqual(four.links.length, 0)
    assert.deepStrictEqual(four.suggestions[0]!.explanation.gatesFailed, ["groupSize"])
    assert.strictEqual(four.exceptions.find((e) => e.transactionUuid === "t1")?.subtype, "HAS_SUGGESTION")
    const tied = run({
      transactions: [tx({ uuid: "t1", amount: "1000.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })],
      documents: ["600.00", "400.00", "700.00", "300.00"].map((total, i) =>
        cfdi({ id: `T${i}`, total, date: "2025-01-10", ...hotel })
      )
    })
    assert.strictEqual(tied.links.length, 0)
    assert.include(tied.suggestions[0]!.explanation.gatesFailed, "margin")
    assert.match(tied.suggestions[0]!.explanation.text, /1 other solution/)
  })

  it("never groups CFDIs of another issuer or outside the window", () => {
    const result = run({
      transactions: [tx({ uuid: "t1", amount: "1000.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })],
      documents: [
        cfdi({ id: "A", total: "600.00", date: "2025-01-10", ...hotel }),
        cfdi({ id: "B", total: "400.00", date: "2025-01-10", rfc: "OTR010101AB1", name: "HOTEL PRESIDENTE PLAYA SA" }),
        cfdi({ id: "C", total: "400.00", date: "2025-03-30", ...hotel })
      ]
    })
    assert.strictEqual(result.links.length, 0)
  })
})

describe("N charges : 1 CFDI", () => {
  const instalment = (k: number, date: string) =>
    tx({ uuid: `m${k}`, amount: "2000.00", date, descriptor: "LIVERPOOL", card: "c1", installment: [k, 3] })

  it("links MSI instalments as they come, with status MSI k/n, one row per charge", () => {
    const result = run({
      transactions: [instalment(1, "2025-01-05"), instalment(2, "2025-02-05"), instalment(3, "2025-03-05")],
      documents: [cfdi({ id: "L1", total: "6000.00", date: "2025-01-05", rfc: "LIV010101AB1", name: "LIVERPOOL SA" })]
    })
    assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId]), [
      ["m1", "L1"],
      ["m2", "L1"],
      ["m3", "L1"]
    ])
    const evidence = result.links[0]!.explanation.evidence[0]!
    assert.strictEqual(evidence.class, "G2_MSI_INSTALMENTS")
    assert.strictEqual(evidence.detail.status, "MSI 3/3")
    assert.deepStrictEqual(result.links[2]!.explanation.members.transactions, ["m1", "m2", "m3"])
    assert.notStrictEqual(result.links[0]!.linkId, result.links[1]!.linkId)
    assert.strictEqual(result.exceptions.length, 0)
  })

  it("caps an MSI plan by its CFDI: above the unattended cap, it is only suggested from its first instalment", () => {
    const big = (k: number, date: string) =>
      tx({ uuid: `b${k}`, amount: "20000.00", date, descriptor: "LIVERPOOL", card: "c1", installment: [k, 3] })
    const plan = cfdi({ id: "L9", total: "60000.00", date: "2025-01-05", rfc: "LIV010101AB1", name: "LIVERPOOL SA" })
    const documents = [plan]
    for (const transactions of [[big(1, "2025-01-05")], [big(1, "2025-01-05"), big(2, "2025-02-05")]]) {
      const result = run({ transactions, documents })
      assert.deepStrictEqual(result.links, [])
      assert.deepStrictEqual(result.suggestions[0]?.explanation.gatesFailed, ["unattendedCap"])
    }
  })

  it("reads the plan from an `MSI k/n` descriptor when Clara sends no instalment fields", () => {
    const result = run({
      transactions: [
        tx({ uuid: "m1", amount: "2000.00", date: "2025-01-05", descriptor: "LIVERPOOL MSI 1/3", card: "c1" }),
        tx({ uuid: "m2", amount: "2000.00", date: "2025-02-05", descriptor: "LIVERPOOL MSI 2/3", card: "c1" })
      ],
      documents: [cfdi({ id: "L1", total: "6000.00", date: "2025-01-05", rfc: "LIV010101AB1", name: "LIVERPOOL SA" })]
    })
    assert.strictEqual(result.links[0]?.explanation.evidence[0]!.detail.status, "MSI 2/3")
    assert.isUndefined(result.exceptions.find((e) => e.code === "MSI_INCOMPLETE"), "not overdue yet")
  })

  describe("a plan seen from a later instalment (the earlier ones fell in an earlier period)", () => {
    const liverpool = (total: string, date: string) =>
      cfdi({ id: "L1", total, date, rfc: "LIV010101AB1", name: "LIVERPOOL SA" })

    it("links a lone 2/3 to the purchase's CFDI, dated from the plan's first instalment 30 days before", () => {
      const result = run({
        transactions: [instalment(2, "2025-02-05")],
        documents: [liverpool("6000.00", "2025-01-07")]
      })
      assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId, l.decision]), [
        ["m2", "L1", "AUTO_LINKED"]
      ])
      const [amount, , date] = result.links[0]!.explanation.evidence
      assert.strictEqual(amount!.detail.status, "MSI 2/3")
      assert.deepStrictEqual(date!.detail, {
        operationDate: "2025-02-05",
        documentDate: "2025-01-07",
        deltaDays: 1,
        member: "L1",
        planStart: "2025-01-06",
        instalmentsBefore: 1
      })
      assert.include(
        result.links[0]!.explanation.text,
        "CFDI issued 1d after the plan's first instalment (taken as 2025-01-06, 1 month(s) of 30 days before " +
          "instalment 2) (+3)"
      )
      assert.deepStrictEqual(result.exceptions.map((e) => e.code), [], "no MISSING_INVOICE, no invoice left over")
    })

    it("puts at risk only the instalments not linked yet, the earlier periods' ones counted", () => {
      // the February run sees only 2/3; 3/3, due 2025-03-07, is overdue on 2025-05-01
      const result = match({
        asOf: "2025-05-01",
        transactions: [instalment(2, "2025-02-05")],
        documents: [liverpool("6000.00", "2025-01-07")]
      })
      const incomplete = result.exceptions.find((e) => e.code === "MSI_INCOMPLETE")
      assert.strictEqual(incomplete?.subtype, "MSI 2/3")
      assert.deepStrictEqual(incomplete?.amountAtRisk, money("2000.00", "MXN"))
    })

    it("completes the plan with 2/3 and 3/3 of a later period (MSI 3/3)", () => {
      const result = run({
        transactions: [instalment(2, "2025-02-05"), instalment(3, "2025-03-05")],
        documents: [liverpool("6000.00", "2025-01-06")]
      })
      assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId]), [["m2", "L1"], ["m3", "L1"]])
      assert.strictEqual(result.links[1]!.explanation.evidence[0]!.detail.status, "MSI 3/3")
      assert.deepStrictEqual(result.links[1]!.explanation.members.transactions, ["m2", "m3"])
    })

    it("leaves the CFDI to a chain that starts at its first instalment", () => {
      // another card's lone 2/3 (its chain key sorts first) would fit the same CFDI from an earlier period
      const result = run({
        transactions: [
          instalment(1, "2025-01-05"),
          tx({
            uuid: "x2",
            amount: "2000.00",
            date: "2025-02-04",
            descriptor: "LIVERPOOL",
            card: "a0",
            installment: [2, 3]
          })
        ],
        documents: [liverpool("6000.00", "2025-01-06")]
      })
      assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId]), [["m1", "L1"]])
    })

    it("links nothing when the CFDI is outside the first instalment's window or its total is not n instalments", () => {
      for (const document of [liverpool("6000.00", "2024-12-01"), liverpool("9000.00", "2025-01-06")]) {
        const result = run({ transactions: [instalment(2, "2025-02-05")], documents: [document] })
        assert.deepStrictEqual(result.links, [], `${document.issueDate} ${document.total}`)
        assert.include(result.exceptions.map((e) => e.code), "MISSING_INVOICE")
      }
    })
  })

  it("links a deposit and a balance of one card to the hotel's CFDI (split tender)", () => {
    const result = run({
      transactions: [
        tx({ uuid: "d1", amount: "1500.00", date: "2025-01-03", descriptor: "HOTEL PRESIDENTE", card: "c7" }),
        tx({ uuid: "d2", amount: "3250.50", date: "2025-01-08", descriptor: "HOTEL PRESIDENTE", card: "c7" })
      ],
      documents: [cfdi({ id: "F1", total: "4750.50", date: "2025-01-08", ...hotel })]
    })
    assert.deepStrictEqual(result.links.map((l) => l.transactionUuid), ["d1", "d2"])
    assert.strictEqual(result.links[0]!.explanation.evidence[0]!.class, "G3_SPLIT_TENDER")
    assert.match(result.links[1]!.explanation.text, /^Auto-linked group SPLIT_TENDER 2:1/)
  })
})
