import { readCfdi } from "@clara-recon/cfdi"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { scenarioToJson } from "../src/Scenario.js"
import { scenarioFromInvoices } from "../src/ScenarioFromInvoices.js"
import { generateScenario } from "../src/ScenarioGenerator.js"
import { groundTruthProblems } from "./support/GroundTruth.js"

const fixtures = process.env["CLARA_RECON_FIXTURES"] ??
  fileURLToPath(new URL("../../../../shared/fixtures", import.meta.url))
const dir = join(fixtures, "cfdi")
const present = existsSync(dir)
if (!present) console.warn(`scenarioFromInvoices fixture tests skipped: ${dir} not found (set CLARA_RECON_FIXTURES)`)

const fixtureFiles = () =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".xml"))
    .map((f) => ({ path: join(dir, f), bytes: readFileSync(join(dir, f)) }))

// generated invoices stand in for a user's folder: every one is an eligible card-paid ingreso
const generated = generateScenario({ seed: 99, size: 80 })
const generatedFiles = generated.folderCfdis.map((f) => ({ path: `/invoices/${f.name}`, bytes: f.bytes }))

describe("scenarioFromInvoices", () => {
  it.skipIf(!present)("turns the shared fixtures into at most one transaction per distinct CFDI UUID", () => {
    const files = fixtureFiles()
    const scenario = scenarioFromInvoices({ seed: 5, files })
    const uuids = scenario.groundTruth.links.map((l) => l.cfdiUuid)
    assert.isAbove(uuids.length, 0)
    assert.strictEqual(new Set(uuids).size, uuids.length)
    const readable = files.flatMap((f) => {
      const r = readCfdi(f.bytes, { path: f.path })
      return Either.isRight(r) ? [r.right.timbre.uuid] : []
    })
    for (const uuid of uuids) assert.include(readable, uuid)
    assert.deepStrictEqual(groundTruthProblems(scenario), [])
    const reordered = scenarioFromInvoices({ seed: 5, files: [...files].reverse() })
    assert.strictEqual(scenarioToJson(reordered), scenarioToJson(scenario))
  })

  it("derives card descriptors, amounts and dates from each invoice", () => {
    const scenario = scenarioFromInvoices({ seed: 3, files: generatedFiles })
    const links = scenario.groundTruth.links
    assert.isAbove(links.length, generatedFiles.length * 0.7)
    assert.isBelow(links.length, generatedFiles.length)
    assert.deepStrictEqual(groundTruthProblems(scenario), [])
    const uuidOf = (f: { path: string; bytes: Uint8Array }) =>
      Either.getOrThrow(readCfdi(f.bytes, { path: f.path })).timbre.uuid
    const files = new Map(generatedFiles.map((f) => [uuidOf(f), f]))
    for (const { cfdiUuid, transactionUuid } of links) {
      const transaction = scenario.transactions.find((t) => t.uuid === transactionUuid)!
      const cfdi = Either.getOrThrow(readCfdi(files.get(cfdiUuid)!.bytes, { path: cfdiUuid }))
      const days = (Date.parse(cfdi.issueDate) - Date.parse(transaction.operationDate!)) / 86_400_000
      assert.isTrue(days >= 0 && days <= 3, `${transaction.operationDate} vs ${cfdi.issueDate}`)
      assert.match(transaction.transactionLabel!, /^[A-Z0-9 *&-]{1,22}$/)
      for (const invoice of scenario.invoices[transactionUuid] ?? []) {
        assert.deepStrictEqual(invoice.xml.bytes, new Uint8Array(files.get(invoice.cfdiUuid)!.bytes))
      }
    }
    assert.isAbove(Object.keys(scenario.invoices).length, 0)
    assert.strictEqual(scenario.company.rfc, generated.company.rfc)
    assert.lengthOf(scenario.folderCfdis, generatedFiles.length)
  })

  it("adds purchases without invoice, same-amount decoys, a FEE and a PAYMENT", () => {
    const scenario = scenarioFromInvoices({ seed: 3, files: generatedFiles })
    const types = scenario.groundTruth.notSubject.map((u) => scenario.transactions.find((t) => t.uuid === u)!.type)
    assert.sameMembers(types, ["FEE", "PAYMENT"])
    const missing = scenario.transactions.filter((t) => scenario.groundTruth.missingInvoice.includes(t.uuid))
    const amountOf = (uuid: string) => scenario.transactions.find((t) => t.uuid === uuid)!.amountValue!.value
    const linkedAmounts = new Set(scenario.groundTruth.links.map((l) => amountOf(l.transactionUuid)))
    assert.isAbove(missing.length, 1)
    assert.isTrue(missing.some((t) => linkedAmounts.has(t.amountValue!.value)), "no same-amount decoy")
  })

  it("keeps only invoices received by companyRfc when it is given", () => {
    const scenario = scenarioFromInvoices({ seed: 3, files: generatedFiles, companyRfc: "XAXX010101000" })
    assert.lengthOf(scenario.groundTruth.links, 0)
    assert.strictEqual(scenario.company.rfc, "XAXX010101000")
  })
})
