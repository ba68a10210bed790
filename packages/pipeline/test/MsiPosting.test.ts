/**
 * A purchase paid in 3 MSI instalments (meses sin intereses: matching.md §7.6 N charges : 1 CFDI, one PUE CFDI for
 * the whole purchase): the matcher links each instalment to the CFDI as the group grows (`MSI k/3`), and the plan
 * step builds one balanced journal per instalment with its share of the CFDI lines (`buildPosting`'s
 * `groupCharges`), accepted by the SAP CSV adapter, instead of refusing each link because one instalment is not the
 * CFDI total. A monthly run's lone later instalment takes its share after the earlier instalments earlier runs posted
 * (the ledger); a group whose earlier charge is missing from both is refused rather than posted with a wrong share.
 */
import { CardTransaction, formatFixed, type MatchLink, Money, type PostingDocument } from "@clara-recon/domain"
import { SapCsvAdapter } from "@clara-recon/erp-sap-csv"
import { match } from "@clara-recon/matcher"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { planPostings, type PostContext } from "../src/Post.js"
import { invoiceCfdi } from "./Fixtures.js"

const d = BigDecimal.unsafeFromString

const FURNITURE = "6C3D4E5F-2222-4A70-8B1C-2D3E4F5A6B7C"

/** The CFDI of the whole purchase: 2586.20 + 16 % IVA 413.79 = 2999.99, which 3 does not divide. */
const cfdi = invoiceCfdi(
  FURNITURE,
  { taxId: "MMU010101AB1", name: "MUEBLES MODERNOS SA DE CV" },
  { subTotal: "2586.20", iva: "413.79", total: "2999.99" }
)

/** Instalment `number` of 3, a month apart from 2026-01-15, on card ****4321. */
const instalment = (number: number, amount: string) =>
  new CardTransaction({
    uuid: `9${number}1c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b`,
    type: "PURCHASE",
    status: "AUTHORIZED",
    descriptor: "MUEBLES MODERNOS",
    amount: new Money({ amount: d(amount), currency: "MXN" }),
    operationDate: `2026-0${number}-15`,
    cardLastFour: "4321",
    hasInvoice: true,
    hasExtractedDocuments: false,
    installment: "3",
    installmentNumber: String(number)
  })

const charges = [instalment(1, "1000.00"), instalment(2, "1000.00"), instalment(3, "999.99")]

const contextOf = (links: ReadonlyArray<MatchLink>, transactions: ReadonlyArray<CardTransaction>): PostContext => ({
  runId: "run-1",
  runDir: "/nonexistent",
  tenant: "acme",
  runDate: "2026-03-31",
  links,
  transactions: new Map(transactions.map((t) => [t.uuid, t])),
  documents: new Map([[cfdi.id, cfdi]]),
  adapter: SapCsvAdapter.make({ tenant: "acme" }),
  adapterOfRun: () => SapCsvAdapter.make({ tenant: "acme" }),
  erpConcurrency: 1,
  batchSize: 100
})

/** The matcher's links over some of the instalments, one per charge, all to the CFDI. */
const linksOf = (transactions: ReadonlyArray<CardTransaction>) => {
  const result = match({ transactions, documents: [cfdi], asOf: "2026-03-31" })
  const links = result.links.filter((l) => l.documentId === FURNITURE)
  assert.lengthOf(links, transactions.length, JSON.stringify(result.suggestions.map((s) => s.explanation.text)))
  return links
}

/** Debit minus credit of each role over some postings, as fixed-point strings. */
const netByRole = (postings: ReadonlyArray<PostingDocument>) => {
  const nets = new Map<string, BigDecimal.BigDecimal>()
  for (const line of postings.flatMap((p) => p.lines)) {
    const signed = line.side === "debit" ? line.amount : BigDecimal.negate(line.amount)
    nets.set(line.role, BigDecimal.sum(nets.get(line.role) ?? BigDecimal.fromBigInt(0n), signed))
  }
  return Object.fromEntries([...nets].filter(([, v]) => !BigDecimal.isZero(v)).map(([k, v]) => [k, formatFixed(v)]))
}

const byCharge = (plans: ReturnType<typeof planPostings>["plans"]) =>
  new Map(plans.map((p) => [p.link.transactionUuid, p.planned.document]))

describe("plan step: MSI instalments paying one CFDI", () => {
  it("posts one balanced journal per instalment, adding up to the CFDI", () => {
    const links = linksOf(charges)
    for (const link of links) {
      assert.deepStrictEqual([...link.explanation.members.transactions].sort(), charges.map((c) => c.uuid).sort())
    }
    const planned = planPostings(contextOf(links, charges))
    assert.deepStrictEqual(planned.exceptions.map((e) => e.message), [])
    assert.lengthOf(planned.plans, 3)
    const postings = byCharge(planned.plans)
    // 2586.20 * 1000 / 2999.99 = 862.069... -> 862.07; 413.79 * 1000 / 2999.99 = 137.930... -> 137.93.
    assert.deepStrictEqual(
      postings.get(charges[0]!.uuid)!.lines.map((l) => `${l.side} ${l.role} ${formatFixed(l.amount)} ${l.cfdiUuid}`),
      [
        `debit expense 862.07 ${FURNITURE}`,
        `debit iva_acreditable 137.93 ${FURNITURE}`,
        `credit card_liability 1000.00 ${FURNITURE}`
      ]
    )
    for (const charge of charges) {
      const liability = postings.get(charge.uuid)!.lines.filter((l) => l.role === "card_liability")
      assert.deepStrictEqual(liability.map((l) => formatFixed(l.amount)), [formatFixed(charge.amount.amount)])
    }
    assert.deepStrictEqual(netByRole([...postings.values()]), {
      expense: "2586.20",
      iva_acreditable: "413.79",
      card_liability: "-2999.99"
    })
  })

  it("posts the first instalments of a growing group as the complete group will (MSI 1/3, 2/3)", () => {
    const complete = byCharge(planPostings(contextOf(linksOf(charges), charges)).plans)
    for (const known of [1, 2]) {
      const present = charges.slice(0, known)
      const links = linksOf(present)
      if (known === 1) assert.deepStrictEqual(links[0]!.explanation.members.transactions, [charges[0]!.uuid])
      const planned = planPostings(contextOf(links, present))
      assert.deepStrictEqual(planned.exceptions.map((e) => e.message), [])
      for (const [uuid, posting] of byCharge(planned.plans)) {
        assert.deepStrictEqual(posting.lines, complete.get(uuid)!.lines, `instalment ${uuid} of ${known} known`)
      }
    }
  })

  it("posts instalments a person confirmed one by one (1:1 pinned links sharing the CFDI) as the same group", () => {
    const complete = byCharge(planPostings(contextOf(linksOf(charges), charges)).plans)
    const pinned = charges.map((c) => ({
      status: "CONFIRMED" as const,
      transactionUuid: c.uuid,
      documentId: FURNITURE,
      who: "ana@example.mx",
      when: "2026-03-31T18:00:00Z"
    }))
    const links = match({ transactions: charges, documents: [cfdi], asOf: "2026-03-31", pinned }).links
    assert.deepStrictEqual(links.map((l) => [l.explanation.decision, l.explanation.members.transactions.length]),
      Array(3).fill(["CONFIRMED", 1]))
    const planned = planPostings(contextOf(links, charges))
    assert.deepStrictEqual(planned.exceptions.map((e) => e.message), [])
    for (const [uuid, posting] of byCharge(planned.plans)) assert.deepStrictEqual(posting.lines, complete.get(uuid)!.lines)
  })

  it("posts a later period's lone instalment with its share, after the earlier instalments the ledger holds", () => {
    const complete = byCharge(planPostings(contextOf(linksOf(charges), charges)).plans)
    for (const k of [2, 3]) {
      const present = [charges[k - 1]!]
      // the matcher dates the plan from its first instalment, a period before: a lone k/3 is linked (MSI k/3)
      const links = linksOf(present)
      assert.strictEqual(links[0]!.explanation.evidence[0]!.detail.status, `MSI ${k}/3`)
      const earlierCharges = new Map([[FURNITURE, charges.slice(0, k - 1)]])
      const planned = planPostings({ ...contextOf(links, present), earlierCharges })
      assert.deepStrictEqual(planned.exceptions.map((e) => e.message), [])
      assert.deepStrictEqual(planned.plans.map((p) => p.link.transactionUuid), [present[0]!.uuid], "earlier ones not again")
      assert.deepStrictEqual(byCharge(planned.plans).get(present[0]!.uuid)!.lines, complete.get(present[0]!.uuid)!.lines)

      // without them its share is unknown: refused, not posted as if it were the first instalment
      const alone = planPostings(contextOf(links, present))
      assert.lengthOf(alone.plans, 0)
      assert.include(alone.exceptions[0]!.message, `earlier instalment(s) (${k - 1} of ${k} linked) are neither`)
    }
  })

  it("refuses the group when one of its charges is not in the run", () => {
    const links = linksOf(charges)
    const planned = planPostings(contextOf(links, charges.slice(1)))
    assert.lengthOf(planned.plans, 0)
    assert.deepStrictEqual(planned.exceptions.map((e) => e.code), Array(3).fill("POSTING_FAILED"))
    const others = planned.exceptions.filter((e) => e.transactionUuid !== charges[0]!.uuid)
    assert.lengthOf(others, 2)
    for (const exception of others) {
      assert.include(exception.message, `charge(s) ${charges[0]!.uuid} of the linked group`)
    }
  })
})
