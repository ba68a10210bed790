/**
 * Reliability suite 1 (issue #7): the Clara emulator injecting seeded faults into a share of its `/api` requests
 * (clara-api.md §5.7: 429 with `Retry-After`, 502/503/504, connection resets, bodies cut short) must not change the
 * result. The built CLI reconciles the same generated scenario twice, once against a clean emulator and once against
 * a faulty one (same PKI, same scenario, same invoices folder), and both runs must agree on every output file (links,
 * exceptions by code, control totals, report, chase lists, the posting export) and on the store's links and posting
 * ledger. The faults injected are counted from the emulator's request log so the test cannot pass vacuously.
 *
 * Size: `RELIABILITY_FAULTS_SIZE` transactions (default below). The faulty run needs more retries than the client's
 * default 3 (at ~13 % faults a request fails four times in a row ~3 times in 10k requests), so it runs with
 * `CLARA_RETRY_TIMES=8`; the backoff base is 5 ms to keep the run short.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  type ClaraEmulator,
  type FaultOptions,
  generateScenario,
  type Scenario,
  type TestPkiPaths
} from "@clara-recon/sandbox"
import { claraEnv, startClara } from "../../support/ClaraFixture.js"
import { type CliResult, lastJsonLine, runCli } from "../../support/Cli.js"
import { latestSummary, postingRecords, runSnapshot, snapshotDiff, storeState } from "./RunOutputs.js"

/** Transactions of the scenario; issue #7 asks for 10k (`RELIABILITY_FAULTS_SIZE=10000`, ~6 min on 2 loaded cores). */
const SIZE = Number(process.env.RELIABILITY_FAULTS_SIZE ?? 1_200)
const SEED = 20_261_122

/** ~5 % 429 (`Retry-After: 0`), ~5 % 5xx spread over 502/503/504, ~2 % resets and ~2 % truncated bodies. */
const faults: FaultOptions = {
  seed: 7,
  rules: [
    { fault: { kind: "status", status: 429, retryAfterSeconds: 0 }, rate: 0.05 },
    { fault: { kind: "status", status: 502 }, rate: 0.017 },
    { fault: { kind: "status", status: 503 }, rate: 0.017 },
    { fault: { kind: "status", status: 504 }, rate: 0.017 },
    { fault: { kind: "reset" }, rate: 0.02 },
    { route: "GET /api/*", fault: { kind: "truncate" }, rate: 0.02 }
  ]
}

/** The kind of fault behind a logged status (599 and 598 are the emulator's markers for reset and truncated). */
const faultKind = (status: number): string | undefined =>
  status === 429
    ? "429"
    : status === 502 || status === 503 || status === 504
    ? "5xx"
    : status === 599
    ? "reset"
    : status === 598
    ? "truncated"
    : undefined

let scope: Scope.CloseableScope
let work: string
let pkiPaths: TestPkiPaths
let scenario: Scenario
let invoicesDir: string
let clean: ClaraEmulator
let faulty: ClaraEmulator

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-faults-"))
  scope = Effect.runSync(Scope.make())
  scenario = generateScenario({ seed: SEED, size: SIZE })
  const started = await startClara(work, scope, scenario, [undefined, faults])
  ;[clean, faulty] = started.emulators as [ClaraEmulator, ClaraEmulator]
  ;({ invoicesDir, pki: pkiPaths } = started)
}, 300_000)

afterAll(async () => {
  if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

const reconcile = (emulator: ClaraEmulator, name: string): Promise<CliResult> =>
  runCli([
    "reconcile",
    "--from",
    scenario.period.from,
    "--to",
    scenario.period.to,
    "--invoices",
    invoicesDir,
    "--out",
    path.join(work, name, "out"),
    "--state",
    path.join(work, name, "state.db"),
    "--as-of",
    "2025-03-01",
    "--json"
  ], { ...claraEnv(emulator, pkiPaths), CLARA_RETRY_TIMES: "8", CLARA_RETRY_BASE_DELAY: "5 millis" })

describe("reliability: Clara faults", () => {
  it(`a run against an emulator injecting 429, 5xx, resets and truncated bodies over ${SIZE} transactions equals a clean run`, async () => {
    for (const name of ["clean", "faulty"]) fs.mkdirSync(path.join(work, name), { recursive: true })
    const [cleanRun, faultyRun] = await Promise.all([reconcile(clean, "clean"), reconcile(faulty, "faulty")])
    assert.strictEqual(cleanRun.code, 0, cleanRun.stderr)
    assert.strictEqual(faultyRun.code, 0, faultyRun.stderr)

    // The faults really happened, many of each kind.
    const injected: Record<string, number> = { "429": 0, "5xx": 0, reset: 0, truncated: 0 }
    for (const r of faulty.requests()) {
      const kind = faultKind(r.status)
      if (kind !== undefined) injected[kind]! += 1
    }
    const total = Object.values(injected).reduce((a, b) => a + b, 0)
    console.log(`faults injected over ${faulty.requests().length} requests: ${JSON.stringify(injected)} (${total})`)
    assert.isAbove(total, 100)
    for (const [kind, n] of Object.entries(injected)) assert.isAbove(n, 10, `too few ${kind} faults`)
    assert.isTrue(clean.requests().every((r) => faultKind(r.status) === undefined), "the clean emulator injected faults")

    // Nothing lost: every resource the clean run read, the faulty run read too.
    const served = (e: ClaraEmulator) =>
      new Set(e.requests().filter((r) => r.status === 200 && r.path !== "/oauth/token").map((r) => `${r.method} ${r.path.replace(/^\/files\/.*$/, "/files")}`))
    const cleanServed = served(clean)
    const faultyServed = served(faulty)
    assert.deepStrictEqual([...cleanServed].filter((r) => !faultyServed.has(r)), [], "resources the faulty run never got")

    // The same result: summary (run id aside), then every output file of the run folder.
    const cleanSummary = lastJsonLine(cleanRun.stdout)
    const faultySummary = lastJsonLine(faultyRun.stdout)
    assert.strictEqual(cleanSummary.transactions, SIZE)
    assert.isAbove(cleanSummary.linked, SIZE / 3)
    assert.isTrue(cleanSummary.controlTotal.balanced)
    const { runId: _a, ...cleanRest } = cleanSummary
    const { runId: _b, ...faultyRest } = faultySummary
    assert.deepStrictEqual(faultyRest, cleanRest)
    assert.deepStrictEqual(latestSummary(path.join(work, "faulty", "out")), faultySummary)

    const mask = (name: string, e: ClaraEmulator) => ({ [path.join(work, name)]: "<work>", [e.baseUrl]: "<clara>" })
    const cleanFiles = runSnapshot(path.join(work, "clean", "out"), mask("clean", clean))
    const faultyFiles = runSnapshot(path.join(work, "faulty", "out"), mask("faulty", faulty))
    assert.includeMembers([...cleanFiles.keys()], ["links.json", "exceptions.json", "exceptions.csv", "report.html", "postings/manifest.json"])
    assert.deepStrictEqual(snapshotDiff(cleanFiles, faultyFiles), [])

    // Postings: the same documents, each once; the store's links and ledger agree.
    const cleanPostings = postingRecords(path.join(work, "clean", "out"))
    const faultyPostings = postingRecords(path.join(work, "faulty", "out"))
    assert.strictEqual(faultyPostings.duplicateLines, 0)
    assert.strictEqual(faultyPostings.documentsInSeveralFiles, 0)
    assert.strictEqual(faultyPostings.documentsInSeveralManifests, 0)
    assert.strictEqual(faultyPostings.documents.size, cleanSummary.postings.new)
    assert.deepStrictEqual([...faultyPostings.documents].sort(), [...cleanPostings.documents].sort())
    const cleanStore = await storeState(path.join(work, "clean", "state.db"))
    const faultyStore = await storeState(path.join(work, "faulty", "state.db"))
    assert.deepStrictEqual(faultyStore.links, cleanStore.links)
    assert.deepStrictEqual(faultyStore.ledger, cleanStore.ledger)
    assert.strictEqual(faultyStore.ledger.filter((row) => row.split("|")[1] === "verified").length, cleanSummary.postings.new)
  }, 900_000)
})
