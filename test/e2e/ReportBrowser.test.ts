/**
 * Opens report.html in real headless Chromium (Debian's chromium through playwright-core), checks that the totals it
 * shows are those of summary.json, and takes a screenshot. Skips with a message when no Chromium is installed.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { chromium } from "playwright-core"
import { lastJsonLine, runCli } from "../support/Cli.js"

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const present = fs.existsSync(executablePath)
if (!present) console.warn(`report browser test skipped: no Chromium at ${executablePath} (set CHROMIUM_PATH)`)

let work: string

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-report-"))
})
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

describe("report.html in Chromium", () => {
  it.skipIf(!present)("shows the run's totals and control totals", async () => {
    const out = path.join(work, "out")
    const run = await runCli(["demo", "--out", out, "--state", path.join(work, "state.db"), "--json"])
    assert.strictEqual(run.code, 0, run.stderr)
    const summary = lastJsonLine(run.stdout)
    const browser = await chromium.launch({
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      const requests: Array<string> = []
      page.on("request", (request) => requests.push(request.url()))
      await page.goto(pathToFileURL(path.join(out, "latest", "report.html")).href)
      const card = (id: string) => page.locator(`[data-testid="${id}"] b`).innerText()
      assert.strictEqual(await card("transactions"), String(summary.transactions))
      assert.strictEqual(await card("linked"), String(summary.linked))
      assert.strictEqual(await card("postings-new"), String(summary.postings.new))
      const mxn = page.locator(`#control-totals tr[data-currency="MXN"] td`)
      assert.deepStrictEqual(await mxn.allInnerTexts(), [
        "MXN",
        summary.controlTotal.MXN.transactions,
        summary.controlTotal.MXN.linked,
        summary.controlTotal.MXN.exceptions,
        summary.controlTotal.MXN.notSubject
      ])
      assert.match(await page.locator(`[data-testid="balanced"]`).innerText(), /^Balanced/)
      const groups = await page.locator("section.exception-group").evaluateAll((nodes) =>
        nodes.map((n) => n.getAttribute("data-code"))
      )
      assert.sameMembers(groups as Array<string>, Object.keys(summary.exceptions))
      assert.deepStrictEqual(requests.filter((url) => !url.startsWith("file:")), [])
      const shot = path.join(out, "latest", "report.png")
      await page.screenshot({ path: shot, fullPage: true })
      assert.isAbove(fs.statSync(shot).size, 10_000)
    } finally {
      await browser.close()
    }
  })
})
