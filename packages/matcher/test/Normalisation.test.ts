import { assert, describe, it } from "@effect/vitest"
import { descriptorKey, foldCase, normaliseName } from "../src/Normalisation.js"

const norm = (text: string) => normaliseName(text).join(" ")

describe("normaliseName (matching.md §7.2)", () => {
  it("folds accents and case", () => {
    assert.strictEqual(foldCase("Operadora Méx Ñandú"), "OPERADORA MEX NANDU")
  })

  it("strips Mexican legal forms in their written variants", () => {
    assert.strictEqual(norm("DISTRIBUIDORA PREZ SA DE CV"), "DISTRIBUIDORA PREZ")
    assert.strictEqual(norm("Grupo Gasolinero Berisa S.A. de C.V."), "GRUPO GASOLINERA BERISA")
    assert.strictEqual(norm("Operadora de Servicios Mega S.A.P.I. de C.V."), "OPERADORA SERVICIOS MEGA")
    assert.strictEqual(norm("NUEVA WAL MART DE MEXICO S DE RL DE CV"), "NUEVA WAL MART")
    assert.strictEqual(norm("Comercializadora S. de R.L. de C.V."), "COMERCIALIZADORA")
    assert.strictEqual(norm("Consultores Unidos, S. A. B. de C. V."), "CONSULTORES UNIDOS")
    assert.strictEqual(norm("Financiera Lumo SA de CV SOFOM ENR"), "FINANCIERA LUMO")
    assert.strictEqual(norm("Fundacion Alba A.C."), "FUNDACION ALBA")
  })

  it("strips card-rail noise: processor prefixes, domains, branch numbers, digit runs", () => {
    assert.strictEqual(norm("STR*WWW FINKOK COM MX"), "FINKOK")
    assert.strictEqual(norm("STRIPE *ODOO TECHNOLOG MX"), "ODOO TECHNOLOG")
    assert.strictEqual(norm("WWW.AMAZON.COM.MX"), "AMAZON")
    assert.strictEqual(norm("OXXO SUC 1234 MONTERREY"), "OXXO MONTERREY")
    assert.strictEqual(norm("PAYPAL *SPOTIFY 4029357733"), "SPOTIFY")
    assert.strictEqual(norm("AMZN MKTP MX"), "")
  })

  it("expands abbreviations, merges single letters and drops stopwords", () => {
    assert.strictEqual(norm("DISTRIB CRISTAL PREZ MX"), "DISTRIBUIDORA CRISTAL PREZ")
    assert.strictEqual(norm("GO GASOLINERO BERISA MX"), "GRUPO GASOLINERA BERISA")
    assert.strictEqual(norm("GASOL GRUPO Q L MX"), "GASOLINERA GRUPO QL")
    assert.strictEqual(norm("FARMACIAS DE LA CIUDAD Y EL CAMPO"), "FARMACIA CIUDAD CAMPO")
    assert.strictEqual(norm("EST SERV FRONTERA NTE"), "ESTACION SERVICIOS FRONTERA NORTE")
    assert.strictEqual(norm("CLIP*TAQ EL FOGON"), "TAQUERIA FOGON")
    assert.strictEqual(norm("ABTS LA ECONOMICA"), "ABARROTES ECONOMICA")
    assert.strictEqual(norm("COMB NORESTE REGIO MX"), "COMBUSTIBLES NORESTE REGIO")
  })

  it("gives the alias key of a descriptor", () => {
    assert.strictEqual(descriptorKey("GO GASOLINERO BERISA MX"), "GRUPO GASOLINERA BERISA")
    assert.strictEqual(descriptorKey(descriptorKey("GO GASOLINERO BERISA MX")), "GRUPO GASOLINERA BERISA")
    assert.deepStrictEqual(normaliseName("  "), [])
  })
})
