/**
 * `clara-recon doctor` against the Clara emulator (its own process, HTTPS + mutual TLS): every check passes with the
 * sandbox's settings; an expired certificate, a key of another pair, a wrong secret and an unreadable config each
 * fail their own check (exit 1), and no secret is printed.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { makeTestPki, makeUntrustedClient } from "@clara-recon/sandbox"
import { claraEnv, lastJsonLine, runCli, startSandboxProcess } from "../support/Cli.js"

let sandbox: { child: ChildProcess; settings: any; scenario: any }
let work: string
let env: Record<string, string>

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-doctor-"))
  sandbox = await startSandboxProcess(["--seed", "3", "--size", "10"])
  env = { ...claraEnv(sandbox.settings), CLARA_RETRY_TIMES: "0" }
})

afterAll(() => {
  sandbox?.child.kill("SIGINT")
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

/** `doctor --json` in the work folder, whose `out` folder (the default export's) exists. */
const doctor = (extraEnv: Record<string, string> = {}) => {
  fs.mkdirSync(path.join(work, "out"), { recursive: true })
  return runCli(["doctor", "--json", "--state", path.join(work, "state.db")], { ...env, ...extraEnv }, work)
}

const statusOf = (report: any, name: string) => report.checks.find((c: any) => c.name === name)?.status

describe("clara-recon doctor", () => {
  it("passes every check with the sandbox's settings, and prints no secret", async () => {
    const result = await doctor()
    assert.strictEqual(result.code, 0, result.stderr)
    const report = lastJsonLine(result.stdout)
    assert.isTrue(report.ok)
    assert.deepStrictEqual(
      report.checks.map((c: any) => [c.name, c.status]),
      [
        ["clara config", "ok"],
        ["client certificate", "ok"],
        ["private key", "ok"],
        ["certificate authority", "ok"],
        ["clara connectivity", "ok"],
        ["erp", "ok"],
        ["state store", "ok"]
      ]
    )
    assert.notInclude(result.stdout + result.stderr, sandbox.settings.clientSecret)
    assert.notInclude(result.stdout, "PRIVATE KEY")
  })

  it("fails without Clara credentials, naming CLARA_CLIENT_ID", async () => {
    const result = await runCli(["doctor", "--json", "--state", path.join(work, "none.db")])
    assert.strictEqual(result.code, 1)
    const report = lastJsonLine(result.stdout)
    assert.strictEqual(statusOf(report, "clara config"), "fail")
    assert.include(report.checks[0].detail, "CLARA_CLIENT_ID")
  })

  it("fails an expired certificate before calling Clara", async () => {
    const old = await Effect.runPromise(makeTestPki({ now: new Date(Date.now() - 400 * 86_400_000), validDays: 30 }))
    const cert = path.join(work, "expired.pem")
    const key = path.join(work, "expired-key.pem")
    fs.writeFileSync(cert, old.client.certificate)
    fs.writeFileSync(key, old.client.privateKey)
    const result = await doctor({ CLARA_CERT: cert, CLARA_KEY: key })
    assert.strictEqual(result.code, 1)
    const report = lastJsonLine(result.stdout)
    assert.strictEqual(statusOf(report, "client certificate"), "fail")
    assert.match(report.checks[1].detail, /expired/)
    assert.strictEqual(statusOf(report, "clara connectivity"), "skip")
  })

  it("fails a private key that does not belong to the certificate", async () => {
    const other = await Effect.runPromise(makeUntrustedClient())
    const key = path.join(work, "other-key.pem")
    fs.writeFileSync(key, other.client.privateKey)
    const result = await doctor({ CLARA_KEY: key })
    assert.strictEqual(result.code, 1)
    assert.strictEqual(statusOf(lastJsonLine(result.stdout), "private key"), "fail")
  })

  it("fails connectivity with a wrong client secret, without echoing it", async () => {
    const result = await doctor({ CLARA_CLIENT_SECRET: "wrong-secret-123" })
    assert.strictEqual(result.code, 1)
    const report = lastJsonLine(result.stdout)
    assert.strictEqual(statusOf(report, "clara connectivity"), "fail")
    assert.notInclude(result.stdout + result.stderr, "wrong-secret-123")
  })

  it("fails a config file that is not JSON, naming the file", async () => {
    const file = path.join(work, "bad.json")
    fs.writeFileSync(file, "{ not json")
    const result = await runCli(["doctor", "--json", "--config", file, "--state", path.join(work, "s2.db")])
    assert.strictEqual(result.code, 1)
    const report = lastJsonLine(result.stdout)
    assert.strictEqual(statusOf(report, "config file"), "fail")
    assert.include(report.checks[0].detail, "bad.json")
  })
})
