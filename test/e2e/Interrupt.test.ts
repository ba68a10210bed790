/**
 * Ctrl-C: the CLI interrupted by SIGINT in the middle of a run exits 130 (143 for SIGTERM) without a stack trace,
 * and the same command run again completes.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cleanEnv, cliPath, lastJsonLine, runCli } from "../support/Cli.js"

let work: string
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-interrupt-"))
})
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** Starts the CLI, sends `signal` once stderr shows `marker`, resolves with the exit code and stderr. */
const interruptAt = (args: ReadonlyArray<string>, marker: RegExp, signal: NodeJS.Signals) =>
  new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    let sent = false
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
      if (!sent && marker.test(stderr)) {
        sent = true
        child.kill(signal)
      }
    })
    child.stdout.resume()
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stderr }))
  })

describe("interruption", () => {
  const args = (name: string) => [
    "demo",
    "--size",
    "300",
    "--out",
    path.join(work, name),
    "--state",
    path.join(work, `${name}.db`),
    "--json"
  ]

  it("exits 130 on SIGINT during a run, and the same command then completes", async () => {
    const interrupted = await interruptAt(args("int"), /Clara emulator on/, "SIGINT")
    assert.strictEqual(interrupted.code, 130, interrupted.stderr)
    assert.notMatch(interrupted.stderr, /\bat .*\.js:\d+/, "no stack trace")
    const again = await runCli(args("int"))
    assert.strictEqual(again.code, 0, again.stderr)
    assert.strictEqual(lastJsonLine(again.stdout).controlTotal.balanced, true)
  })

  it("exits 143 on SIGTERM", async () => {
    const terminated = await interruptAt(args("term"), /Clara emulator on/, "SIGTERM")
    assert.strictEqual(terminated.code, 143, terminated.stderr)
  })
})
