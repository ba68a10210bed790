/**
 * A person confirms a group link (one hotel charge backed by the room's CFDI and the restaurant's: matching.md §7.6
 * split invoices) with `link confirm`: the next run pins the whole group, keeps its posting as it was, and raises
 * nothing. Before, the decision held only the link's first (charge, CFDI) pair: the next run linked the charge to
 * the room's CFDI alone, left the dinner's CFDI without a transaction, and planned another journal under the posted
 * key.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { generateCfdi40 } from "@clara-recon/cfdi"
import { decideLink } from "../src/LinkDecisions.js"
import { loadRunResult, reconcile } from "../src/ReconcileJob.js"
import { ReconStore } from "../src/ReconStore.js"
import { cfdiSpec, wire } from "./JobSetup.js"
import { backends } from "./StoreBackends.js"

const ROOM = "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"
const DINNER = "5B2C3D4E-1111-4F60-9B0C-1D2E3F4A5B6C"

/** The hotel's export (a charge of 1160.00 + 232.00) and both CFDIs, in a fresh temp folder. */
const setupHotel = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-group-"))
  const invoices = path.join(dir, "invoices")
  fs.mkdirSync(invoices)
  for (const [uuid, value] of [[ROOM, "1000.00"], [DINNER, "200.00"]] as const) {
    const spec = cfdiSpec(uuid, "HOTELES PRESIDENTE SA DE CV", "HPR010101AB1", value, "2026-01-15T12:00:00")
    fs.writeFileSync(path.join(invoices, `${uuid}.xml`), generateCfdi40(spec))
  }
  const transactionsFile = path.join(dir, "export.json")
  fs.writeFileSync(transactionsFile, JSON.stringify([wire("t-hotel", "HOTEL PRESIDENTE", "1392.00", "2026-01-15")]))
  const options = {
    from: "2026-01-01",
    to: "2026-01-31",
    invoiceDirs: [invoices],
    transactionsFile,
    outDir: path.join(dir, "out"),
    asOf: "2026-03-01"
  }
  return { dir, options }
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`a confirmed group link on ${backend.name}`, () => {
    it.effect("is pinned whole on the next run, with its posting unchanged", () => {
      const { dir, options } = setupHotel()
      return Effect.gen(function*() {
        const first = yield* reconcile(options)
        const [link] = (yield* loadRunResult(first.runId)).links
        assert.deepStrictEqual([link!.decision, link!.explanation.members.cfdis], ["AUTO_LINKED", [ROOM, DINNER]])
        assert.deepStrictEqual(first.summary.postings, { new: 1, skipped: 0, failed: 0 })
        yield* decideLink(link!.linkId, "CONFIRMED", "ana@example.com", "2026-02-02T10:00:00Z")

        const second = yield* reconcile(options)
        const again = yield* loadRunResult(second.runId)
        assert.deepStrictEqual(
          again.links.map((l) => [l.decision, l.transactionUuid, l.documentId, l.explanation.members.cfdis]),
          [["CONFIRMED", "t-hotel", ROOM, [ROOM, DINNER]]]
        )
        assert.match(again.links[0]!.explanation.text, /^Confirmed group SPLIT_INVOICES 1:2 by ana@example\.com/)
        assert.deepStrictEqual(second.summary.exceptions, {})
        assert.deepStrictEqual(second.summary.postings, { new: 0, skipped: 1, failed: 0 })
        const ledger = yield* Effect.flatMap(ReconStore, (store) => store.ledgerOfRun(first.runId))
        assert.deepStrictEqual(ledger.map((r) => [r.transactionUuid, r.state]), [["t-hotel", "verified"]])
      }).pipe(
        Effect.provide(Layer.merge(backend.fresh(), NodeContext.layer)),
        Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      )
    })
  })
}
