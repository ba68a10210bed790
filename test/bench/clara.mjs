// The Clara client streaming transactions from the emulator over HTTPS + mutual TLS, with 50 ms added to every page
// (emulator fault injection), at page concurrency 1, 4 and 8. The bound is concurrency / latency pages per second;
// the ratio to it shows how much of the parallelism the client's page read-ahead turns into throughput. The emulator
// runs in a child process (`clara-emulator.mjs`) so its CPU does not count against the client's.
// `--clara-size N` changes the number of transactions (default 100k), `--clara-latency MS` the added latency.
import { ClaraClient } from "@clara-recon/clara"
import { emulatorClientLayer } from "@clara-recon/sandbox"
import { Context, Effect, Layer, Stream } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { performance } from "node:perf_hooks"
import { createInterface } from "node:readline"
import { arg, fmt, rssMb } from "./common.mjs"

const PAGE_SIZE = 100

/** Streams every transaction once at `concurrency`: seconds, records, and the client's CPU seconds. */
const streamAll = (emulator, pki, concurrency) =>
  Effect.scoped(Effect.gen(function*() {
    const context = yield* Layer.build(emulatorClientLayer(emulator, pki, { maxConcurrency: concurrency }))
    const client = Context.get(context, ClaraClient)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const count = yield* Stream.runCount(client.transactions.list({ pageSize: PAGE_SIZE }))
    const cpu = process.cpuUsage(cpu0)
    return { seconds: (performance.now() - t0) / 1000, count, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
  }))

/** Prints pages/s against the bound at concurrency 1, 4 and 8. */
export const run = async ({ seed }) => {
  const size = arg("clara-size", 100_000)
  const latency = arg("clara-latency", 50)
  const pages = Math.ceil(size / PAGE_SIZE)
  const script = fileURLToPath(new URL("./clara-emulator.mjs", import.meta.url))
  const child = spawn(process.execPath, [script, "--count", String(size), "--latency", String(latency), "--seed", String(seed)], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    const { pki, ...emulator } = JSON.parse((await lines.next()).value)
    /** The emulator process's CPU seconds so far. */
    const serverCpu = async () => {
      child.stdin.write("cpu\n")
      return JSON.parse((await lines.next()).value).cpuSeconds
    }
    console.log(`clara stream    : ${fmt(size, 0)} transactions, ${pages} pages of ${PAGE_SIZE}, +${latency} ms a page ` +
      `(emulator in a child process)`)
    for (const concurrency of [1, 4, 8]) {
      const server0 = await serverCpu()
      const { count, cpuSeconds, seconds } = await Effect.runPromise(streamAll(emulator, pki, concurrency))
      const serverMs = ((await serverCpu()) - server0) / pages * 1000
      const rate = pages / seconds
      const bound = concurrency / (latency / 1000)
      console.log(`  concurrency ${concurrency}: ${fmt(count, 0)} records in ${fmt(seconds, 2)} s, ` +
        `${fmt(rate, 1)} pages/s, bound ${fmt(bound, 0)} pages/s, ratio ${fmt(rate / bound, 2)} ` +
        `(CPU a page: client ${fmt((cpuSeconds / pages) * 1000, 1)} ms, emulator ${fmt(serverMs, 1)} ms; ` +
        `RSS ${fmt(rssMb(), 0)} MB)`)
    }
  } finally {
    child.stdin.end()
    child.kill()
  }
}
