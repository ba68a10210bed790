import { conformanceCheckNames, runConformance } from "@clara-recon/erp"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs/promises"
import { layoutById, layoutIds } from "../src/Layouts.js"
import * as SapCsvAdapter from "../src/SapCsvAdapter.js"
import { fxPosting, mxnPosting } from "./support/Postings.js"
import { tempDirectory } from "./support/TempDirectory.js"

describe("SapCsvAdapter conformance", () => {
  for (const id of layoutIds) {
    for (const ledger of ["in-memory ledger", "output directory"] as const) {
      it.scoped(`passes every check of the ERP conformance kit with layout ${id} and an ${ledger}`, () =>
        Effect.gen(function*() {
          const layout = yield* layoutById(id)
          const dir = yield* tempDirectory("sap-csv-conformance-")
          const config = { tenant: "acme", layout: id, ...(ledger === "output directory" ? { outputDirectory: dir } : {}) }
          const adapter = SapCsvAdapter.make({ ...config, layout })
          const report = yield* runConformance(adapter, { documents: [mxnPosting(), fxPosting()], config })
          assert.deepStrictEqual(report.results.map((r) => r.name), [...conformanceCheckNames])
          assert.deepStrictEqual(report.failures, [])
          const written = yield* Effect.promise(() => fs.readdir(dir))
          assert.strictEqual(written.some((name) => name.endsWith(".manifest.json")), ledger === "output directory")
        }))
    }
  }
})
