/**
 * The job in-process on a real store (SQLite file and PostgreSQL schema): a transactions export and a folder of
 * generated CFDIs, run twice, a dry run, then simulated crashes (`kill -9` before and after each step's commit, and
 * an export that landed before the job heard back): the same command resumes the run and ends in the same state.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Deferred, Effect, Exit, Fiber, Layer, Option, TestClock } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { generateCfdi40, generatePago } from "@clara-recon/cfdi"
import { defaultMapping, type ErpAdapter, ErpError, MappingConfig } from "@clara-recon/erp"
import { ATTENTION_STATES, excludePosting, ledgerToReview, reopenPosting } from "../src/LedgerReview.js"
import { defaultSapCsvAdapter } from "../src/Post.js"
import { decideLink, learnedAliases } from "../src/LinkDecisions.js"
import {
  type ErpContext,
  INTERRUPTED_EXIT_CODE,
  isInterrupted,
  loadRunResult,
  reconcile,
  type ReconcileOptions,
  renderReport
} from "../src/ReconcileJob.js"
import type { StoreError } from "../src/PipelineError.js"
import { ReconStore, type StepName } from "../src/ReconStore.js"
import { layerSqlite } from "../src/StoreLayer.js"
import { outputsOf, setup, specs } from "./JobSetup.js"
import { backends } from "./StoreBackends.js"

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

/** SAP CSV whose read side is down: the export lands, then every read-back fails. */
const unreadable = (ctx: ErpContext): ErpAdapter => ({
  ...sapCsv(ctx),
  find: () => Effect.fail(ErpError.unknownOutcome("READ_DOWN", "the ERP cannot be read right now"))
})

/** SAP CSV whose export fails part way with an unknown outcome (a CSV may be in the folder, its manifest is not). */
const failingExport = (ctx: ErpContext): ErpAdapter => ({
  ...sapCsv(ctx),
  post: () => Effect.fail(ErpError.unknownOutcome("EXPORT_WRITE_FAILED", "Cannot write the manifest"))
})

/** An ERP that records postings itself (no file export): its `find` is the ERP's own answer. */
const recording = (ctx: ErpContext): ErpAdapter => {
  const inner = sapCsv(ctx)
  const capabilities = inner.manifest.capabilities.filter((c) => c !== "export.file")
  return { ...inner, manifest: { ...inner.manifest, capabilities } }
}

/** `recording` whose writes time out before reaching the ERP, and which cannot be read back: rows left `posting`. */
const lost = (ctx: ErpContext): ErpAdapter => ({
  ...recording(ctx),
  post: () => Effect.fail(ErpError.unknownOutcome("TIMEOUT", "no answer from the ERP")),
  find: () => Effect.fail(ErpError.unknownOutcome("READ_DOWN", "the ERP cannot be read right now"))
})

/**
 * Runs `body` on a fresh job folder (`setup`) with its SQLite state file (`sqlite`, provided by the body where it needs
 * it) on the Node platform, and removes the folder afterwards.
 */
const onSqliteJob = <A, E, R>(
  body: (job: {
    readonly options: ReconcileOptions
    readonly sqlite: Layer.Layer<ReconStore, StoreError>
  }) => Effect.Effect<A, E, R>
) => {
  const { dir, options } = setup()
  return body({ options, sqlite: layerSqlite(path.join(dir, "state.db")) }).pipe(
    Effect.provide(NodeContext.layer),
    Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
  )
}

/** The CSV files a run exported. */
const csvsOf = (runDir: string) => fs.readdirSync(path.join(runDir, "postings")).filter((f) => f.endsWith(".csv"))

/** The ledger rows of a run, read from the store `layer`. */
const ledgerOf = <E>(runId: string, layer: Layer.Layer<ReconStore, E>) =>
  Effect.provide(Effect.flatMap(ReconStore, (s) => s.ledgerOfRun(runId)), layer)

for (const backend of backends) {
  describe.skipIf(!backend.available)(`reconcile on ${backend.name}`, () => {
    it.effect("links, posts once, reports with chase lists, and starts a new run when the last one finished", () => {
      const { dir, options } = setup()
      return Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile(options)
        assert.strictEqual(first.runId, "20260201T063000Z-0001")
        const firstResult = yield* loadRunResult(first.runId)
        assert.deepStrictEqual(firstResult.links.map((l) => l.transactionUuid).sort(), ["t-fuel", "t-pharma"])
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
        const ledger = yield* store.ledgerOfRun(first.runId)
        assert.deepStrictEqual(ledger.map((r) => r.state), ["verified", "verified"])

        const second = yield* reconcile(options)
        assert.strictEqual(second.runId, "20260201T063000Z-0002")
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 2, failed: 0 })
        assert.deepStrictEqual(fs.readdirSync(path.join(second.runDir, "postings")), [])
        assert.deepStrictEqual(outputsOf(second.runDir).links, outputsOf(first.runDir).links)

        // The report re-rendered from the store alone is the same.
        fs.rmSync(second.runDir, { recursive: true })
        const again = yield* renderReport({ outDir: options.outDir })
        assert.strictEqual(again.run.runId, second.runId)
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
        assert.deepStrictEqual((yield* store.ledgerOfRun(dry.runId)).map((r) => r.state), ["planned", "planned"])
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
          assert.strictEqual(resumed.runId, "20260201T063000Z-0001", "the same run, resumed")
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

  it.effect("a posting that cannot be read back is posted_unverified, never posted again, and a later run confirms it", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: unreadable }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
        assert.strictEqual(csvsOf(first.runDir).length, 1)
        const ledger = yield* ledgerOf(first.runId, sqlite)
        assert.deepStrictEqual(ledger.map((r) => r.state), ["posted_unverified", "posted_unverified"])
        for (const row of ledger) assert.include(row.error ?? "", "cannot read the posting back: READ_DOWN")
        // the next run, the ERP readable again: already posted, nothing exported again; it reads the postings back
        // where the first run exported them and confirms them
        const second = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 2, failed: 0 })
        assert.deepStrictEqual(csvsOf(second.runDir), [])
        const confirmed = yield* ledgerOf(first.runId, sqlite)
        assert.deepStrictEqual(confirmed.map((r) => [r.state, r.error]), Array(2).fill(["verified", undefined]))
        assert.deepStrictEqual(second.summary.exceptions.POSTING_FAILED, undefined)
      })
    ))

  it.effect("an unconfirmed posting an ERP that records postings does not find is posted by the next run", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: lost }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual((yield* ledgerOf(first.runId, sqlite)).map((r) => r.state), ["posting", "posting"])
        // the next run finds neither in the ERP: never posted, so it posts them, once
        const second = yield* reconcile({ ...options, erp: recording }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(second.summary.postings, { new: 2, skipped: 0, failed: 0 })
        assert.deepStrictEqual((yield* ledgerOf(second.runId, sqlite)).map((r) => r.state), ["verified", "verified"])
        assert.strictEqual(csvsOf(second.runDir).length, 1)
      })
    ))

  it.effect("a run killed right after taking back an earlier run's unconfirmed postings posts them on resume", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: lost }).pipe(Effect.provide(sqlite))
        // kill -9 right after the ledger write that hands the rows back to this run as `planned`
        const killedAfterReplan = Layer.effect(
          ReconStore,
          Effect.map(ReconStore, (inner) =>
            ReconStore.of({
              ...inner,
              writeLedger: (rows, at) =>
                Effect.zipRight(
                  inner.writeLedger(rows, at),
                  rows.some((r) => r.state === "planned" && r.runId !== first.runId)
                    ? Effect.die(new Error("killed"))
                    : Effect.void
                )
            }))
        ).pipe(Layer.provide(sqlite))
        const killed = reconcile({ ...options, erp: recording }).pipe(Effect.provide(killedAfterReplan))
        assert.isTrue(Exit.isFailure(yield* Effect.exit(killed)))
        const resumed = yield* reconcile({ ...options, erp: recording }).pipe(Effect.provide(sqlite))
        assert.notStrictEqual(resumed.runId, first.runId)
        assert.deepStrictEqual(resumed.summary.postings, { new: 2, skipped: 0, failed: 0 })
        assert.deepStrictEqual((yield* ledgerOf(resumed.runId, sqlite)).map((r) => r.state), ["verified", "verified"])
      })
    ))

  it.effect("an export that failed part way is reported, and neither this run nor the next exports it again", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        const first = yield* reconcile({ ...options, erp: failingExport }).pipe(Effect.provide(sqlite))
        const rows = yield* ledgerOf(first.runId, sqlite)
        assert.deepStrictEqual(rows.map((r) => r.state), ["posting", "posting"])
        for (const row of rows) assert.include(row.error ?? "", "the export failed part way")
        const second = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(csvsOf(second.runDir), [])
        assert.strictEqual(second.summary.exceptions.POSTING_FAILED, 2)
      })
    ))

  it.effect("an unconfirmed posting missing from where its run exported it is reported, not posted again", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: unreadable }).pipe(Effect.provide(sqlite))
        // the export was taken away (imported, archived) before anything confirmed it
        const postings = path.join(first.runDir, "postings")
        for (const file of fs.readdirSync(postings)) fs.rmSync(path.join(postings, file))
        const second = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(csvsOf(second.runDir), [])
        const ledger = yield* ledgerOf(first.runId, sqlite)
        assert.deepStrictEqual(ledger.map((r) => r.state), ["posted_unverified", "posted_unverified"])
        for (const row of ledger) assert.include(row.error ?? "", `posted by run ${first.runId} but not found`)
        const reported = (yield* Effect.provide(loadRunResult(second.runId), sqlite)).exceptions
          .filter((e) => e.code === "POSTING_FAILED")
        assert.deepStrictEqual(
          reported.map((e) => e.transactionUuid).sort(),
          ledger.map((r) => r.transactionUuid).sort()
        )
        // a person checks them in the ERP and marks them as handled: the next run neither posts nor reports them
        const toReview = yield* Effect.provide(ledgerToReview(), sqlite)
        assert.deepStrictEqual(toReview.map((r) => r.externalKey), ledger.map((r) => r.externalKey))
        for (const row of ledger) {
          yield* Effect.provide(excludePosting(row.externalKey, "ana", "2026-02-02T10:00:00Z", "in SAP"), sqlite)
        }
        assert.deepStrictEqual(yield* Effect.provide(ledgerToReview(), sqlite), [])
        const excluded = yield* ledgerOf(first.runId, sqlite)
        assert.deepStrictEqual(excluded.map((r) => [r.state, r.error]), Array(2).fill([
          "excluded",
          "excluded by ana at 2026-02-02T10:00:00Z (was posted_unverified): in SAP"
        ]))
        yield* TestClock.adjust("1 day")
        const third = yield* reconcile({ ...options, asOf: "2026-02-03", erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(csvsOf(third.runDir), [])
        assert.deepStrictEqual(third.summary.exceptions.POSTING_FAILED, undefined)
        assert.deepStrictEqual(third.summary.postings, { new: 0, skipped: 2, failed: 0 })
        // an unknown key cannot be marked
        const unknown = yield* Effect.flip(
          Effect.provide(excludePosting("nope", "ana", "2026-02-03T10:00:00Z"), sqlite)
        )
        assert.strictEqual(unknown._tag, "LedgerEntryError")
        // a second person cannot overwrite the first one's decision: the row keeps ana's who, when and reason
        const again = yield* Effect.flip(
          Effect.provide(excludePosting(ledger[0]!.externalKey, "bob", "2026-02-03T10:00:00Z", "other"), sqlite)
        )
        assert.include(again.message, "already excluded (excluded by ana at 2026-02-02T10:00:00Z")
        const kept = yield* ledgerOf(first.runId, sqlite)
        assert.deepStrictEqual(kept.map((r) => r.error), Array(2).fill(
          "excluded by ana at 2026-02-02T10:00:00Z (was posted_unverified): in SAP"
        ))
      })
    ))

  it.effect("a store is bound to the first company it runs for: another company's run is refused up front", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        const first = yield* reconcile({ ...options, companyRfc: "gaa010101ab1" }).pipe(Effect.provide(sqlite))
        const other = yield* Effect.flip(
          reconcile({ ...options, companyRfc: "OTR010101AB1" }).pipe(Effect.provide(sqlite))
        )
        assert.strictEqual(other._tag, "CompanyMismatchError")
        assert.include(other.message, "holds the runs of company GAA010101AB1 (tenant default), not OTR010101AB1")
        const runs = yield* Effect.provide(Effect.flatMap(ReconStore, (s) => s.runCount), sqlite)
        assert.strictEqual(runs, 1, "the refused run never began")
        // the same company, in any case, goes on
        const again = yield* reconcile({ ...options, companyRfc: "GAA010101AB1" }).pipe(Effect.provide(sqlite))
        assert.notStrictEqual(again.runId, first.runId)
      })
    ))

  it.effect("an unconfirmed posting whose period was closed since is reported by every run", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: lost }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual((yield* ledgerOf(first.runId, sqlite)).map((r) => r.state), ["posting", "posting"])
        const closedPeriods = [{ start: "2026-01-01", end: "2026-01-31" }]
        for (let i = 0; i < 2; i++) {
          const later = yield* reconcile({ ...options, erp: recording, closedPeriods }).pipe(Effect.provide(sqlite))
          const reported = (yield* Effect.provide(loadRunResult(later.runId), sqlite)).exceptions
            .filter((e) => e.code === "POSTING_FAILED")
          assert.deepStrictEqual(reported.map((e) => e.subtype), ["PERIOD_CLOSED", "PERIOD_CLOSED"])
          assert.isTrue(reported.every((e) => /left posting by run .*its period is closed now/.test(e.message)))
          assert.isTrue(reported.every((e) => e.suggestedAction.includes("ledger exclude")))
        }
        assert.deepStrictEqual((yield* ledgerOf(first.runId, sqlite)).map((r) => r.state), ["posting", "posting"])
      })
    ))

  it.effect("the mapping's posting-date and closed-period policies: refused, moved to the first open day, or the run's date", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        // t-fuel is dated 2026-01-10, t-pharma 2026-01-12; the ERP's period is closed up to 2026-01-11
        const closedPeriods = [{ start: "2026-01-01", end: "2026-01-11" }]
        const dry = (extra: Partial<ReconcileOptions>) =>
          reconcile({ ...options, dryRun: true, ...extra }).pipe(Effect.provide(sqlite))
        const datesOf = (runDir: string) =>
          Object.fromEntries(
            (JSON.parse(fs.readFileSync(path.join(runDir, "plans.json"), "utf8")) as Array<
              { transactionUuid: string; document: { postingDate: string } }
            >).map((p) => [p.transactionUuid, p.document.postingDate])
          )
        const refused = yield* dry({ closedPeriods })
        assert.deepStrictEqual(datesOf(refused.runDir), { "t-pharma": "2026-01-12" })
        const exceptions = JSON.parse(fs.readFileSync(path.join(refused.runDir, "exceptions.json"), "utf8")) as Array<
          { code: string; transactionUuid?: string; message: string }
        >
        const closed = exceptions.filter((e) => e.code === "POSTING_FAILED")
        assert.deepStrictEqual(closed.map((e) => e.transactionUuid), ["t-fuel"])
        assert.match(closed[0]!.message, /closed period 2026-01-01 to 2026-01-11/)
        const shift = new MappingConfig({ ...defaultMapping, closedPeriodPolicy: "shiftToFirstOpenDay" })
        const shifted = yield* dry({ closedPeriods, mapping: shift })
        assert.deepStrictEqual(datesOf(shifted.runDir), { "t-fuel": "2026-01-12", "t-pharma": "2026-01-12" })
        const onExport = new MappingConfig({ ...defaultMapping, postingDatePolicy: "export_date" })
        const exported = yield* dry({ mapping: onExport })
        assert.deepStrictEqual(datesOf(exported.runDir), { "t-fuel": "2026-03-01", "t-pharma": "2026-03-01" })
      })
    ))

  it.effect("a posted charge Clara now shows at another amount is reported JOURNAL_CHANGED; a period closed since is not", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
        // Clara settles t-pharma 0.40 above its authorisation (the link holds: a rounding difference), and the
        // company closes the ERP's period up to 2026-01-11 (t-fuel, posted on 2026-01-10, falls in it)
        const exported = JSON.parse(fs.readFileSync(options.transactionsFile!, "utf8")) as Array<
          { uuid: string; amountValue: { value: number } }
        >
        const pharma = exported.find((t) => t.uuid === "t-pharma")!
        pharma.amountValue.value = Math.round(pharma.amountValue.value * 100 + 40) / 100
        fs.writeFileSync(options.transactionsFile!, JSON.stringify(exported))
        const closedPeriods = [{ start: "2026-01-01", end: "2026-01-11" }]
        const second = yield* reconcile({ ...options, erp: sapCsv, closedPeriods }).pipe(Effect.provide(sqlite))
        const run = yield* Effect.provide(loadRunResult(second.runId), sqlite)
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 2, failed: 0 })
        assert.isTrue(run.links.some((l) => l.transactionUuid === "t-pharma"), "the link holds")
        assert.deepStrictEqual(run.exceptions.filter((e) => e.code === "POSTING_FAILED"), [])
        const changed = run.exceptions.filter((e) => e.code === "POSTED_LINK_CHANGED")
        assert.deepStrictEqual(changed.map((e) => [e.transactionUuid, e.subtype]), [["t-pharma", "JOURNAL_CHANGED"]])
        assert.match(changed[0]!.message, /totals 499\.99 \/ 499\.99 posted, 500\.39 \/ 500\.39 now/)
        assert.strictEqual(csvsOf(second.runDir).length, 0, "nothing is posted again")
      })
    ))

  it.effect("a PPD CFDI paid by card is reported until its payment complement (CFDI type P) is in the folders", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        // the pharmacy bills in PPD; the card paid it on 2026-01-12, so its complement was due by 2026-02-05
        const pharmacy = specs[1]!
        const invoices = options.invoiceDirs[0]!
        fs.writeFileSync(
          path.join(invoices, `${pharmacy.uuid}.xml`),
          generateCfdi40({ ...pharmacy, metodoPago: "PPD", formaPago: "99" })
        )
        const ppd = (runId: string) =>
          Effect.map(
            Effect.provide(loadRunResult(runId), sqlite),
            (run) => run.exceptions.filter((e) => e.code === "PPD_WITHOUT_PAYMENT_COMPLEMENT").map((e) => e.documentId)
          )
        const first = yield* reconcile({ ...options, dryRun: true }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(yield* ppd(first.runId), [pharmacy.uuid.toUpperCase()])
        fs.writeFileSync(path.join(invoices, "complement.xml"), generatePago({
          uuid: "33333333-CCCC-4CCC-8CCC-333333333333",
          fecha: "2026-02-03T10:00:00",
          lugarExpedicion: "06600",
          emisor: pharmacy.emisor,
          receptor: pharmacy.receptor,
          pagos: [{
            fechaPago: "2026-01-12T18:30:00",
            formaDePagoP: "04",
            monedaP: "MXN",
            doctos: [{
              idDocumento: pharmacy.uuid.toLowerCase(),
              monedaDR: "MXN",
              numParcialidad: 1,
              impSaldoAnt: BigDecimal.unsafeFromString("499.99"),
              impPagado: BigDecimal.unsafeFromString("499.99")
            }]
          }]
        }))
        const second = yield* reconcile({ ...options, dryRun: true }).pipe(Effect.provide(sqlite))
        assert.notStrictEqual(second.runId, first.runId)
        assert.deepStrictEqual(yield* ppd(second.runId), [])
      })
    ))

  it.effect("a failed posting is reported by every run and never exported again until a person reopens it", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        const inStore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, sqlite)
        const run = (erp: (ctx: ErpContext) => ErpAdapter) => inStore(reconcile({ ...options, erp }))
        // the files of the CSV exports under the output folder that hold each of `keys`
        const exportedKeys = (keys: ReadonlyArray<string>) => {
          const counts = new Map<string, number>()
          for (const entry of fs.readdirSync(options.outDir, { recursive: true, withFileTypes: true })) {
            if (!entry.isFile() || !entry.name.endsWith(".csv") || !entry.parentPath.endsWith("postings")) continue
            const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8")
            for (const key of keys) if (text.includes(key)) counts.set(key, (counts.get(key) ?? 0) + 1)
          }
          return counts
        }
        // 1. exported, but the read-back fails: the postings stay posted_unverified
        const first = yield* run(unreadable)
        assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
        const unverified = yield* inStore(ledgerToReview(ATTENTION_STATES))
        assert.deepStrictEqual(unverified.map((r) => r.state), ["posted_unverified", "posted_unverified"])
        const keys = unverified.map((r) => r.externalKey)
        assert.deepStrictEqual(exportedKeys(keys), new Map(keys.map((k) => [k, 1])))
        // 2. the accountant imports the file and moves it away; the next run reads the postings back: they differ
        for (const file of csvsOf(first.runDir)) fs.rmSync(path.join(first.runDir, "postings", file))
        const second = yield* run(sapCsv)
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 0, failed: 2 })
        const failed = yield* inStore(ledgerToReview(["failed"]))
        assert.deepStrictEqual(failed.map((r) => r.externalKey), keys)
        assert.isTrue(failed.every((r) => /differs from the planned posting/.test(r.error ?? "")))
        // 3. a later run reports them again and exports nothing
        const third = yield* run(sapCsv)
        assert.deepStrictEqual(third.summary.postings, { new: 0, skipped: 0, failed: 2 })
        assert.deepStrictEqual(exportedKeys(keys), new Map())
        const reported = (yield* inStore(loadRunResult(third.runId))).exceptions
          .filter((e) => e.code === "POSTING_FAILED")
        assert.strictEqual(reported.length, 2)
        assert.isTrue(reported.every((e) => (e.suggestedAction ?? "").includes("ledger reopen")))
        // 4. a person reopens one: the next run exports it, once, and still reports the other
        const reopened = yield* inStore(reopenPosting(keys[0]!, "ana", "2026-03-02T10:00:00.000Z", "re-import it"))
        assert.strictEqual(reopened.state, "draft")
        const fourth = yield* run(sapCsv)
        assert.deepStrictEqual(fourth.summary.postings, { new: 1, skipped: 0, failed: 1 })
        assert.deepStrictEqual(exportedKeys(keys), new Map([[keys[0]!, 1]]))
        const stillFailed = yield* inStore(ledgerToReview(ATTENTION_STATES))
        assert.deepStrictEqual(stillFailed.map((r) => [r.externalKey, r.state]), [[keys[1]!, "failed"]])
        // only a failed or excluded posting can be reopened
        const refused = yield* Effect.flip(inStore(reopenPosting(keys[0]!, "ana", "2026-03-02T10:05:00.000Z")))
        assert.match(refused.message, /is verified: only a failed or excluded posting can be reopened/)
        // nor one excluded while the ERP held it: that would export it a second time
        yield* inStore(excludePosting(keys[0]!, "ana", "2026-03-02T10:06:00.000Z", "reversed in the ERP"))
        const held = yield* Effect.flip(inStore(reopenPosting(keys[0]!, "ana", "2026-03-02T10:07:00.000Z")))
        assert.match(held.message, /was excluded when verified: the ERP holds it or may/)
        const fifth = yield* run(sapCsv)
        assert.deepStrictEqual(fifth.summary.postings, { new: 0, skipped: 1, failed: 1 })
        assert.deepStrictEqual(exportedKeys(keys), new Map([[keys[0]!, 1]]))
      })
    ))

  it.effect("a posted charge whose CFDI is gone is reported POSTED_LINK_CHANGED until it is marked handled", () =>
    onSqliteJob(({ options, sqlite }) => {
      const postedLinkChanged = (runId: string) =>
        Effect.map(
          Effect.provide(loadRunResult(runId), sqlite),
          (run) => run.exceptions.filter((e) => e.code === "POSTED_LINK_CHANGED")
        )
      return Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(first.summary.postings, { new: 2, skipped: 0, failed: 0 })
        assert.deepStrictEqual(yield* postedLinkChanged(first.runId), [])
        const fuel = (yield* ledgerOf(first.runId, sqlite)).find((r) => r.transactionUuid === "t-fuel")!
        assert.strictEqual(fuel.state, "verified")
        // the fuel CFDI is taken out of the folder: the charge has no document any more, its journal is in the books
        fs.rmSync(path.join(options.invoiceDirs[0]!, "11111111-AAAA-4AAA-8AAA-111111111111.xml"))
        const second = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 1, failed: 0 })
        assert.deepStrictEqual(csvsOf(second.runDir), [])
        assert.strictEqual(second.summary.exceptions.POSTED_LINK_CHANGED, 1)
        const [reported] = yield* postedLinkChanged(second.runId)
        assert.deepStrictEqual(
          [reported?.subtype, reported?.severity, reported?.transactionUuid, reported?.documentId, reported?.location],
          ["UNLINKED", "high", "t-fuel", "11111111-AAAA-4AAA-8AAA-111111111111", fuel.externalKey]
        )
        assert.include(reported?.message ?? "", `was posted by run ${first.runId} (verified)`)
        assert.include(reported?.message ?? "", "this run links the transaction to no document")
        assert.strictEqual(reported?.amountAtRisk?.currency, "MXN")
        // the same command again (nothing changed, the previous plan reused): still reported
        const third = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        const planOf = (runId: string) =>
          Effect.provide(
            Effect.flatMap(ReconStore, (store) => store.step(runId, "plan", { checkpoint: false })),
            sqlite
          )
        assert.strictEqual(Option.getOrUndefined(yield* planOf(third.runId))?.sameAs, second.runId)
        assert.deepStrictEqual(yield* postedLinkChanged(third.runId), [reported])
        // a person reverses the journal entry in the ERP and marks the posting handled: no run reports it again
        const excluded = yield* Effect.provide(
          excludePosting(fuel.externalKey, "ana", "2026-02-02T10:00:00Z", "reversed in SAP"),
          sqlite
        )
        assert.strictEqual(excluded.error, "excluded by ana at 2026-02-02T10:00:00Z (was verified): reversed in SAP")
        const fourth = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        // the previous plan's report no longer holds: the plan is made again
        assert.strictEqual(Option.getOrUndefined(yield* planOf(fourth.runId))?.sameAs, undefined)
        assert.deepStrictEqual(yield* postedLinkChanged(fourth.runId), [])
        assert.strictEqual(fourth.summary.exceptions.POSTED_LINK_CHANGED, undefined)
        assert.deepStrictEqual(fourth.summary.postings, { new: 0, skipped: 1, failed: 0 })
        assert.isTrue(fourth.summary.controlTotal.balanced)
      })
    }))

  it.effect("a posted charge a later run links to another CFDI is reported POSTED_LINK_CHANGED", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const first = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        const fuel = (yield* ledgerOf(first.runId, sqlite)).find((r) => r.transactionUuid === "t-fuel")!
        // the issuer cancelled and re-issued the fuel CFDI: the old file is gone, a new UUID with the same figures
        // is in
        const folder = options.invoiceDirs[0]!
        fs.rmSync(path.join(folder, `${specs[0]!.uuid}.xml`))
        const reissued = "33333333-CCCC-4CCC-8CCC-333333333333"
        fs.writeFileSync(path.join(folder, `${reissued}.xml`), generateCfdi40({ ...specs[0]!, uuid: reissued }))
        const second = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        // nothing is posted again under the charge's key; the journal in the books is the old CFDI's
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 2, failed: 0 })
        const reported = (yield* Effect.provide(loadRunResult(second.runId), sqlite)).exceptions
          .filter((e) => e.code === "POSTED_LINK_CHANGED")
        assert.deepStrictEqual(
          reported.map((e) => [e.subtype, e.transactionUuid, e.documentId, e.location]),
          [["OTHER_DOCUMENT", "t-fuel", specs[0]!.uuid, fuel.externalKey]]
        )
        assert.include(reported[0]!.message, `this run links the transaction to ${reissued}`)
      })
    ))

  it.effect("an export that landed before the job heard back is settled by find + verify, never posted twice", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-02-01T06:30:00Z"))
        const crashed = yield* reconcile({ ...options, erp: dyingAfterPost }).pipe(Effect.provide(sqlite), Effect.exit)
        assert.isTrue(crashed._tag === "Failure")
        const inFlight = yield* ledgerOf("20260201T063000Z-0001", sqlite)
        assert.deepStrictEqual(inFlight.map((r) => r.state), ["posting", "posting"])
        const resumed = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.deepStrictEqual(resumed.summary.postings, { new: 2, skipped: 0, failed: 0 })
        const csvs = fs.readdirSync(path.join(resumed.runDir, "postings")).filter((f) => f.endsWith(".csv"))
        assert.strictEqual(csvs.length, 1, "one export file: nothing was posted twice")
        const ledger = yield* ledgerOf(resumed.runId, sqlite)
        assert.deepStrictEqual(ledger.map((r) => r.state), ["verified", "verified"])
      })
    ))

  it.effect("Ctrl-C while posting: the write in flight lands, the run stays resumable, and resuming ends it", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
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
        const ledger = yield* ledgerOf("20260201T063000Z-0001", sqlite)
        assert.deepStrictEqual(ledger.map((r) => r.state), ["posting", "posting"], "marked posting before the call")
        const resumed = yield* reconcile({ ...options, erp: sapCsv }).pipe(Effect.provide(sqlite))
        assert.strictEqual(resumed.runId, "20260201T063000Z-0001")
        assert.deepStrictEqual(resumed.summary.postings, { new: 2, skipped: 0, failed: 0 })
      })
    ))

  it.effect("a posted CFDI the next run links to another charge is held, not booked twice", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        const first = yield* reconcile(options)
        const fuel = (yield* loadRunResult(first.runId)).links.find((l) => l.transactionUuid === "t-fuel")!
        // Clara shows the charge twice, and a person says the CFDI is not the first one's
        const file = options.transactionsFile!
        const exported = JSON.parse(fs.readFileSync(file, "utf8"))
        fs.writeFileSync(file, JSON.stringify([...exported, { ...exported[0], uuid: "t-fuel-2" }]))
        yield* decideLink(fuel.linkId, "REJECTED", "ana@example.com", "2026-02-02T10:00:00Z")
        const second = yield* reconcile(options)
        const result = yield* loadRunResult(second.runId)
        assert.strictEqual(result.links.find((l) => l.documentId === fuel.documentId)?.transactionUuid, "t-fuel-2")
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 1, failed: 1 })
        const held = result.exceptions.find((e) => e.subtype === "DOCUMENT_ALREADY_POSTED")!
        assert.deepStrictEqual(
          [held.code, held.transactionUuid, held.documentId],
          ["POSTING_FAILED", "t-fuel-2", fuel.documentId]
        )
        assert.include(held.message, "already booked for transaction t-fuel")
        const booked = yield* Effect.flatMap(ReconStore, (store) => store.ledgerOfDocuments([fuel.documentId]))
        assert.deepStrictEqual(booked.map((r) => [r.transactionUuid, r.state]), [["t-fuel", "verified"]])
      }).pipe(Effect.provide(sqlite))
    ))

  it.effect("a confirmed link teaches an alias; an unknown link id is refused", () =>
    onSqliteJob(({ options, sqlite }) =>
      Effect.gen(function*() {
        const first = yield* reconcile(options).pipe(Effect.flatMap((r) => loadRunResult(r.runId)))
        const fuel = first.links.find((l) => l.transactionUuid === "t-fuel")!
        const decided = yield* decideLink(fuel.linkId, "CONFIRMED", "ana@example.com", "2026-02-02T10:00:00Z")
        assert.strictEqual(decided.documentId, fuel.documentId)
        const aliases = yield* learnedAliases("2026-03-01")
        assert.deepStrictEqual(
          aliases.map((a) => [a.rfc, a.confirmations, a.active]),
          [["GBE0101019A1", 1, false]],
          "one confirmation is not enough to make an alias active"
        )
        const unknown = yield* Effect.flip(
          decideLink("lnk_nope", "REJECTED", "ana@example.com", "2026-02-02T10:00:00Z")
        )
        assert.strictEqual(unknown._tag, "UnknownLinkError")
        // A new decision changes the matcher's inputs: the next run matches again, the confirmed pair pinned and the
        // rejected one never linked again.
        const pharma = first.links.find((l) => l.transactionUuid === "t-pharma")!
        yield* decideLink(pharma.linkId, "REJECTED", "ana@example.com", "2026-02-02T10:05:00Z")
        const second = yield* reconcile(options).pipe(Effect.flatMap((r) => loadRunResult(r.runId)))
        assert.deepStrictEqual(second.links.map((l) => [l.transactionUuid, l.decision]), [["t-fuel", "CONFIRMED"]])
        assert.isFalse(
          second.suggestions.some((l) => l.transactionUuid === "t-pharma" && l.documentId === pharma.documentId)
        )
      }).pipe(Effect.provide(sqlite))
    ))
})
