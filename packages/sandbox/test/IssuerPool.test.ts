import { readCfdi } from "@clara-recon/cfdi"
import { assert, describe, it } from "@effect/vitest"
import { chargesPerMerchant, issuerPool } from "../src/internal/IssuerPool.js"
import { issuers } from "../src/internal/Issuers.js"
import { withCheckDigit } from "../src/internal/Rfc.js"
import { generateScenario } from "../src/ScenarioGenerator.js"

describe("issuerPool", () => {
  it("is the catalogue alone up to 40 x chargesPerMerchant charges, in catalogue order", () => {
    assert.deepStrictEqual(issuerPool(60).all, issuers)
    assert.deepStrictEqual(issuerPool(issuers.length * chargesPerMerchant).all, issuers)
  })

  it("grows to one merchant per chargesPerMerchant charges, each with its own brand, descriptor and valid RFC", () => {
    const pool = issuerPool(100_000)
    assert.lengthOf(pool.all, 100_000 / chargesPerMerchant)
    assert.deepStrictEqual(pool.all.slice(0, issuers.length), issuers)
    assert.strictEqual(new Set(pool.all.map((i) => i.rfc)).size, pool.all.length)
    assert.strictEqual(new Set(pool.all.map((i) => i.descriptor)).size, pool.all.length)
    assert.strictEqual(new Set(pool.all.map((i) => i.name)).size, pool.all.length)
    for (const issuer of pool.all) {
      assert.match(issuer.rfc, /^[A-ZÑ&]{3}\d{6}[A-Z0-9]{3}$/, issuer.rfc)
      assert.strictEqual(withCheckDigit(issuer.rfc.slice(0, 11)), issuer.rfc)
      assert.isAtMost(issuer.descriptor.length, 22, issuer.descriptor)
    }
    assert.isTrue(pool.tipped.every((i) => i.tips && i.currency === "MXN"))
    assert.isTrue(pool.usd.length > 3 && pool.usd.every((i) => i.currency === "USD"))
    // The same pool whatever scenario asks for it.
    assert.deepStrictEqual(issuerPool(100_000).all.map((i) => i.rfc), pool.all.map((i) => i.rfc))
  })

  it("spreads a large scenario's invoices over the grown pool, and every invoice still reads", () => {
    const scenario = generateScenario({ seed: 7, size: 3_000 })
    const rfcs = new Set<string>()
    for (const file of scenario.folderCfdis) {
      const read = readCfdi(file.bytes!, { path: file.name })
      assert.isTrue(read._tag === "Right", file.name)
      if (read._tag === "Right") rfcs.add(read.right.emisor.rfc)
    }
    assert.isAbove(rfcs.size, issuers.length)
  })
})
