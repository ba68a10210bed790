import { formatFixed, Party, type PostingDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { firstOpenDay } from "../src/ClosedPeriods.js"
import { defaultMapping, MappingConfig } from "../src/MappingConfig.js"
import { buildPostings } from "../src/PostingBatch.js"
import { buildPosting, type BuildPostingInput } from "../src/PostingBuilder.js"
import { isBalanced, postingTotals } from "../src/PostingTotals.js"
import { cfdi, transaction } from "./support/Samples.js"

const encoded = Schema.encodeSync(MappingConfig)(defaultMapping)
const mappingWith = (patch: Record<string, unknown>) => Schema.decodeUnknownSync(MappingConfig)({ ...encoded, ...patch })

const iva16 = (overrides: Parameters<typeof cfdi>[2] = {}) =>
  cfdi({ subTotal: "1000.00", total: "1160.00" }, { ivaTransferred: "160.00" }, overrides)

const input = (patch: Partial<BuildPostingInput> = {}): BuildPostingInput => ({
  tenant: "acme",
  transaction: transaction("1160.00"),
  document: iva16(),
  mapping: defaultMapping,
  ...patch
})

const ok = (result: Either.Either<PostingDocument, unknown>): PostingDocument =>
  Either.isRight(result) ? result.right : assert.fail(String(Either.getLeft(result)))

describe("posting policies", () => {
  it("picks the posting date per policy: card_posted, cfdi_fecha, export_date", () => {
    const tx = transaction("1160.00", { accountingDate: "2026-01-17" })
    const date = (policy: string, exportDate?: string) =>
      ok(buildPosting(input({
        transaction: tx,
        mapping: mappingWith({ postingDatePolicy: policy }),
        ...(exportDate === undefined ? {} : { exportDate })
      }))).postingDate
    assert.deepStrictEqual(
      [date("card_posted"), date("cfdi_fecha"), date("export_date", "2026-02-01"), date("card_operation_date")],
      ["2026-01-17", "2026-01-14", "2026-02-01", "2026-01-15"]
    )
    assert.strictEqual(ok(buildPosting(input({ mapping: mappingWith({ postingDatePolicy: "card_posted" }) }))).postingDate, "2026-01-15")
    const missing = buildPosting(input({ mapping: mappingWith({ postingDatePolicy: "export_date" }) }))
    assert.strictEqual(Either.isLeft(missing) ? missing.left.code : "", "EXPORT_DATE_MISSING")
  })

  it("refuses a date in a closed period, or shifts it to the first open day after adjacent periods", () => {
    const closedPeriods = [{ start: "2026-01-01", end: "2026-01-31" }, { start: "2026-02-01", end: "2026-02-28" }]
    const refused = buildPosting(input({ closedPeriods }))
    if (Either.isRight(refused)) return assert.fail("a closed period was accepted")
    assert.deepStrictEqual([refused.left.kind, refused.left.code, refused.left.remediation], [
      "PERIOD_CLOSED",
      "PERIOD_CLOSED",
      { action: "shift_date", target: "2026-01-01..2026-01-31" }
    ])
    const shifted = ok(buildPosting(input({ closedPeriods, mapping: mappingWith({ closedPeriodPolicy: "shiftToFirstOpenDay" }) })))
    assert.strictEqual(shifted.postingDate, "2026-03-01")
    assert.strictEqual(shifted.documentDate, "2026-01-14")
    assert.strictEqual(firstOpenDay("2026-03-05", closedPeriods), "2026-03-05")
  })

  it("lists every problem of a refusal at once in one ErpError", () => {
    const result = buildPosting(input({
      tenant: " ",
      transaction: transaction("1500.00"),
      document: iva16({ issuer: new Party({ taxId: "XAXX010101000" }) }),
      closedPeriods: [{ start: "2026-01-15", end: "2026-01-15" }],
      mapping: mappingWith({ vendors: { genericRfc: "fail" } })
    }))
    if (Either.isRight(result)) return assert.fail("accepted")
    assert.strictEqual(result.left.code, "MULTIPLE_PROBLEMS")
    assert.deepStrictEqual(result.left.problems?.map((p) => p.code), [
      "INVALID_TENANT",
      "AMOUNT_GAP_TOO_LARGE",
      "VENDOR_GENERIC_RFC",
      "PERIOD_CLOSED"
    ])
    assert.match(result.left.userMessage, /^4 problems: 1\) The tenant id is empty; 2\) Card amount 1500\.00/)
  })

  it("handles vendors by RFC: real RFCs pass, generic RFCs are omitted, kept or refused, bad ones refused", () => {
    const vendor = (taxId: string | undefined, vendors: Record<string, string> = {}) => {
      const result = buildPosting(input({
        document: iva16({ issuer: new Party(taxId === undefined ? {} : { taxId }) }),
        mapping: mappingWith({ vendors })
      }))
      return Either.isLeft(result) ? result.left.code : result.right.lines.find((l) => l.role === "expense")?.vendorRfc
    }
    assert.strictEqual(vendor("ODE950101AB1"), "ODE950101AB1")
    assert.strictEqual(vendor("XAXX010101000"), undefined)
    assert.strictEqual(vendor("XEXX010101000", { genericRfc: "keep" }), "XEXX010101000")
    assert.strictEqual(vendor("XEXX010101000", { genericRfc: "fail" }), "VENDOR_GENERIC_RFC")
    assert.strictEqual(vendor(undefined), undefined)
    assert.strictEqual(vendor(undefined, { onMissingRfc: "fail" }), "VENDOR_RFC_MISSING")
    assert.strictEqual(vendor("NOT-AN-RFC"), "VENDOR_RFC_INVALID")
  })

  it("maps expenses by MCC after category rules, and cost centres by the first matching rule", () => {
    const mapping = mappingWith({
      accounts: { ...encoded.accounts, expenseByCategory: { Travel: "602.10" }, expenseByMcc: { "5812": "602.20" } },
      dimensions: {
        costCenter: [{ card: "1234", mcc: "5812", costCenter: "CC-FOOD" }, { card: "1234", costCenter: "CC-1234" }],
        costCenterDefault: "CC-GEN"
      }
    })
    const lines = (patch: Parameters<typeof transaction>[1]) =>
      ok(buildPosting(input({ transaction: transaction("1160.00", patch), document: iva16({ claveProdServ: "90101500" }), mapping })))
        .lines.filter((l) => l.role === "expense").map((l) => [l.account, l.costCenter])
    assert.deepStrictEqual(lines({ mcc: "5812" }), [["602.20", "CC-FOOD"]])
    assert.deepStrictEqual(lines({ mcc: "5812", merchantCategory: "Travel" }), [["602.10", "CC-FOOD"]])
    assert.deepStrictEqual(lines({ mcc: "4111" }), [["601.84", "CC-1234"]])
    assert.deepStrictEqual(lines({ cardLastFour: "9999" }), [["601.84", "CC-GEN"]])
  })
})

describe("buildPostings (grouping)", () => {
  const items = [
    { transaction: transaction("1160.00", { uuid: "t-1", cardLastFour: "1111" }), document: iva16(), statementId: "S1" },
    { transaction: transaction("1160.02", { uuid: "t-2", cardLastFour: "2222" }), document: iva16(), statementId: "S1" },
    { transaction: transaction("1160.00", { uuid: "t-3", operationDate: "2026-01-16" }), document: iva16() },
    { transaction: transaction("9999.00", { uuid: "t-4" }), document: iva16(), statementId: "S2" }
  ]
  const mapping = (grouping: string) =>
    mappingWith({ grouping, accounts: { ...encoded.accounts, cardLiabilityByCard: { "2222": "205.07" } } })

  it("builds one document per transaction by default, refusals beside, sorted by key", () => {
    const batch = buildPostings({ tenant: "acme", mapping: defaultMapping, items })
    assert.strictEqual(batch.documents.length, 3)
    assert.deepStrictEqual(batch.refused.map((r) => [r.transactionUuid, r.error.code]), [["t-4", "AMOUNT_GAP_TOO_LARGE"]])
    assert.deepStrictEqual(batch.documents.map((d) => d.externalKey), [...batch.documents.map((d) => d.externalKey)].sort())
  })

  it("groups per day: one balanced document per date, liabilities summed per account, stable keys", () => {
    const batch = buildPostings({ tenant: "acme", mapping: mapping("perDay"), items })
    assert.deepStrictEqual(batch.documents.map((d) => [d.sourceId, d.postingDate]).sort(), [
      ["perDay:2026-01-15:MXN:MX01", "2026-01-15"],
      ["perDay:2026-01-16:MXN:MX01", "2026-01-16"]
    ])
    const day = batch.documents.find((d) => d.postingDate === "2026-01-15")!
    assert.isTrue(isBalanced(day))
    assert.strictEqual(formatFixed(postingTotals(day).credit), "2320.02")
    assert.deepStrictEqual(
      day.lines.filter((l) => l.role === "card_liability").map((l) => [l.account, formatFixed(l.amount)]),
      [["205.06", "1160.00"], ["205.07", "1160.02"]]
    )
    assert.deepStrictEqual(batch.members.get(day.externalKey), ["t-1", "t-2"])
    assert.strictEqual(day.cfdis.length, 2)
    const again = buildPostings({ tenant: "acme", mapping: mapping("perDay"), items: [...items].reverse() })
    assert.deepStrictEqual(again.documents.map((d) => d.externalKey), batch.documents.map((d) => d.externalKey))
    const fewer = buildPostings({ tenant: "acme", mapping: mapping("perDay"), items: items.slice(0, 1) })
    assert.notStrictEqual(fewer.documents[0]?.externalKey, day.externalKey)
  })

  it("groups per statement and refuses a transaction without a statement", () => {
    const batch = buildPostings({ tenant: "acme", mapping: mapping("perStatement"), items })
    assert.deepStrictEqual(batch.documents.map((d) => d.sourceId), ["perStatement:S1:MXN"])
    assert.deepStrictEqual(batch.refused.map((r) => [r.transactionUuid, r.error.code]), [
      ["t-3", "STATEMENT_UNKNOWN"],
      ["t-4", "AMOUNT_GAP_TOO_LARGE"]
    ])
  })
})
