/**
 * Reliability suite 2 (issue #7): `kill -9` (SIGKILL) at 20 seeded points across the steps of
 * `clara-recon reconcile`, then the same command run again until it completes, ends in the state of an uninterrupted
 * run: the same summary, links, exceptions and report files (run ids and instants masked), the same links and posting
 * ledger in the store, one run in the store (the killed run was resumed, not begun again), and no posting record
 * written twice (CSV lines by `DOC_KEY` + `LINE_NO`, documents per export file and per batch manifest).
 *
 * Inputs are local (a transactions export and an invoices folder from a generated scenario, no emulator). A kill
 * point is a phase (`open`: from the process start to the run's first log line; `sync` ... `post`: from the log line
 * that ends the step before it, `step <prev> of <run> done` or `already done` on a resume; `report`: from the end of
 * `post`) and a seeded fraction of that phase's duration in an uninterrupted `--verbose` run. The 20 points are split
 * into chains of 4 on fresh stores: kill, resume and kill again (a later point), ..., then one run to completion. A
 * run that completes before its kill fires, or is killed only after the store marked it finished (while the process
 * exits: the same command then begins a new run, which posts nothing and reports every posting `skipped`), is checked
 * like a finished chain, and a new chain takes the points left (that point once more first). The figures (kills by the phase they landed in, resumed runs, postings left in flight
 * and settled) are printed.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Random } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { generateScenario, scenarioToJson } from "@clara-recon/sandbox"
import { cleanEnv, cliPath, lastJsonLine } from "../../support/Cli.js"
import {
  hasFinishedRun,
  latestSummary,
  postingRecords,
  runSnapshot,
  snapshotDiff,
  storeState,
  type StoreState
} from "./RunOutputs.js"

/** Transactions of the scenario: a run takes ~2-4 s on an idle machine. */
const SIZE = Number(process.env.RELIABILITY_KILL9_SIZE ?? 600)
const KILLS = 20
const PER_CHAIN = 4
const SEED = 9_090

/** Phases in run order; each is entered when its marker shows in stderr (`open`: at spawn). */
const PHASES = ["open", "sync", "collect", "match", "plan", "post", "report"] as const
type Phase = (typeof PHASES)[number]
const stepDone = (step: string) => new RegExp(`step ${step} of \\S+ (done in|already done)`)
const MARKERS: Record<Exclude<Phase, "open">, RegExp> = {
  sync: /(INFO.*: run \S+: |resuming run )/,
  collect: stepDone("sync"),
  match: stepDone("collect"),
  plan: stepDone("match"),
  post: stepDone("plan"),
  report: stepDone("post")
}

/** The last phase whose marker `stderr` shows: where a kill at this moment lands. */
const phaseReached = (stderr: string): Phase => {
  let reached: Phase = "open"
  for (const phase of PHASES) if (phase !== "open" && MARKERS[phase].test(stderr)) reached = phase
  return reached
}

interface KillPoint {
  readonly phase: Phase
  /** Share of the phase's uninterrupted duration to wait after its marker, in [0, 0.9). */
  readonly fraction: number
}

interface Attempt {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** Where the kill landed (the last phase marker seen), when the process was killed. */
  readonly landed?: Phase
  /** Milliseconds from spawn to each phase marker, and to the exit (`end`). */
  readonly times: Partial<Record<Phase | "end", number>>
}

let work: string
let inputs: { transactions: string; invoices: string; from: string; to: string }

const args = (dir: string) => [
  "reconcile",
  "--from",
  inputs.from,
  "--to",
  inputs.to,
  "--transactions",
  inputs.transactions,
  "--invoices",
  inputs.invoices,
  "--out",
  path.join(dir, "out"),
  "--state",
  path.join(dir, "state.db"),
  "--as-of",
  "2025-03-01",
  "--json",
  "--verbose"
]

/**
 * Runs the CLI in `dir`; with `kill`, sends SIGKILL `kill.fraction * durations[phase]` ms after the phase's marker.
 */
const attempt = (dir: string, kill?: { point: KillPoint; durations: Record<Phase, number> }) =>
  new Promise<Attempt>((resolve, reject) => {
    const start = Date.now()
    const child = spawn(process.execPath, [cliPath, ...args(dir)], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    let landed: Phase | undefined
    const times: Attempt["times"] = { open: 0 }
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      if (kill === undefined || timer !== undefined) return
      const wait = Math.round(kill.point.fraction * kill.durations[kill.point.phase])
      timer = setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return
        landed = phaseReached(stderr)
        child.kill("SIGKILL")
      }, wait)
    }
    if (kill?.point.phase === "open") arm()
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
      for (const phase of PHASES) {
        if (phase === "open" || times[phase] !== undefined || !MARKERS[phase].test(stderr)) continue
        times[phase] = Date.now() - start
        if (kill?.point.phase === phase) arm()
      }
    })
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      times.end = Date.now() - start
      resolve({ code, signal, stdout, stderr, ...(landed === undefined ? {} : { landed }), times })
    })
  })

/** Phase durations of an uninterrupted run, from its marker times. */
const durationsOf = (run: Attempt): Record<Phase, number> => {
  const at = (p: Phase | "end") => run.times[p]!
  const next: Record<Phase, Phase | "end"> = {
    open: "sync",
    sync: "collect",
    collect: "match",
    match: "plan",
    plan: "post",
    post: "report",
    report: "end"
  }
  return Object.fromEntries(PHASES.map((p) => [p, Math.max(1, at(next[p]) - at(p))])) as Record<Phase, number>
}

/** 20 seeded points: every phase at least twice, then chains of `PER_CHAIN` sorted by run order. */
const killPoints = (): Array<Array<KillPoint>> =>
  Effect.runSync(
    Effect.gen(function*() {
      const phases: Array<Phase> = [...PHASES, ...PHASES]
      while (phases.length < KILLS) phases.push(PHASES[yield* Random.nextIntBetween(0, PHASES.length)]!)
      const points: Array<KillPoint> = []
      for (const phase of yield* Random.shuffle(phases)) points.push({ phase, fraction: (yield* Random.next) * 0.9 })
      const chains: Array<Array<KillPoint>> = []
      for (let i = 0; i < points.length; i += PER_CHAIN) {
        chains.push(
          points.slice(i, i + PER_CHAIN).sort((a, b) =>
            PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || a.fraction - b.fraction
          )
        )
      }
      return chains
    }).pipe(Effect.withRandom(Random.make(SEED)))
  )

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-kill9-"))
  // A local export and folder: the folder CFDIs plus the XML Clara would hold, so most purchases link and post.
  const scenario = JSON.parse(scenarioToJson(generateScenario({ seed: SEED, size: SIZE })))
  const dir = path.join(work, "inputs")
  const invoices = path.join(dir, "invoices")
  fs.mkdirSync(invoices, { recursive: true })
  fs.writeFileSync(path.join(dir, "transactions.json"), JSON.stringify(scenario.transactions))
  for (const file of scenario.folderCfdis) fs.writeFileSync(path.join(invoices, file.name), Buffer.from(file.bytes, "base64"))
  for (const list of Object.values<Array<any>>(scenario.invoices)) {
    for (const item of list) fs.writeFileSync(path.join(invoices, `clara-${item.xml.name}`), Buffer.from(item.xml.bytes, "base64"))
  }
  inputs = { transactions: path.join(dir, "transactions.json"), invoices, from: scenario.period.from, to: scenario.period.to }
}, 120_000)

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe("reliability: kill -9", () => {
  it(`${KILLS} SIGKILLs across the steps, each followed by the same command, end as an uninterrupted run`, async () => {
    // The uninterrupted run: the reference state and the phase durations.
    const baselineDir = path.join(work, "baseline")
    const baseline = await attempt(baselineDir)
    assert.strictEqual(baseline.code, 0, baseline.stderr)
    for (const phase of PHASES) assert.isDefined(baseline.times[phase], `no marker for ${phase} in:\n${baseline.stderr}`)
    const durations = durationsOf(baseline)
    const summary = lastJsonLine(baseline.stdout)
    assert.isAbove(summary.linked, 0)
    assert.isAbove(summary.postings.new, 0)
    const reference = runSnapshot(path.join(baselineDir, "out"), { [baselineDir]: "<work>" })
    const referenceStore = await storeState(path.join(baselineDir, "state.db"))
    const referencePostings = postingRecords(path.join(baselineDir, "out"))
    assert.strictEqual(referencePostings.documents.size, summary.postings.new)

    const kills: Array<{ chain: number; planned: Phase; landed: Phase }> = []
    const missed: Array<KillPoint> = []
    let chains = 0

    /** Completes the chain in `dir` and checks its final state against the uninterrupted run. */
    const finish = async (dir: string, completed?: Attempt | "finished") => {
      const final = completed ?? (await attempt(dir))
      if (final !== "finished") {
        assert.strictEqual(final.code, 0, `${dir}: the resumed run did not complete:\n${final.stderr}`)
        assert.deepStrictEqual(lastJsonLine(final.stdout), latestSummary(path.join(dir, "out")), dir)
      }
      const { runId: _a, ...got } = latestSummary(path.join(dir, "out"))
      const { runId: _b, ...want } = summary
      assert.deepStrictEqual(got, want, `${dir} after ${JSON.stringify(kills.filter((k) => k.chain === chains))}`)
      assert.deepStrictEqual(snapshotDiff(reference, runSnapshot(path.join(dir, "out"), { [dir]: "<work>" })), [], dir)
      const state: StoreState = await storeState(path.join(dir, "state.db"))
      assert.strictEqual(state.runs, 1, `${dir}: the killed run was begun again instead of resumed`)
      assert.isTrue(state.finished)
      assert.deepStrictEqual(state.steps, referenceStore.steps, dir)
      assert.deepStrictEqual(state.links, referenceStore.links, dir)
      assert.deepStrictEqual(state.ledger, referenceStore.ledger, dir)
      const postings = postingRecords(path.join(dir, "out"))
      assert.strictEqual(postings.duplicateLines, 0, `${dir}: journal lines written twice`)
      assert.strictEqual(postings.documentsInSeveralFiles, 0, `${dir}: documents exported in several files`)
      assert.strictEqual(postings.documentsInSeveralManifests, 0, `${dir}: documents in several batch manifests`)
      assert.strictEqual(postings.lines, referencePostings.lines, dir)
      assert.deepStrictEqual([...postings.documents].sort(), [...referencePostings.documents].sort(), dir)
      return final
    }

    const queue = killPoints()
    const retried = new Set<KillPoint>()
    let resumed = 0
    let settled = 0
    while (queue.length > 0) {
      const points = queue.shift()!
      const dir = path.join(work, `chain-${++chains}`)
      let completed: Attempt | "finished" | undefined
      for (const [i, point] of points.entries()) {
        const run = await attempt(dir, { point, durations })
        if (/resuming run /.test(run.stderr)) resumed++
        if (/settling \d+ posting\(s\) left in flight/.test(run.stderr)) settled++
        // A kill in the report phase may come after the run was marked finished (while the process exits): the work
        // was complete, the same command would begin a new run; that is not a kill of the job.
        const finishedFirst = run.signal === "SIGKILL" && run.landed === "report" &&
          (await hasFinishedRun(path.join(dir, "state.db")))
        if (run.signal === "SIGKILL" && !finishedFirst) {
          kills.push({ chain: chains, planned: point.phase, landed: run.landed ?? "open" })
          continue
        }
        // It completed before the kill: check this chain, and start a new one for the points left (this point once
        // more, on a fresh store, where it lands earlier in the run).
        completed = finishedFirst ? "finished" : run
        missed.push(point)
        const left = retried.has(point) ? points.slice(i + 1) : points.slice(i)
        retried.add(point)
        if (left.length > 0) queue.push(left)
        break
      }
      const final = await finish(dir, completed)
      if (completed === undefined && final !== "finished") {
        if (/resuming run /.test(final.stderr)) resumed++
        if (/settling \d+ posting\(s\) left in flight/.test(final.stderr)) settled++
      }
    }

    const byPhase = Object.fromEntries(PHASES.map((p) => [p, kills.filter((k) => k.landed === p).length]))
    console.log(
      `kill -9: ${kills.length} kills over ${chains} chains, landed by phase ${JSON.stringify(byPhase)}; ` +
        `${resumed} resumed runs (${settled} settled postings left in flight); ` +
        `${missed.length} runs completed before their kill; phase durations (ms) ${JSON.stringify(durations)}`
    )
    // Most kills must land, and in most steps, or the test proves little.
    assert.isAtLeast(kills.length, KILLS - 4)
    assert.isAtLeast(Object.values(byPhase).filter((n) => n > 0).length, 5)
  }, 1_800_000)
})
