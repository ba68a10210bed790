/**
 * The job in-process on a real store (SQLite file and PostgreSQL schema): a transactions export and a folder of
 * generated CFDIs, run twice, a dry run, then simulated crashes (`kill -9` before and after each step's commit, and
 * an export that landed before the job heard back): the same command resumes the run and ends in the same state.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Deferred, Effect, Fiber, Layer, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cfdiTotals, type CfdiSpec, generateCfdi40 } from "@clara-recon/cfdi"
import { formatFixed } from "@clara-recon/domain"
import type { ErpAdapter } from "@clara-recon/erp"
import { defaultSapCsvAdapter } from "../src/Post.js"
import { decideLink, learnedAliases } from "../src/LinkDecisions.js"
import {
  type ErpContext,
  INTERRUPTED_EXIT_CODE,
  isInterrupted,
  reconcile,
  type ReconcileOptions,
  renderReport
} from "../src/ReconcileJob.js"
import { ReconStore, type StepName } from "../src/ReconStore.js"
import { layerSqlite } from "../src/StoreLayer.js"
import { backends } from "./StoreBackends.js"

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
  return { dir, options }
}

/** The outputs that must not depend on how a run got there (interrupted or not): everything but the run id. */
const outputsOf = (runDir: string) => {
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

/** The store with a simulated `kill -9` right after (or inside, before the commit of) the checkpoint of `step`. */
const crashingStore = (step: StepName, when: "before" | "after") =>
  Layer.effect(
    ReconStore,
    Effect.map(ReconStore, (inner) => {
      let armed = false
      return ReconStore.of({
        ...inner,
        saveStep: (row) =>
          Effect.zipRight(
            inner.saveStep(row),
            Effect.suspend(() => {
              if (row.step !== step) return Effect.void
              if (when === "before") return Effect.die(new Error(`crash inside the ${step} commit`))
              armed = true
              return Effect.void
            })
          ),
        atomically: (effect) =>
          Effect.zipLeft(
            inner.atomically(effect),
            Effect.suspend(() => (armed ? Effect.die(new Error(`crash after the ${step} commit`)) : Effect.void))
          )
      })
    })
  )

/** A SAP CSV adapter that dies right after its export landed, before the job hears back (an unknown outcome). */
const dyingAfterPost = (ctx: ErpContext): ErpAdapter => {
  const inner = defaultSapCsvAdapter({ tenant: ctx.tenant, postingsDir: ctx.postingsDir })
  return { ...inner, post: (plans, options) => Effect.zipRight(inner.post(plans, options), Effect.die(new Error("killed"))) }
}

const sapCsv = (ctx: ErpContext) => defaultSapCsvAdapter({ tenant: ctx.tenant, postingsDir: ctx.postingsDir })

for (const backend of backends) {
  describe.skipIf(!backend.available)(`reconcile on ${backend.name}`, () => {
    it.effect("links, posts once, reports with chase lists, and starts a new run when the last one finished", () => {
      const { dir, options } = setup()
      return Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile(options)
        assert.strictEqual(first.run.runId, "20260201T063000Z-0001")
        assert.deepStrictEqual(first.run.links.map((l) => l.transactionUuid).sort(), ["t-fuel", "t-pharma"])
        assert.deepStrictEqual(first.summary.exceptions, { INVALID_DOCUMENT: 1, MISSING_INVOICE: 1 })
        assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
        assert.isTrue(first.summary.controlTotal.balanced)
        const postingsDir = path.join(first.runDir, "postings")
        assert.strictEqual(fs.readdirSync(postingsDir).filter((f) => f.endsWith(".csv")).length, 1)
        const manifest = JSON.parse(fs.readFileSync(path.join(postingsDir, "manifest.json"), "utf8"))
        assert.strictEqual(manifest.documents.length, 2)
        const chase = fs.readFileSync(path.join(first.runDir, "chase-lists", "ana-sofia.csv"), "utf8").trim().split("\n")
        assert.strictEqual(chase[0], "date,merchant,amount,currency,cardLastFour,transactionUuid,ageDays,suggestedAction")
        assert.strictEqual(chase.length, 2)
        assert.match(chase[1]!, /^2026-01-14,TAQUERIA EL FOGON,250\.00,MXN,1234,t-none,\d+,/)
        assert.include(fs.readFileSync(path.join(first.runDir, "report.html"), "utf8"), `href="chase-lists/ana-sofia.csv"`)

        const store = yield* ReconStore
        const ledger = yield* store.ledgerOfRun(first.run.runId)
        assert.deepStrictEqual(ledger.map((r) => r.state), ["verified", "verified"])

        const second = yield* reconcile(options)
        assert.strictEqual(second.run.runId, "20260201T063000Z-0002")
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 2, failed: 0 })
        assert.deepStrictEqual(fs.readdirSync(path.join(second.runDir, "postings")), [])
        assert.deepStrictEqual(outputsOf(second.runDir).links, outputsOf(first.runDir).links)

        // The report re-rendered from the store alone is the same.
        fs.rmSync(second.runDir, { recursive: true })
        const again = yield* renderReport({ outDir: options.outDir })
        assert.strictEqual(again.run.runId, second.run.runId)
        assert.deepStrictEqual(again.summary, second.summary)
      }).pipe(
        Effect.provide(Layer.merge(backend.fresh(), NodeContext.layer)),
        Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      )
    })

    it.effect("a dry run plans without posting and writes plans.json", () => {
      const { dir, options } = setup()
      return Effect.gen(function*() {
        const dry = yield* reconcile({ ...options, dryRun: true })
        assert.deepStrictEqual(dry.summary.postings, { new: 0, skipped: 0, failed: 0 })
        const plans = JSON.parse(fs.readFileSync(path.join(dry.runDir, "plans.json"), "utf8"))
        assert.deepStrictEqual(plans.map((p: any) => p.transactionUuid).sort(), ["t-fuel", "t-pharma"])
        assert.deepStrictEqual(fs.readdirSync(path.join(dry.runDir, "postings")), [])
        const store = yield* ReconStore
        assert.deepStrictEqual((yield* store.ledgerOfRun(dry.run.runId)).map((r) => r.state), ["planned", "planned"])
        const real = yield* reconcile(options)
        assert.deepStrictEqual(real.summary.postings, { new: 2, skipped: 0, failed: 0 })
      }).pipe(
        Effect.provide(Layer.merge(backend.fresh(), NodeContext.layer)),
        Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      )
    })
  })
}

describe("resume after a crash (SQLite)", () => {
  const steps: ReadonlyArray<StepName> = ["sync", "collect", "match", "plan", "post"]
  for (const step of steps) {
    for (const when of ["before", "after"] as const) {
      it.effect(`a crash ${when} the ${step} checkpoint: the same command resumes the run and ends the same`, () => {
        const { dir, options } = setup()
        const job = { ...options, erp: sapCsv }
        const sqlite = (name: string) => layerSqlite(path.join(dir, name))
        return Effect.gen(function*() {
          yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
          // The uninterrupted run: same inputs, its own store and output folder.
          const reference = yield* reconcile({ ...job, outDir: path.join(dir, "reference") }).pipe(
            Effect.provide(sqlite("reference.db"))
          )
          const expected = outputsOf(reference.runDir)
          const crashed = yield* reconcile(job).pipe(
            Effect.provide(crashingStore(step, when).pipe(Layer.provide(sqlite("state.db")))),
            Effect.exit
          )
          assert.isTrue(crashed._tag === "Failure")
          const resumed = yield* reconcile(job).pipe(Effect.provide(sqlite("state.db")))
          assert.strictEqual(resumed.run.runId, "20260201T063000Z-0001", "the same run, resumed")
          assert.deepStrictEqual(outputsOf(resumed.runDir), expected)
          const again = yield* reconcile(job).pipe(Effect.provide(sqlite("state.db")))
          assert.deepStrictEqual(again.summary.postings, { new: 0, skipped: 2, failed: 0 })
        }).pipe(
          Effect.provide(NodeContext.layer),
          Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        )
      })
    }
  }

  it.effect("an export that landed before the job heard back is settled by find + verify, never posted twice", () => {
    const { dir, options } = setup()
    const sqlite = layerSqlite(path.join(dir, "state.db"))
    return Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
      const crashed = yield* reconcile({ ...options, erp: dyingAfterPost }).pipe(Effect.provide(sqlite), Effect.exit)
      assert.isTrue(crashed._tag === "Failure")
      const inFlight = yield* Effect.provide(Effect.flatMap(ReconStore, (s) => s.ledgerOfRun("20260201T063000Z-0001")), sqlite)
      assert.deepStrictEqual(inFlight.map((r) => r.state), ["posting", "posting"])
      const resumed = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
      assert.deepStrictEqual(resumed.summary.postings, { new: 2, skipped: 0, failed: 0 })
      const csvs = fs.readdirSync(path.join(resumed.runDir, "postings")).filter((f) => f.endsWith(".csv"))
      assert.strictEqual(csvs.length, 1, "one export file: nothing was posted twice")
      const ledger = yield* Effect.provide(Effect.flatMap(ReconStore, (s) => s.ledgerOfRun(resumed.run.runId)), sqlite)
      assert.deepStrictEqual(ledger.map((r) => r.state), ["verified", "verified"])
    }).pipe(
      Effect.provide(NodeContext.layer),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })

  it.effect("Ctrl-C while posting: the write in flight lands, the run stays resumable, and resuming ends it", () => {
    const { dir, options } = setup()
    const sqlite = layerSqlite(path.join(dir, "state.db"))
    return Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
      const posting = yield* Deferred.make<void>()
      const hanging = (ctx: ErpContext): ErpAdapter => ({
        ...sapCsv(ctx),
        post: () => Effect.zipRight(Deferred.succeed(posting, undefined), Effect.never)
      })
      const fiber = yield* Effect.fork(reconcile({ ...options, erp: hanging }).pipe(Effect.provide(sqlite)))
      yield* Deferred.await(posting)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(isInterrupted(exit))
      assert.strictEqual(INTERRUPTED_EXIT_CODE, 130)
      const ledger = yield* Effect.provide(Effect.flatMap(ReconStore, (s) => s.ledgerOfRun("20260201T063000Z-0001")), sqlite)
      assert.deepStrictEqual(ledger.map((r) => r.state), ["posting", "posting"], "marked posting before the call")
      const resumed = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
      assert.strictEqual(resumed.run.runId, "20260201T063000Z-0001")
      assert.deepStrictEqual(resumed.summary.postings, { new: 2, skipped: 0, failed: 0 })
    }).pipe(
      Effect.provide(NodeContext.layer),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })

  it.effect("a confirmed link teaches an alias; an unknown link id is refused", () => {
    const { dir, options } = setup()
    const sqlite = layerSqlite(path.join(dir, "state.db"))
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      const fuel = first.run.links.find((l) => l.transactionUuid === "t-fuel")!
      const decided = yield* decideLink(fuel.linkId, "CONFIRMED", "ana@example.com", "2026-02-02T10:00:00Z")
      assert.strictEqual(decided.documentId, fuel.documentId)
      const aliases = yield* learnedAliases("2026-03-01")
      assert.deepStrictEqual(
        aliases.map((a) => [a.rfc, a.confirmations, a.active]),
        [["GBE0101019A1", 1, false]],
        "one confirmation is not enough to make an alias active"
      )
      const unknown = yield* Effect.flip(decideLink("lnk_nope", "REJECTED", "ana@example.com", "2026-02-02T10:00:00Z"))
      assert.strictEqual(unknown._tag, "UnknownLinkError")
      // A new decision changes the matcher's inputs: the next run matches again, the confirmed pair pinned and the
      // rejected one never linked again.
      const pharma = first.run.links.find((l) => l.transactionUuid === "t-pharma")!
      yield* decideLink(pharma.linkId, "REJECTED", "ana@example.com", "2026-02-02T10:05:00Z")
      const second = yield* reconcile(options)
      assert.deepStrictEqual(second.run.links.map((l) => [l.transactionUuid, l.decision]), [["t-fuel", "CONFIRMED"]])
      assert.isFalse(second.run.suggestions.some((l) => l.transactionUuid === "t-pharma" && l.documentId === pharma.documentId))
    }).pipe(
      Effect.provide(Layer.merge(sqlite, NodeContext.layer)),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })
})
