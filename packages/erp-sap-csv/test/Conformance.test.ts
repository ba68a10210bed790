import { conformanceCheckNames, conformanceChecks } from "@clara-recon/erp"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { layoutById, layoutIds } from "../src/Layouts.js"
import * as SapCsvAdapter from "../src/SapCsvAdapter.js"
import { fxPosting, mxnPosting } from "./support/Postings.js"

describe("SapCsvAdapter conformance", () => {
  for (const id of layoutIds) {
    it.effect(`passes every check of the ERP conformance kit with layout ${id}`, () =>
      Effect.gen(function*() {
        const layout = yield* layoutById(id)
        const config = { tenant: "acme", layout: id }
        const adapter = SapCsvAdapter.make({ tenant: config.tenant, layout })
        const checks = conformanceChecks(adapter, { documents: [mxnPosting(), fxPosting()], config })
        assert.deepStrictEqual(checks.map((c) => c.name), [...conformanceCheckNames])
        for (const check of checks) {
          const result = yield* Effect.either(check.run)
          assert.isTrue(Either.isRight(result), Either.isLeft(result) ? result.left.message : "")
        }
      }))
  }
})
