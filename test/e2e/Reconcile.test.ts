/**
 * End to end: the built CLI against the Clara emulator (its own process) over HTTPS + mutual TLS, every output file,
 * the control totals, the idempotent second run, and the one-line errors of bad input.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { makeUntrustedClient } from "@clara-recon/sandbox"
import { claraEnv, lastJsonLine, runCli, startSandboxProcess } from "../support/Cli.js"

let sandbox: { child: ChildProcess; settings: any; scenario: any }
let work: string
let env: Record<string, string>

const reconcileArgs = (out: string, extra: ReadonlyArray<string> = []) => [
  "reconcile",
  "--from",
  sandbox.scenario.from,
  "--to",
  sandbox.scenario.to,
  "--invoices",
  sandbox.scenario.invoicesDir,
  "--out",
  out,
  "--state",
  path.join(work, "state.db"),
  "--as-of",
  "2026-11-22",
  "--json",
  ...extra
]

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-e2e-"))
  sandbox = await startSandboxProcess(["--seed", "7", "--size", "40"])
  env = claraEnv(sandbox.settings)
})

afterAll(() => {
  sandbox?.child.kill("SIGINT")
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe("clara-recon reconcile against the emulator", () => {
  it("prints exactly the connection settings as the sandbox's first JSON line", () => {
    assert.deepStrictEqual(Object.keys(sandbox.settings).sort(), ["baseUrl", "ca", "cert", "clientId", "clientSecret", "key"])
    assert.match(sandbox.settings.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
    for (const file of [sandbox.settings.cert, sandbox.settings.key, sandbox.settings.ca]) assert.isTrue(fs.existsSync(file))
  })

  it("writes every output file, balances, and posts nothing twice on the second run", async () => {
    const out = path.join(work, "out")
    const first = await runCli(reconcileArgs(out), env)
    assert.strictEqual(first.code, 0, first.stderr)
    const summary = lastJsonLine(first.stdout)
    const latest = path.join(out, "latest")
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(latest, "summary.json"), "utf8")), summary)
    assert.strictEqual(fs.realpathSync(latest), fs.realpathSync(path.join(out, summary.runId)))

    assert.strictEqual(summary.transactions, 40)
    assert.isAbove(summary.documents, 0)
    assert.isAbove(summary.linked, 0)
    assert.isTrue(summary.controlTotal.balanced)
    for (const [currency, totals] of Object.entries<any>(summary.controlTotal)) {
      if (currency === "balanced") continue
      const cents = (s: string) => Math.round(Number(s) * 100)
      assert.strictEqual(cents(totals.transactions), cents(totals.linked) + cents(totals.exceptions) + cents(totals.notSubject))
    }
    assert.isAbove(summary.exceptions.MISSING_INVOICE ?? 0, 0)

    const links = JSON.parse(fs.readFileSync(path.join(latest, "links.json"), "utf8"))
    assert.strictEqual(new Set(links.links.map((l: any) => l.transactionUuid)).size, summary.linked)
    for (const link of [...links.links, ...links.suggestions]) {
      assert.isString(link.explanation.text)
      assert.isArray(link.explanation.evidence)
      assert.strictEqual(link.explanation.linkId, link.linkId)
    }

    const exceptions = JSON.parse(fs.readFileSync(path.join(latest, "exceptions.json"), "utf8"))
    const rows = parse(fs.readFileSync(path.join(latest, "exceptions.csv")), { columns: true }) as Array<any>
    assert.strictEqual(rows.length, exceptions.length)
    const counted = Object.values<number>(summary.exceptions).reduce((a, b) => a + b, 0)
    assert.strictEqual(exceptions.length, counted)
    assert.strictEqual(rows[0].code, "MISSING_INVOICE")

    const html = fs.readFileSync(path.join(latest, "report.html"), "utf8")
    assert.include(html, `data-testid="transactions"`)
    assert.include(html, "Missing invoices by cardholder")
    assert.include(html, "Balanced")
    assert.notMatch(html, /<(script|link)\b[^>]*\b(src|href)=/i)
    // every link id a person may confirm or reject is on the page (link confirm|reject takes it from there)
    for (const link of links.links) assert.include(html, `<code class="link-id">${link.linkId}</code>`)

    const manifest = JSON.parse(fs.readFileSync(path.join(latest, "postings", "manifest.json"), "utf8"))
    assert.strictEqual(manifest.layout.id, "generic-je-v1")
    assert.strictEqual(manifest.totals.debit, manifest.totals.credit)
    assert.strictEqual(manifest.documents.length, summary.postings.new)
    for (const file of manifest.files) {
      const bytes = fs.readFileSync(path.join(latest, "postings", file.name))
      assert.strictEqual(createHash("sha256").update(bytes).digest("hex"), file.sha256)
      assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
      const lines = parse(bytes, { bom: true, columns: true }) as Array<any>
      assert.strictEqual(lines.length, file.rows)
    }
    assert.strictEqual(summary.postings.new, summary.linked)

    const second = await runCli(reconcileArgs(out), env)
    assert.strictEqual(second.code, 0, second.stderr)
    const again = lastJsonLine(second.stdout)
    assert.notStrictEqual(again.runId, summary.runId)
    assert.strictEqual(again.postings.new, 0)
    assert.strictEqual(again.postings.skipped, summary.postings.new)
    assert.strictEqual(again.linked, summary.linked)
  })

  it("reports a file that is not a CFDI as INVALID_DOCUMENT and goes on", async () => {
    const bad = path.join(work, "bad-invoices")
    fs.mkdirSync(bad, { recursive: true })
    fs.writeFileSync(path.join(bad, "not-xml.xml"), "this is not XML at all")
    fs.writeFileSync(path.join(bad, "other.xml"), `<?xml version="1.0"?><note><to>x</to></note>`)
    const result = await runCli([...reconcileArgs(path.join(work, "out-bad")), "--invoices", bad], env)
    assert.strictEqual(result.code, 0, result.stderr)
    const summary = lastJsonLine(result.stdout)
    assert.strictEqual(summary.exceptions.INVALID_DOCUMENT, 2)
    const exceptions = JSON.parse(fs.readFileSync(path.join(work, "out-bad", "latest", "exceptions.json"), "utf8"))
    const invalid = exceptions.filter((e: any) => e.code === "INVALID_DOCUMENT")
    assert.sameMembers(invalid.map((e: any) => e.location), [path.join(bad, "not-xml.xml"), path.join(bad, "other.xml")])
    for (const e of invalid) assert.include(e.message, e.location)
  })
})

describe("clara-recon reconcile refuses what it cannot work with, in one line", () => {
  const expectOneLineError = (result: { code: number | null; stderr: string }, pattern: RegExp) => {
    assert.strictEqual(result.code, 1)
    const errorLines = result.stderr.trim().split("\n").filter((l) => l.startsWith("clara-recon:"))
    assert.strictEqual(errorLines.length, 1, result.stderr)
    assert.match(errorLines[0]!, pattern)
    assert.notInclude(result.stderr, sandbox.settings.clientSecret)
  }

  it("a wrong client secret: 401 from the token endpoint", async () => {
    const result = await runCli(reconcileArgs(path.join(work, "o1")), { ...env, CLARA_CLIENT_SECRET: "wrong-secret" })
    expectOneLineError(result, /oauth\/token/)
  })

  it("an unreachable host", async () => {
    const result = await runCli(reconcileArgs(path.join(work, "o2")), {
      ...env,
      CLARA_BASE_URL: "https://127.0.0.1:9",
      CLARA_RETRY_TIMES: "0"
    })
    expectOneLineError(result, /127\.0\.0\.1:9|oauth\/token/)
  })

  it("a client certificate signed by another CA: the TLS handshake is refused", async () => {
    const untrusted = await Effect.runPromise(makeUntrustedClient())
    const cert = path.join(work, "untrusted.pem")
    const key = path.join(work, "untrusted-key.pem")
    fs.writeFileSync(cert, untrusted.client.certificate)
    fs.writeFileSync(key, untrusted.client.privateKey)
    const result = await runCli(reconcileArgs(path.join(work, "o3")), {
      ...env,
      CLARA_CERT: cert,
      CLARA_KEY: key,
      CLARA_RETRY_TIMES: "0"
    })
    expectOneLineError(result, /oauth\/token/)
  })

  it("a certificate and key that are not a pair: refused before any request", async () => {
    const result = await runCli(reconcileArgs(path.join(work, "o5")), { ...env, CLARA_CERT: sandbox.settings.ca })
    expectOneLineError(result, /CLARA_CERT|CLARA_KEY/)
  })

  it("a transactions export that is not JSON", async () => {
    const file = path.join(work, "export.json")
    fs.writeFileSync(file, "{ not json")
    const result = await runCli([
      "reconcile",
      "--from",
      "2025-01-01",
      "--to",
      "2025-01-31",
      "--transactions",
      file,
      "--out",
      path.join(work, "o4"),
      "--state",
      path.join(work, "state-export.db")
    ])
    expectOneLineError(result, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*not JSON`))
  })
})
