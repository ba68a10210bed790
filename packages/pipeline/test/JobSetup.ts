/**
 * The job's test inputs: a transactions export of four card transactions (two with a stamped CFDI in the invoices
 * folder, one without, one fee), the two CFDIs and one broken file, in a fresh temporary folder; and the run outputs
 * that must not depend on how a run got there.
 */
import { BigDecimal } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cfdiTotals, type CfdiSpec, generateCfdi40 } from "@clara-recon/cfdi"
import { formatFixed } from "@clara-recon/domain"
import type { ReconcileOptions } from "../src/ReconcileJob.js"

/** A stamped CFDI 4.0 of one 16 % concept of `valorUnitario` from `nombre` / `rfc`, paid by card (04, PUE). */
export const cfdiSpec = (
  uuid: string,
  nombre: string,
  rfc: string,
  valorUnitario: string,
  fecha: string
): CfdiSpec => ({
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

export const specs = [
  cfdiSpec(
    "11111111-AAAA-4AAA-8AAA-111111111111",
    "GASOLINERA BERISA",
    "GBE0101019A1",
    "1000.00",
    "2026-01-10T10:00:00"
  ),
  cfdiSpec(
    "22222222-BBBB-4BBB-8BBB-222222222222",
    "FARMACIAS DEL AHORRO",
    "FAH0202029B2",
    "431.03",
    "2026-01-12T18:30:00"
  )
]

export const wire = (uuid: string, label: string, amount: string, date: string, type = "PURCHASE") => ({
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

export const setup = () => {
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
  return { dir, options }
}

/** The outputs that must not depend on how a run got there (interrupted or not): everything but the run id. */
export const outputsOf = (runDir: string) => {
  const read = (name: string) => fs.readFileSync(path.join(runDir, name), "utf8")
  const summary = JSON.parse(read("summary.json"))
  const chase = fs.readdirSync(path.join(runDir, "chase-lists")).sort()
  return {
    summary: { ...summary, runId: "-" },
    links: read("links.json"),
    exceptions: read("exceptions.json"),
    exceptionsCsv: read("exceptions.csv"),
    html: read("report.html").replaceAll(summary.runId, "-"),
    chase: chase.map((name) => [name, fs.readFileSync(path.join(runDir, "chase-lists", name), "utf8")]),
    postings: fs.readdirSync(path.join(runDir, "postings")).filter((f) => f.endsWith(".csv")).map((f) =>
      fs.readFileSync(path.join(runDir, "postings", f), "utf8")
    )
  }
}

