/**
 * `postedLinkChanges` (plan step, POSTED_LINK_CHANGED): which ledger rows of earlier postings a run reports, by state,
 * by what the run links the charge to, and by how the journal it plans differs from the one booked, in external-key
 * order; and `holdDocumentsBookedElsewhere`, which keeps a CFDI booked for one charge from being posted for another.
 */
import { assert, describe, it } from "@effect/vitest"
import { type DocumentState, documentStates, type Fingerprint } from "@clara-recon/erp"
import type { MatchLink } from "@clara-recon/domain"
import { holdDocumentsBookedElsewhere, type PlannedPosting, postedLinkChanges } from "../src/Post.js"
import type { LedgerRow } from "../src/ReconStore.js"
import { transaction } from "./Fixtures.js"

/** A journal's fingerprint with totals `total` / `total` in `currency`. */
const fingerprint = (total: string, currency = "MXN", hash = "h1"): Fingerprint => ({
  hash,
  totals: { debit: total, credit: total },
  lineCount: 3,
  date: "2026-01-10",
  currency
})

const row = (
  externalKey: string,
  transactionUuid: string,
  documentId: string,
  state: DocumentState,
  booked = fingerprint("100.00")
): LedgerRow => ({
  externalKey,
  transactionUuid,
  documentId,
  state,
  runId: "run-1",
  erp: "sap-csv",
  fingerprintJson: JSON.stringify(booked),
  refJson: undefined,
  error: undefined
})

/** A planned posting of `transactionUuid` against `documentId`: only the fields `postedLinkChanges` reads. */
const planned = (externalKey: string, transactionUuid: string, documentId: string, now = fingerprint("100.00")) =>
  ({
    link: { transactionUuid, documentId } as MatchLink,
    planned: { externalKey, fingerprint: now }
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
        ["k-u4", "UNLINKED", "t1", "D1"],
        // failed: the ERP holds a differing record, and the charge is no longer planned nor read back
        ["k-u5", "UNLINKED", "t1", "D1"]
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

  it("reports a booked journal whose link now plans other totals or another currency (JOURNAL_CHANGED)", () => {
    const ledger = new Map([
      ["k-amount", row("k-amount", "t1", "D1", "verified")],
      ["k-currency", row("k-currency", "t2", "D2", "posting")],
      ["k-payload", row("k-payload", "t3", "D3", "verified")],
      ["k-failed", row("k-failed", "t4", "D4", "failed")]
    ])
    const plans = [
      planned("k-amount", "t1", "D1", fingerprint("116.00")),
      planned("k-currency", "t2", "D2", fingerprint("100.00", "USD")),
      // another payload (a new account mapping, another posting date) with the same totals is not a change
      planned("k-payload", "t3", "D3", { ...fingerprint("100.00", "MXN", "h2"), date: "2026-01-31" }),
      planned("k-failed", "t4", "D4", fingerprint("116.00"))
    ]
    const reported = postedLinkChanges(plans, ledger, [], transactions)
    assert.deepStrictEqual(reported.map((e) => [e.location, e.subtype]), [
      ["k-amount", "JOURNAL_CHANGED"],
      ["k-currency", "JOURNAL_CHANGED"]
    ])
    assert.include(reported[0]!.message, "totals 100.00 / 100.00 posted, 116.00 / 116.00 now")
    assert.include(reported[1]!.message, "currency MXN posted, USD now")
    assert.include(reported[0]!.suggestedAction ?? "", "post the right one")
  })

  it("reports nothing when every booked posting is still backed by its document and its journal", () => {
    const ledger = new Map([
      ["k1", row("k1", "t1", "D1", "verified")],
      // a posting migrated from the first releases has no stored fingerprint: nothing to compare
      ["k2", row("k2", "t2", "D2", "verified", {} as Fingerprint)]
    ])
    const plans = [planned("k1", "t1", "D1"), planned("k2", "t2", "D2", fingerprint("116.00"))]
    assert.deepStrictEqual(postedLinkChanges(plans, ledger, [], transactions), [])
  })
})

describe("holdDocumentsBookedElsewhere", () => {
  const transactions = new Map(["t1", "t2", "t3"].map((uuid) => [uuid, transaction(uuid, "100.00")]))
  /** A planned posting of a 1:1 link (no group evidence, no other member). */
  const plan = (externalKey: string, transactionUuid: string, documentId: string) =>
    ({
      link: {
        transactionUuid,
        documentId,
        explanation: { members: { transactions: [transactionUuid], cfdis: [documentId], documents: [] }, evidence: [] }
      } as unknown as MatchLink,
      planned: { externalKey, fingerprint: fingerprint("100.00") }
    }) as PlannedPosting

  it("holds a CFDI booked for another charge, and not one the run links to both charges", () => {
    const booked = [row("k1", "t1", "D1", "verified"), row("k9", "t9", "D2", "excluded")]
    const moved = plan("k2", "t2", "D1")
    const free = plan("k3", "t3", "D2")
    const held = holdDocumentsBookedElsewhere([moved, free], [moved.link, free.link], booked, transactions)
    assert.deepStrictEqual(held.plans, [free], "an excluded posting holds nothing")
    assert.deepStrictEqual(held.held.map((e) => [e.subtype, e.transactionUuid, e.documentId]), [
      ["DOCUMENT_ALREADY_POSTED", "t2", "D1"]
    ])
    assert.include(held.held[0]!.message, "already booked for transaction t1 (k1, verified)")
    // t1 and t2 both linked to D1 by this run (a person's pairs), t1's own plan refused: t2 is not held for t1
    const both = [plan("k1", "t1", "D1").link, moved.link]
    const shared = holdDocumentsBookedElsewhere([moved], both, booked, transactions)
    assert.deepStrictEqual(shared.plans, [moved])
  })
})
