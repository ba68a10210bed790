import { JournalLine } from "@clara-recon/domain"
import { assert, describe, it, vi } from "@effect/vitest"
import { Effect, Option } from "effect"
import { fxPosting, harness, mxnPosting } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

describe("NetSuiteAdapter against the emulator", () => {
  it.live("plans, posts (204 + Location), finds by eid: and SuiteQL, and verifies a journal entry (TBA)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("tba")
      const plan = adapter.plan(mxnPosting())
      assert.isTrue(plan.ok, plan.ok ? "" : plan.errors.map((e) => e.message).join("; "))
      if (!plan.ok) return
      const results = yield* adapter.postEach([plan])
      const first = results[0]!
      assert.strictEqual(first.status, "posted")
      if (first.status !== "posted") return
      assert.strictEqual(first.resolvedBy, "created")
      const records = emulator.records()
      assert.strictEqual(records.length, 1)
      assert.strictEqual(first.ref.internalId, String(records[0]!.id))
      assert.strictEqual(first.ref.url, `${emulator.baseUrl}/services/rest/record/v1/journalEntry/${records[0]!.id}`)
      const body = records[0]!.body as any
      assert.deepStrictEqual(body.subsidiary, { id: "3" })
      assert.deepStrictEqual(body.currency, { id: "2" })
      assert.strictEqual(body.custbody_mx_cfdi_uuid, "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B")
      assert.deepStrictEqual(body.line.items.map((l: any) => [l.account.id, l.debit ?? null, l.credit ?? null]), [
        ["601", 1000, null],
        ["118", 160, null],
        ["245", null, 1160]
      ])
      assert.deepStrictEqual(body.line.items[0].entity, { id: "2001" })

      const found = yield* adapter.find(plan.externalKey)
      assert.deepStrictEqual(Option.getOrUndefined(found), first.ref)
      const verified = yield* adapter.verify(first.ref, plan.fingerprint)
      assert.strictEqual(verified.status, "match")

      const viaSuiteQl = yield* build("tba", { findVia: "suiteql" })
      assert.deepStrictEqual(Option.getOrUndefined(yield* viaSuiteQl.find(plan.externalKey)), first.ref)
      assert.isTrue(Option.isNone(yield* adapter.find("rcn_never_posted")))
    })))

  it.live("a second post of the same plan is resolved by find + verify, never a second record (M2M)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("m2m")
      const plans = [mxnPosting(), fxPosting()].map((d) => adapter.plan(d)).flatMap((p) => (p.ok ? [p] : []))
      assert.strictEqual(plans.length, 2)
      const once = yield* adapter.postEach(plans)
      const twice = yield* adapter.postEach(plans)
      assert.deepStrictEqual(once.map((r) => r.status === "posted" && r.resolvedBy), ["created", "created"])
      assert.deepStrictEqual(twice.map((r) => r.status === "posted" && r.resolvedBy), [
        "duplicate_verified",
        "duplicate_verified"
      ])
      assert.deepStrictEqual(
        twice.map((r) => (r.status === "posted" ? r.ref : undefined)),
        once.map((r) => (r.status === "posted" ? r.ref : undefined))
      )
      assert.strictEqual(emulator.records().length, 2)
      assert.strictEqual(emulator.stats().duplicatesRefused, 2)
      assert.strictEqual(emulator.stats().tokensIssued, 1)
    })))

  it.live("verify reports a mismatch when the record differs from the planned fingerprint", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build } = yield* harness()
      const adapter = yield* build("tba")
      const plan = adapter.plan(mxnPosting())
      if (!plan.ok) return assert.fail("plan refused")
      const [posted] = yield* adapter.postEach([plan])
      if (posted?.status !== "posted") return assert.fail("not posted")
      const other = adapter.plan(fxPosting())
      if (!other.ok) return assert.fail("plan refused")
      const result = yield* adapter.verify(posted.ref, other.fingerprint)
      assert.strictEqual(result.status, "mismatch")
      if (result.status !== "mismatch") return
      assert.includeMembers([...result.differences], [
        "date 2026-01-15 instead of 2026-02-03",
        "totals 1160.00/1160.00 instead of 2010.00/2010.00",
        "3 lines instead of 4"
      ])
      // the same totals, date and line count, but another expense account and another subsidiary: not ours either
      const base = mxnPosting()
      const edited = adapter.plan(mxnPosting("rcn_ns_0001", {
        companyCode: "US01",
        lines: [new JournalLine({ ...base.lines[0]!, account: "613.01" }), base.lines[1]!, base.lines[2]!]
      }))
      if (!edited.ok) return assert.fail("plan refused")
      const accounts = yield* adapter.verify(posted.ref, edited.fingerprint)
      assert.strictEqual(accounts.status, "mismatch")
      if (accounts.status !== "mismatch") return
      assert.deepStrictEqual([...accounts.differences], [
        "subsidiary 3 instead of 1",
        "lines credit 245 1160.00; debit 118 160.00; debit 601 1000.00 instead of " +
        "credit 245 1160.00; debit 118 160.00; debit 613 1000.00"
      ])
      assert.strictEqual((yield* adapter.verify(posted.ref, plan.fingerprint)).status, "match")
      const conflict = yield* adapter.postEach([{ ...plan, fingerprint: other.fingerprint }])
      assert.strictEqual(conflict[0]?.status, "failed")
      if (conflict[0]?.status === "failed") {
        assert.strictEqual(conflict[0].error.kind, "CONFLICT")
        assert.strictEqual(conflict[0].error.outcome, "applied")
      }
    })))
})
