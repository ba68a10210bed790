/**
 * `postedLinkChanges` (plan step, POSTED_LINK_CHANGED): which ledger rows of earlier postings a run reports, by state
 * and by what the run links the charge to, in external-key order.
 */
import { assert, describe, it } from "@effect/vitest"
import { type DocumentState, documentStates } from "@clara-recon/erp"
import type { MatchLink } from "@clara-recon/domain"
import { type PlannedPosting, postedLinkChanges } from "../src/Post.js"
import type { LedgerRow } from "../src/ReconStore.js"
import { transaction } from "./Fixtures.js"

const row = (externalKey: string, transactionUuid: string, documentId: string, state: DocumentState): LedgerRow => ({
  externalKey,
  transactionUuid,
  documentId,
  state,
  runId: "run-1",
  erp: "sap-csv",
  fingerprintJson: "{}",
  refJson: undefined,
  error: undefined
})

/** A planned posting of `transactionUuid` against `documentId`: only the fields `postedLinkChanges` reads. */
const planned = (externalKey: string, transactionUuid: string, documentId: string) =>
  ({
    link: { transactionUuid, documentId } as MatchLink,
    planned: { externalKey }
  }) as PlannedPosting

describe("postedLinkChanges", () => {
  const transactions = new Map(["t1", "t2", "t3", "t4"].map((uuid) => [uuid, transaction(uuid, "100.00")]))

  it("reports booked postings of unlinked charges (UNLINKED) and of charges linked elsewhere (OTHER_DOCUMENT)", () => {
    // every state: draft, planned, posting, posted_unverified, verified, failed, excluded
    const unlinked = documentStates.map((state, i) => row(`k-u${i}`, "t1", "D1", state))
    const ledger = new Map([
      ["k-same", row("k-same", "t2", "D2", "verified")],
      ["k-moved", row("k-moved", "t3", "D3", "posted_unverified")],
      ["k-moved-excluded", row("k-moved-excluded", "t4", "D4", "excluded")]
    ])
    const plans = [
      planned("k-same", "t2", "D2"),
      planned("k-moved", "t3", "D9"),
      planned("k-moved-excluded", "t4", "D8"),
      planned("k-new", "t4", "D4")
    ]
    const reported = postedLinkChanges(plans, ledger, unlinked, transactions)
    assert.deepStrictEqual(
      reported.map((e) => [e.location, e.subtype, e.transactionUuid, e.documentId]),
      [
        ["k-moved", "OTHER_DOCUMENT", "t3", "D3"],
        ["k-u2", "UNLINKED", "t1", "D1"],
        ["k-u3", "UNLINKED", "t1", "D1"],
        ["k-u4", "UNLINKED", "t1", "D1"]
      ]
    )
    for (const e of reported) {
      assert.strictEqual(e.code, "POSTED_LINK_CHANGED")
      assert.strictEqual(e.severity, "high")
      assert.strictEqual(e.amountAtRisk?.currency, "MXN")
    }
    assert.include(reported[0]!.message, "this run links the transaction to D9")
    assert.include(reported[1]!.message, "was posted by run run-1 (posting) from document D1")
  })

  it("reports nothing when every booked posting is still backed by its document", () => {
    const ledger = new Map([["k1", row("k1", "t1", "D1", "verified")]])
    assert.deepStrictEqual(postedLinkChanges([planned("k1", "t1", "D1")], ledger, [], transactions), [])
  })
})
