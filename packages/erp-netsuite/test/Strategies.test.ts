import { CfdiRef, JournalLine } from "@clara-recon/domain"
import { assert, describe, it, vi } from "@effect/vitest"
import { BigDecimal, Effect } from "effect"
import { suiteQlAll } from "../src/SuiteQl.js"
import { catalogMapping, fxPosting, harness, mxnPosting } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const d = BigDecimal.unsafeFromString

describe("record strategies (erp.md §1.10)", () => {
  it.live("creditCardCharge: card account in the header, the vendor, debit lines as expenses, CFDI serie-folio", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("m2m", { strategy: "creditCardCharge" })
      const plans = [mxnPosting(), fxPosting()].map((doc) => adapter.plan(doc))
      const accepted = plans.flatMap((p) => (p.ok ? [p] : []))
      assert.strictEqual(accepted.length, 2)
      const results = yield* adapter.postEach(accepted)
      assert.deepStrictEqual(results.map((r) => r.status), ["posted", "posted"])
      const [first, second] = emulator.records().map((r) => r.body as any)
      assert.deepStrictEqual(first.account, { id: "245" })
      assert.deepStrictEqual(first.entity, { id: "2001" })
      assert.strictEqual(first.tranId, "A-1001")
      assert.deepStrictEqual(first.expense.items.map((i: any) => [i.account.id, i.amount, i.custcol_mx_cfdi_uuid]), [
        ["601", 1000, "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"],
        ["118", 160, "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"]
      ])
      assert.deepStrictEqual(second.entity, { id: "2003" }, "the generic foreign RFC goes to the generic vendor")
      assert.strictEqual(second.exchangeRate, 17.25)
      for (const [i, r] of results.entries()) {
        if (r.status !== "posted") continue
        assert.strictEqual(r.ref.recordType, "creditCardCharge")
        assert.strictEqual((yield* adapter.verify(r.ref, accepted[i]!.fingerprint)).status, "match")
      }
    })))

  it.live("vendorBill: AP account from the mapping, the vendor, verify on the expense total", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("tba", { strategy: "vendorBill" })
      const plan = adapter.plan(mxnPosting())
      if (!plan.ok) return assert.fail(plan.errors.map((e) => e.message).join("; "))
      // the bill stays open in payables: the plan says so, and the card account must be mapped
      assert.deepStrictEqual(plan.warnings.map((w) => w.code), ["NETSUITE_BILL_LEFT_OPEN"])
      const base = mxnPosting()
      const unmapped = adapter.plan(mxnPosting("rcn_card", {
        lines: [base.lines[0]!, base.lines[1]!, new JournalLine({ ...base.lines[2]!, account: "205.99" })]
      }))
      assert.deepStrictEqual(unmapped.ok ? [] : unmapped.errors.map((e) => e.code), ["NETSUITE_ACCOUNT_NOT_MAPPED"])
      const [result] = yield* adapter.postEach([plan])
      if (result?.status !== "posted") return assert.fail("not posted")
      const body = emulator.records()[0]!.body as any
      assert.deepStrictEqual([body.account, body.entity], [{ id: "201" }, { id: "2001" }])
      assert.strictEqual((yield* adapter.verify(result.ref, plan.fingerprint)).status, "match")
      // another posting of the same CFDI (reference A-1001) for the vendor: NetSuite refuses the reference number,
      // a validation error of that document, not a duplicate of ours to look up
      const again = adapter.plan(mxnPosting("rcn_ns_0009"))
      if (!again.ok) return assert.fail("plan refused")
      const [refused] = yield* adapter.postEach([again])
      if (refused?.status !== "failed") return assert.fail("posted twice")
      assert.deepStrictEqual([refused.error.kind, refused.error.outcome], ["VALIDATION", "not_applied"])
      assert.include(refused.error.userMessage, "duplicate reference number")
    })))

  it.live("charges refuse withholding lines; an unknown RFC is found through SuiteQL and then posts", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("tba", { strategy: "creditCardCharge" })
      const base = mxnPosting()
      const withheld = adapter.plan(mxnPosting("rcn_ret", {
        lines: [
          base.lines[0]!,
          base.lines[1]!,
          new JournalLine({ side: "credit", role: "ret_isr", account: "216.04", amount: d("100.00"), text: "ISR" }),
          new JournalLine({ ...base.lines[2]!, amount: d("1060.00") })
        ]
      }))
      assert.isFalse(withheld.ok)
      if (!withheld.ok) assert.deepStrictEqual(withheld.errors.map((e) => e.code), ["NETSUITE_CREDIT_LINES_UNSUPPORTED"])

      const issuer = emulator.catalog.vendors.find((v) => v.id === "2010")!
      const foreign = mxnPosting("rcn_rfc", {
        cfdis: [new CfdiRef({ uuid: "11111111-2222-4333-8444-555555555555", rfcEmisor: issuer.rfc, fecha: "2026-01-14" })],
        lines: [new JournalLine({ ...base.lines[0]!, vendorRfc: issuer.rfc }), base.lines[1]!, base.lines[2]!]
      })
      const unmapped = adapter.plan(foreign)
      assert.isFalse(unmapped.ok)
      if (!unmapped.ok) assert.deepStrictEqual(unmapped.errors.map((e) => [e.kind, e.code]), [["REFERENCE", "NETSUITE_VENDOR_NOT_MAPPED"]])

      const found = yield* adapter.vendorsByRfc([issuer.rfc, "ODE950101AB1", "not an rfc", "ZZZ010101ZZZ"])
      assert.deepStrictEqual(found, { [issuer.rfc]: "2010", ODE950101AB1: "2001" })
      const resolved = yield* build("tba", {
        strategy: "creditCardCharge",
        mapping: { ...catalogMapping, vendors: { ...catalogMapping.vendors, ...found } }
      })
      const plan = resolved.plan(foreign)
      if (!plan.ok) return assert.fail(plan.errors.map((e) => e.message).join("; "))
      const [posted] = yield* resolved.postEach([plan])
      assert.strictEqual(posted?.status, "posted")
      assert.deepStrictEqual((emulator.records()[0]!.body as any).entity, { id: "2010" })
    })))
})

describe("discover and checkConnection (SuiteQL)", () => {
  it.live("reads accounts, subsidiaries, currencies, tax codes, vendors with RFC and periods (one closed)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("tba")
      const catalog = yield* adapter.discover()
      assert.deepStrictEqual(catalog.accounts.find((a) => a.code === "601.84"), {
        id: "601",
        code: "601.84",
        name: "Otros gastos generales",
        attributes: { accttype: "Expense", isinactive: "F" }
      })
      assert.strictEqual(catalog.accounts.length, emulator.catalog.accounts.length)
      assert.deepStrictEqual(catalog.currencies.map((c) => c.code), ["USD", "MXN", "EUR", "BRL"])
      assert.deepStrictEqual(catalog.subsidiaries.map((s) => s.id), ["1", "3"])
      assert.strictEqual(catalog.taxCodes.length, 4)
      assert.strictEqual(catalog.vendors.length, emulator.catalog.vendors.length)
      assert.strictEqual(catalog.vendors.find((v) => v.id === "2001")?.attributes?.["rfc"], "ODE950101AB1")
      const closed = catalog.periods.filter((p) => p.attributes?.["closed"] === "true")
      assert.deepStrictEqual(closed.map((p) => [p.name, p.attributes?.["start"], p.attributes?.["end"]]), [
        ["Dec 2025", "2025-12-01", "2025-12-31"]
      ])
      assert.strictEqual(catalog.periods.length, 24)
    })))

  it.live("pages SuiteQL with offset a multiple of limit until hasMore is false", () =>
    Effect.scoped(Effect.gen(function*() {
      const { client: build, emulator } = yield* harness()
      const client = yield* build("tba")
      const offsets: Array<string | undefined> = []
      const counting = { ...client, send: (r: Parameters<typeof client.send>[0]) => {
        offsets.push(r.query?.["offset"])
        return client.send(r)
      } }
      const rows = yield* suiteQlAll(counting, "SELECT id, entityid FROM vendor ORDER BY id", { pageSize: 7 })
      const n = emulator.catalog.vendors.length
      assert.strictEqual(rows.length, n)
      assert.deepStrictEqual(rows.map((r) => r["id"]), emulator.catalog.vendors.map((v) => v.id))
      assert.deepStrictEqual(offsets, Array.from({ length: Math.ceil(n / 7) }, (_, i) => String(i * 7)))
      const refused = yield* Effect.flip(suiteQlAll(client, "DELETE FROM vendor"))
      assert.strictEqual(refused.kind, "VALIDATION")
      assert.include(refused.userMessage, "Invalid search query")
    })))
})
