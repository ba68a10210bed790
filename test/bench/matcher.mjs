// The matcher: (1) on the emulator's scenario (~10k x 8k CFDIs of 40 merchants in one month: dense); (2) on the
// matcher's own generated worlds (matching.md §7.15) at 50k x 50k and 200k x 180k, plus 1M x 1M with
// `--matcher-large` (about 5 minutes and 8 GB of memory), each size in its own child process
// (`node --max-old-space-size=...`, with the CLI's `--max-semi-space-size=64`) so that its peak RSS
// (`process.resourceUsage().maxRSS`) is its own. Beside each run: a simple greedy baseline on the same data and the
// same candidates (the engine's candidate index and scoring, then edges sorted by points and taken greedily), with the
// engine/baseline time ratio and both precisions.
// Goals (issue 5): <= 1.5 s at 200k x 180k; <= 10 s and 2 GB at 1M x 1M. Figures are printed, never asserted.
import { spawnSync } from "node:child_process"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import { readCfdi, toFiscalDocument } from "@clara-recon/cfdi"
import { toCardTransaction } from "@clara-recon/clara"
import { DocumentSource } from "@clara-recon/domain"
import {
  buildCandidateIndex,
  buildClusters,
  compareEdges,
  evaluate,
  generateEdges,
  generateScenario as syntheticMatcherScenario,
  makeProfiler,
  makeSimilarityMemo,
  makeTokenWeigher,
  match,
  normaliseName,
  prepareDocuments,
  prepareTransactions,
  resolveConfig
} from "@clara-recon/matcher"
import { fmt, rssMb, timeIt } from "./common.mjs"

const self = fileURLToPath(import.meta.url)

/** CPU seconds (user + system) spent by `fn`, with its wall seconds and result. */
const measure = (fn) => {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const result = fn()
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, result }
}

/**
 * The greedy baseline: the same preparation, clusters, candidate index and scoring as the engine (no group
 * solvers, gates, explanations or exceptions), then all edges sorted by `compareEdges` and taken greedily.
 */
const greedyBaseline = (input) => {
  const config = resolveConfig(undefined)
  const memo = new Map()
  const normalise = (text) => {
    let tokens = memo.get(text)
    if (tokens === undefined) memo.set(text, tokens = normaliseName(text))
    return tokens
  }
  const documents = prepareDocuments(input.documents, normalise)
  const weigh = makeTokenWeigher(config)
  const profile = makeProfiler(weigh)
  const transactions = prepareTransactions(input.transactions, normalise, profile, config)
  const clusters = buildClusters(documents.views, profile)
  const ctx = { config, weigh, aliases: new Map(), similarity: makeSimilarityMemo() }
  const graph = generateEdges(transactions, clusters, buildCandidateIndex(clusters, weigh), ctx)
  const edges = graph.edges.filter((e) => e.points >= config.suggestPoints).sort(compareEdges)
  const takenTx = new Uint8Array(transactions.length)
  const takenCluster = new Uint8Array(clusters.length)
  const links = []
  for (const edge of edges) {
    if (takenTx[edge.tx] || takenCluster[edge.cluster]) continue
    takenTx[edge.tx] = 1
    takenCluster[edge.cluster] = 1
    if (edge.points >= config.autoPoints) links.push([transactions[edge.tx].uuid, clusters[edge.cluster].id])
  }
  return links
}

/** Child process: one size, one JSON line on stdout. */
const child = () => {
  const at = (name) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1])
  const [n, m, seed] = [at("n"), at("m"), at("seed")]
  const gen = measure(() => syntheticMatcherScenario({ seed, transactions: n }))
  const world = gen.result
  const documents = world.documents.slice(0, m)
  const input = { transactions: world.transactions, documents, asOf: world.asOf, companyRfc: world.companyRfc, fxRates: world.fxRates }
  const rssBefore = rssMb()
  const engine = measure(() => match(input))
  const rssAfterEngine = process.resourceUsage().maxRSS / 1024
  const baseline = measure(() => greedyBaseline(input))
  const metrics = evaluate({ ...world, documents }, engine.result)
  const truthDoc = new Map()
  for (const link of world.truthLinks) for (const t of link.transactions) truthDoc.set(t, new Set(link.documents))
  const greedyRight = baseline.result.filter(([t, d]) => truthDoc.get(t)?.has(d) && truthDoc.get(t).size === 1).length
  console.log(JSON.stringify({
    n,
    m: documents.length,
    generateSeconds: gen.wall,
    engineWall: engine.wall,
    engineCpu: engine.cpu,
    baselineWall: baseline.wall,
    baselineCpu: baseline.cpu,
    rssInputsMb: rssBefore,
    maxRssMb: rssAfterEngine,
    engineLinks: engine.result.links.length,
    enginePrecision: metrics.autoPrecision.value,
    engineCoverage: metrics.autoCoverage.value,
    baselineLinks: baseline.result.length,
    baselinePrecision: baseline.result.length === 0 ? null : greedyRight / baseline.result.length
  }))
}

const emulatorSection = ({ parsed, scenario, xmlFiles }) => {
  const transactions = scenario.transactions.map(toCardTransaction).filter((e) => e._tag === "Right").map((e) => e.right)
  const documents = []
  const reads = parsed ?? xmlFiles.map((f) => readCfdi(f.bytes, { path: f.name }))
  for (const [i, r] of reads.entries()) {
    if (r._tag === "Right") {
      documents.push(toFiscalDocument(r.right, new DocumentSource({ kind: "file", location: xmlFiles[i].name })))
    }
  }
  const unique = [...new Map(documents.map((d) => [d.id, d])).values()]
  const emulatorRun = timeIt(() => match({ transactions, documents: unique, asOf: "2026-11-22" }))
  const result = emulatorRun.result
  console.log(`matcher         : ${transactions.length} x ${unique.length} in ${fmt(emulatorRun.ms / 1000, 2)} s ` +
    `(best of 3; ${result.links.length} auto-linked, ${result.suggestions.length} suggested, ` +
    `${result.exceptions.length} exceptions; RSS ${fmt(rssMb(), 0)} MB)`)
}

/** One size in a child process; its JSON figures, or the failure. */
const runSize = (seed, n, m, heapMb) => {
  const out = spawnSync(
    process.execPath,
    // the young generation the CLI gives every run (apps/cli/src/bin.ts), so the figures are those of a real run
    ["--max-semi-space-size=64", `--max-old-space-size=${heapMb}`, self, "--matcher-child", "--n", String(n), "--m", String(m), "--seed", String(seed)],
    { encoding: "utf8", maxBuffer: 1 << 24, timeout: 30 * 60_000 }
  )
  const line = out.stdout.trim().split("\n").pop() ?? ""
  try {
    return JSON.parse(line)
  } catch {
    return { n, m, error: (out.stderr || out.error?.message || `exit ${out.status}`).trim().split("\n").slice(-3).join(" ") }
  }
}

const pct = (x) => (x === null || x === undefined ? "n/a" : `${fmt(100 * x, 2)} %`)

/** Prints the emulator run, then the generated sizes as a table. */
export const run = (context) => {
  emulatorSection(context)
  const large = process.argv.includes("--matcher-large")
  const sizes = [
    [50_000, 50_000, 4096],
    [200_000, 180_000, 6144],
    ...(large ? [[1_000_000, 1_000_000, 12288]] : [])
  ]
  console.log("generated worlds (one child process each; CPU = user + system seconds of the run itself):")
  console.log("  size          | engine wall / CPU | greedy wall / CPU | ratio (CPU) | peak RSS | engine precision, coverage | greedy precision")
  for (const [n, m, heap] of sizes) {
    const r = runSize(context.seed, n, m, heap)
    const label = `${fmt(n / 1000, 0)}k x ${fmt(r.m / 1000, 0)}k`.padEnd(13)
    if (r.error) {
      console.log(`  ${label} | failed: ${r.error}`)
      continue
    }
    console.log(
      `  ${label} | ${fmt(r.engineWall, 2)} s / ${fmt(r.engineCpu, 2)} s | ${fmt(r.baselineWall, 2)} s / ` +
        `${fmt(r.baselineCpu, 2)} s | ${fmt(r.engineCpu / r.baselineCpu, 2)}x | ${fmt(r.maxRssMb, 0)} MB | ` +
        `${pct(r.enginePrecision)}, ${pct(r.engineCoverage)} (${r.engineLinks} links) | ${pct(r.baselinePrecision)} ` +
        `(${r.baselineLinks} links)`
    )
  }
  console.log("  goals: <= 1.5 s at 200k x 180k; <= 10 s and 2 GB at 1M x 1M")
}

if (process.argv.includes("--matcher-child")) child()
