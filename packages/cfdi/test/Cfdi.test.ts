import { DocumentSource } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import { toFiscalDocument } from "../src/CfdiToDomain.js"
import { generateCfdi40 } from "../src/CfdiGenerator.js"
import { sha256Hex } from "@clara-recon/domain"
import { readCfdi } from "../src/CfdiReader.js"
import { validateCfdi } from "../src/CfdiValidator.js"

const d = (s: string) => BigDecimal.unsafeFromString(s)

const xml = generateCfdi40({
  uuid: "9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
  serie: "NC",
  folio: "77",
  fecha: "2026-05-31T23:59:59",
  moneda: "USD",
  tipoCambio: d("17.10"),
  formaPago: "04",
  metodoPago: "PUE",
  tipoDeComprobante: "E",
  lugarExpedicion: "22000",
  emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscal: "601" },
  receptor: {
    rfc: "XIQB891116QE4",
    nombre: "BERENICE XIMO QUEZADA",
    usoCfdi: "G02",
    domicilioFiscalReceptor: "22000",
    regimenFiscalReceptor: "612"
  },
  conceptos: [
    { claveProdServ: "78111800", descripcion: "Reembolso", cantidad: d("1"), valorUnitario: d("50.00"), iva: "8" },
    { claveProdServ: "01010101", descripcion: "Cargo", cantidad: d("1"), valorUnitario: d("10.00"), iva: "exento" }
  ],
  cfdiRelacionados: { tipoRelacion: "01", uuids: ["11111111-2222-4333-8444-555555555555"] }
})

/** A document's IVA by rate as `[rate or Exento, base, amount]`. */
const ratesOf = (doc: ReturnType<typeof toFiscalDocument>) =>
  doc.taxes.ivaByRate?.map((r) => [
    r.rate === undefined ? "Exento" : BigDecimal.format(r.rate),
    BigDecimal.format(r.base),
    BigDecimal.format(r.amount)
  ])

describe("toFiscalDocument", () => {
  it("maps a read CFDI to the domain FiscalDocument", () => {
    const read = readCfdi(xml, { path: "nc-77.xml" })
    if (Either.isLeft(read)) assert.fail(read.left.message)
    const source = new DocumentSource({ kind: "file", location: "nc-77.xml", sha256: sha256Hex(xml) })
    const doc = toFiscalDocument(read.right, source)
    assert.strictEqual(doc.id, "9C8B7A6D-5E4F-4A3B-9C2D-1E0F9A8B7C6D")
    assert.strictEqual(doc.fiscalUuid, doc.id)
    assert.strictEqual(doc.kind, "CFDI")
    assert.strictEqual(doc.country, "MX")
    assert.strictEqual(doc.version, "4.0")
    assert.strictEqual(doc.tipoDeComprobante, "E")
    assert.strictEqual(doc.issueDate, "2026-05-31")
    assert.strictEqual(doc.issuedAt, "2026-05-31T23:59:59")
    assert.strictEqual(doc.serie, "NC")
    assert.strictEqual(doc.folio, "77")
    assert.strictEqual(doc.issuer.taxId, "EKU9003173C9")
    assert.strictEqual(doc.receiver.name, "BERENICE XIMO QUEZADA")
    assert.strictEqual(doc.currency, "USD")
    assert.strictEqual(BigDecimal.format(doc.exchangeRate!), "17.1")
    assert.strictEqual(BigDecimal.format(doc.subTotal!), "60")
    assert.isUndefined(doc.discount)
    assert.strictEqual(BigDecimal.format(doc.total), "64")
    assert.strictEqual(BigDecimal.format(doc.taxes.ivaTransferred!), "4")
    assert.isUndefined(doc.taxes.iepsTransferred)
    assert.isUndefined(doc.taxes.localNet)
    // the concepts mix 8 % and exempt: the IVA by rate, highest first, exempt last
    assert.deepStrictEqual(
      ratesOf(doc),
      [["0.08", "50", "4"], ["Exento", "10", "0"]]
    )
    assert.deepStrictEqual(
      [doc.metodoPago, doc.formaPago, doc.usoCfdi, doc.claveProdServ],
      ["PUE", "04", "G02", "78111800"]
    )
    // two product codes: the amounts by code, for the expense accounts
    assert.deepStrictEqual(doc.conceptAmounts?.map((c) => [c.claveProdServ, BigDecimal.format(c.amount)]), [
      ["78111800", "50"],
      ["01010101", "10"]
    ])
    assert.deepStrictEqual(doc.relations.map((r) => [r.tipoRelacion, r.uuids]), [
      ["01", ["11111111-2222-4333-8444-555555555555"]]
    ])
    assert.deepStrictEqual(doc.claraTransactionUuids, [])
    assert.deepStrictEqual(doc.sources, [source])
  })

  it("books a concept not subject to IVA (ObjetoImp 01) with the exempt part, not inside the taxed rate's base", () => {
    // the 10.00 concept becomes an airport-fee-like charge outside IVA: no concept or document Traslado for it
    const untaxed = xml
      .replace(
        /(<cfdi:Concepto ClaveProdServ="01010101"[^>]*)ObjetoImp="02"><cfdi:Impuestos>.*?<\/cfdi:Impuestos>/,
        `$1ObjetoImp="01">`
      )
      .replace(/<cfdi:Traslado Base="10.00" Impuesto="002" TipoFactor="Exento"\/>/, "")
    assert.notInclude(untaxed, "Exento")
    const read = readCfdi(untaxed, { path: "x.xml" })
    if (Either.isLeft(read)) assert.fail(read.left.message)
    assert.deepStrictEqual(validateCfdi(read.right).errors, [])
    const doc = toFiscalDocument(read.right, new DocumentSource({ kind: "file", location: "x.xml" }))
    assert.deepStrictEqual(
      ratesOf(doc),
      [["0.08", "50", "4"], ["Exento", "10", "0"]]
    )
  })

  it("leaves out of the IVA by rate a rate that is not a number (the validator reports it), without failing", () => {
    const read = readCfdi(xml.replaceAll(`TasaOCuota="0.080000"`, `TasaOCuota="8 %"`), { path: "x.xml" })
    if (Either.isLeft(read)) assert.fail(read.left.message)
    const doc = toFiscalDocument(read.right, new DocumentSource({ kind: "file", location: "x.xml" }))
    assert.isUndefined(doc.taxes.ivaByRate, "one readable rate left (Exento): nothing to split")
  })

  it("nets implocal taxes into localNet and keeps what was withheld apart (localWithheld)", () => {
    const implocal = `<implocal:ImpuestosLocales xmlns:implocal="http://www.sat.gob.mx/implocal" version="1.0"
      TotaldeRetenciones="1.50" TotaldeTraslados="5.00"/>`
    const read = readCfdi(xml.replace("<cfdi:Complemento>", `<cfdi:Complemento>${implocal}`), { path: "x.xml" })
    if (Either.isLeft(read)) assert.fail(read.left.message)
    const doc = toFiscalDocument(read.right, new DocumentSource({ kind: "file", location: "x.xml" }))
    assert.strictEqual(BigDecimal.format(doc.taxes.localNet!), "3.5")
    assert.strictEqual(BigDecimal.format(doc.taxes.localWithheld!), "1.5")
  })
})
