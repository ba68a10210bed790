// The Clara client streaming transactions from the emulator over HTTPS + mutual TLS, with 50 ms added to every page
// (emulator fault injection), at page concurrency 1, 4 and 8. The bound is concurrency / latency pages per second;
// the ratio to it shows how much of the parallelism the client's page read-ahead turns into throughput (the client's
// timing includes its token request and, as `transactions.list` asks for the first pages at once, no extra round trip
// for the page count; the baseline's timing starts after its token). The emulator
// runs in a child process (`clara-emulator.mjs`) so its CPU does not count against the client's.
// Baseline, measured in the same run at each concurrency: raw undici over the same mutual TLS (the same number of
// requests in flight, each body only `JSON.parse`d): what this emulator and machine allow a client with no work to do.
// `--clara-size N` changes the number of transactions (default 100k), `--clara-latency MS` the added latency,
// `CLARA_CONC=8` (comma-separated) the concurrencies measured.
import { ClaraClient } from "@clara-recon/clara"
import { emulatorClientLayer } from "@clara-recon/sandbox"
import { Context, Effect, Layer, Stream } from "effect"
import { spawn } from "node:child_process"
import { realpathSync } from "node:fs"
import { join } from "node:path"
import * as Tls from "node:tls"
import { fileURLToPath, pathToFileURL } from "node:url"
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

/** undici as the client package gets it (`@effect/platform-node/Undici` re-exports it). */
const loadUndici = () => {
  const platformNode = realpathSync(fileURLToPath(new URL("../../packages/clara/node_modules/@effect/platform-node", import.meta.url)))
  return import(pathToFileURL(join(platformNode, "dist/esm/Undici.js")).href)
}

/** The baseline: `pages` pages over raw undici with `concurrency` requests in flight, bodies only parsed. */
const rawStream = async (undici, emulator, pki, concurrency, pages) => {
  const agent = new undici.Agent({
    connect: {
      secureContext: Tls.createSecureContext({
        cert: pki.client.certificate,
        key: pki.client.privateKey,
        ca: [...Tls.rootCertificates, pki.caCertificate]
      })
    }
  })
  try {
    const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString("base64")
    const token = await undici.request(`${emulator.baseUrl}/oauth/token`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials"
    }).then((response) => response.body.json())
    let next = 0
    let count = 0
    const t0 = performance.now()
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < pages) {
        const page = next++
        const response = await undici.request(`${emulator.baseUrl}/api/v3/transactions?page=${page}&size=${PAGE_SIZE}`, {
          dispatcher: agent,
          headers: { authorization: `Bearer ${token.access_token}`, accept: "application/json" }
        })
        const body = await response.body.text()
        if (response.statusCode !== 200) throw new Error(`page ${page}: HTTP ${response.statusCode} ${body.slice(0, 200)}`)
        const content = JSON.parse(body).content
        if (content.length !== PAGE_SIZE) console.log(`page ${page}: ${content.length} records`)
        count += content.length
      }
    }))
    return { seconds: (performance.now() - t0) / 1000, count }
  } finally {
    await agent.destroy()
  }
}

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
    const undici = await loadUndici()
    // The emulator keeps each page's bytes after its first read (packages/sandbox/src/internal/PageCache.ts): one
    // unmeasured pass warms it, so every contender below, the baseline included, reads warm pages.
    await rawStream(undici, emulator, pki, 8, pages)
    for (const concurrency of (process.env.CLARA_CONC ?? "1,4,8").split(",").map(Number)) {
      const raw = await rawStream(undici, emulator, pki, concurrency, pages)
      const rawRate = pages / raw.seconds
      const server0 = await serverCpu()
      const { count, cpuSeconds, seconds } = await Effect.runPromise(streamAll(emulator, pki, concurrency))
      const serverMs = ((await serverCpu()) - server0) / pages * 1000
      const rate = pages / seconds
      const bound = concurrency / (latency / 1000)
      console.log(`  concurrency ${concurrency}: ${fmt(count, 0)} records in ${fmt(seconds, 2)} s, ` +
        `${fmt(rate, 1)} pages/s, bound ${fmt(bound, 0)} pages/s, ratio ${fmt(rate / bound, 2)} ` +
        `(CPU a page: client ${fmt((cpuSeconds / pages) * 1000, 1)} ms, emulator ${fmt(serverMs, 1)} ms; ` +
        `RSS ${fmt(rssMb(), 0)} MB)`)
      console.log(`    baseline raw undici: ${fmt(raw.count, 0)} records, ${fmt(rawRate, 1)} pages/s, ratio to the bound ` +
        `${fmt(rawRate / bound, 2)}; the client reaches ${fmt(rate / rawRate, 2)} of it`)
    }
  } finally {
    child.stdin.end()
    child.kill()
  }
}
