import { assert, describe, it } from "@effect/vitest"
import { normaliseName } from "../src/Normalisation.js"
import {
  corpusGenericTokens,
  jaroWinkler,
  makeTokenWeigher,
  nameKeys,
  nameSimilarity,
  softTokenEqual
} from "../src/Similarity.js"

const weigh = makeTokenWeigher({ genericWeight: 0.2, cityWeight: 0.15 })
const sim = (issuer: string, descriptor: string) =>
  nameSimilarity(normaliseName(issuer), normaliseName(descriptor), weigh)

describe("jaroWinkler", () => {
  it("matches the textbook values", () => {
    assert.closeTo(jaroWinkler("MARTHA", "MARHTA"), 0.961, 0.001)
    assert.closeTo(jaroWinkler("DWAYNE", "DUANE"), 0.84, 0.001)
    assert.closeTo(jaroWinkler("DIXON", "DICKSONX"), 0.813, 0.001)
    assert.strictEqual(jaroWinkler("ABC", "ABC"), 1)
    assert.strictEqual(jaroWinkler("ABC", "XYZ"), 0)
    assert.strictEqual(jaroWinkler("", "ABC"), 0)
  })

  it("equates tokens by identity, 5-character prefix or Jaro-Winkler >= 0.92", () => {
    assert.isTrue(softTokenEqual("TECHNOLOG", "TECHNOLOGIES"))
    assert.isTrue(softTokenEqual("GASOLINEROS", "GASOLINERA"))
    assert.isFalse(softTokenEqual("TOKS", "TOKO"))
    assert.isFalse(softTokenEqual("WAL", "WALMART"))
    assert.isFalse(softTokenEqual("ODOO", "OXXO"))
  })
})

describe("nameSimilarity (matching.md §4.5 pairs)", () => {
  it("scores the true brand / legal-name pairs high", () => {
    assert.isAtLeast(sim("DISTRIBUIDORA PREZ SA DE CV", "DISTRIB CRISTAL PREZ MX"), 0.9)
    assert.closeTo(sim("DISTRIBUIDORA PREZ SA DE CV", "DISTRIB CRISTAL PREZ MX"), 0.96, 0.01)
    assert.strictEqual(sim("GRUPO GASOLINERO BERISA S.A. DE C.V.", "GO GASOLINERO BERISA MX"), 1)
    assert.strictEqual(sim("FINKOK SA DE CV", "STR*WWW FINKOK COM MX"), 1)
    assert.isAtLeast(sim("Operadora de Servicios Mega S.A.P.I. de C.V.", "MEGA SERVICIOS"), 0.95)
    assert.isAtLeast(sim("ODOO TECHNOLOGIES SA DE CV", "STRIPE *ODOO TECHNOLOG MX"), 0.9)
    assert.isAtLeast(sim("CADENA COMERCIAL OXXO SA DE CV", "OXXO SUC 1234 MONTERREY"), 0.83)
    assert.isAtLeast(sim("NUEVA WAL MART DE MEXICO S DE RL DE CV", "WALMART SUPERCENTER 2345"), 0.83)
  })

  it("caps pairs that share only generic words, and scores unrelated names 0", () => {
    assert.isAtMost(sim("GRUPO GASOLINERO BERISA S.A. DE C.V.", "GASOL GRUPO Q L MX"), 0.4)
    assert.closeTo(sim("GRUPO GASOLINERO BERISA S.A. DE C.V.", "GASOL GRUPO Q L MX"), 0.29, 0.01)
    assert.isAtMost(sim("SERVICIOS GASOLINEROS DE MEXICO SA DE CV", "GASOLINERA SERVICIO LOS PINOS"), 0.4)
    assert.strictEqual(sim("RESTAURANTES TOKS SA DE CV", "SANBORNS HERMANOS SA"), 0)
  })

  it("is symmetric and handles empty names", () => {
    const a = normaliseName("NUEVA WAL MART DE MEXICO")
    const b = normaliseName("WALMART SUPERCENTER")
    assert.strictEqual(nameSimilarity(a, b, weigh), nameSimilarity(b, a, weigh))
    assert.strictEqual(nameSimilarity([], b, weigh), 0)
  })
})

describe("token weights and blocking keys", () => {
  it("down-weights generic words, their prefixes, cities and corpus-frequent tokens", () => {
    assert.strictEqual(weigh("GRUPO"), 0.2)
    assert.strictEqual(weigh("TECHNOLOG"), 0.2)
    assert.strictEqual(weigh("MONTERREY"), 0.15)
    assert.strictEqual(weigh("BERISA"), 1)
    const names = Array.from({ length: 30 }, (_, i) => ["ACME", `BRAND${i}`])
    const generic = corpusGenericTokens(names, 20, 50)
    assert.isTrue(generic.has("ACME"))
    assert.isFalse(generic.has("BRAND1"))
    assert.strictEqual(makeTokenWeigher({ genericWeight: 0.2, cityWeight: 0.15, corpusGeneric: generic })("ACME"), 0.2)
  })

  it("keys names by distinctive prefixes and short joins", () => {
    assert.deepStrictEqual(nameKeys(["NUEVA", "WAL", "MART"], weigh), ["WAL", "WALM", "MART"])
    assert.deepStrictEqual(nameKeys(["WALMART", "SUPERCENTER"], weigh), ["WALM"])
    assert.deepStrictEqual(nameKeys(["GRUPO", "SERVICIOS"], weigh), [])
  })
})
