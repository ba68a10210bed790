/**
 * A charge paid once and invoiced in two CFDIs (a hotel room and its restaurant bill: matching.md §7.6 split
 * invoices): the matcher links the charge to both, and the plan step builds one balanced journal over the two CFDIs
 * (each with its own expense and IVA lines and UUID), accepted by the SAP CSV adapter, instead of refusing the link
 * because the first CFDI's Total is not the card amount. The same holds for a charge that paid an invoice net of its
 * credit note (cfdi.md §2.7): one journal, the credit note's lines on the other side.
 */
import { CardTransaction, CfdiRelation, FiscalDocument, type MatchLink, Money } from "@clara-recon/domain"
import { SapCsvAdapter } from "@clara-recon/erp-sap-csv"
import { match } from "@clara-recon/matcher"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { planPostings, type PostContext } from "../src/Post.js"
import { invoiceCfdi } from "./Fixtures.js"

const d = BigDecimal.unsafeFromString

const charge = new CardTransaction({
  uuid: "3f1c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
  type: "PURCHASE",
  status: "AUTHORIZED",
  descriptor: "HOTEL PRESIDENTE",
  amount: new Money({ amount: d("1392.00"), currency: "MXN" }),
  operationDate: "2026-01-15",
  hasInvoice: true,
  hasExtractedDocuments: false
})

/** A CFDI of the hotel: `subTotal` + 16 % IVA. */
const hotelCfdi = (uuid: string, subTotal: string, iva: string, total: string) =>
  invoiceCfdi(uuid, { taxId: "HPR010101AB1", name: "HOTELES PRESIDENTE SA DE CV" }, { subTotal, iva, total })


const ROOM = "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"
const DINNER = "5B2C3D4E-1111-4F60-9B0C-1D2E3F4A5B6C"
const documents = [hotelCfdi(ROOM, "1000.00", "160.00", "1160.00"), hotelCfdi(DINNER, "200.00", "32.00", "232.00")]

/** The plan step's context for `links` of `paid` against `documents`, with the SAP CSV adapter. */
const contextOf = (
  paid: CardTransaction,
  documents: ReadonlyArray<FiscalDocument>,
  links: ReadonlyArray<MatchLink>
): PostContext => ({
  runId: "run-1",
  runDir: "/nonexistent",
  tenant: "acme",
  runDate: "2026-01-31",
  links,
  transactions: new Map([[paid.uuid, paid]]),
  documents: new Map(documents.map((doc) => [doc.id, doc])),
  adapter: SapCsvAdapter.make({ tenant: "acme" }),
  adapterOfRun: () => SapCsvAdapter.make({ tenant: "acme" }),
  erpConcurrency: 1,
  batchSize: 100
})

/** Matches the charge against the documents and plans its posting with the SAP CSV adapter. */
const planOf = (paid: CardTransaction, documents: ReadonlyArray<FiscalDocument>, members: ReadonlyArray<string>) => {
  const result = match({ transactions: [paid], documents, asOf: "2026-01-31" })
  const link = result.links.find((l) => l.transactionUuid === paid.uuid)
  assert.isDefined(link, JSON.stringify(result.suggestions.map((s) => s.explanation.text)))
  assert.deepStrictEqual([...link!.explanation.members.cfdis].sort(), [...members].sort())
  return planPostings(contextOf(paid, documents, [link!]))
}

describe("plan step: a charge backed by several CFDIs", () => {
  it("posts one balanced journal over both CFDIs", () => {
    const planned = planOf(charge, documents, [ROOM, DINNER])
    assert.deepStrictEqual(planned.exceptions.map((e) => e.message), [])
    assert.lengthOf(planned.plans, 1)
    const posting = planned.plans[0]!.planned.document
    assert.deepStrictEqual(posting.cfdis.map((c) => c.uuid).sort(), [ROOM, DINNER].sort())
    const byRole = (role: string) =>
      posting.lines.filter((l) => l.role === role).map((l) => BigDecimal.format(l.amount))
    assert.deepStrictEqual(byRole("expense").sort(), ["1000", "200"])
    assert.deepStrictEqual(byRole("iva_acreditable").sort(), ["160", "32"])
    assert.deepStrictEqual(byRole("card_liability"), ["1392"])
  })

  it("posts neither journal of a charge a person linked to two CFDIs by separate links (one external key)", () => {
    // the room invoiced twice: each CFDI alone equals the charge, so each would plan a journal of its own
    const paid = new CardTransaction({ ...charge, amount: new Money({ amount: d("1160.00"), currency: "MXN" }) })
    const twice = [documents[0]!, hotelCfdi(DINNER, "1000.00", "160.00", "1160.00")]
    const pinned = twice.map((doc) => ({
      status: "CONFIRMED" as const,
      transactionUuid: paid.uuid,
      documentId: doc.id,
      who: "ana",
      when: "2026-02-01T00:00:00Z"
    }))
    const { links } = match({ transactions: [paid], documents: twice, asOf: "2026-01-31", pinned })
    assert.lengthOf(links, 2)
    const planned = planPostings(contextOf(paid, twice, links))
    assert.deepStrictEqual(planned.plans, [])
    assert.deepStrictEqual(planned.exceptions.map((e) => [e.subtype, e.documentId]), [
      ["SEVERAL_LINKS", ROOM],
      ["SEVERAL_LINKS", DINNER]
    ])
    assert.include(planned.exceptions[0]!.message, "linked to 2 documents by separate links")
  })

  it("posts an invoice net of its credit note as one balanced journal", () => {
    // a 100 + 16 % IVA discount granted on a type E CFDI related to the room's invoice: the card paid 1160 - 116
    const NOTE = "6C3D4E5F-2222-4071-8C1D-2E3F4A5B6C7D"
    const note = new FiscalDocument({
      ...hotelCfdi(NOTE, "100.00", "16.00", "116.00"),
      tipoDeComprobante: "E",
      issueDate: "2026-01-20",
      relations: [new CfdiRelation({ tipoRelacion: "01", uuids: [ROOM] })]
    })
    const discounted = new CardTransaction({ ...charge, amount: new Money({ amount: d("1044.00"), currency: "MXN" }) })
    const planned = planOf(discounted, [documents[0]!, note], [ROOM, NOTE])
    assert.deepStrictEqual(planned.exceptions.map((e) => e.message), [])
    const posting = planned.plans[0]!.planned.document
    const lines = posting.lines.map((l) => `${l.side} ${l.role} ${BigDecimal.format(l.amount)} ${l.cfdiUuid}`)
    assert.deepStrictEqual(lines, [
      `debit expense 1000 ${ROOM}`,
      `debit iva_acreditable 160 ${ROOM}`,
      `credit expense 100 ${NOTE}`,
      `credit iva_acreditable 16 ${NOTE}`,
      "credit card_liability 1044 undefined"
    ])
  })
})
