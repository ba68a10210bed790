import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Cfdi } from "../src/Cfdi.js"
import { readCfdi } from "../src/CfdiReader.js"
import { validateCfdi } from "../src/CfdiValidator.js"
import { FieldReader } from "../src/internal/FieldReader.js"
import { readPagos } from "../src/internal/readPagos.js"
import { readXmlRoot } from "../src/XmlDocument.js"

const fixtures = process.env["CLARA_RECON_FIXTURES"] ??
  fileURLToPath(new URL("../../../../shared/fixtures", import.meta.url))
const dir = join(fixtures, "cfdi")
const present = existsSync(dir)
if (!present) console.warn(`Pagos fixture tests skipped: ${dir} not found (set CLARA_RECON_FIXTURES)`)

const PPD_UUID = "c1df8d01-8436-4e7d-becf-20f31624280d"

/** A stamped P document: CFDI 4.0 + Pagos 2.0, or CFDI 3.3 + Pagos 1.0. */
const payment = (version: "3.3" | "4.0", pago = "") => {
  const [cfdiNs, pagosNs, p, pagosVersion] = version === "4.0"
    ? ["http://www.sat.gob.mx/cfd/4", "http://www.sat.gob.mx/Pagos20", "pago20", "2.0"]
    : ["http://www.sat.gob.mx/cfd/3", "http://www.sat.gob.mx/Pagos", "pago10", "1.0"]
  const docto = version === "4.0"
    ? `EquivalenciaDR="1" ObjetoImpDR="01"`
    : `TipoCambioDR="1" MetodoDePagoDR="PPD"`
  return `<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="${cfdiNs}" Version="${version}" Fecha="2026-02-01T10:00:00" SubTotal="0" Total="0"
 Moneda="XXX" TipoDeComprobante="P" LugarExpedicion="06600" Exportacion="01" Sello="c2VsbG8=" NoCertificado="1"
 Certificado="Y2VydA==">
  <cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
  <cfdi:Receptor Rfc="XIQB891116QE4" Nombre="BERENICE XIMO QUEZADA" UsoCFDI="CP01" DomicilioFiscalReceptor="06600"
   RegimenFiscalReceptor="612"/>
  <cfdi:Conceptos><cfdi:Concepto ClaveProdServ="84111506" Cantidad="1" ClaveUnidad="ACT" Descripcion="Pago"
   ValorUnitario="0" Importe="0" ObjetoImp="01"/></cfdi:Conceptos>
  <cfdi:Complemento>
    <${p}:Pagos xmlns:${p}="${pagosNs}" Version="${pagosVersion}">
      <${p}:Pago FechaPago="2026-01-31T12:00:00" FormaDePagoP="04" MonedaP="MXN" Monto="1160.00" ${pago}>
        <${p}:DoctoRelacionado IdDocumento="${PPD_UUID}" Serie="A" Folio="7" MonedaDR="MXN" NumParcialidad="1"
         ImpSaldoAnt="2320.00" ImpPagado="1160.00" ImpSaldoInsoluto="1160.00" ${docto}/>
      </${p}:Pago>
      <${p}:Pago FechaPago="2026-02-01T09:00:00" FormaDePagoP="03" MonedaP="USD" TipoCambioP="17.25" Monto="10.00">
        <${p}:DoctoRelacionado IdDocumento="${PPD_UUID}" MonedaDR="USD" NumParcialidad="2" ImpSaldoAnt="1160.00"
         ImpPagado="10.00" ImpSaldoInsoluto="1150.00" ${docto}/>
      </${p}:Pago>
    </${p}:Pagos>
    <tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1"
     UUID="0e9f8a7b-1111-4222-8333-444455556666" FechaTimbrado="2026-02-01T10:01:00"/>
  </cfdi:Complemento>
</cfdi:Comprobante>
`
}

const readOk = (xml: string): Cfdi => {
  const result = readCfdi(xml, { path: "pago.xml" })
  if (Either.isLeft(result)) assert.fail(result.left.message)
  return result.right
}

const fmt = (value: BigDecimal.BigDecimal | undefined) => (value === undefined ? undefined : BigDecimal.format(value))

/** Reads the Pagos complement of an (unstamped) fixture straight from its parsed tree. */
const pagosOfFixture = (name: string) => {
  const parsed = readXmlRoot(readFileSync(join(dir, name)), { maxBytes: 5 * 1024 * 1024 })
  if (Either.isLeft(parsed)) return assert.fail(parsed.left.message)
  const root = parsed.right
  const r = new FieldReader(name)
  const complements = root.children.filter((c) => c.name === "Complemento").flatMap((c) => c.children)
  const pagos = readPagos(r, complements)
  assert.isUndefined(r.error?.message)
  return pagos
}

describe("Pagos complement", () => {
  it("reads Pagos 2.0 on a CFDI 4.0 P document", () => {
    const cfdi = readOk(payment("4.0"))
    assert.strictEqual(cfdi.pagos?.version, "2.0")
    const [first, second] = cfdi.pagos?.pagos ?? []
    assert.strictEqual(first?.fechaPago, "2026-01-31T12:00:00")
    assert.strictEqual(first?.formaDePagoP, "04")
    assert.strictEqual(first?.monedaP, "MXN")
    assert.strictEqual(fmt(first?.monto), "1160")
    assert.isUndefined(first?.tipoCambioP)
    const docto = first?.doctosRelacionados[0]
    assert.strictEqual(docto?.idDocumento, PPD_UUID.toUpperCase())
    assert.strictEqual(docto?.monedaDR, "MXN")
    assert.strictEqual(docto?.numParcialidad, 1)
    assert.strictEqual(fmt(docto?.equivalenciaDR), "1")
    assert.deepStrictEqual([fmt(docto?.impSaldoAnt), fmt(docto?.impPagado), fmt(docto?.impSaldoInsoluto)], [
      "2320",
      "1160",
      "1160"
    ])
    assert.strictEqual(fmt(second?.tipoCambioP), "17.25")
    assert.strictEqual(second?.doctosRelacionados[0]?.numParcialidad, 2)
    assert.deepStrictEqual(validateCfdi(cfdi).errors, [])
  })

  it("reads Pagos 1.0 on a CFDI 3.3 P document", () => {
    const cfdi = readOk(payment("3.3"))
    assert.strictEqual(cfdi.pagos?.version, "1.0")
    const docto = cfdi.pagos?.pagos[0]?.doctosRelacionados[0]
    assert.strictEqual(fmt(docto?.tipoCambioDR), "1")
    assert.isUndefined(docto?.equivalenciaDR)
    assert.strictEqual(cfdi.pagos?.pagos.length, 2)
  })

  it("refuses a Pago without Monto or with a malformed NumParcialidad, naming the field", () => {
    const noMonto = readCfdi(payment("4.0").replace(` Monto="1160.00"`, ""), { path: "pago.xml" })
    assert.isTrue(Either.isLeft(noMonto))
    if (Either.isLeft(noMonto)) assert.strictEqual(noMonto.left.field, "Pago[1]@Monto")
    const parcialidad = readCfdi(payment("4.0").replace(`NumParcialidad="2"`, `NumParcialidad="dos"`), {
      path: "pago.xml"
    })
    if (Either.isRight(parcialidad)) assert.fail("expected InvalidValue")
    assert.strictEqual(parcialidad.left.reason, "InvalidValue")
    assert.strictEqual(parcialidad.left.field, "Pago[2]/DoctoRelacionado[1]@NumParcialidad")
  })

  it("keeps refusing an unstamped P document", () => {
    const unstamped = payment("4.0").replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, "")
    const result = readCfdi(unstamped, { path: "pago.xml" })
    if (Either.isRight(result)) assert.fail("expected MissingTimbre")
    assert.strictEqual(result.left.reason, "MissingTimbre")
  })

  it.skipIf(!present)("reads the Pagos 2.0 fixture cfdv40-pagos20-min.xml", () => {
    const pagos = pagosOfFixture("cfdv40-pagos20-min.xml")
    assert.strictEqual(pagos?.version, "2.0")
    assert.strictEqual(pagos?.pagos.length, 1)
    const pago = pagos?.pagos[0]
    assert.deepStrictEqual([pago?.fechaPago, pago?.formaDePagoP, pago?.monedaP, fmt(pago?.monto)], [
      "2021-12-03T12:37:13",
      "03",
      "MXN",
      "6066.66"
    ])
    const docto = pago?.doctosRelacionados[0]
    assert.strictEqual(docto?.idDocumento, "C1DF8D01-8436-4E7D-BECF-20F31624280D")
    assert.strictEqual(docto?.numParcialidad, 2)
    assert.deepStrictEqual([fmt(docto?.impSaldoAnt), fmt(docto?.impPagado), fmt(docto?.impSaldoInsoluto)], [
      "6066.66",
      "1",
      "0"
    ])
  })

  it.skipIf(!present)("reads the Pagos 1.0 fixture cfdv33-pagos10.xml", () => {
    const pagos = pagosOfFixture("cfdv33-pagos10.xml")
    assert.strictEqual(pagos?.version, "1.0")
    const pago = pagos?.pagos[0]
    assert.deepStrictEqual([pago?.monedaP, fmt(pago?.monto), fmt(pago?.tipoCambioP), pago?.formaDePagoP], [
      "ZWL",
      "10.123",
      "0.001",
      "99"
    ])
    const docto = pago?.doctosRelacionados[0]
    assert.strictEqual(docto?.idDocumento, "DEADBEEF-CAFE-BABE-1234-123456789012")
    assert.strictEqual(docto?.numParcialidad, 109)
    assert.strictEqual(fmt(docto?.tipoCambioDR), "0.000001")
    assert.deepStrictEqual([fmt(docto?.impSaldoAnt), fmt(docto?.impPagado), fmt(docto?.impSaldoInsoluto)], [
      "1.789",
      "1.234",
      "0.456"
    ])
  })
})
