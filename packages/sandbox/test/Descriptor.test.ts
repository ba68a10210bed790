import { assert, describe, it } from "@effect/vitest"
import { descriptorOf, plainName } from "../src/internal/Descriptor.js"
import { issuers } from "../src/internal/Issuers.js"
import { Prng } from "@clara-recon/domain"

describe("Descriptor", () => {
  it("drops accents, punctuation and the legal form", () => {
    assert.strictEqual(plainName("Cafetería Altura, S.A. de C.V."), "CAFETERIA ALTURA")
    assert.strictEqual(plainName("Datanube Servicios México S. de R.L. de C.V."), "DATANUBE SERVICIOS MEXICO")
    assert.strictEqual(plainName("GRUPO GASOLINERO BERISA SAPI DE CV"), "GRUPO GASOLINERO BERISA")
    assert.strictEqual(plainName("Capacitación Empresarial Pirámide S.C."), "CAPACITACION EMPRESARIAL PIRAMIDE")
  })

  it("abbreviates and cuts to 22 characters, leaving no 1-2 letter stub, sometimes behind a prefix", () => {
    const prng = new Prng(1)
    const full = "DISTRIB INTL REFACCIONES SERVS AUTOMOTRICES"
    const prefixes = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const descriptor = descriptorOf(
        "Distribuidora Internacional de Refacciones y Servicios Automotrices S.A. de C.V.",
        prng
      )
      const [, prefix = "", body = ""] = /^(CLIP\*|MERPAGO\*|STR\*)?(.*)$/.exec(descriptor)!
      prefixes.add(prefix)
      assert.isAtMost(descriptor.length, 22)
      assert.isTrue(full.startsWith(body), body)
      assert.isAtLeast(body.split(" ").at(-1)!.length, 3, descriptor)
    }
    assert.sameMembers([...prefixes], ["", "CLIP*", "MERPAGO*", "STR*"])
    const plain = descriptorOf("Café Ñandú S.A. de C.V.", new Prng(0)).replace(/^\w+\*/, "").replace(/ MX$/, "")
    assert.strictEqual(plain, "CAFE NANDU")
  })

  it("is deterministic for a seed", () => {
    const names = issuers.map((i) => i.name)
    const run = (seed: number) => names.map((n) => descriptorOf(n, new Prng(seed)))
    assert.deepStrictEqual(run(4), run(4))
  })

  it("has a valid catalogue: 12-character RFCs with a check digit, descriptors of at most 22 characters", () => {
    assert.isAtLeast(issuers.length, 40)
    for (const issuer of issuers) {
      assert.match(issuer.rfc, /^[A-Z&Ñ]{3}\d{6}[A-Z0-9]{3}$/, issuer.name)
      assert.isAtMost(issuer.descriptor.length, 22, issuer.descriptor)
    }
    assert.strictEqual(new Set(issuers.map((i) => i.rfc)).size, issuers.length)
  })
})
