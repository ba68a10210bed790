/**
 * The job in-process on a real SQLite file: a transactions export and a folder of generated CFDIs, run twice, then
 * after a simulated crash between reserving postings and marking them exported.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Layer, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cfdiTotals, type CfdiSpec, generateCfdi40 } from "@clara-recon/cfdi"
import { formatFixed } from "@clara-recon/domain"
import { reconcile, type ReconcileOptions } from "../src/ReconcileJob.js"
import { layerSqlite, ReconStore } from "../src/ReconStore.js"

const spec = (uuid: string, nombre: string, rfc: string, valorUnitario: string, fecha: string): CfdiSpec => ({
  uuid,
  serie: "A",
  folio: uuid.slice(0, 4),
  fecha,
  moneda: "MXN",
  formaPago: "04",
  metodoPago: "PUE",
  tipoDeComprobante: "I",
  lugarExpedicion: "06600",
  emisor: { rfc, nombre, regimenFiscal: "601" },
  receptor: {
    rfc: "EKU9003173C9",
    nombre: "ESCUELA KEMPER URGATE",
    usoCfdi: "G03",
    domicilioFiscalReceptor: "42501",
    regimenFiscalReceptor: "601"
  },
  conceptos: [{
    claveProdServ: "15101514",
    descripcion: "Gasolina",
    cantidad: BigDecimal.unsafeFromString("1"),
    valorUnitario: BigDecimal.unsafeFromString(valorUnitario),
    iva: "16"
  }]
})

const specs = [
  spec("11111111-AAAA-4AAA-8AAA-111111111111", "GASOLINERA BERISA", "GBE0101019A1", "1000.00", "2026-01-10T10:00:00"),
  spec("22222222-BBBB-4BBB-8BBB-222222222222", "FARMACIAS DEL AHORRO", "FAH0202029B2", "431.03", "2026-01-12T18:30:00")
]

const wire = (uuid: string, label: string, amount: string, date: string, type = "PURCHASE") => ({
  uuid,
  type,
  transactionLabel: label,
  status: { code: "OP", description: "AUTHORIZED" },
  merchant: { name: label },
  amountValue: { value: Number(amount), currency: "MXN" },
  operationDate: date,
  card: { lastFourDigits: "1234" },
  user: { uuid: "u1", name: "Ana Sofía" }
})

const setup = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-job-"))
  const invoices = path.join(dir, "invoices")
  fs.mkdirSync(invoices)
  for (const s of specs) fs.writeFileSync(path.join(invoices, `${s.uuid}.xml`), generateCfdi40(s))
  fs.writeFileSync(path.join(invoices, "broken.xml"), "<Comprobante")
  const total = (s: CfdiSpec) => formatFixed(cfdiTotals(s).total)
  fs.writeFileSync(
    path.join(dir, "export.json"),
    JSON.stringify([
      wire("t-fuel", "GASOLINERA BERISA", total(specs[0]!), "2026-01-10"),
      wire("t-pharma", "FARMACIAS DEL AHORRO", total(specs[1]!), "2026-01-12"),
      wire("t-none", "TAQUERIA EL FOGON", "250.00", "2026-01-14"),
      wire("t-fee", "ANNUAL FEE", "99.00", "2026-01-15", "FEE")
    ])
  )
  const options: ReconcileOptions = {
    from: "2026-01-01",
    to: "2026-01-31",
    invoiceDirs: [invoices],
    transactionsFile: path.join(dir, "export.json"),
    outDir: path.join(dir, "out"),
    asOf: "2026-03-01"
  }
  return { dir, options, layer: Layer.merge(layerSqlite(path.join(dir, "state.db")), NodeContext.layer) }
}

describe("reconcile", () => {
  it.effect("links, posts once, reports, and resumes after a crash without posting twice", () => {
    const { dir, layer, options } = setup()
    return Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
      const first = yield* reconcile(options)
      assert.strictEqual(first.run.runId, "20260201T063000Z-0001")
      assert.deepStrictEqual(first.run.links.map((l) => l.transactionUuid).sort(), ["t-fuel", "t-pharma"])
      assert.deepStrictEqual(first.summary.exceptions, { INVALID_DOCUMENT: 1, MISSING_INVOICE: 1 })
      assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
      assert.isTrue(first.summary.controlTotal.balanced)
      const postingsDir = path.join(first.runDir, "postings")
      const [csv] = fs.readdirSync(postingsDir).filter((f) => f.endsWith(".csv"))
      assert.isDefined(csv)

      const second = yield* reconcile(options)
      assert.strictEqual(second.run.runId, "20260201T063000Z-0002")
      assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 2, failed: 0 })
      assert.deepStrictEqual(fs.readdirSync(path.join(second.runDir, "postings")), ["manifest.json"])

      // A run that reserved its postings and wrote the file but stopped before marking them exported.
      const store = yield* ReconStore
      const keys = JSON.parse(fs.readFileSync(path.join(postingsDir, "manifest.json"), "utf8")).documents as Array<string>
      const rows = yield* store.postings(keys)
      yield* store.writePostings([...rows.values()].map((r) => ({ ...r, state: "pending" as const })), "2026-02-01T06:31:00Z")
      const resumed = yield* reconcile(options)
      assert.deepStrictEqual(resumed.summary.postings, { new: 0, skipped: 2, failed: 0 })

      // The same crash, but the file never landed: the postings are exported again, once.
      yield* store.writePostings([...rows.values()].map((r) => ({ ...r, state: "pending" as const })), "2026-02-01T06:32:00Z")
      fs.rmSync(path.join(postingsDir, csv!))
      const redone = yield* reconcile(options)
      assert.deepStrictEqual(redone.summary.postings, { new: 2, skipped: 0, failed: 0 })
      const after = yield* store.postings(keys)
      assert.deepStrictEqual([...after.values()].map((r) => r.state), ["exported", "exported"])
      const last = yield* reconcile(options)
      assert.strictEqual(last.summary.postings.new, 0)
    }).pipe(Effect.provide(layer), Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })
})
