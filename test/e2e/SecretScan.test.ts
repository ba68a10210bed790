/**
 * Reliability 4 (issue #7): after a run against the Clara emulator (whose cards carry full card numbers and CVVs, as
 * Clara's card detail does), with debug logs on, no secret appears anywhere we write: stdout, stderr, every file of
 * the run folder (reports, chase lists, postings, manifests) and the state store. Secrets scanned for: the OAuth
 * client secret, the private key, bearer tokens, every card's full number (`numberOnCard`) and the `cvv` field.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { generateScenario } from "@clara-recon/sandbox"
import { claraEnv, runCli, startSandboxProcess } from "../support/Cli.js"

const SEED = 5
const SIZE = 40

let sandbox: { child: ChildProcess; settings: any; scenario: any }
let work: string

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-secrets-"))
  sandbox = await startSandboxProcess(["--seed", String(SEED), "--size", String(SIZE)])
})

afterAll(() => {
  sandbox?.child.kill("SIGINT")
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

const filesUnder = (dir: string): Array<string> =>
  fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())

describe("secret scan", () => {
  it("finds no secret, full card number or CVV in logs, reports or the store", async () => {
    const s = sandbox.settings
    const env = claraEnv(s)
    const out = path.join(work, "out")
    const state = path.join(work, "state.db")
    const runs = [
      await runCli([
        "reconcile", "--from", sandbox.scenario.from, "--to", sandbox.scenario.to,
        "--invoices", sandbox.scenario.invoicesDir, "--out", out, "--state", state, "--verbose"
      ], env),
      await runCli(["doctor", "--state", state, "--verbose"], env)
    ]
    for (const run of runs) assert.strictEqual(run.code, 0, run.stderr)

    const cards = generateScenario({ seed: SEED, size: SIZE }).cards
    assert.isAbove(cards.length, 0, "the emulator serves cards with full numbers and CVVs")
    const keyBody = fs.readFileSync(s.key, "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("-----"))
    const needles: Array<readonly [string, string]> = [
      ["client secret", s.clientSecret],
      ...keyBody.map((line, i) => [`private key line ${i + 1}`, line] as const),
      ...cards.map((c) => [`card number of ${c.card.uuid}`, c.numberOnCard] as const)
    ]
    const patterns: Array<readonly [string, RegExp]> = [
      ["bearer token", /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/],
      ["cvv field", /"cvv"\s*:/i],
      ["numberOnCard field", /numberOnCard"?\s*[:=]/],
      ["PEM private key", /BEGIN [A-Z ]*PRIVATE KEY/]
    ]
    const haystacks: Array<readonly [string, string]> = [
      ...runs.flatMap((r, i) => [[`run ${i} stdout`, r.stdout], [`run ${i} stderr`, r.stderr]] as const),
      ...filesUnder(out).map((f) => [path.relative(work, f), fs.readFileSync(f).toString("latin1")] as const),
      ...fs.readdirSync(work).filter((f) => f.startsWith("state.db")).map((f) =>
        [f, fs.readFileSync(path.join(work, f)).toString("latin1")] as const
      )
    ]
    assert.isAbove(haystacks.length, 6, "reports and the store were scanned")
    const found: Array<string> = []
    for (const [where, text] of haystacks) {
      for (const [what, needle] of needles) if (needle.length >= 8 && text.includes(needle)) found.push(`${what} in ${where}`)
      for (const [what, pattern] of patterns) if (pattern.test(text)) found.push(`${what} in ${where}`)
    }
    assert.deepStrictEqual(found, [])
  })
})
