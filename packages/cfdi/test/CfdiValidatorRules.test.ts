import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import type { Cfdi } from "../src/Cfdi.js"
import { generateCfdi40 } from "../src/CfdiGenerator.js"
import { readCfdi } from "../src/CfdiReader.js"
import type { CfdiSpec } from "../src/CfdiSpec.js"
import type { CfdiFindingCode } from "../src/CfdiValidator.js"
import { validateCfdi } from "../src/CfdiValidator.js"

const d = (s: string) => BigDecimal.unsafeFromString(s)

// SubTotal 1000.00, IVA 160.00, Total 1160.00
const spec: CfdiSpec = {
  uuid: "3c2b1a00-9a3d-4e5f-8a6b-0c1d2e3f4a5b",
  fecha: "2026-05-10T18:00:00",
  moneda: "MXN",
  formaPago: "04",
  metodoPago: "PUE",
  tipoDeComprobante: "I",
  lugarExpedicion: "44100",
  emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscal: "601" },
  receptor: {
    rfc: "XIQB891116QE4",
    nombre: "BERENICE XIMO QUEZADA",
    usoCfdi: "G03",
    domicilioFiscalReceptor: "44100",
    regimenFiscalReceptor: "612"
  },
  conceptos: [
    { claveProdServ: "43211503", descripcion: "Laptop", cantidad: d("2"), valorUnitario: d("500.00"), iva: "16" }
  ]
}

const errorsOf = (tamper: (xml: string) => string): Array<CfdiFindingCode> => {
  const read = readCfdi(tamper(generateCfdi40(spec)), { path: "rules.xml" })
  if (Either.isLeft(read)) return assert.fail(read.left.message)
  return validateCfdi(read.right).errors.map((e) => e.code)
}

const fieldsOf = (tamper: (xml: string) => string): Array<string> => {
  const read = readCfdi(tamper(generateCfdi40(spec)), { path: "rules.xml" })
  if (Either.isLeft(read)) return assert.fail(read.left.message)
  return validateCfdi(read.right).errors.map((e) => `${e.code} ${e.field}`)
}

const cfdiOf = (tamper: (xml: string) => string = (x) => x): Cfdi =>
  Either.getOrThrow(readCfdi(tamper(generateCfdi40(spec)), { path: "rules.xml" }))

describe("validateCfdi structural rules", () => {
  it("starts from a clean document", () => {
    assert.deepStrictEqual(errorsOf((x) => x), [])
  })

  it("requires the per-version attributes the reader does not refuse for", () => {
    assert.deepStrictEqual(fieldsOf((x) => x.replace(` Exportacion="01"`, "").replace(` ObjetoImp="02"`, "")), [
      "REQUIRED_ATTRIBUTE Comprobante@Exportacion",
      "REQUIRED_ATTRIBUTE Concepto[1]@ObjetoImp"
    ])
    assert.deepStrictEqual(fieldsOf((x) => x.replace(` DomicilioFiscalReceptor="44100"`, "")), [
      "REQUIRED_ATTRIBUTE Receptor@DomicilioFiscalReceptor"
    ])
  })

  it("requires Sello / NoCertificado / Certificado and TFD 1.1", () => {
    assert.deepStrictEqual(errorsOf((x) => x.replace(/ Sello="[^"]*"/, "")), ["SELLO_MISSING"])
    assert.deepStrictEqual(errorsOf((x) => x.replace(`Version="1.1"`, `Version="1.0"`)), ["TFD_VERSION"])
    const tfd10 = cfdiOf((x) => x.replace(`Version="1.1"`, `version="1.0"`))
    assert.strictEqual(tfd10.timbre.version, "1.0")
  })

  it("checks discounts against SubTotal and Importe", () => {
    const codes = errorsOf((x) =>
      x.replace(`Importe="1000.00" ObjetoImp`, `Importe="1000.00" Descuento="1200.00" ObjetoImp`)
        .replace(`SubTotal="1000.00"`, `SubTotal="1000.00" Descuento="1200.00"`)
    )
    assert.includeMembers(codes, ["DESCUENTO_EXCEEDS_SUBTOTAL", "CONCEPTO_DESCUENTO_EXCEEDS_IMPORTE"])
  })

  it("checks Importe against Cantidad x ValorUnitario with SAT's window", () => {
    // Cantidad 2.000000 x ValorUnitario 500.02: window [1000.02, 1000.05], so Importe 1000.00 is outside
    const precise = (x: string) => x.replace(`Cantidad="2"`, `Cantidad="2.000000"`)
    assert.deepStrictEqual(fieldsOf((x) => precise(x).replace(`ValorUnitario="500.00"`, `ValorUnitario="500.02"`)), [
      "CONCEPTO_IMPORTE Concepto[1]@Importe"
    ])
    // an integer Cantidad widens the window by half a unit of quantity (SAT's formula): 2 x 500.01 is accepted
    assert.deepStrictEqual(errorsOf((x) => x.replace(`ValorUnitario="500.00"`, `ValorUnitario="500.01"`)), [])
  })

  it("refuses TasaOCuota or Importe on an Exento line", () => {
    const exento = (x: string) =>
      x.replace(
        `TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos></cfdi:Concepto>`,
        `TipoFactor="Exento" Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos></cfdi:Concepto>`
      )
    assert.include(errorsOf(exento), "CONCEPTO_EXENTO")
  })

  it("checks generic RFCs, foreign residence and InformacionGlobal", () => {
    assert.include(errorsOf((x) => x.replace(`Rfc="EKU9003173C9"`, `Rfc="XAXX010101000"`)), "EMISOR_RFC_GENERIC")
    assert.deepStrictEqual(errorsOf((x) => x.replace(`UsoCFDI="G03"`, `UsoCFDI="G03" ResidenciaFiscal="USA"`)), [
      "RESIDENCIA_FISCAL_NOT_FOREIGN"
    ])
    assert.deepStrictEqual(
      errorsOf((x) =>
        x.replace(`Rfc="XIQB891116QE4"`, `Rfc="XEXX010101000"`)
          .replace(`UsoCFDI="G03"`, `UsoCFDI="S01" ResidenciaFiscal="USA"`)
      ),
      []
    )
    const publico = (x: string) =>
      x.replace(`Rfc="XIQB891116QE4" Nombre="BERENICE XIMO QUEZADA"`, `Rfc="XAXX010101000" Nombre="PUBLICO EN GENERAL"`)
    assert.deepStrictEqual(errorsOf(publico), ["INFORMACION_GLOBAL"])
    const global = `<cfdi:InformacionGlobal Periodicidad="04" Meses="05" Año="2026"/>`
    const withGlobal = (x: string) => x.replace("<cfdi:Emisor", `${global}<cfdi:Emisor`)
    assert.deepStrictEqual(errorsOf((x) => withGlobal(publico(x))), [])
    assert.deepStrictEqual(cfdiOf((x) => withGlobal(publico(x))).informacionGlobal, {
      periodicidad: "04",
      meses: "05",
      anio: "2026"
    })
    assert.deepStrictEqual(errorsOf(withGlobal), ["INFORMACION_GLOBAL"])
  })

  it("applies the T and N rules", () => {
    assert.include(errorsOf((x) => x.replace(`TipoDeComprobante="I"`, `TipoDeComprobante="T"`)), "T_AMOUNTS_ZERO")
    const payroll = (x: string) =>
      x.replace(`TipoDeComprobante="I"`, `TipoDeComprobante="N"`)
        .replace(`Moneda="MXN"`, `Moneda="USD" TipoCambio="17"`)
    assert.deepStrictEqual(errorsOf(payroll), ["N_MONEDA_MXN"])
  })
})
