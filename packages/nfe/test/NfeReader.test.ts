import { assert, describe, it } from "@effect/vitest"
import { DocumentSource } from "@clara-recon/domain"
import { BigDecimal, Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Nfe } from "../src/Nfe.js"
import { toFiscalDocument } from "../src/Nfe.js"
import type { NfeReadError, NfeReadReason } from "../src/NfeError.js"
import { isValidChave, readNfe } from "../src/NfeReader.js"
import { chaveCheckDigit } from "../src/internal/chave.js"

const fixtures = process.env["CLARA_RECON_FIXTURES"] ??
  fileURLToPath(new URL("../../../../shared/fixtures", import.meta.url))
const dir = join(fixtures, "nfe")
const present = existsSync(dir)
if (!present) console.warn(`NF-e fixture tests skipped: ${dir} not found (set CLARA_RECON_FIXTURES)`)

const NS = "http://www.portalfiscal.inf.br/nfe"
// cUF 35, AAMM 2604, CNPJ 11222333000181, mod 55, série 001, nNF 000000123, tpEmis 1, cNF 12345678
const KEY43 = "3526041122233300018155001000000123112345678"
const CHAVE = `${KEY43}${chaveCheckDigit(KEY43)}`

/** A small NF-e 4.00 inside an nfeProc (or a bare NFe), with the given `ide` date and `emit` id elements. */
const nfe = (options: { id?: string; date?: string; emit?: string; vNF?: string; proc?: boolean } = {}) => {
  const doc = `<NFe xmlns="${NS}"><infNFe versao="4.00" Id="${options.id ?? `NFe${CHAVE}`}">
    <ide><cUF>35</cUF><mod>55</mod><serie>1</serie><nNF>123</nNF>${
    options.date ?? "<dhEmi>2026-04-10T18:00:00-03:00</dhEmi>"
  }<tpAmb>2</tpAmb></ide>
    <emit>${options.emit ?? "<CNPJ>11222333000181</CNPJ>"}<xName>ignored</xName><xNome>Loja &amp; Cia</xNome></emit>
    <dest><CPF>12345678909</CPF><xNome>Fulano</xNome></dest>
    <total><ICMSTot><vProd>100.00</vProd><vNF>${options.vNF ?? "123.45"}</vNF></ICMSTot></total>
  </infNFe></NFe>`
  return options.proc === false ? doc : `<?xml version="1.0" encoding="UTF-8"?>
<nfeProc xmlns="${NS}" versao="4.00">${doc}<protNFe versao="4.00"><infProt><tpAmb>2</tpAmb><chNFe>${CHAVE}</chNFe>
  <dhRecbto>2026-04-10T18:01:00-03:00</dhRecbto><nProt>135260000000001</nProt><cStat>100</cStat></infProt></protNFe>
</nfeProc>`
}

const readOk = (xml: string | Uint8Array): Nfe => {
  const result = readNfe(xml, { path: "in-test.xml" })
  if (Either.isLeft(result)) assert.fail(result.left.message)
  return result.right
}

const refusal = (xml: string, reason: NfeReadReason): NfeReadError => {
  const result = readNfe(xml, { path: "in-test.xml" })
  if (Either.isRight(result)) assert.fail(`expected ${reason}, read ${result.right.chave}`)
  assert.strictEqual(result.left.reason, reason, result.left.message)
  assert.include(result.left.message, "in-test.xml")
  return result.left
}

describe("readNfe", () => {
  it("reads an nfeProc: chave, parties, dhEmi, vNF, protocol", () => {
    const read = readOk(nfe())
    assert.strictEqual(read.chave, CHAVE)
    assert.strictEqual(read.versao, "4.00")
    assert.deepStrictEqual(read.emit, { cnpj: "11222333000181", xNome: "Loja & Cia" })
    assert.deepStrictEqual(read.dest, { cpf: "12345678909", xNome: "Fulano" })
    assert.strictEqual(read.emittedAt, "2026-04-10T18:00:00-03:00")
    assert.strictEqual(read.issueDate, "2026-04-10")
    assert.strictEqual(BigDecimal.format(read.vNF), "123.45")
    const protocolo = { cStat: "100", nProt: "135260000000001", dhRecbto: "2026-04-10T18:01:00-03:00" }
    assert.deepStrictEqual(read.protocolo, protocolo)
    assert.deepStrictEqual([read.modelo, read.serie, read.nNF, read.tpAmb], ["55", "1", "123", "2"])
  })

  it("reads a bare NFe, a 3.10 dEmi, a CPF issuer, a prefix-free Id and bytes with a BOM", () => {
    const bare = readOk(nfe({ proc: false }))
    assert.isUndefined(bare.protocolo)
    assert.strictEqual(readOk(nfe({ date: "<dEmi>2014-03-02</dEmi>" })).issueDate, "2014-03-02")
    assert.deepStrictEqual(readOk(nfe({ emit: "<CPF>12345678909</CPF>" })).emit.cpf, "12345678909")
    assert.strictEqual(readOk(nfe({ id: CHAVE })).chave, CHAVE)
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(nfe())])
    assert.strictEqual(readOk(bom).chave, CHAVE)
  })

  it("validates the chave: 44 digits and its mod-11 check digit", () => {
    assert.isTrue(isValidChave(CHAVE))
    const wrong = `${KEY43}${(chaveCheckDigit(KEY43) + 1) % 10}`
    assert.isFalse(isValidChave(wrong))
    assert.isFalse(isValidChave(KEY43))
    assert.strictEqual(refusal(nfe({ id: `NFe${wrong}` }), "InvalidChave").field, "infNFe@Id")
    refusal(nfe({ id: "NFe123" }), "InvalidChave")
    refusal(nfe({ id: "" }), "MissingField")
  })

  it("refuses non-NF-e, unsafe and incomplete files with a typed reason naming the field", () => {
    refusal(`<NFe><infNFe Id="NFe${CHAVE}"/></NFe>`, "NotNfe")
    refusal(`<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"/>`, "NotNfe")
    refusal(`<!DOCTYPE x [<!ENTITY a "b">]><x/>`, "Unsafe")
    refusal(`<nfeProc xmlns="${NS}"><NFe>`, "NotXml")
    assert.strictEqual(refusal(nfe({ vNF: "" }), "MissingField").field, "infNFe/total/ICMSTot/vNF")
    assert.strictEqual(refusal(nfe({ vNF: "12,50" }), "InvalidValue").field, "infNFe/total/ICMSTot/vNF")
    assert.strictEqual(refusal(nfe({ emit: "" }), "MissingField").field, "infNFe/emit/CNPJ")
    assert.strictEqual(refusal(nfe({ emit: "<CNPJ>123</CNPJ>" }), "InvalidValue").field, "infNFe/emit/CNPJ")
    assert.strictEqual(refusal(nfe({ date: "<dhEmi>10/04/2026</dhEmi>" }), "InvalidValue").field, "infNFe/ide/dhEmi")
  })

  it("maps to a FiscalDocument (NFE, BR, BRL, id = chave)", () => {
    const source = new DocumentSource({ kind: "file", location: "in-test.xml" })
    const doc = toFiscalDocument(readOk(nfe()), source)
    assert.strictEqual(doc.id, CHAVE)
    assert.strictEqual(doc.kind, "NFE")
    assert.strictEqual(doc.country, "BR")
    assert.strictEqual(doc.currency, "BRL")
    assert.strictEqual(doc.issueDate, "2026-04-10")
    assert.strictEqual(doc.issuer.taxId, "11222333000181")
    assert.strictEqual(doc.receiver.taxId, "12345678909")
    assert.strictEqual(doc.folio, "123")
    assert.strictEqual(BigDecimal.format(doc.total), "123.45")
    assert.deepStrictEqual(doc.sources, [source])
  })
})

/** Every file in fixtures/nfe: [chave, vNF, issuer CNPJ/CPF, protNFe cStat when there is a protocol]. */
const expected: Readonly<Record<string, ReadonlyArray<string>>> = {
  "35180834128745000152550010000474281920007498-nfe.xml": [
    "35180834128745000152550010000474281920007498",
    "347.28",
    "34128745000152",
    "100"
  ],
  "35180834128745000152550010000474491454651420-nfe.xml": [
    "35180834128745000152550010000474491454651420",
    "173.01",
    "34128745000152",
    "100"
  ],
  "35180834128745000152550010000476121675985748-nfe.xml": [
    "35180834128745000152550010000476121675985748",
    "9.06",
    "34128745000152",
    "100"
  ],
  "35180834128745000152550010000476861118934859-nfe.xml": [
    "35180834128745000152550010000476861118934859",
    "3251.92",
    "34128745000152",
    "100"
  ],
  "41170706117473000150550010000463202612756525-procNFe.xml": [
    "41170706117473000150550010000463202612756525",
    "84.9",
    "06117473000150",
    "100"
  ],
  "42210775277525000178550030000266631762885493-procNFe.xml": [
    "42210775277525000178550030000266631762885493",
    "95700.68",
    "75277525000178",
    "100"
  ],
  "42211275277525000178550030000276771368212013-procNFe.xml": [
    "42211275277525000178550030000276771368212013",
    "19606.03",
    "75277525000178",
    "100"
  ],
  "42220575277525000178550030000292481295366801-procNFe.xml": [
    "42220575277525000178550030000292481295366801",
    "64237.04",
    "75277525000178",
    "100"
  ],
  // Test-environment sample: Id without the NFe prefix, no protNFe.
  "NFe35200159594315000157550010000000012062777161.xml": [
    "35200159594315000157550010000000012062777161",
    "14",
    "59594315000157"
  ],
  // Tax-reform sample: the key embeds a CNPJ other than emit/CNPJ (not cross-checked).
  "nfe_reforma_tributaria.xml": ["15231207933914000154550010006643501427015088", "164746.81", "00127786000102", "100"]
}

describe("NF-e fixture corpus", () => {
  it.skipIf(!present)("reads every file with its chave, vNF, issuer and protocol", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".xml")).sort()
    assert.deepStrictEqual(files, Object.keys(expected).sort(), "fixtures/nfe changed: update the table")
    for (const name of files) {
      const result = readNfe(readFileSync(join(dir, name)), { path: name })
      if (Either.isLeft(result)) assert.fail(result.left.message)
      const read = result.right
      const cStat = read.protocolo?.cStat
      const issuer = read.emit.cnpj ?? read.emit.cpf ?? ""
      const actual: ReadonlyArray<string> = [read.chave, BigDecimal.format(read.vNF), issuer]
      assert.deepStrictEqual(cStat === undefined ? actual : [...actual, cStat], expected[name], name)
      assert.match(read.issueDate, /^\d{4}-\d{2}-\d{2}$/, name)
      const doc = toFiscalDocument(read, new DocumentSource({ kind: "file", location: name }))
      assert.deepStrictEqual([doc.id, doc.kind, doc.country, doc.issueDate], [read.chave, "NFE", "BR", read.issueDate])
      assert.isAbove(read.emit.xNome?.length ?? 0, 0, `${name}: emit/xNome`)
      assert.strictEqual(doc.issuer.taxId, issuer, name)
      assert.match(read.emittedAt, /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)?)?$/, `${name}: dhEmi`)
    }
  })
})
