import { assert, describe, it } from "@effect/vitest"
import { BigDecimal } from "effect"
import { CardTransaction, Money, ReconciliationException } from "@clara-recon/domain"
import type { RunResult } from "@clara-recon/pipeline"
import { evaluate } from "../src/Evaluation.js"

const tx = (uuid: string) =>
  new CardTransaction({
    uuid,
    type: "PURCHASE",
    status: "AUTHORIZED",
    descriptor: "X",
    amount: new Money({ amount: BigDecimal.unsafeFromString("10"), currency: "MXN" }),
    operationDate: "2026-01-01",
    hasInvoice: false,
    hasExtractedDocuments: false
  })

const missing = (uuid: string) =>
  new ReconciliationException({
    code: "MISSING_INVOICE",
    severity: "high",
    message: "m",
    transactionUuid: uuid,
    suggestedAction: "a"
  })

describe("evaluate", () => {
  it("scores auto-links and MISSING_INVOICE against the ground truth of the transactions seen", () => {
    const run = {
      transactions: ["t1", "t2", "t3", "t4"].map(tx),
      links: [
        { transactionUuid: "t1", documentId: "aaaa" },
        { transactionUuid: "t2", documentId: "WRONG" }
      ],
      exceptions: [missing("t3"), missing("t2")]
    } as unknown as RunResult
    const result = evaluate(run, {
      links: [
        { transactionUuid: "t1", cfdiUuid: "AAAA" },
        { transactionUuid: "t2", cfdiUuid: "BBBB" },
        { transactionUuid: "unseen", cfdiUuid: "CCCC" }
      ],
      missingInvoice: ["t3", "t4"],
      notSubject: []
    })
    assert.deepStrictEqual(result.autoLinks, {
      truePositives: 1,
      predicted: 2,
      expected: 2,
      precision: "0.5000",
      recall: "0.5000"
    })
    assert.deepStrictEqual(result.missingInvoice, {
      truePositives: 1,
      predicted: 2,
      expected: 2,
      precision: "0.5000",
      recall: "0.5000"
    })
  })
})
