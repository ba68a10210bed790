import { readCfdi } from "@clara-recon/cfdi"
import type { TransactionResponseV3 } from "@clara-recon/clara"
import { fromWireNumber } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Either, Schema } from "effect"
import * as fs from "node:fs/promises"
import { Scenario, scenarioToJson, writeScenarioInvoices } from "../src/Scenario.js"
import { generateScenario, sandboxCompany } from "../src/ScenarioGenerator.js"
import { groundTruthProblems } from "./support/GroundTruth.js"
import { tempDirectory } from "./support/TempDirectory.js"

const scenario = generateScenario({ seed: 20250131, size: 100 })

const amountOf = (t: TransactionResponseV3) => fromWireNumber(t.amountValue!.value)!
const byUuid = new Map(scenario.transactions.map((t) => [t.uuid, t]))
const linked = scenario.groundTruth.links.map((l) => ({ link: l, transaction: byUuid.get(l.transactionUuid)! }))

describe("generateScenario", () => {
  it("is byte-identical for the same seed and differs for another", () => {
    const again = generateScenario({ seed: 20250131, size: 100 })
    assert.strictEqual(scenarioToJson(again), scenarioToJson(scenario))
    assert.notStrictEqual(scenarioToJson(generateScenario({ seed: 20250132, size: 100 })), scenarioToJson(scenario))
  })

  it("has exactly `size` transactions inside the period, and survives a JSON round trip through its schema", () => {
    assert.strictEqual(scenario.transactions.length, 100)
    for (const t of scenario.transactions) {
      assert.isTrue(t.operationDate! >= "2025-01-01" && t.operationDate! <= "2025-01-31", t.operationDate!)
    }
    const decoded = Schema.decodeUnknownSync(Scenario)(JSON.parse(scenarioToJson(scenario)))
    assert.strictEqual(scenarioToJson(decoded), scenarioToJson(scenario))
    assert.lengthOf(generateScenario({ seed: 1, size: 3 }).transactions, 3)
  })

  it("puts every transaction in exactly one ground-truth bucket", () => {
    const buckets = [
      ...scenario.groundTruth.links.map((l) => l.transactionUuid),
      ...scenario.groundTruth.missingInvoice,
      ...scenario.groundTruth.notSubject
    ]
    assert.strictEqual(new Set(buckets).size, buckets.length)
    assert.sameMembers(buckets, scenario.transactions.map((t) => t.uuid))
    for (const uuid of scenario.groundTruth.notSubject) {
      assert.include(["FEE", "PAYMENT", "CREDIT"], byUuid.get(uuid)!.type)
    }
    assert.sameMembers(
      [...new Set(scenario.groundTruth.notSubject.map((u) => byUuid.get(u)!.type))],
      ["FEE", "PAYMENT", "CREDIT"]
    )
    const missingShare = scenario.groundTruth.missingInvoice.length / 100
    assert.isTrue(missingShare >= 0.1 && missingShare <= 0.2, String(missingShare))
  })

  it("links each transaction to a CFDI whose total is its amount, its amount less a tip, or its USD amount", () => {
    assert.deepStrictEqual(groundTruthProblems(scenario), [])
  })

  it("addresses every invoice to the sandbox company", () => {
    const files = [...Object.values(scenario.invoices).flat().map((i) => i.xml), ...scenario.folderCfdis]
    for (const file of files) {
      const cfdi = Either.getOrThrow(readCfdi(file.bytes, { path: file.name }))
      assert.strictEqual(cfdi.receptor.rfc, sandboxCompany.rfc, file.name)
    }
  })

  it("covers tips, USD invoices, same-amount decoys and every delivery channel", () => {
    const receipts = Object.values(scenario.extractedDocuments).flat().filter((d) => d.type === "RECEIPT")
    assert.isTrue(receipts.some((r) => Number(r.data?.amount?.tipAmount) > 0))
    const usd = linked.filter(({ transaction }) => transaction.originalAmount?.currency === "USD")
    assert.isAbove(usd.length, 0)
    for (const { transaction } of usd) assert.strictEqual(transaction.amountValue?.currency, "MXN")

    const decoy = linked.some(({ transaction: a }) =>
      linked.some(({ transaction: b }) =>
        a.uuid !== b.uuid && a.transactionLabel !== b.transactionLabel &&
        BigDecimal.equals(amountOf(a), amountOf(b)) &&
        Math.abs(Date.parse(a.operationDate!) - Date.parse(b.operationDate!)) <= 86_400_000
      )
    )
    assert.isTrue(decoy, "no same-amount pair from different merchants")

    const folderNames = new Set(scenario.folderCfdis.map((f) => f.name))
    const channels = linked.map(({ link }) => {
      const viaClara = (scenario.invoices[link.transactionUuid] ?? []).some((i) => i.cfdiUuid === link.cfdiUuid)
      const inFolder = [...folderNames].some((n) => n.includes(link.cfdiUuid))
      return viaClara && inFolder ? "both" : viaClara ? "clara" : inFolder ? "folder" : "nowhere"
    })
    assert.notInclude(channels, "nowhere")
    for (const channel of ["clara", "folder", "both"]) assert.include(channels, channel)
    for (const [uuid, invoices] of Object.entries(scenario.invoices)) {
      assert.isAbove(invoices.length, 0)
      assert.deepInclude(byUuid.get(uuid)!.hasInvoice, { value: true })
    }
  })

  it("prints descriptors the way card networks do: upper case, at most 22 characters", () => {
    for (const t of scenario.transactions) {
      assert.match(t.transactionLabel!, /^[A-Z0-9 *&.-]{1,22}$/, t.transactionLabel!)
      assert.match(t.card!.maskedPan!, /^\*{12}\d{4}$/)
    }
  })

  it.scoped("writes the folder CFDIs with their exact bytes", () =>
    Effect.gen(function*() {
      const dir = yield* tempDirectory("sandbox-invoices-")
      const written = yield* writeScenarioInvoices(scenario, dir)
      assert.lengthOf(written, scenario.folderCfdis.length)
      const first = yield* Effect.promise(() => fs.readFile(written[0]!))
      assert.deepStrictEqual(new Uint8Array(first), scenario.folderCfdis[0]!.bytes)
    }))
})
