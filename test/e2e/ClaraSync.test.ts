/**
 * `reconcile` against the Clara emulator (HTTPS, mutual TLS, OAuth2) with a record Clara serves but the job cannot read
 * (a bad currency code): the first run, a full sync, reports it as INVALID_TRANSACTION; the next run syncs
 * incrementally from its watermark, does not fetch the unchanged record again, and still reports it: a charge that
 * cannot be read is never dropped from the reports after one run. An invoice whose XML Clara serves without its
 * TimbreFiscalDigital is refused, and Clara's summary of it does not stand in for it.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { addDays } from "@clara-recon/domain"
import { generateScenario, type Scenario } from "@clara-recon/sandbox"
import { claraEnv, type ClaraFixture, startClara } from "../support/ClaraFixture.js"
import { lastJsonLine, runCli } from "../support/Cli.js"

let scope: Scope.CloseableScope
let work: string
let scenario: Scenario
let clara: ClaraFixture
let broken: string
let unstamped: { readonly transactionUuid: string; readonly cfdiUuid: string }

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-clara-sync-"))
  scope = Effect.runSync(Scope.make())
  const generated = generateScenario({ seed: 33, size: 30 })
  // one charge Clara serves with a currency code the job cannot read, last updated long before the others
  const [first, ...rest] = generated.transactions
  broken = first!.uuid
  scenario = {
    ...generated,
    transactions: [
      {
        ...first!,
        amountValue: { ...first!.amountValue!, currency: "M$" },
        lastUpdateDate: `${generated.period.from}T00:00:00`
      },
      ...rest
    ]
  }
  // one invoice whose XML Clara serves unstamped (no TimbreFiscalDigital): not a CFDI that can back the charge
  const inFolder = (cfdiUuid: string) =>
    scenario.folderCfdis.some((file) => new TextDecoder().decode(file.bytes).toUpperCase().includes(cfdiUuid))
  const [unstampedTx, [invoice, ...others]] = Object.entries(scenario.invoices).find(([uuid, list]) =>
    uuid !== broken && list.length === 1 && !inFolder(list[0]!.cfdiUuid)
  )!
  unstamped = { transactionUuid: unstampedTx, cfdiUuid: invoice!.cfdiUuid }
  const xml = new TextDecoder().decode(invoice!.xml.bytes).replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, "")
  assert.notInclude(xml, "TimbreFiscalDigital")
  scenario = {
    ...scenario,
    invoices: {
      ...scenario.invoices,
      [unstampedTx]: [{ ...invoice!, xml: { ...invoice!.xml, bytes: new TextEncoder().encode(xml) } }, ...others]
    }
  }
  clara = await startClara(work, scope, scenario)
}, 120_000)

afterAll(async () => {
  if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

const reconcile = (asOf: string) =>
  runCli([
    "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--invoices", clara.invoicesDir,
    "--out", path.join(work, "out"), "--state", path.join(work, "state.db"), "--as-of", asOf, "--json"
  ], claraEnv(clara.emulators[0]!, clara.pki))

/** The INVALID_TRANSACTION exceptions of a run, by transaction uuid. */
const invalidOf = (runId: string): Array<string> =>
  (JSON.parse(fs.readFileSync(path.join(work, "out", runId, "exceptions.json"), "utf8")) as Array<
    { code: string; transactionUuid?: string }
  >).filter((e) => e.code === "INVALID_TRANSACTION").map((e) => e.transactionUuid ?? "?")

describe("Clara sync", () => {
  it("a record Clara serves but the job cannot read is reported by every run, not only the one that fetched it", async () => {
    const first = await reconcile("2026-11-22")
    assert.strictEqual(first.code, 0, first.stderr)
    const firstRun = lastJsonLine(first.stdout).runId
    assert.deepStrictEqual(invalidOf(firstRun), [broken])

    const logged = clara.emulators[0]!.requests().length
    const second = await reconcile("2026-11-23")
    assert.strictEqual(second.code, 0, second.stderr)
    // the incremental sync re-reads 3 days before the latest lastUpdateDate it saw (Clara's late charges)
    const latest = scenario.transactions.map((t) => (t.lastUpdateDate ?? "").slice(0, 10)).sort().at(-1)!
    const since = clara.emulators[0]!.requests().slice(logged)
      .filter((r) => r.path.endsWith("/v3/transactions") && r.method === "GET")
      .map((r) => new URLSearchParams(r.query).get("lastUpdateDateRangeStart"))
    assert.deepStrictEqual([...new Set(since)], [addDays(latest, -3)])
    const secondRun = lastJsonLine(second.stdout).runId
    assert.notStrictEqual(secondRun, firstRun)
    assert.deepStrictEqual(invalidOf(secondRun), [broken])
  })

  it("an invoice XML Clara serves unstamped is refused, and Clara's summary of it backs no charge", async () => {
    const runDir = path.join(work, "out", "latest")
    const exceptions: Array<{ code: string; subtype?: string; location?: string }> = JSON.parse(
      fs.readFileSync(path.join(runDir, "exceptions.json"), "utf8")
    )
    const refused = exceptions.filter((e) =>
      e.code === "INVALID_DOCUMENT" && e.location?.includes(unstamped.transactionUuid)
    )
    assert.deepStrictEqual(refused.map((e) => e.subtype), ["MissingTimbre"])
    const { links }: { links: Array<{ transactionUuid: string; documentId: string }> } = JSON.parse(
      fs.readFileSync(path.join(runDir, "links.json"), "utf8")
    )
    assert.isAbove(links.length, 0)
    assert.deepStrictEqual(links.filter((l) => l.documentId.toUpperCase() === unstamped.cfdiUuid), [])
  })
})
