import { generateScenario, scenarioToJson } from "@clara-recon/sandbox"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
const size = Number(process.argv[2] ?? 1000)
const dir = fs.mkdtempSync("/tmp/rel/k-")
const t0 = Date.now()
const scenario = generateScenario({ seed: 5, size })
const json = JSON.parse(scenarioToJson(scenario))
fs.writeFileSync(path.join(dir, "transactions.json"), JSON.stringify(json.transactions))
const inv = path.join(dir, "invoices"); fs.mkdirSync(inv)
for (const f of json.folderCfdis) fs.writeFileSync(path.join(inv, f.name), Buffer.from(f.bytes, "base64"))
for (const [uuid, list] of Object.entries(json.invoices)) for (const i of list) fs.writeFileSync(path.join(inv, `clara-${i.xml.name}`), Buffer.from(i.xml.bytes, "base64"))
console.log("gen", Date.now() - t0, fs.readdirSync(inv).length, "xml", json.period)
const t1 = Date.now()
const child = spawn("/usr/bin/time", ["-f", "CLI user %U sys %S wall %e maxrss %MkB", process.execPath, "apps/cli/dist/bin.js", "reconcile", "--from", json.period.from, "--to", json.period.to, "--transactions", path.join(dir, "transactions.json"), "--invoices", inv, "--out", dir + "/out", "--state", dir + "/state.db", "--as-of", "2025-03-01", "--json", "--verbose"], { env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CLARA_"))), stdio: ["ignore", "pipe", "pipe"] })
let out = "", err = ""
child.stdout.on("data", d => out += d); child.stderr.on("data", d => { err += d; for (const l of String(d).split("\n")) if (/step|run |CLI/.test(l)) console.log(Date.now() - t1, l) })
const code = await new Promise(r => child.on("close", r))
console.log("cli", code, Date.now() - t1, "ms")
console.log(out.slice(-800))
