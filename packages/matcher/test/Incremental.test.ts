/** matching.md §7.13: pinned decisions, forbidden pairs, stable AUTO links with RELINK_PROPOSED, learned aliases. */
import { assert, describe, it } from "@effect/vitest"
import { aliasMap, deriveAliases, type LinkDecision, linkGroupOf } from "../src/Incremental.js"
import type { MatchLink } from "@clara-recon/domain"
import { match, type MatchInput, type MatchResult } from "../src/Matcher.js"
import { generateScenario } from "../src/Synthetic.js"
import { cfdi, receipt, tx } from "./Builders.js"

const depot = { rfc: "ODM010101AB1", name: "OFFICE DEPOT DE MEXICO SA DE CV" }
const palacio = { rfc: "PHI010101AB1", name: "EL PALACIO DE HIERRO SA DE CV" }
const base: MatchInput = {
  asOf: "2025-03-31",
  transactions: [tx({ uuid: "t1", amount: "500.00", date: "2025-01-15", descriptor: "OFFICE DEPOT" })],
  documents: [
    cfdi({ id: "C1", total: "500.00", date: "2025-01-15", ...depot, formaPago: "04" }),
    cfdi({ id: "C2", total: "500.00", date: "2025-01-27", ...depot })
  ]
}
const decision = (status: LinkDecision["status"], documentId: string, when = "2025-02-01T09:00:00Z"): LinkDecision => ({
  status,
  transactionUuid: "t1",
  documentId,
  who: "ana@example.mx",
  when
})

/** Instalment `k` of 3 of a Liverpool MSI purchase, on the 5th of month k of 2025, and the purchase's CFDI. */
const instalment = (k: number) =>
  tx({ uuid: `m${k}`, amount: "2000.00", date: `2025-0${k}-05`, descriptor: "LIVERPOOL", installment: [k, 3] })
const liverpool = cfdi({ id: "L1", total: "6000.00", date: "2025-01-05", rfc: "LIV010101AB1", name: "LIVERPOOL SA" })

describe("incremental runs (matching.md §7.13)", () => {
  it("keeps a CONFIRMED link as is, even against a stronger candidate, and names who confirmed it", () => {
    const result = match({ ...base, pinned: [decision("CONFIRMED", "C2")] })
    assert.deepStrictEqual(result.links.map((l) => [l.decision, l.documentId]), [["CONFIRMED", "C2"]])
    assert.match(result.links[0]!.explanation.text, /^Confirmed by ana@example\.mx at 2025-02-01T09:00:00Z: /)
    assert.deepStrictEqual(result.suggestions, [])
    assert.isUndefined(result.exceptions.find((e) => e.transactionUuid === "t1"))
    assert.strictEqual(result.dispositions.get("t1"), "LINKED")
  })

  it("never proposes a REJECTED pair again", () => {
    const result = match({ ...base, rejected: [decision("REJECTED", "c1")] })
    assert.isUndefined([...result.links, ...result.suggestions].find((l) => l.documentId === "C1"))
    assert.deepStrictEqual(result.suggestions.map((l) => l.documentId), ["C2"])
    const viaPinned = match({ ...base, pinned: [decision("REJECTED", "C1")] })
    assert.deepStrictEqual(viaPinned.suggestions.map((l) => l.documentId), ["C2"])
  })

  it("lets the later of a confirmation and a rejection of one pair stand, whatever their order", () => {
    const confirmed = decision("CONFIRMED", "C1", "2025-02-01T09:00:00Z")
    const rejected = decision("REJECTED", "C1", "2025-02-03T09:00:00Z")
    for (const pinned of [[confirmed, rejected], [rejected, confirmed]]) {
      const result = match({ ...base, pinned })
      assert.isUndefined([...result.links, ...result.suggestions].find((l) => l.documentId === "C1"))
    }
    const changedMind = match({ ...base, pinned: [rejected, { ...confirmed, when: "2025-02-05T09:00:00Z" }] })
    assert.deepStrictEqual(changedMind.links.map((l) => [l.decision, l.documentId]), [["CONFIRMED", "C1"]])
    // a pair forbidden by `rejected` is never pinned
    const forbidden = match({ ...base, pinned: [confirmed], rejected: [rejected] })
    assert.isUndefined(forbidden.links.find((l) => l.documentId === "C1"))
  })

  it("keeps no AUTO link of a charge rejected since; a person's link on a fee counts as linked, once", () => {
    const rejected = match({
      ...base,
      transactions: [tx({ uuid: "t1", amount: "500.00", date: "2025-01-15", descriptor: "OFFICE DEPOT", status: "REJECTED" })],
      previous: [{ transactionUuid: "t1", documentId: "C1", points: 17 }]
    })
    assert.deepStrictEqual(rejected.links, [])
    assert.strictEqual(rejected.dispositions.get("t1"), "NOT_SUBJECT")
    const fee = match({
      ...base,
      transactions: [tx({ uuid: "t1", amount: "500.00", date: "2025-01-15", descriptor: "OFFICE DEPOT", type: "FEE" })],
      pinned: [decision("MANUAL", "C1")]
    })
    assert.deepStrictEqual(fee.links.map((l) => [l.decision, l.documentId]), [["MANUAL", "C1"]])
    assert.strictEqual(fee.dispositions.get("t1"), "LINKED")
    const totals = fee.controlTotals[0]!
    assert.deepStrictEqual([totals.linked, totals.notSubject, totals.balanced], ["500.00", "0.00", true])
  })

  it("a person's link to a receipt still raises MISSING_INVOICE: a receipt is not a CFDI, whoever confirmed it", () => {
    const result = match({
      asOf: "2025-01-20",
      transactions: [tx({ uuid: "t1", amount: "210.00", date: "2025-01-03", descriptor: "CAFE TACUBA" })],
      documents: [receipt({ id: "r1", total: "210.00", date: "2025-01-03", name: "CAFE TACUBA" })],
      pinned: [{ ...decision("CONFIRMED", "r1"), when: "2025-01-05T09:00:00Z" }]
    })
    assert.deepStrictEqual(result.links.map((l) => [l.decision, l.documentId]), [["CONFIRMED", "r1"]])
    assert.deepStrictEqual(result.exceptions.map((e) => [e.code, e.subtype, e.topSuggestion]), [
      ["MISSING_INVOICE", "PENDING_GRACE", result.links[0]!.linkId]
    ])
    assert.strictEqual(result.dispositions.get("t1"), "LINKED")
  })

  it("keeps an AUTO link beaten by less than 4 points without a word", () => {
    const fresh = match(base)
    assert.strictEqual(fresh.links[0]!.documentId, "C1")
    const rerun = match({ ...base, previous: [{ transactionUuid: "t1", documentId: "C1", points: 17 }] })
    assert.deepStrictEqual(rerun.links.map((l) => [l.decision, l.documentId]), [["AUTO_LINKED", "C1"]])
    assert.match(rerun.links[0]!.explanation.text, /^Kept from the previous run/)
    assert.deepStrictEqual(rerun.exceptions, [])
  })

  it("a kept AUTO link raises on a re-run what it raised when it was made (a small gap: AMOUNT_MISMATCH)", () => {
    const gap: MatchInput = {
      asOf: "2025-03-31",
      transactions: [tx({ uuid: "t1", amount: "1159.00", date: "2025-01-04", descriptor: "PALACIO DE HIERRO" })],
      documents: [
        cfdi({ id: "C1", total: "1160.00", date: "2025-01-04", ...palacio, formaPago: "04" })
      ]
    }
    const fresh = match(gap)
    const previous = fresh.links.map((l) => ({
      transactionUuid: l.transactionUuid,
      documentId: l.documentId,
      points: l.points
    }))
    const rerun = match({ ...gap, previous })
    const codes = (r: typeof fresh) => r.exceptions.map((e) => [e.code, e.subtype, e.topSuggestion])
    assert.deepStrictEqual(codes(fresh).map((c) => c[0]), ["AMOUNT_MISMATCH"])
    assert.deepStrictEqual(codes(rerun), codes(fresh))
  })

  it("never moves an AUTO link silently: beaten by 4 or more, it stays and RELINK_PROPOSED points to the rival", () => {
    const result = match({ ...base, previous: [{ transactionUuid: "t1", documentId: "C2", points: 13 }] })
    assert.deepStrictEqual(result.links.map((l) => l.documentId), ["C2"])
    const relink = result.exceptions.find((e) => e.code === "RELINK_PROPOSED")!
    assert.strictEqual(relink.subtype, "BETTER_DOCUMENT")
    const proposal = result.suggestions.find((l) => l.linkId === relink.topSuggestion)!
    assert.strictEqual(proposal.documentId, "C1")
    assert.include(proposal.explanation.gatesFailed, "keptLink")
    assert.strictEqual(result.dispositions.get("t1"), "LINKED")
  })

  it("reports a previous link whose CFDI was cancelled and substituted, and proposes the substitute", () => {
    const result = match({
      ...base,
      documents: [
        cfdi({ id: "C1", total: "500.00", date: "2025-01-15", ...depot, satStatus: "Cancelado" }),
        cfdi({ id: "C3", total: "500.00", date: "2025-01-16", ...depot, formaPago: "04", substitutes: "C1" })
      ],
      previous: [{ transactionUuid: "t1", documentId: "C1", points: 17 }]
    })
    const cancelled = result.exceptions.find((e) => e.code === "CFDI_CANCELLED_LINKED")!
    assert.strictEqual(cancelled.subtype, "CANCELLED")
    assert.strictEqual(result.links[0]?.documentId, "C3")
    assert.strictEqual(cancelled.topSuggestion, result.links[0]!.linkId)
    assert.strictEqual(cancelled.severity, "low")
  })
  it.each([1, 2, 3])("a re-run keeping the run's own AUTO links reaches the same decisions (seed %i)", (seed) => {
    const world = generateScenario({ seed, transactions: 3000 })
    const { asOf, companyRfc, documents, fxRates, transactions } = world
    const input: MatchInput = { asOf, companyRfc, documents, fxRates, transactions }
    const first = match(input)
    const rerun = match({ ...input, previous: first.links.filter((l) => l.decision === "AUTO_LINKED") })
    const pairs = (links: ReadonlyArray<MatchLink>) => links.map((l) => `${l.linkId} ${l.transactionUuid} ${l.points}`)
    const raised = (result: MatchResult) =>
      result.exceptions.map((e) => `${e.code} ${e.transactionUuid} ${e.documentId} ${e.topSuggestion} ${e.message}`)
    assert.isAbove(first.links.length, 1500)
    assert.deepStrictEqual(pairs(rerun.links), pairs(first.links))
    assert.deepStrictEqual(pairs(rerun.suggestions), pairs(first.suggestions))
    assert.deepStrictEqual(raised(rerun), raised(first))
    assert.deepStrictEqual([...rerun.dispositions], [...first.dispositions])
  })
})

describe("confirmed groups (matching.md §7.6, §7.13)", () => {
  const hotel = { rfc: "HPR010101AB1", name: "HOTEL PRESIDENTE SA DE CV" }
  const palacio = { rfc: "PHI010101AB1", name: "EL PALACIO DE HIERRO SA DE CV" }
  const confirm = (link: MatchLink): LinkDecision => {
    const group = linkGroupOf(link)
    return {
      status: "CONFIRMED",
      transactionUuid: link.transactionUuid,
      documentId: link.documentId,
      who: "ana",
      when: "2025-02-01T09:00:00Z",
      ...(group === undefined ? {} : { group })
    }
  }
  /** One hotel charge of 4200.00 paid against the room's CFDI (3000.00) and the restaurant's (1200.00). */
  const hotelSplit: MatchInput = {
    asOf: "2025-03-31",
    transactions: [tx({ uuid: "t1", amount: "4200.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })],
    documents: [
      cfdi({ id: "H1", total: "3000.00", date: "2025-01-10", ...hotel }),
      cfdi({ id: "H2", total: "1200.00", date: "2025-01-10", ...hotel })
    ]
  }
  const rows = (result: MatchResult) =>
    result.links.map((l) => [l.decision, l.transactionUuid, l.documentId, l.explanation.members.cfdis.join(",")])

  it("pins a confirmed split-invoices group whole, not as its first pair", () => {
    const input = hotelSplit
    const first = match(input)
    assert.deepStrictEqual(rows(first), [["AUTO_LINKED", "t1", "H1", "H1,H2"]])
    const again = match({ ...input, pinned: first.links.map(confirm) })
    assert.deepStrictEqual(rows(again), [["CONFIRMED", "t1", "H1", "H1,H2"]])
    assert.match(again.links[0]!.explanation.text, /^Confirmed group SPLIT_INVOICES 1:2 by ana at 2025-02-01T09:00:00Z/)
    assert.deepStrictEqual(again.exceptions, [])
    assert.strictEqual(again.dispositions.get("t1"), "LINKED")
  })

  it("keeps a confirmed netted invoice first, with its credit note", () => {
    const input: MatchInput = {
      asOf: "2025-03-31",
      transactions: [tx({ uuid: "p", amount: "1000.00", date: "2025-01-04", descriptor: "PALACIO DE HIERRO" })],
      documents: [
        cfdi({ id: "I1", total: "1160.00", date: "2025-01-04", ...palacio, formaPago: "04" }),
        cfdi({ id: "E1", total: "160.00", date: "2025-01-20", ...palacio, tipo: "E", relatedTo: ["01", "I1"] })
      ]
    }
    const again = match({ ...input, pinned: match(input).links.map(confirm) })
    assert.deepStrictEqual(rows(again), [["CONFIRMED", "p", "I1", "E1,I1"]])
    assert.include(again.links[0]!.explanation.text, "CFDI I1 net of 1 credit note(s) 1000.00 MXN = the charge")
    assert.deepStrictEqual(again.exceptions, [])
  })

  /** January's MSI link confirmed, then a run judged at `asOf` with instalments 1 and 2. */
  const confirmedPlanAt = (asOf: string) => {
    const january = match({ asOf: "2025-01-31", transactions: [instalment(1)], documents: [liverpool] })
    return match({
      asOf,
      transactions: [instalment(1), instalment(2)],
      documents: [liverpool],
      pinned: january.links.map(confirm)
    })
  }

  it("grows a confirmed MSI plan with the next instalment of its chain", () => {
    const february = confirmedPlanAt("2025-02-28")
    assert.deepStrictEqual(rows(february), [["CONFIRMED", "m1", "L1", "L1"], ["CONFIRMED", "m2", "L1", "L1"]])
    for (const link of february.links) {
      assert.deepStrictEqual(link.explanation.members.transactions, ["m1", "m2"])
      assert.strictEqual(link.explanation.evidence[0]!.detail["status"], "MSI 2/3")
    }
    assert.deepStrictEqual(february.exceptions, [])
  })

  it("reports a confirmed MSI plan whose next instalment is overdue (MSI_INCOMPLETE)", () => {
    const april = confirmedPlanAt("2025-04-30")
    assert.deepStrictEqual(april.links.map((l) => l.decision), ["CONFIRMED", "CONFIRMED"])
    assert.deepStrictEqual(april.exceptions.map((e) => [e.code, e.subtype, e.transactionUuid]), [
      ["MSI_INCOMPLETE", "MSI 2/3", "m2"]
    ])
  })

  it("keeps an MSI plan linked without the one instalment a person rejected", () => {
    const input: MatchInput = {
      asOf: "2025-03-31",
      transactions: [instalment(1), instalment(2), instalment(3)],
      documents: [liverpool]
    }
    assert.deepStrictEqual(match(input).links.map((l) => l.transactionUuid), ["m1", "m2", "m3"])
    for (const k of [1, 2]) {
      const result = match({ ...input, rejected: [{ transactionUuid: `m${k}`, documentId: "L1" }] })
      const others = ["m1", "m2", "m3"].filter((uuid) => uuid !== `m${k}`)
      assert.deepStrictEqual(result.links.map((l) => l.transactionUuid), others)
      assert.deepStrictEqual(result.links[0]!.explanation.members.transactions, others)
      assert.strictEqual(result.dispositions.get(`m${k}`), "EXCEPTION")
    }
  })

  it("pins a confirmed group only whole, and before any pair: no half group, no CFDI linked twice", () => {
    const charge = tx({ uuid: "t9", amount: "4200.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })
    const h1 = cfdi({ id: "H1", total: "3000.00", date: "2025-01-10", ...hotel })
    const h2 = cfdi({ id: "H2", total: "1200.00", date: "2025-01-10", ...hotel })
    const input: MatchInput = { asOf: "2025-03-31", transactions: [charge], documents: [h1, h2] }
    const group = match(input).links.map(confirm)
    // H2 gone: no CONFIRMED half group "4200 = 3000"
    const half = match({ ...input, documents: [h1], pinned: group })
    assert.isUndefined(half.links.find((l) => l.decision === "CONFIRMED"))
    // a person's pair a1:H2 (its uuid sorts first) does not take H2 from the group, nor share it
    const other = tx({ uuid: "a1", amount: "1200.00", date: "2025-01-10", descriptor: "HOTEL PRESIDENTE" })
    const pair = { ...decision("CONFIRMED", "H2"), transactionUuid: "a1" }
    const both = match({ ...input, transactions: [other, charge], pinned: [...group, pair] })
    assert.deepStrictEqual(rows(both), [["CONFIRMED", "t9", "H1", "H1,H2"]])
    assert.isUndefined(both.exceptions.find((e) => e.code === "CFDI_OVERALLOCATED"))
  })

  it("grows a confirmed MSI plan by its next instalment only, not by another plan's first", () => {
    // another plan of the same card and descriptor, bought in February
    const second = { ...instalment(1), uuid: "n1", operationDate: "2025-02-06" }
    const january = match({ asOf: "2025-01-31", transactions: [instalment(1)], documents: [liverpool] })
    const february = match({
      asOf: "2025-02-28",
      transactions: [instalment(1), second, instalment(2)],
      documents: [liverpool],
      pinned: january.links.map(confirm)
    })
    const confirmed = february.links.filter((l) => l.decision === "CONFIRMED")
    assert.deepStrictEqual(confirmed.map((l) => l.transactionUuid), ["m1", "m2"])
  })

  it("lets the engine match the members again when one CFDI of a confirmed group is cancelled", () => {
    const input = hotelSplit
    const pinned = match(input).links.map(confirm)
    const cancelled = match({
      ...input,
      documents: [
        input.documents[0]!,
        cfdi({ id: "H2", total: "1200.00", date: "2025-01-10", ...hotel, satStatus: "Cancelado" })
      ],
      pinned
    })
    assert.isUndefined(cancelled.links.find((l) => l.decision === "CONFIRMED"))
    assert.includeMembers(cancelled.exceptions.map((e) => `${e.code} ${e.documentId}`), ["CFDI_CANCELLED_LINKED H2"])
  })
})

describe("learned aliases (matching.md §7.2, §7.13)", () => {
  const txs = [
    tx({ uuid: "t1", amount: "1.00", date: "2025-01-01", descriptor: "PEMEX ES 4412" }),
    tx({ uuid: "t2", amount: "1.00", date: "2025-01-02", descriptor: "PEMEX ES 0981" }),
    tx({ uuid: "t3", amount: "1.00", date: "2025-01-03", descriptor: "OXXO CENTRO" })
  ]
  const docs = [
    cfdi({ id: "G1", total: "1.00", date: "2025-01-01", rfc: "GGB010101AB1", name: "GASOLINERO BERISA" }),
    cfdi({ id: "G2", total: "1.00", date: "2025-01-02", rfc: "GGB010101AB1", name: "GASOLINERO BERISA" }),
    cfdi({ id: "X1", total: "1.00", date: "2025-01-03", rfc: "CCO010101AB1", name: "CADENA COMERCIAL OXXO" }),
    cfdi({ id: "P1", total: "1.00", date: "2025-01-03", rfc: "XAXX010101000", name: "PUBLICO" })
  ]
  const d = (status: LinkDecision["status"], t: string, doc: string, when: string): LinkDecision => ({
    status,
    transactionUuid: t,
    documentId: doc,
    who: "ana",
    when
  })

  it("keeps an MSI group growing over runs without reporting the earlier instalments' links as lapsed", () => {
    const january = match({ asOf: "2025-01-31", transactions: [instalment(1)], documents: [liverpool] })
    assert.deepStrictEqual(january.links.map((l) => [l.transactionUuid, l.documentId]), [["m1", "L1"]])
    const february = match({
      asOf: "2025-02-28",
      transactions: [instalment(1), instalment(2)],
      documents: [liverpool],
      previous: january.links
    })
    assert.deepStrictEqual(february.links.map((l) => [l.transactionUuid, l.documentId, l.explanation.members.transactions]), [
      ["m1", "L1", ["m1", "m2"]],
      ["m2", "L1", ["m1", "m2"]]
    ])
    assert.deepStrictEqual(february.exceptions, [])
  })

  it("activates a descriptor -> RFC alias after 2 confirmations without a recent rejection", () => {
    const entries = deriveAliases({
      decisions: [
        d("CONFIRMED", "t1", "G1", "2025-01-05T00:00:00Z"),
        d("MANUAL", "t2", "G2", "2025-01-06T00:00:00Z"),
        d("CONFIRMED", "t3", "X1", "2025-01-07T00:00:00Z"),
        d("CONFIRMED", "t3", "P1", "2025-01-07T00:00:00Z")
      ],
      transactions: txs,
      documents: docs,
      asOf: "2025-03-31"
    })
    assert.deepStrictEqual(entries.map((e) => [e.descriptorKey, e.rfc, e.confirmations, e.active]), [
      ["OXXO CENTRO", "CCO010101AB1", 1, false],
      ["PEMEX ES", "GGB010101AB1", 2, true]
    ])
    assert.strictEqual(entries[1]!.lastConfirmedAt, "2025-01-06T00:00:00Z")
    assert.deepStrictEqual([...aliasMap(entries)], [["PEMEX ES", "GGB010101AB1"]])
  })

  it("deactivates an alias rejected within 90 days, and reactivates it after", () => {
    const decisions = [
      d("CONFIRMED", "t1", "G1", "2025-01-05T00:00:00Z"),
      d("CONFIRMED", "t2", "G2", "2025-01-06T00:00:00Z"),
      d("REJECTED", "t1", "G2", "2025-01-10T00:00:00Z")
    ]
    const recent = deriveAliases({ decisions, transactions: txs, documents: docs, asOf: "2025-03-31" })
    assert.deepStrictEqual(recent.map((e) => [e.rejections, e.active]), [[1, false]])
    const later = deriveAliases({ decisions, transactions: txs, documents: docs, asOf: "2025-06-30" })
    assert.deepStrictEqual(later.map((e) => e.active), [true])
  })

  it("feeds match: the alias lifts an uninformative descriptor to RFC_ALIAS", () => {
    const entries = deriveAliases({
      decisions: [d("CONFIRMED", "t1", "G1", "2025-01-05T00:00:00Z"), d("CONFIRMED", "t2", "G2", "2025-01-06T00:00:00Z")],
      transactions: txs,
      documents: docs,
      asOf: "2025-03-31"
    })
    const result = match({
      asOf: "2025-03-31",
      aliases: aliasMap(entries),
      transactions: [tx({ uuid: "n1", amount: "900.00", date: "2025-02-01", descriptor: "PEMEX ES 7777" })],
      documents: [cfdi({ id: "G9", total: "900.00", date: "2025-02-01", rfc: "GGB010101AB1", name: "GRUPO GASOLINERO BERISA" })]
    })
    assert.strictEqual(result.links[0]?.explanation.evidence[1]!.class, "RFC_ALIAS")
  })
})
