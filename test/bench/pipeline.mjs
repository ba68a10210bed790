// The whole reconciliation job end to end from local inputs: a month of transactions (an export file) and a folder
// of generated CFDI files, on a SQLite store; then the same command again with nothing changed (a new run that
// re-reads the export only when its hash changed, and skips files whose size, mtime and hash are known). Each job runs
// in its own child process so its peak RSS is its own. Baseline, measured in the same run: reading every input file
// and parsing the export (the floor of any run that looks at all its inputs). The first run's steps are timed through
// the job's progress reports (`Progress`). Goals (issue #7): <= 30 s, <= 3 s.
// `--pipeline-size N` changes the number of transactions (default 100000).
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { generateScenario } from "@clara-recon/sandbox"
import { arg, fmt } from "./common.mjs"

const self = fileURLToPath(import.meta.url)

/** In the child: runs the job once and prints one JSON line (time, peak RSS, summary counts, step times). */
const child = async (config) => {
  const { Effect, Layer, Logger, LogLevel } = await import("effect")
  const { layerSqlite, Progress, reconcile } = await import("@clara-recon/pipeline")
  const platformNode = realpathSync(fileURLToPath(new URL("../../packages/pipeline/node_modules/@effect/platform-node", import.meta.url)))
  const { NodeContext } = await import(pathToFileURL(join(platformNode, "dist/esm/index.js")).href)
  // wall and CPU seconds of each step, from the job's own progress reports (a step already done is not timed)
  const steps = []
  const begun = new Map()
  const timer = {
    start: (step) => begun.set(step, [performance.now(), process.cpuUsage()]),
    total: () => undefined,
    advance: () => undefined,
    finish: (step, skipped) => {
      const [at, cpu] = begun.get(step) ?? []
      if (skipped || at === undefined) return
      const used = process.cpuUsage(cpu)
      steps.push({ step, seconds: (performance.now() - at) / 1000, cpuSeconds: (used.user + used.system) / 1e6 })
    }
  }
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const result = await Effect.runPromise(
    reconcile(config.options).pipe(
      Effect.provideService(Progress, timer),
      Effect.provide(Layer.merge(layerSqlite(config.db), NodeContext.layer)),
      Logger.withMinimumLogLevel(process.env.BENCH_DEBUG ? LogLevel.Debug : LogLevel.Warning)
    )
  )
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const s = result.summary
  console.log(JSON.stringify({
    ms,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    runId: s.runId,
    transactions: s.transactions,
    documents: s.documents,
    linked: s.linked,
    postings: s.postings,
    balanced: s.controlTotal.balanced,
    reportsReused: result.reportsReused,
    steps
  }))
}

const runChild = (config) => {
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of each job there
  const profile = process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []
  // the young-generation size the clara-recon launcher gives Node (apps/cli/src/bin.ts); BENCH_NODE_FLAGS adds more
  const node = ["--max-semi-space-size=64", ...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean)]
  const args = [...profile, ...node, "--max-old-space-size=8192", self, "--pipeline-child", JSON.stringify(config)]
  const out = spawnSync(process.execPath, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024
  })
  if (out.status !== 0) throw new Error(`pipeline child failed (${out.status}): ${out.stderr.slice(-2000)}`)
  return JSON.parse(out.stdout.trim().split("\n").at(-1))
}

/** `sync 3.71 s (4.9 s CPU) · collect ...`: where a run's time went, step by step. */
const stepLine = (steps) =>
  steps.map((s) => `${s.step} ${fmt(s.seconds, 2)} s (${fmt(s.cpuSeconds, 1)} s CPU)`).join(" · ")

/** Prints the end-to-end figures: first run, its steps, the unchanged re-run, and the input-reading baseline. */
export const run = async ({ seed }) => {
  const size = arg("pipeline-size", 100_000)
  const t0 = performance.now()
  const scenario = generateScenario({ seed, size })
  const xmlFiles = [...Object.values(scenario.invoices).flat().map((i) => i.xml), ...scenario.folderCfdis]
    .filter((f) => f.bytes !== undefined)
  const dir = mkdtempSync(join(tmpdir(), "clara-recon-bench-pipeline-"))
  try {
    const invoices = join(dir, "invoices")
    for (let i = 0; i < xmlFiles.length; i++) {
      const sub = join(invoices, String(i % 100).padStart(2, "0"))
      if (i < 100) mkdirSync(sub, { recursive: true })
      writeFileSync(join(sub, `${String(i).padStart(6, "0")}.xml`), xmlFiles[i].bytes)
    }
    const exportFile = join(dir, "transactions.json")
    writeFileSync(exportFile, JSON.stringify(scenario.transactions))
    console.log(`inputs          : ${scenario.transactions.length} transactions, ${xmlFiles.length} CFDI files ` +
      `(${scenario.period.from} .. ${scenario.period.to}; generated and written in ${fmt((performance.now() - t0) / 1000, 1)} s)`)

    const b0 = performance.now()
    let bytes = 0
    for (const sub of readdirSync(invoices)) {
      for (const name of readdirSync(join(invoices, sub))) bytes += readFileSync(join(invoices, sub, name)).length
    }
    JSON.parse(readFileSync(exportFile, "utf8"))
    const baselineMs = performance.now() - b0
    console.log(`baseline        : read ${fmt(bytes / 1_048_576, 0)} MB of CFDI + parse the export in ${fmt(baselineMs / 1000, 2)} s`)

    const config = {
      db: join(dir, "state.db"),
      options: {
        from: scenario.period.from,
        to: scenario.period.to,
        invoiceDirs: [invoices],
        transactionsFile: exportFile,
        outDir: join(dir, "out"),
        asOf: scenario.period.to
      }
    }
    const first = runChild(config)
    console.log(`pipeline        : ${first.transactions} transactions x ${first.documents} documents end to end in ` +
      `${fmt(first.ms / 1000, 2)} s (${fmt(first.ms / baselineMs, 1)}x the baseline), ` +
      `${fmt(first.cpuSeconds, 1)} s CPU (goal <= 30 s; ${first.linked} linked, ${first.postings.new} posted, ` +
      `balanced ${first.balanced}; peak RSS ${fmt(first.peakRssMb, 0)} MB)`)
    console.log(`  steps         : ${stepLine(first.steps)}`)
    const again = runChild(config)
    console.log(`pipeline re-run : unchanged inputs in ${fmt(again.ms / 1000, 2)} s ` +
      `(${fmt(again.ms / baselineMs, 2)}x the baseline), ${fmt(again.cpuSeconds, 1)} s CPU (goal <= 3 s; ` +
      `${again.postings.new} posted, ${again.postings.skipped} already posted, reports carried over ${again.reportsReused}; ` +
      `peak RSS ${fmt(again.peakRssMb, 0)} MB)`)
    return { first, again, baselineMs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const at = process.argv.indexOf("--pipeline-child")
if (at > 0) await child(JSON.parse(process.argv[at + 1]))
