/**
 * A charge paid once and invoiced in two CFDIs (a hotel room and its restaurant bill: matching.md §7.6 split
 * invoices): the matcher links the charge to both, and the plan step builds one balanced journal over the two CFDIs
 * (each with its own expense and IVA lines and UUID), accepted by the SAP CSV adapter, instead of refusing the link
 * because the first CFDI's Total is not the card amount.
 */
import { CardTransaction, Money } from "@clara-recon/domain"
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

describe("plan step: a charge backed by several CFDIs", () => {
  it("posts one balanced journal over both CFDIs", () => {
    const result = match({ transactions: [charge], documents, asOf: "2026-01-31" })
    const link = result.links.find((l) => l.transactionUuid === charge.uuid)
    assert.isDefined(link, JSON.stringify(result.suggestions.map((s) => s.explanation.text)))
    assert.deepStrictEqual([...link!.explanation.members.cfdis].sort(), [ROOM, DINNER].sort())
    const ctx: PostContext = {
      runId: "run-1",
      runDir: "/nonexistent",
      tenant: "acme",
      runDate: "2026-01-31",
      links: [link!],
      transactions: new Map([[charge.uuid, charge]]),
      documents: new Map(documents.map((doc) => [doc.id, doc])),
      adapter: SapCsvAdapter.make({ tenant: "acme" }),
      adapterOfRun: () => SapCsvAdapter.make({ tenant: "acme" }),
      erpConcurrency: 1,
      batchSize: 100
    }
    const planned = planPostings(ctx)
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
})
