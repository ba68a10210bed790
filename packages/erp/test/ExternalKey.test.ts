import { assert, describe, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { externalKey, externalKeyPattern } from "../src/ExternalKey.js"

describe("externalKey", () => {
  it("is stable: a pinned value, and the same key for the same inputs", () => {
    const key = externalKey("acme", "7f3c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b", 1)
    assert.strictEqual(key, "rcn_4546460ee1cd4f5517b03d7938d8f4e8")
    assert.strictEqual(externalKey("acme", " 7F3C1A2E-5B6D-4E8F-9A0B-1C2D3E4F5A6B ", 1), key)
  })

  it("changes with the tenant, the transaction and the version", () => {
    const keys = new Set([
      externalKey("acme", "tx-1", 1),
      externalKey("acme", "tx-1", 2),
      externalKey("globex", "tx-1", 1),
      externalKey("acme", "tx-2", 1)
    ])
    assert.strictEqual(keys.size, 4)
  })

  it("always fits [A-Za-z0-9_-]{1,40} (property, seeded)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string(), fc.integer({ min: 1, max: 1_000_000 }), (t, u, v) => {
        assert.match(externalKey(t, u, v), externalKeyPattern)
      }),
      { seed: 7, numRuns: 200 }
    )
  })
})
