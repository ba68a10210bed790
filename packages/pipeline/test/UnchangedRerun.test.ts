/**
 * The same command run again on a real SQLite store: with nothing changed, the collect, match and plan steps name the
 * previous run's (`sameAs`) instead of redoing or copying them, nothing is planned or posted, and the reports are
 * carried over, byte for byte what a full render of the run from the store gives. Each kind of change (a CFDI file,
 * a link decision, a posting the ERP refused, the export, the command's options, a report file edited by hand) brings
 * back exactly the work it needs.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { type ErpAdapter, ErpError } from "@clara-recon/erp"
import { decideLink } from "../src/LinkDecisions.js"
import { defaultSapCsvAdapter } from "../src/Post.js"
import { type ErpContext, loadRunResult, reconcile, type ReconcileOutcome, renderReport } from "../src/ReconcileJob.js"
import { ReconStore } from "../src/ReconStore.js"
import { layerSqlite } from "../src/StoreLayer.js"
import { setup, wire } from "./JobSetup.js"

/** A SAP CSV adapter counting its `plan` and `post` calls; while `refuse.value` is set every post is refused. */
const countingErp = () => {
  const calls = { plan: 0, post: 0 }
  const refuse = { value: false }
  const erp = (ctx: ErpContext): ErpAdapter => {
    const inner = defaultSapCsvAdapter({ tenant: ctx.tenant, postingsDir: ctx.postingsDir })
    return {
      ...inner,
      plan: (document) => {
        calls.plan++
        return inner.plan(document)
      },
      post: (plans, options) =>
        Effect.suspend(() => {
          calls.post++
          return refuse.value
            ? Effect.succeed({
              status: "failed" as const,
              error: ErpError.rejected("TRANSIENT", "ERP_DOWN", "the ERP is down for maintenance")
            })
            : inner.post(plans, options)
        })
    }
  }
  return { calls, erp, refuse }
}

/** Every report file under a run folder (postings excluded: they are the post step's), path -> content. */
const reportFiles = (runDir: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const entry of fs.readdirSync(runDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.relative(runDir, path.join(entry.parentPath, entry.name))
    if (!file.startsWith("postings")) out[file] = fs.readFileSync(path.join(runDir, file), "utf8")
  }
  return out
}

/** What the steps of a run reused: step -> the run it names (`sameAs`), or "-" when it did its own work. */
const reuseOf = (runId: string) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const steps = yield* store.steps(runId)
    return Object.fromEntries(
      (["sync", "collect", "match", "plan", "post"] as const).map((s) => [s, steps.get(s)?.sameAs ?? "-"])
    )
  })

/** The reports of `outcome` rendered in full from the store into another folder, for comparison. */
const fullRender = (outcome: ReconcileOutcome, dir: string) =>
  Effect.map(renderReport({ outDir: path.join(dir, "rendered"), runId: outcome.runId }), (r) => reportFiles(r.runDir))

const withStore = (dir: string) => <A, E>(effect: Effect.Effect<A, E, ReconStore | NodeContext.NodeContext>) =>
  effect.pipe(
    Effect.provide(Layer.merge(layerSqlite(path.join(dir, "state.db")), NodeContext.layer)),
    Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
  )

describe("an unchanged re-run", () => {
  it.effect("reuses every step, plans and posts nothing, and carries the reports over as a full render has them", () => {
    const { dir, options } = setup()
    const erp = countingErp()
    const job = { ...options, erp: erp.erp }
    return Effect.gen(function*() {
      const store = yield* ReconStore
      const first = yield* reconcile(job)
      assert.isFalse(first.reportsReused)
      assert.deepStrictEqual(erp.calls, { plan: 2, post: 1 })
      const ledgerBefore = yield* store.ledgerOfRun(first.runId)

      const second = yield* reconcile(job)
      assert.notStrictEqual(second.runId, first.runId)
      assert.isTrue(second.reportsReused)
      assert.deepStrictEqual(erp.calls, { plan: 2, post: 1 }, "nothing planned or posted again")
      assert.deepStrictEqual(yield* reuseOf(second.runId), {
        sync: "-",
        collect: first.runId,
        match: first.runId,
        plan: first.runId,
        post: "-"
      })
      // found by the cheap keys: the files' stamps (collect) and the store's revisions (match)
      for (const step of ["collect", "match"] as const) {
        const [before, after] = [yield* store.step(first.runId, step), yield* store.step(second.runId, step)]
        assert.isDefined(Option.getOrThrow(after).quickKey)
        assert.strictEqual(Option.getOrThrow(after).quickKey, Option.getOrThrow(before).quickKey, step)
      }
      // the store state is the same: links (shared, not copied), the ledger, the run's result
      assert.deepStrictEqual(yield* store.links(second.runId), yield* store.links(first.runId))
      assert.deepStrictEqual(yield* store.ledgerOfRun(first.runId), ledgerBefore)
      const [firstResult, secondResult] = [yield* loadRunResult(first.runId), yield* loadRunResult(second.runId)]
      assert.deepStrictEqual({ ...secondResult, runId: "-", postings: undefined }, {
        ...firstResult,
        runId: "-",
        postings: undefined
      })
      assert.deepStrictEqual(second.summary, { ...first.summary, runId: second.runId, postings: { new: 0, skipped: 2, failed: 0 } })

      // the carried-over reports are what rendering the run from the store writes, byte for byte
      const carried = reportFiles(second.runDir)
      assert.includeMembers(Object.keys(carried), ["summary.json", "links.json", "report.html", "chase-lists/ana-sofia.csv"])
      assert.deepStrictEqual(carried, yield* fullRender(second, dir))
      assert.include(carried["report.html"]!, second.runId)
      assert.notInclude(carried["report.html"]!, first.runId)
      assert.strictEqual(fs.readlinkSync(path.join(options.outDir, "latest")), second.runId)

      // and again from the carried-over files
      const third = yield* reconcile(job)
      assert.isTrue(third.reportsReused)
      assert.deepStrictEqual(yield* reuseOf(third.runId), {
        sync: "-",
        collect: first.runId,
        match: first.runId,
        plan: first.runId,
        post: "-"
      })
      assert.deepStrictEqual(reportFiles(third.runDir), yield* fullRender(third, dir))
    }).pipe(withStore(dir))
  })
})

describe("a re-run after a change does the work the change needs", () => {
  it.effect("a CFDI file removed: collected and rendered again (the matcher's inputs, the documents, are the same)", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      assert.strictEqual(first.summary.exceptions.INVALID_DOCUMENT, 1)
      fs.rmSync(path.join(options.invoiceDirs[0]!, "broken.xml"))
      const second = yield* reconcile(options)
      assert.isFalse(second.reportsReused)
      assert.deepStrictEqual(yield* reuseOf(second.runId), {
        sync: "-",
        collect: "-",
        match: first.runId,
        plan: first.runId,
        post: "-"
      })
      assert.isUndefined(second.summary.exceptions.INVALID_DOCUMENT)
      assert.notInclude(fs.readFileSync(path.join(second.runDir, "exceptions.csv"), "utf8"), "broken.xml")
      assert.deepStrictEqual(reportFiles(second.runDir), yield* fullRender(second, dir))
    }).pipe(withStore(dir))
  })

  it.effect("a CFDI file rewritten with the same bytes: hashed again, then the same work reused", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      const file = path.join(options.invoiceDirs[0]!, "broken.xml")
      fs.utimesSync(file, new Date("2026-02-03T00:00:00Z"), new Date("2026-02-03T00:00:00Z"))
      const second = yield* reconcile(options)
      const reuse = yield* reuseOf(second.runId)
      assert.strictEqual(reuse.collect, "-", "the touched file is read and hashed again")
      assert.strictEqual(reuse.match, first.runId, "same documents: the match is reused")
      assert.isTrue(second.reportsReused)
      assert.deepStrictEqual(reportFiles(second.runDir), yield* fullRender(second, dir))
    }).pipe(withStore(dir))
  })

  it.effect("a link decision: matched again with the decision, reports rendered again", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      const pharma = (yield* loadRunResult(first.runId)).links.find((l) => l.transactionUuid === "t-pharma")!
      yield* decideLink(pharma.linkId, "REJECTED", "ana@example.com", "2026-02-02T10:05:00Z")
      const second = yield* reconcile(options)
      assert.isFalse(second.reportsReused)
      const reuse = yield* reuseOf(second.runId)
      assert.strictEqual(reuse.collect, first.runId)
      assert.strictEqual(reuse.match, "-")
      const links = JSON.parse(fs.readFileSync(path.join(second.runDir, "links.json"), "utf8"))
      assert.isFalse(links.links.some((l: { linkId: string }) => l.linkId === pharma.linkId))
      assert.deepStrictEqual(reportFiles(second.runDir), yield* fullRender(second, dir))
    }).pipe(withStore(dir))
  })

  it.effect("a posting the ERP refused: planned and posted again, then nothing left to do", () => {
    const { dir, options } = setup()
    const erp = countingErp()
    const job = { ...options, erp: erp.erp }
    return Effect.gen(function*() {
      erp.refuse.value = true
      const first = yield* reconcile(job)
      assert.deepStrictEqual(first.summary.postings, { new: 0, skipped: 0, failed: 2 })
      erp.refuse.value = false
      const second = yield* reconcile(job)
      assert.isFalse(second.reportsReused)
      assert.deepStrictEqual(second.summary.postings, { new: 2, skipped: 0, failed: 0 })
      assert.strictEqual(erp.calls.post, 2)
      assert.strictEqual((yield* reuseOf(second.runId)).plan, "-")
      assert.deepStrictEqual(reportFiles(second.runDir), yield* fullRender(second, dir))
      const third = yield* reconcile(job)
      assert.isTrue(third.reportsReused)
      assert.strictEqual(erp.calls.post, 2)
      assert.deepStrictEqual(third.summary.postings, { new: 0, skipped: 2, failed: 0 })
    }).pipe(withStore(dir))
  })

  it.effect("a changed export: synced, matched and rendered again", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      const exported = JSON.parse(fs.readFileSync(options.transactionsFile!, "utf8"))
      fs.writeFileSync(options.transactionsFile!, JSON.stringify([...exported, wire("t-new", "OXXO", "80.00", "2026-01-20")]))
      const second = yield* reconcile(options)
      assert.isFalse(second.reportsReused)
      assert.strictEqual(second.summary.transactions, first.summary.transactions + 1)
      assert.strictEqual((yield* reuseOf(second.runId)).match, "-")
      assert.include(fs.readFileSync(path.join(second.runDir, "exceptions.csv"), "utf8"), "t-new")
    }).pipe(withStore(dir))
  })

  it.effect("transactions changed by another command (same export unchanged): matched and rendered again", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      // another export of the same period, with a different amount for t-none, read by another command
      const other = path.join(dir, "other-export.json")
      const exported = JSON.parse(fs.readFileSync(options.transactionsFile!, "utf8"))
      fs.writeFileSync(other, JSON.stringify(exported.map((t: { uuid: string }) =>
        t.uuid === "t-none" ? { ...t, amountValue: { value: 260, currency: "MXN" } } : t
      )))
      yield* reconcile({ ...options, transactionsFile: other, outDir: path.join(dir, "other-out") })
      const second = yield* reconcile(options)
      const reuse = yield* reuseOf(second.runId)
      assert.strictEqual(reuse.collect, first.runId, "same files")
      assert.strictEqual(reuse.match, "-", "the stored transactions changed: matched again")
      assert.isFalse(second.reportsReused)
      assert.include(fs.readFileSync(path.join(second.runDir, "exceptions.csv"), "utf8"), "260.00")
      assert.deepStrictEqual(reportFiles(second.runDir), yield* fullRender(second, dir))
    }).pipe(withStore(dir))
  })

  it.effect("changed options (another company RFC): a run of its own, nothing reused", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      yield* reconcile(options)
      const second = yield* reconcile({ ...options, companyRfc: "EKU9003173C9" })
      assert.isFalse(second.reportsReused)
      assert.deepStrictEqual(yield* reuseOf(second.runId), { sync: "-", collect: "-", match: "-", plan: "-", post: "-" })
    }).pipe(withStore(dir))
  })

  it.effect("a report file edited or removed by hand: the reports are rendered again", () => {
    const { dir, options } = setup()
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      fs.appendFileSync(path.join(first.runDir, "report.html"), "<!-- edited -->")
      const second = yield* reconcile(options)
      assert.isFalse(second.reportsReused)
      assert.strictEqual((yield* reuseOf(second.runId)).match, first.runId, "only the rendering is redone")
      assert.notInclude(fs.readFileSync(path.join(second.runDir, "report.html"), "utf8"), "edited")
      fs.rmSync(path.join(second.runDir, "links.json"))
      const third = yield* reconcile(options)
      assert.isFalse(third.reportsReused)
      assert.deepStrictEqual(reportFiles(third.runDir), yield* fullRender(third, dir))
      assert.isTrue(Option.isSome(yield* Effect.flatMap(ReconStore, (s) => s.getRun(third.runId))))
    }).pipe(withStore(dir))
  })
})
