import { JournalLine } from "@clara-recon/domain"
import { assert, describe, it, vi } from "@effect/vitest"
import { BigDecimal, Effect, Schema } from "effect"
import { errorFromResponse, parseErrorDetails } from "../src/NetSuiteErrors.js"
import { NetSuiteMapping } from "../src/NetSuiteMapping.js"
import { documentFieldPath, planDocument } from "../src/NetSuitePlan.js"
import { catalogMapping, harness, mxnPosting } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const nsError = (status: number, details: ReadonlyArray<Record<string, string>>) =>
  JSON.stringify({ type: "https://example/rfc", title: "Bad Request", status, "o:errorDetails": details })

const ctx = { method: "POST", path: "/services/rest/record/v1/journalEntry", write: true, subject: "journal entry rcn_1" }

describe("o:errorDetails -> ErpError (erp.md §1.7, §5.1)", () => {
  it("maps an invalid reference with o:errorPath to REFERENCE on our document's field, ids named by code", () => {
    const payload = { recordType: "journalEntry" as const, body: {}, lineIndexes: [0, 1, 2] }
    const error = errorFromResponse({
      ...ctx,
      status: 400,
      body: nsError(400, [{
        detail: "Invalid account reference key 612 for subsidiary 3.",
        "o:errorCode": "INVALID_KEY_OR_REF",
        "o:errorPath": "line.items[2].account"
      }]),
      fieldPathOf: (p) => documentFieldPath(payload, p),
      describe: (d) => d.replace("612", "612 (GL 601.84)")
    })
    assert.strictEqual(error.kind, "REFERENCE")
    assert.strictEqual(error.outcome, "not_applied")
    assert.isFalse(error.retryable)
    assert.strictEqual(error.code, "NETSUITE_INVALID_REFERENCE")
    assert.strictEqual(error.upstreamCode, "INVALID_KEY_OR_REF")
    assert.strictEqual(error.fieldPath, "lines[2].account")
    assert.strictEqual(error.remediation?.action, "fix_mapping")
    assert.include(error.userMessage, "612 (GL 601.84) for subsidiary 3")
  })

  it("classifies status and text: 401, 403, 429, 5xx on a write, duplicate, closed period, other 400", () => {
    const kinds = [
      [401, "INVALID_LOGIN", "Invalid login attempt."],
      [403, "INSUFFICIENT_PERMISSION", "Permission violation"],
      [429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded."],
      [500, "UNEXPECTED_ERROR", "An unexpected error occurred."],
      [400, "USER_ERROR", "This record already exists."],
      [400, "USER_ERROR", "The accounting period Dec 2025 is closed."],
      [400, "INVALID_CONTENT", "Invalid field name foo."]
    ] as const
    const seen = kinds.map(([status, code, detail]) => {
      const e = errorFromResponse({ ...ctx, status, body: nsError(status, [{ detail, "o:errorCode": code }]) })
      return [e.kind, e.outcome, e.retryable]
    })
    assert.deepStrictEqual(seen, [
      ["AUTH", "not_applied", false],
      ["PERMISSION", "not_applied", false],
      ["RATE_LIMITED", "not_applied", true],
      ["TRANSIENT", "unknown", true],
      ["DUPLICATE", "applied", false],
      ["PERIOD_CLOSED", "not_applied", false],
      ["VALIDATION", "not_applied", false]
    ])
    const read = errorFromResponse({ ...ctx, write: false, status: 503, body: "" })
    assert.strictEqual(read.outcome, "not_applied")
  })

  it("redacts credentials quoted in an upstream body and tolerates a body that is not JSON", () => {
    const e = errorFromResponse({ ...ctx, status: 502, body: "<html>proxy: Authorization: Bearer eyJabc.def</html>" })
    assert.notInclude(e.internalMessage, "eyJabc")
    assert.deepStrictEqual(parseErrorDetails("not json"), [])
  })
})

describe("NetSuite refusals against the emulator", () => {
  it.live("a closed period, an inactive account and an account of another subsidiary come back typed and mapped", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("tba")
      const closed = adapter.plan(mxnPosting("rcn_closed", { postingDate: "2025-12-15" }))
      const base = mxnPosting()
      const withAccount = (key: string, account: string) =>
        adapter.plan(mxnPosting(key, {
          lines: [new JournalLine({ ...base.lines[0]!, account }), ...base.lines.slice(1)]
        }))
      const plans = [closed, withAccount("rcn_inactive", "699.99"), withAccount("rcn_othersub", "6100")]
      const results = yield* adapter.postEach(plans.flatMap((p) => (p.ok ? [p] : [])))
      assert.strictEqual(results.length, 3)
      const errors = results.map((r) => (r.status === "failed" ? r.error : undefined))
      assert.deepStrictEqual(errors.map((e) => [e?.kind, e?.fieldPath, e?.outcome]), [
        ["PERIOD_CLOSED", "postingDate", "not_applied"],
        ["REFERENCE", "lines[0].account", "not_applied"],
        ["REFERENCE", "lines[0].account", "not_applied"]
      ])
      assert.strictEqual(errors[0]?.remediation?.action, "open_period")
      assert.include(errors[1]?.userMessage ?? "", "999 (GL 699.99)")
      assert.include(errors[2]?.userMessage ?? "", "for subsidiary 3")
      assert.strictEqual(emulator.records().length, 0)
    })))

  it("books no company code the mapping does not list into the default subsidiary", () => {
    const mapping = Schema.decodeUnknownSync(NetSuiteMapping)({
      ...catalogMapping,
      subsidiaries: { MX01: "3" },
      defaultSubsidiary: "1"
    })
    const other = planDocument(mxnPosting("rcn_mx02", { companyCode: "MX02" }), "journalEntry", mapping)
    assert.deepStrictEqual(other.ok ? [] : other.errors.map((e) => e.code), ["NETSUITE_SUBSIDIARY_NOT_MAPPED"])
    const listed = planDocument(mxnPosting("rcn_mx01", { companyCode: "MX01" }), "journalEntry", mapping)
    assert.isTrue(listed.ok)
    // a mapping that names no subsidiary at all books every company code into the default
    const single = Schema.decodeUnknownSync(NetSuiteMapping)({
      ...catalogMapping,
      subsidiaries: {},
      defaultSubsidiary: "1"
    })
    assert.isTrue(planDocument(mxnPosting("rcn_mx02", { companyCode: "MX02" }), "journalEntry", single).ok)
  })

  it.live("plan reports every unmapped reference at once, before anything is sent", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build } = yield* harness()
      const adapter = yield* build("tba")
      const base = mxnPosting()
      const plan = adapter.plan(mxnPosting("rcn_unmapped", {
        currency: "COP",
        companyCode: "ZZ99",
        lines: [
          new JournalLine({ ...base.lines[0]!, account: "999.99" }),
          base.lines[1]!,
          new JournalLine({ ...base.lines[2]!, amount: BigDecimal.unsafeFromString("1159.00") })
        ]
      }))
      assert.isFalse(plan.ok)
      if (plan.ok) return
      assert.deepStrictEqual(plan.errors.map((e) => [e.code, e.fieldPath]), [
        ["POSTING_UNBALANCED", "lines"],
        ["NETSUITE_SUBSIDIARY_NOT_MAPPED", "companyCode"],
        ["NETSUITE_CURRENCY_NOT_MAPPED", "currency"],
        ["NETSUITE_ACCOUNT_NOT_MAPPED", "lines[0].account"]
      ])
    })))
})
