/**
 * An MSI purchase (one CFDI of 2999.99 paid in 3 monthly instalments) reconciled by three monthly runs, as accounting
 * teams run the job: each run sees only its period's instalment. The matcher dates a lone k/3 from the plan's first
 * instalment (MSI k/3, no MISSING_INVOICE), and the plan step gives it its share of the CFDI after the instalments
 * earlier runs posted (the ledger): three postings, one per run, that add up to the CFDI to the cent. With one invoices
 * folder per month, February's and March's runs carry the CFDI over from the ledger (`OpenPlans.ts`).
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { generateCfdi40 } from "@clara-recon/cfdi"
import { formatFixed } from "@clara-recon/domain"
import { parse } from "csv-parse/sync"
import { loadRunResult, reconcile } from "../src/ReconcileJob.js"
import { ReconStore } from "../src/ReconStore.js"
import { specs, wire } from "./JobSetup.js"
import { backends } from "./StoreBackends.js"

const FURNITURE = "6C3D4E5F-2222-4A70-8B1C-2D3E4F5A6B7C"

/** Instalment `k` of 3 of the furniture purchase, on the 15th of month k of 2026. */
const instalment = (k: number, amount: string) => ({
  ...wire(`msi-${k}`, "MUEBLES MODERNOS", amount, `2026-0${k}-15`),
  installment: "3",
  installmentNumber: String(k)
})

/**
 * The three monthly runs' options over one export, in a fresh temp folder: one invoices folder for all months (it
 * keeps January's CFDI), or one folder per month (only January's holds the CFDI).
 */
const setupMonths = (folders: "one" | "per month") => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-msi-"))
  const folderOf = (k: number) => path.join(dir, folders === "one" ? "invoices" : `invoices-0${k}`)
  for (const k of [1, 2, 3]) fs.mkdirSync(folderOf(k), { recursive: true })
  const invoices = folderOf(1)
  const furniture = {
    ...specs[0]!,
    uuid: FURNITURE,
    fecha: "2026-01-15T12:00:00",
    emisor: { rfc: "MMU010101AB1", nombre: "MUEBLES MODERNOS SA DE CV", regimenFiscal: "601" },
    conceptos: [{
      ...specs[0]!.conceptos[0]!,
      descripcion: "Escritorio",
      valorUnitario: BigDecimal.unsafeFromString("2586.20")
    }]
  }
  fs.writeFileSync(path.join(invoices, `${FURNITURE}.xml`), generateCfdi40(furniture))
  const transactionsFile = path.join(dir, "export.json")
  const charges = [instalment(1, "1000.00"), instalment(2, "1000.00"), instalment(3, "999.99")]
  fs.writeFileSync(transactionsFile, JSON.stringify(charges))
  const month = (k: number, to: string) => ({
    from: `2026-0${k}-01`,
    to,
    invoiceDirs: [folderOf(k)],
    transactionsFile,
    outDir: path.join(dir, "out"),
    asOf: to
  })
  return { dir, months: [month(1, "2026-01-31"), month(2, "2026-02-28"), month(3, "2026-03-31")] }
}

/** Signed amount (debit +, credit -) per GL account over the rows of the SAP CSV exports of `runDirs`. */
const netByAccount = (runDirs: ReadonlyArray<string>) => {
  const nets = new Map<string, BigDecimal.BigDecimal>()
  for (const runDir of runDirs) {
    const postings = path.join(runDir, "postings")
    for (const file of fs.readdirSync(postings).filter((f) => f.endsWith(".csv"))) {
      const rows = parse(fs.readFileSync(path.join(postings, file)), { bom: true, columns: true }) as Array<
        Record<string, string>
      >
      for (const row of rows) {
        const amount = BigDecimal.unsafeFromString(row.WRBTR!)
        const signed = row.SHKZG === "S" ? amount : BigDecimal.negate(amount)
        nets.set(row.HKONT!, BigDecimal.sum(nets.get(row.HKONT!) ?? BigDecimal.fromBigInt(0n), signed))
      }
    }
  }
  return new Map([...nets].map(([account, net]) => [account, formatFixed(net)]))
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`MSI instalments across monthly runs on ${backend.name}`, () => {
    const title = "links and posts each month's instalment with its share, adding up to the CFDI (%s invoices folder)"
    it.effect.each(["one", "per month"] as const)(title, (folders) => {
      const { dir, months } = setupMonths(folders)
      return Effect.gen(function*() {
        const runDirs: Array<string> = []
        for (const [i, options] of months.entries()) {
          const k = i + 1
          const run = yield* reconcile(options)
          runDirs.push(run.runDir)
          const result = yield* loadRunResult(run.runId)
          assert.deepStrictEqual(result.links.map((l) => [l.transactionUuid, l.documentId]), [[`msi-${k}`, FURNITURE]])
          assert.strictEqual(result.links[0]!.explanation.evidence[0]!.detail.status, `MSI ${k}/3`)
          assert.deepStrictEqual(run.summary.exceptions, {}, `month ${k}`)
          assert.deepStrictEqual(run.summary.postings, { new: 1, skipped: 0, failed: 0 }, `month ${k}`)
          const ledger = yield* Effect.flatMap(ReconStore, (store) => store.ledgerOfRun(run.runId))
          assert.deepStrictEqual(ledger.map((r) => [r.transactionUuid, r.state]), [[`msi-${k}`, "verified"]])
        }
        // expense, IVA acreditable and the card liability: each instalment's share, to the cent of the CFDI
        assert.deepStrictEqual([...netByAccount(runDirs).values()].sort(), ["-2999.99", "2586.20", "413.79"])
      }).pipe(
        Effect.provide(Layer.merge(backend.fresh(), NodeContext.layer)),
        Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      )
    })
  })
}
