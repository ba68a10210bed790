/**
 * `clara-recon reconcile --erp netsuite` end to end: the built CLI posts the run's journal entries to the NetSuite
 * emulator (HTTPS, token-based auth) through the adapter registry, configured by the config file's `erp` section with
 * the secrets from `NETSUITE_*` variables; every auto-linked transaction becomes exactly one record, a second run
 * posts nothing new, and `erp check` / `doctor` see the connection. No secret reaches the outputs. A batch NetSuite
 * refuses in part (an inactive account in the config file's posting mapping) keeps what it posted and retries only the
 * refused documents.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Exit, Schema, Scope } from "effect"
import { defaultMapping, MappingConfig } from "@clara-recon/erp"
import {
  defaultNetSuiteMapping,
  generateScenario,
  makeTestPki,
  type NetSuiteEmulator,
  Scenario,
  startNetSuiteEmulator
} from "@clara-recon/sandbox"
import { lastJsonLine, runCli } from "../support/Cli.js"

const hex = (n: number) => randomBytes(n).toString("hex")
const tba = { consumerKey: hex(32), consumerSecret: hex(32), tokenId: hex(32), tokenSecret: hex(32) }

let scope: Scope.CloseableScope
let emulator: NetSuiteEmulator
let work: string
let args: Array<string>
let env: Record<string, string>
const scenario = generateScenario({ seed: 21, size: 40 })

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-netsuite-"))
  scope = Effect.runSync(Scope.make())
  const pki = await Effect.runPromise(makeTestPki())
  emulator = await Effect.runPromise(Scope.extend(startNetSuiteEmulator({ pki, tba: [tba] }), scope))
  const ca = path.join(work, "ca.pem")
  fs.writeFileSync(ca, pki.caCertificate)

  const invoices = path.join(work, "invoices")
  fs.mkdirSync(invoices)
  for (const file of [...Object.values(scenario.invoices).flat().map((i) => i.xml), ...scenario.folderCfdis]) {
    fs.writeFileSync(path.join(invoices, path.basename(file.name)), file.bytes)
  }
  const exportFile = path.join(work, "transactions.json")
  fs.writeFileSync(exportFile, JSON.stringify(Schema.encodeSync(Scenario)(scenario).transactions))
  const config = path.join(work, "clara-recon.json")
  fs.writeFileSync(config, JSON.stringify({
    erp: { adapter: "netsuite", config: { accountId: emulator.accountId, backoffBaseMs: 20, mapping: defaultNetSuiteMapping } }
  }))
  args = [
    "--transactions", exportFile, "--invoices", invoices, "--config", config,
    "--out", path.join(work, "out"), "--state", path.join(work, "state.db")
  ]
  env = {
    NODE_EXTRA_CA_CERTS: ca,
    NETSUITE_BASE_URL: emulator.baseUrl,
    NETSUITE_CONSUMER_KEY: tba.consumerKey,
    NETSUITE_CONSUMER_SECRET: tba.consumerSecret,
    NETSUITE_TOKEN_ID: tba.tokenId,
    NETSUITE_TOKEN_SECRET: tba.tokenSecret
  }
})

afterAll(async () => {
  if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

/** A NetSuite emulator of the test's own (no record yet), and the environment that points the CLI at it. */
const ownNetSuite = async (caFile: string) => {
  const local = await Effect.runPromise(Scope.extend(
    Effect.flatMap(makeTestPki(), (pki) =>
      Effect.map(startNetSuiteEmulator({ pki, tba: [tba] }), (emulator) => ({ emulator, pki }))),
    scope
  ))
  const ca = path.join(work, caFile)
  fs.writeFileSync(ca, local.pki.caCertificate)
  return { emulator: local.emulator, env: { ...env, NODE_EXTRA_CA_CERTS: ca, NETSUITE_BASE_URL: local.emulator.baseUrl } }
}

const reconcile = () =>
  runCli([
    "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--as-of", "2026-11-22", "--json", ...args
  ], env)

describe("reconcile --erp netsuite", () => {
  it("erp check connects with the configured token-based auth", async () => {
    const result = await runCli(["erp", "check", "--json", "--config", args[5]!], env)
    assert.strictEqual(result.code, 0, result.stdout + result.stderr)
    const check = lastJsonLine(result.stdout)
    assert.strictEqual(check.erp, "netsuite")
    assert.isTrue(check.ok)
  })

  it("posts each auto-linked transaction once, and nothing again on a second run", async () => {
    const first = await reconcile()
    assert.strictEqual(first.code, 0, first.stderr)
    const summary = lastJsonLine(first.stdout)
    assert.isAbove(summary.linked, 0)
    assert.strictEqual(summary.postings.failed, 0, first.stderr)
    assert.isAbove(summary.postings.new, 0)
    assert.strictEqual(summary.postings.new, emulator.records().length)
    assert.isTrue([...emulator.countByExternalId().values()].every((n) => n === 1), "one record per externalId")

    const second = await reconcile()
    assert.strictEqual(second.code, 0, second.stderr)
    assert.strictEqual(lastJsonLine(second.stdout).postings.new, 0)
    assert.strictEqual(emulator.records().length, summary.postings.new, "no record posted twice")

    const outputs = fs.readdirSync(path.join(work, "out"), { recursive: true, encoding: "utf8" })
      .map((f) => path.join(work, "out", f)).filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, "utf8")).join("\n") + first.stderr + second.stderr
    for (const secret of Object.values(tba)) assert.notInclude(outputs, secret)
  })

  it("--erp none posts nothing; `post` then posts the period once", async () => {
    const local = await ownNetSuite("ca-2.pem")
    const localEnv = local.env
    const localArgs = [...args.slice(0, -4), "--out", path.join(work, "out-2"), "--state", path.join(work, "state-2.db")]
    const period = ["--from", scenario.period.from, "--to", scenario.period.to, "--as-of", "2026-11-22", "--json"]

    const planned = await runCli(["reconcile", ...period, ...localArgs, "--erp", "none"], localEnv)
    assert.strictEqual(planned.code, 0, planned.stderr)
    assert.strictEqual(local.emulator.records().length, 0)
    const linked = lastJsonLine(planned.stdout).linked
    assert.isAbove(linked, 0)

    const posted = await runCli(["post", ...period, ...localArgs, "--erp", "netsuite"], localEnv)
    assert.strictEqual(posted.code, 0, posted.stderr)
    const summary = lastJsonLine(posted.stdout)
    assert.strictEqual(summary.postings.failed, 0)
    assert.strictEqual(local.emulator.records().length, summary.postings.new)
    assert.isAbove(summary.postings.new, 0)

    const again = await runCli(["post", ...period, ...localArgs, "--erp", "netsuite"], localEnv)
    assert.strictEqual(again.code, 0, again.stderr)
    assert.strictEqual(local.emulator.records().length, summary.postings.new, "posting again adds nothing")
  })

  it("a batch NetSuite refuses in part: the rest is posted once, the refused documents wait as planned", async () => {
    const local = await ownNetSuite("ca-3.pem")
    const localEnv = local.env
    const dir = path.join(work, "partial")
    fs.mkdirSync(dir)
    // fuel charges go to 699.99, which the NetSuite mapping sends to account 999: inactive, refused by NetSuite
    const mapping = Schema.encodeSync(MappingConfig)(defaultMapping)
    const fuel = { ...mapping, accounts: { ...mapping.accounts, expenseByMcc: { "5541": "699.99", "5542": "699.99" } } }
    const config = (posting: unknown) => {
      const file = path.join(dir, "clara-recon.json")
      fs.writeFileSync(file, JSON.stringify({
        erp: {
          adapter: "netsuite",
          config: { accountId: local.emulator.accountId, backoffBaseMs: 20, mapping: defaultNetSuiteMapping },
          mapping: posting
        }
      }))
      return file
    }
    const run = (file: string) =>
      runCli([
        "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--as-of", "2026-11-22", "--json",
        "--transactions", args[1]!, "--invoices", args[3]!, "--config", file,
        "--out", path.join(dir, "out"), "--state", path.join(dir, "state.db")
      ], localEnv)
    const ledger = async (file: string, status: string) => {
      const listed = await runCli(["ledger", "--status", status, "--json", "--config", file, "--state", path.join(dir, "state.db")], localEnv)
      assert.strictEqual(listed.code, 0, listed.stderr)
      return lastJsonLine(listed.stdout).ledger as Array<{ externalKey: string; transactionUuid: string; error?: string }>
    }
    const fuelCharges = new Set(scenario.transactions.filter((t) => ["5541", "5542"].includes(String(t.merchant?.mcc ?? ""))).map((t) => t.uuid))

    const first = await run(config(fuel))
    assert.strictEqual(first.code, 0, first.stderr)
    const summary = lastJsonLine(first.stdout)
    const waiting = await ledger(config(fuel), "planned")
    assert.isAbove(waiting.length, 0, "some fuel charge was linked and refused")
    assert.isTrue(waiting.every((row) => fuelCharges.has(row.transactionUuid)), "only the fuel postings were refused")
    assert.isTrue(waiting.every((row) => /999/.test(row.error ?? "")), "each keeps NetSuite's reason")
    assert.strictEqual(summary.postings.failed, waiting.length)
    assert.strictEqual(summary.postings.new, local.emulator.records().length)
    assert.isAbove(summary.postings.new, 0, "the other documents of the batch were posted")
    const verified = await ledger(config(fuel), "verified")
    assert.strictEqual(verified.length, summary.postings.new)
    assert.isTrue(verified.every((row) => !fuelCharges.has(row.transactionUuid)))

    // the mapping fixed: only the refused documents are posted, the others are not posted again
    const second = await run(config(mapping))
    assert.strictEqual(second.code, 0, second.stderr)
    const again = lastJsonLine(second.stdout).postings
    assert.deepStrictEqual(again, { new: waiting.length, skipped: summary.postings.new, failed: 0 })
    assert.strictEqual(local.emulator.records().length, summary.postings.new + waiting.length)
    assert.isTrue([...local.emulator.countByExternalId().values()].every((n) => n === 1), "one record per externalId")
  })

  it("an unknown adapter id is bad usage (exit 2): one line listing the registered ones and none", async () => {
    const result = await runCli(["reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--erp", "oracle", ...args], env)
    assert.strictEqual(result.code, 2)
    assert.match(result.stderr, /oracle/)
    assert.match(result.stderr, /netsuite, sap-csv, none/)
  })
})
