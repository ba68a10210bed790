import { CardTransaction, FiscalDocument, money, Party, TaxTotals } from "@clara-recon/domain"
import { buildPosting, defaultMapping } from "@clara-recon/erp"
import { assert, describe, it, vi } from "@effect/vitest"
import { BigDecimal, Effect, Either } from "effect"
import { harness } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const d = BigDecimal.unsafeFromString

/** A 1160.00 MXN Clara purchase and its CFDI (1000 + IVA 160) from ODE950101AB1 (invented data). */
const sample = (uuid: string, operationDate: string) => ({
  transaction: new CardTransaction({
    uuid,
    type: "PURCHASE",
    status: "AUTHORIZED",
    descriptor: "OFFICE DEPOT 123",
    merchantName: "Office Depot",
    amount: money("1160.00", "MXN"),
    operationDate,
    cardLastFour: "1234",
    hasInvoice: true,
    hasExtractedDocuments: false
  }),
  document: new FiscalDocument({
    id: "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B",
    kind: "CFDI",
    country: "MX",
    version: "4.0",
    fiscalUuid: "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B",
    tipoDeComprobante: "I",
    issueDate: operationDate,
    issuedAt: `${operationDate}T12:30:00`,
    serie: "A",
    folio: "1001",
    issuer: new Party({ taxId: "ODE950101AB1", name: "OFICINAS DEMO SA DE CV" }),
    receiver: new Party({ taxId: "CLA200101XY2", name: "CLIENTE DEMO" }),
    currency: "MXN",
    subTotal: d("1000.00"),
    total: d("1160.00"),
    taxes: new TaxTotals({ ivaTransferred: d("160.00") }),
    claveProdServ: "44121600",
    relations: [],
    claraTransactionUuids: [],
    sources: []
  })
})

describe("posting builder -> NetSuite", () => {
  it.live("a journal built by @clara-recon/erp from a card transaction and its CFDI posts and verifies", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("m2m")
      const built = buildPosting({ tenant: "acme", mapping: defaultMapping, ...sample("7f3c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b", "2026-01-15") })
      if (Either.isLeft(built)) return assert.fail(built.left.message)
      const plan = adapter.plan(built.right)
      if (!plan.ok) return assert.fail(plan.errors.map((e) => e.message).join("; "))
      const result = yield* adapter.post([plan], { idempotencyKey: "run-1" })
      if (result.status !== "posted") return assert.fail(result.status === "failed" ? result.error.message : result.status)
      const [ref] = result.refs
      assert.strictEqual(ref?.externalId, built.right.externalKey)
      assert.strictEqual((yield* adapter.verify(ref!, plan.fingerprint)).status, "match")
      const body = emulator.records()[0]!.body as any
      assert.deepStrictEqual(
        body.line.items.map((l: any) => [l.account.id, l.debit ?? -l.credit]),
        [["601", 1000], ["118", 160], ["245", -1160]]
      )
    })))
})
