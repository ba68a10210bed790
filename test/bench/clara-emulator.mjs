// Child process of the `clara` bench section: serves `--count` transactions (a seeded scenario's, repeated with fresh
// uuids) from the Clara emulator with `--latency` ms added to each transactions page, prints one JSON line with what
// the client needs (base URL, OAuth credentials, test PKI), answers `cpu` lines on stdin with its CPU seconds, and
// stops when its stdin closes. Running the emulator in
// its own process keeps its CPU (JSON, TLS) off the client's measurements.
import { generateScenario, makeTestPki, startClaraEmulator } from "@clara-recon/sandbox"
import { Effect } from "effect"
import { createInterface } from "node:readline"
import { arg } from "./common.mjs"

const count = arg("count", 100_000)
const latency = arg("latency", 50)
const base = generateScenario({ seed: arg("seed", 42), size: 500 })
const transactions = Array.from({ length: count }, (_, i) => {
  const t = base.transactions[i % base.transactions.length]
  return { ...t, uuid: `${t.uuid.slice(0, 24)}${String(i).padStart(12, "0")}` }
})

await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const pki = yield* makeTestPki()
  const emulator = yield* startClaraEmulator({
    scenario: { ...base, transactions },
    pki,
    faults: { rules: [{ route: "GET /api/v3/transactions", fault: { kind: "latency", millis: latency } }] }
  })
  const { baseUrl, clientId, clientSecret, port } = emulator
  process.stdout.write(`${JSON.stringify({ baseUrl, clientId, clientSecret, port, pki })}\n`)
  // each "cpu" line on stdin is answered with the CPU seconds this process used so far
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line.trim() !== "cpu") return
    const { system, user } = process.cpuUsage()
    process.stdout.write(`${JSON.stringify({ cpuSeconds: (user + system) / 1e6 })}\n`)
  })
  yield* Effect.async((resume) => {
    process.stdin.on("close", () => resume(Effect.void))
    process.stdin.on("end", () => resume(Effect.void))
  })
})))
