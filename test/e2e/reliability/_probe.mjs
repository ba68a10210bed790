import { Effect, Scope, Exit } from "effect"
import { startSandbox } from "@clara-recon/sandbox"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
const size = Number(process.argv[2] ?? 1000)
const faults = process.argv[3] === "faults"
const dir = fs.mkdtempSync("/tmp/rel/p-")
const scope = Effect.runSync(Scope.make())
const t0 = Date.now()
const sb = await Effect.runPromise(Scope.extend(startSandbox({ seed: 11, size, dir, faults: faults ? { seed: 3, rules: [
  { fault: { kind: "status", status: 429, retryAfterSeconds: 0 }, rate: 0.05 },
  { fault: { kind: "status", status: 503 }, rate: 0.05 },
  { fault: { kind: "reset" }, rate: 0.02 },
  { route: "GET /api/*", fault: { kind: "truncate" }, rate: 0.02 },
] } : undefined }), scope))
console.log("sandbox", Date.now() - t0, "ms", sb.scenario.from ?? "", Object.keys(sb.scenario))
const t1 = Date.now()
const env = { ...process.env, CLARA_BASE_URL: sb.baseUrl, CLARA_CLIENT_ID: sb.clientId, CLARA_CLIENT_SECRET: sb.clientSecret, CLARA_CERT: sb.cert, CLARA_KEY: sb.key, CLARA_CA: sb.ca, CLARA_RETRY_TIMES: "10", CLARA_RETRY_BASE_DELAY: "5 millis" }
const child = spawn("/usr/bin/time", ["-f", "CLI user %U sys %S wall %e maxrss %MkB", process.execPath, ...(process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/rel/prof"] : []), "apps/cli/dist/bin.js", "reconcile", "--from", sb.scenario.period?.from ?? "2025-01-01", "--to", sb.scenario.period?.to ?? "2025-01-31", "--invoices", sb.invoicesDir, "--out", dir + "/out", "--state", dir + "/state.db", "--as-of", "2025-03-01", "--json", ...(process.env.VERBOSE ? ["--verbose"] : [])], { env, stdio: ["ignore", "pipe", "pipe"] })
let out = "", err = ""
child.stdout.on("data", d => out += d); child.stderr.on("data", d => err += d)
const code = await new Promise(r => child.on("close", r))
console.log("cli", code, Date.now() - t1, "ms")
console.log(out.slice(-1500)); console.log(err.slice(-1500))
const counts = {}
for (const r of sb.emulator.requests()) { const k = r.path.replace(/[0-9a-f-]{36}/g, ":id").replace(/\/files\/.*/, "/files") + " " + r.status; counts[k] = (counts[k] ?? 0) + 1 }
console.log(counts); console.log("emulator cpu", process.cpuUsage())
await Effect.runPromise(Scope.close(scope, Exit.void))
