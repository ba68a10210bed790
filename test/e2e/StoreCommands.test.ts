/**
 * The commands that work on the state store: `report` re-renders a run from the store alone (same summary and
 * exceptions as the run wrote), `link reject` keeps a pair from being linked again on the next run, `link confirm`
 * pins a link, and `aliases` shows what was learned; an unknown link id is a one-line error. `ledger` lists the
 * postings that need a person, `ledger exclude` refuses an unknown key, and `ledger reopen` puts back only a failed
 * or excluded posting, never one excluded while the ERP held it.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Schema } from "effect"
import { generateScenario, Scenario } from "@clara-recon/sandbox"
import { lastJsonLine, runCli } from "../support/Cli.js"

let work: string
let runArgs: Array<string>
let store: Array<string>
const scenario = generateScenario({ seed: 33, size: 40 })

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-store-"))
  const invoices = path.join(work, "invoices")
  fs.mkdirSync(invoices)
  for (const file of [...Object.values(scenario.invoices).flat().map((i) => i.xml), ...scenario.folderCfdis]) {
    fs.writeFileSync(path.join(invoices, path.basename(file.name)), file.bytes)
  }
  const exportFile = path.join(work, "transactions.json")
  fs.writeFileSync(exportFile, JSON.stringify(Schema.encodeSync(Scenario)(scenario).transactions))
  store = ["--state", path.join(work, "state.db")]
  runArgs = [
    "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--json",
    "--transactions", exportFile, "--invoices", invoices, "--out", path.join(work, "out"), ...store
  ]
})

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const linksOf = (runDir: string): Array<any> => {
  const json = JSON.parse(fs.readFileSync(path.join(runDir, "links.json"), "utf8"))
  return Array.isArray(json) ? json : json.links
}

describe("store commands", () => {
  it("report re-renders the latest run from the store; link reject and confirm change the next run", async () => {
    const first = await runCli([...runArgs, "--as-of", "2026-11-22"])
    assert.strictEqual(first.code, 0, first.stderr)
    const summary = lastJsonLine(first.stdout)

    const rendered = await runCli(["report", "--json", "--out", path.join(work, "rendered"), ...store])
    assert.strictEqual(rendered.code, 0, rendered.stderr)
    const again = lastJsonLine(rendered.stdout)
    assert.deepStrictEqual(again, summary)
    const runDir = path.join(work, "rendered", summary.runId)
    assert.deepStrictEqual(
      JSON.parse(fs.readFileSync(path.join(runDir, "exceptions.json"), "utf8")),
      JSON.parse(fs.readFileSync(path.join(work, "out", summary.runId, "exceptions.json"), "utf8"))
    )
    assert.isTrue(fs.existsSync(path.join(runDir, "report.html")))

    const auto = linksOf(path.join(work, "out", summary.runId)).filter((l) => l.decision === "AUTO_LINKED")
    assert.isAbove(auto.length, 2)
    const [rejected, confirmed] = auto
    const reject = await runCli(["link", "reject", rejected.linkId, "--by", "ana", ...store])
    assert.strictEqual(reject.code, 0, reject.stderr)
    const confirm = await runCli(["link", "confirm", confirmed.linkId, "--by", "ana", ...store])
    assert.strictEqual(confirm.code, 0, confirm.stderr)

    const unknown = await runCli(["link", "confirm", "lnk_does_not_exist", ...store])
    assert.strictEqual(unknown.code, 1)
    assert.match(unknown.stderr, /lnk_does_not_exist/)

    const aliases = await runCli(["aliases", "--json", ...store])
    assert.strictEqual(aliases.code, 0, aliases.stderr)
    assert.isAbove(lastJsonLine(aliases.stdout).aliases.length, 0)

    // the ledger: every posting of the run was confirmed, so none needs a person
    const review = await runCli(["ledger", "--json", ...store])
    assert.strictEqual(review.code, 0, review.stderr)
    assert.deepStrictEqual(lastJsonLine(review.stdout), { ledger: [] })
    const verified = await runCli(["ledger", "--status", "verified", "--json", ...store])
    const rows = lastJsonLine(verified.stdout).ledger
    assert.strictEqual(rows.length, summary.postings.new)
    assert.deepStrictEqual(
      Object.keys(rows[0]).sort(),
      ["documentId", "erp", "externalKey", "ref", "runId", "state", "transactionUuid"]
    )
    const unknownKey = await runCli(["ledger", "exclude", "no-such-key", "--reason", "test", ...store])
    assert.strictEqual(unknownKey.code, 1)
    assert.match(unknownKey.stderr, /no posting in the ledger has the key no-such-key/)

    // a changed input makes a new run (an unchanged one would be the same run)
    const second = await runCli([...runArgs, "--as-of", "2026-11-23"])
    assert.strictEqual(second.code, 0, second.stderr)
    const next = lastJsonLine(second.stdout)
    assert.notStrictEqual(next.runId, summary.runId)
    const links = linksOf(path.join(work, "out", next.runId))
    const pair = (l: any) => `${l.transactionUuid} ${l.documentId}`
    assert.notInclude(links.map(pair), pair(rejected), "the rejected pair is not linked again")
    const kept = links.find((l) => pair(l) === pair(confirmed))
    assert.strictEqual(kept?.decision, "CONFIRMED")
    // the rejected link had been posted: its journal entry is reported until a person settles it in the ERP
    const changed = (runId: string) =>
      JSON.parse(fs.readFileSync(path.join(work, "out", runId, "exceptions.json"), "utf8"))
        .filter((e: any) => e.code === "POSTED_LINK_CHANGED")
    const [posted] = changed(next.runId)
    assert.strictEqual(posted?.transactionUuid, rejected.transactionUuid)
    assert.strictEqual(posted?.documentId, rejected.documentId)
    const relinked = links.find((l) => l.transactionUuid === rejected.transactionUuid)
    assert.strictEqual(posted?.subtype, relinked === undefined ? "UNLINKED" : "OTHER_DOCUMENT")
    const excluded = await runCli(["ledger", "exclude", posted.location, "--reason", "reversed in SAP", ...store])
    assert.strictEqual(excluded.code, 0, excluded.stderr)
    const third = await runCli([...runArgs, "--as-of", "2026-11-23"])
    assert.strictEqual(third.code, 0, third.stderr)
    assert.deepStrictEqual(changed(lastJsonLine(third.stdout).runId), [])
    // `ledger reopen`: only a failed or excluded posting goes back to draft (planned again when it is linked)
    const stillVerified = rows.find((r: any) => r.externalKey !== posted.location)
    const notReopened = await runCli(["ledger", "reopen", stillVerified.externalKey, ...store])
    assert.strictEqual(notReopened.code, 1)
    assert.match(notReopened.stderr, /is verified: only a failed or excluded posting can be reopened/)
    // nor one excluded while verified: it is in the ERP, and posting it again would book it twice
    const reopened = await runCli(["ledger", "reopen", posted.location, "--reason", "post it again", ...store])
    assert.strictEqual(reopened.code, 1)
    assert.match(reopened.stderr, /was excluded when verified: the ERP holds it or may/)
    const drafts = lastJsonLine((await runCli(["ledger", "--status", "draft", "--json", ...store])).stdout).ledger
    assert.deepStrictEqual(drafts, [])
  })
})
