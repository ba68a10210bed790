/** matching.md §7.7-§7.10, §7.13: every exception code the matcher emits is reached, with its fields filled. */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { match } from "../src/Matcher.js"
import { kitchenSink, matcherExceptionCodes } from "./Fixtures.js"

const result = match(kitchenSink)
const find = (code: string, id: string) =>
  result.exceptions.find((e) => e.code === code && (e.transactionUuid === id || e.documentId === id))

describe("exception report (matching.md §7.10)", () => {
  it("reaches every code", () => {
    assert.deepStrictEqual([...new Set(result.exceptions.map((e) => e.code))].sort(), [...matcherExceptionCodes])
  })

  it("names the records of each story", () => {
    const expected: ReadonlyArray<readonly [string, string]> = [
      ["MISSING_INVOICE", "nothing"],
      ["RECEIPT_ONLY_EXPECTED", "foreign"],
      ["AMOUNT_MISMATCH", "fx"],
      ["AMBIGUOUS", "ambiguous"],
      ["PPD_WITHOUT_PAYMENT_COMPLEMENT", "ppd"],
      ["REFUND_WITHOUT_CREDIT_NOTE", "refund"],
      ["REVERSED_PURCHASE", "bought"],
      ["REVERSED_PURCHASE", "returned"],
      ["MSI_INCOMPLETE", "msi-2"],
      ["RELINK_PROPOSED", "relink"],
      ["DUPLICATE_TRANSACTION", "auth-2"],
      ["POSSIBLE_DUPLICATE_TRANSACTION", "same-2"],
      ["CFDI_OVERALLOCATED", "OVER1"],
      ["CFDI_CANCELLED_LINKED", "cancelled"],
      ["DOC_NOT_VERIFIED", "unverified"],
      ["INVOICE_WITHOUT_TRANSACTION", "ORPHAN"],
      ["RECEPTOR_RFC_MISMATCH", "OTHERCO"],
      ["GENERIC_RECEPTOR", "PUBLIC"],
      ["INVALID_DOCUMENT", "BADDATE"],
      ["DUPLICATE_CFDI", "FOLIO-B"],
      ["POSSIBLE_DUPLICATE_CFDI", "AMB2"],
      ["NO_FX_RATE", "EUR1"],
      ["DUPLICATE_DOCUMENT", "r-file-2"],
      ["POSSIBLE_DUPLICATE_DOCUMENT", "r-folio-2"]
    ]
    for (const [code, id] of expected) assert.isDefined(find(code, id), `${code} on ${id}`)
    assert.isUndefined(find("MISSING_INVOICE", "bought"), "a reversed purchase needs no invoice")
    assert.isUndefined(find("INVOICE_WITHOUT_TRANSACTION", "NEW1"), "a proposed relink target is not an orphan")
  })

  it("fills amount at risk, age, suggested action and the top suggestion", () => {
    const links = new Set([...result.links, ...result.suggestions].map((l) => l.linkId))
    for (const e of result.exceptions) {
      assert.isDefined(e.amountAtRisk, e.code)
      assert.isAbove(e.suggestedAction.length, 10, e.code)
      if (e.code !== "INVALID_DOCUMENT") assert.isAtLeast(e.ageDays ?? -1, 0, `${e.code} age`)
      if (e.topSuggestion !== undefined) assert.isTrue(links.has(e.topSuggestion), `${e.code} top suggestion`)
    }
    for (const code of ["AMBIGUOUS", "AMOUNT_MISMATCH", "DOC_NOT_VERIFIED", "RELINK_PROPOSED", "MSI_INCOMPLETE"]) {
      assert.isDefined(result.exceptions.find((e) => e.code === code)?.topSuggestion, code)
    }
    const excess = find("CFDI_OVERALLOCATED", "OVER1")!.amountAtRisk!
    assert.strictEqual(BigDecimal.format(excess.amount), "399.98")
    assert.match(find("AMOUNT_MISMATCH", "fx")!.message, /17\.2 MXN\/USD \(TIPO_CAMBIO 2025-01-04\)/)
    assert.include(find("PPD_WITHOUT_PAYMENT_COMPLEMENT", "ppd")!.message, "2025-02-05")
  })

  it("drops the PPD exception once a payment complement names the CFDI", () => {
    const paid = match({ ...kitchenSink, paymentComplements: [{ uuid: "P1", relatedDocuments: ["ppd1"] }] })
    assert.isUndefined(paid.exceptions.find((e) => e.code === "PPD_WITHOUT_PAYMENT_COMPLEMENT"))
  })

  it("balances the control totals of every statement period", () => {
    assert.deepStrictEqual(result.controlTotals.map((c) => [c.period, c.currency, c.balanced]), [
      ["2024-11", "MXN", true],
      ["2024-12", "MXN", true],
      ["2025-01", "MXN", true]
    ])
    const january = result.controlTotals.find((c) => c.period === "2025-01")!
    assert.strictEqual(january.count, 17)
    assert.strictEqual(january.linked, "4200.00")
  })
})
