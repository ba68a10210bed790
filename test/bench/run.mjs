// `pnpm bench`: throughput and time of the hot paths, each beside a baseline measured in the same run on the same
// data, so the ratios hold on any machine. Not a test: it prints figures and never fails on a number.
// `pnpm bench -- --only cfdi,matcher` runs some sections; `--seed N` and `--size N` change the shared scenario.
// Each section lives in its own module exporting `run(context)`, loaded only when it runs.
import { performance } from "node:perf_hooks"
import { generateScenario } from "@clara-recon/sandbox"
import { arg, fmt } from "./common.mjs"

const seed = arg("seed", 42)
const size = arg("size", 10_000)
const onlyAt = process.argv.indexOf("--only")
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1].split(",")) : undefined
const wanted = (name) => only === undefined || only.has(name)

console.log(`clara-recon bench (node ${process.version}, seed ${seed}, ${size} transactions)`)
const t0 = performance.now()
const scenario = generateScenario({ seed, size })
const xmlFiles = [
  ...Object.values(scenario.invoices).flat().map((i) => i.xml),
  ...scenario.folderCfdis
].filter((f) => f.bytes !== undefined)
console.log(`scenario: ${scenario.transactions.length} transactions, ${xmlFiles.length} CFDI files ` +
  `(generated in ${fmt((performance.now() - t0) / 1000, 2)} s)`)

const context = { seed, size, scenario, xmlFiles }
const sections = ["cfdi", "matcher", "netsuite", "erp", "clara", "pipeline"]
for (const name of sections) {
  if (!wanted(name)) continue
  console.log(`\n== ${name}`)
  const { run } = await import(`./${name}.mjs`)
  const result = await run(context)
  if (name === "cfdi") context.parsed = result
}
