import { assert, describe, it } from "@effect/vitest"
import { normaliseName } from "../src/Normalisation.js"
import {
  corpusGenericTokens,
  isAbbreviation,
  jaroWinkler,
  makeTokenWeigher,
  nameKeys,
  nameSimilarity,
  softTokenEqual
} from "../src/Similarity.js"

const weigh = makeTokenWeigher({ genericWeight: 0.2, cityWeight: 0.15, noiseWeight: 0.05 })
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

describe("nameSimilarity of abbreviated card descriptors (22-character networks)", () => {
  const abbreviated: ReadonlyArray<readonly [descriptor: string, issuer: string]> = [
    ["ORBITEL CLOUD", "PLATAFORMAS DIGITALES ORBITEL MÉXICO"],
    ["ABTS LA ECONOMICA", "ABARROTES Y VÍVERES LA ECONÓMICA"],
    ["COMB NORESTE REGIO MX", "COMBUSTIBLES DEL NORESTE REGIO"],
    ["CLIP*TAQ EL FOGON", "TAQUERÍA EL FOGÓN DEL NORTE"],
    ["CAPACIT EMP PIRAMIDE", "CAPACITACIÓN EMPRESARIAL PIRÁMIDE"],
    ["EST SERV FRONTERA NTE", "ESTACIÓN DE SERVICIO FRONTERA NORTE"],
    ["LUMENIO IO SUBSCR", "SERVICIOS DE SOFTWARE LUMENIO"],
    ["AERO REG GOLFO", "AEROLÍNEAS REGIONALES DEL GOLFO"]
  ]

  it("scores descriptor abbreviations of the issuer name in the +3 band or higher", () => {
    for (const [descriptor, issuer] of abbreviated) assert.isAtLeast(sim(issuer, descriptor), 0.75, descriptor)
  })

  it("credits leftover abbreviations once a distinctive token is shared", () => {
    assert.isAtLeast(sim("AUTOBUSES RÁPIDOS DEL CENTRO", "AUTOBUSES RAP CENTRO"), 0.9)
    assert.isAtLeast(sim("TRANSPORTES EJECUTIVOS METROPOLITANOS", "TRANSP EJEC METRO"), 0.9)
    assert.isTrue(isAbbreviation("ABTS", "ABARROTES"))
    assert.isTrue(isAbbreviation("NORTE", "NTE"))
    assert.isTrue(isAbbreviation("COMB", "COMBUSTIBLES"))
    assert.isFalse(isAbbreviation("NTE", "ORIENTE"))
    assert.isFalse(isAbbreviation("NORTE", "NORESTE"))
    assert.isFalse(isAbbreviation("AB", "ABARROTES"))
    assert.isFalse(isAbbreviation("AB1", "AB1CDEFGH"))
  })

  it("keeps generic-only, different-brand and abbreviation-only pairs low", () => {
    assert.isAtMost(sim("GASOLINERA LA FRONTERA", "EST DE SERVICIO"), 0.4)
    assert.isBelow(sim("ESTACIÓN DE SERVICIO FRONTERA NORTE", "EST SERV LAS PALMAS"), 0.3)
    assert.isBelow(sim("RESTAURANTE EL PORTON", "REST LA CASA"), 0.3)
    assert.isBelow(sim("TAQUERÍA EL FOGÓN DEL NORTE", "TAQ LOS COMPADRES"), 0.3)
    assert.isBelow(sim("ABARROTES Y VÍVERES LA ECONÓMICA", "ABTS DON PEPE"), 0.3)
    assert.isAtMost(sim("COMBUSTIBLES DEL NORESTE REGIO", "COMB DEL NORTE"), 0.4)
    assert.isAtMost(sim("AEROLÍNEAS REGIONALES DEL GOLFO", "AERO MEXICO"), 0.4)
    assert.strictEqual(sim("SANBORNS HERMANOS SA", "TACOS SAN JUAN"), 0)
  })

  it("barely counts descriptor product noise", () => {
    assert.strictEqual(weigh("SUBSCR"), 0.05)
    assert.strictEqual(weigh("CLOUD"), 0.05)
    assert.isAtLeast(sim("DATANUBE SERVICIOS MÉXICO", "DATANUBE* SAAS"), 0.9)
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
    const tenant = makeTokenWeigher({ genericWeight: 0.2, cityWeight: 0.15, noiseWeight: 0.05, corpusGeneric: generic })
    assert.strictEqual(tenant("ACME"), 0.2)
  })

  it("keys names by distinctive prefixes and short joins", () => {
    assert.deepStrictEqual(nameKeys(["NUEVA", "WAL", "MART"], weigh), ["WAL", "WALM", "MART"])
    assert.deepStrictEqual(nameKeys(["WALMART", "SUPERCENTER"], weigh), ["WALM"])
    assert.deepStrictEqual(nameKeys(["GRUPO", "SERVICIOS"], weigh), [])
  })
})
