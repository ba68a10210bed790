/**
 * One charge backed by several CFDIs (matching.md §7.6 split invoices; `buildPosting`'s `moreDocuments`): each CFDI
 * gets its own expense, IVA and withholding lines with its UUID, vendor RFC and tax code; the shared lines carry no
 * UUID; the card amount is checked against the sum of the Totals; documents in another currency are refused.
 */
import { formatFixed, type PostingDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { defaultMapping } from "../src/MappingConfig.js"
import { buildPosting } from "../src/PostingBuilder.js"
import { isBalanced } from "../src/PostingTotals.js"
import { cfdi, CFDI_UUID, transaction } from "./support/Samples.js"

const SECOND_UUID = "5B2C3D4E-1111-4F60-9B0C-1D2E3F4A5B6C"

/** Room: 1000 + 16 % IVA = 1160; restaurant: 200 + 16 % IVA - 10.67 ISR withheld = 221.33. */
const room = cfdi({ subTotal: "1000.00", total: "1160.00" }, { ivaTransferred: "160.00" })
const restaurant = cfdi(
  { subTotal: "200.00", total: "221.33" },
  { ivaTransferred: "32.00", isrWithheld: "10.67" },
  { id: SECOND_UUID, fiscalUuid: SECOND_UUID, folio: "1002", issueDate: "2026-01-15", issuedAt: "2026-01-15T09:00:00" }
)

const lines = (posting: PostingDocument) =>
  posting.lines.map((l) =>
    `${l.side === "debit" ? "Dr" : "Cr"} ${l.role} ${formatFixed(l.amount)} ${l.cfdiUuid ?? "-"} ${l.vendorRfc ?? "-"}`
  )

/** The room's posting with `moreDocuments`, for a charge of `amount`. */
const build = (amount: string, moreDocuments: ReadonlyArray<ReturnType<typeof cfdi>>) =>
  buildPosting({
    tenant: "acme",
    transaction: transaction(amount),
    document: room,
    moreDocuments,
    mapping: defaultMapping
  })

/** The built posting, checked balanced (the test fails on a refusal). */
const built = (amount: string, moreDocuments: ReadonlyArray<ReturnType<typeof cfdi>>): PostingDocument => {
  const result = build(amount, moreDocuments)
  if (Either.isLeft(result)) return assert.fail(result.left.message)
  assert.isTrue(isBalanced(result.right))
  return result.right
}

describe("buildPosting with several documents", () => {
  it("posts each CFDI's lines with its UUID, and the card liability once", () => {
    const posting = built("1381.33", [restaurant])
    const first = CFDI_UUID.toUpperCase()
    assert.deepStrictEqual(lines(posting), [
      `Dr expense 1000.00 ${first} ODE950101AB1`,
      `Dr iva_acreditable 160.00 ${first} -`,
      `Dr expense 200.00 ${SECOND_UUID} ODE950101AB1`,
      `Dr iva_acreditable 32.00 ${SECOND_UUID} -`,
      `Cr ret_isr 10.67 ${SECOND_UUID} -`,
      "Cr card_liability 1381.33 - -"
    ])
    assert.deepStrictEqual(posting.cfdis.map((c) => [c.uuid, c.folio, c.fecha]), [
      [first, "1001", "2026-01-14T12:30:00"],
      [SECOND_UUID, "1002", "2026-01-15T09:00:00"]
    ])
    assert.include(posting.memo, `CFDI ${first}, ${SECOND_UUID}`)
  })

  it("checks the card amount against the sum of the Totals", () => {
    const result = build("1160.00", [restaurant])
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.code, "AMOUNT_GAP_TOO_LARGE")
      assert.include(result.left.message, "the 2 documents' totals 1381.33")
    }
  })

  it("nets a credit note (type E) against its invoice: its lines take the other side", () => {
    // a 100 + 16 % discount granted on a credit note: the card paid 1160 - 116 = 1044, and 10.00 of ISR withheld on
    // the note is given back
    const note = cfdi({ subTotal: "100.00", total: "106.00" }, { ivaTransferred: "16.00", isrWithheld: "10.00" }, {
      id: SECOND_UUID,
      fiscalUuid: SECOND_UUID,
      tipoDeComprobante: "E",
      issueDate: "2026-01-20"
    })
    const first = CFDI_UUID.toUpperCase()
    assert.deepStrictEqual(lines(built("1054.00", [note])), [
      `Dr expense 1000.00 ${first} ODE950101AB1`,
      `Dr iva_acreditable 160.00 ${first} -`,
      `Cr expense 100.00 ${SECOND_UUID} ODE950101AB1`,
      `Cr iva_acreditable 16.00 ${SECOND_UUID} -`,
      `Dr ret_isr 10.00 ${SECOND_UUID} -`,
      "Cr card_liability 1054.00 - -"
    ])
  })

  it("refuses documents outside the card currency", () => {
    const usd = cfdi({ subTotal: "10.00", total: "11.60", currency: "USD", exchangeRate: "17.5" }, {
      ivaTransferred: "1.60"
    }, { id: SECOND_UUID, fiscalUuid: SECOND_UUID })
    const result = build("1363.00", [usd])
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) assert.strictEqual(result.left.code, "GROUP_CURRENCY_MISMATCH")
  })
})
