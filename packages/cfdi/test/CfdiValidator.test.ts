import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import type { Cfdi } from "../src/Cfdi.js"
import { generateCfdi40 } from "../src/CfdiGenerator.js"
import { readCfdi } from "../src/CfdiReader.js"
import type { CfdiSpec } from "../src/CfdiSpec.js"
import type { CfdiFindingCode } from "../src/CfdiValidator.js"
import { validateCfdi } from "../src/CfdiValidator.js"

const d = (s: string) => BigDecimal.unsafeFromString(s)

// SubTotal 1150.00 (1000.00 + 150.00), Descuento 50.00, IVA 160.00 + 16.00 = 176.00, Total 1276.00
const spec: CfdiSpec = {
  uuid: "7b1f0c2e-9a3d-4e5f-8a6b-0c1d2e3f4a5b",
  fecha: "2026-04-10T18:00:00",
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
    { claveProdServ: "43211503", descripcion: "Laptop", cantidad: d("1"), valorUnitario: d("1000.00"), iva: "16" },
    {
      claveProdServ: "43211708",
      descripcion: "Mouse",
      cantidad: d("1"),
      valorUnitario: d("150.00"),
      descuento: d("50.00"),
      iva: "16"
    }
  ]
}

const readTampered = (tamper: (xml: string) => string): Cfdi => {
  const read = readCfdi(tamper(generateCfdi40(spec)), { path: "tampered.xml" })
  if (Either.isLeft(read)) assert.fail(read.left.message)
  return read.right
}

/** The same document as a CFDI 3.3 (3.3 namespace and Version; the 4.0-only attributes do no harm). */
const as33 = (xml: string) =>
  xml.replaceAll("http://www.sat.gob.mx/cfd/4", "http://www.sat.gob.mx/cfd/3").replace(`Version="4.0"`, `Version="3.3"`)

const codes = (findings: ReadonlyArray<{ readonly code: CfdiFindingCode }>) => findings.map((f) => f.code)

describe("validateCfdi", () => {
  it("accepts consistent amounts", () => {
    const result = validateCfdi(readTampered((x) => x))
    assert.deepStrictEqual(result, { errors: [], warnings: [] })
  })

  it("flags a Total off by more than one cent, naming file and field", () => {
    const result = validateCfdi(readTampered((x) => x.replace(`Total="1276.00"`, `Total="1276.02"`)))
    assert.deepStrictEqual(codes(result.errors), ["TOTAL_FORMULA"])
    const [finding] = result.errors
    assert.strictEqual(finding?.path, "tampered.xml")
    assert.strictEqual(finding?.field, "Comprobante@Total")
    assert.include(finding?.message ?? "", "tampered.xml: Comprobante@Total: 1276.02")
    assert.include(finding?.message ?? "", "1276.00")
  })

  it("4.0 wants Total exactly; 3.3 tolerates one cent (rounding)", () => {
    const offByOne = (x: string) => x.replace(`Total="1276.00"`, `Total="1276.01"`)
    assert.deepStrictEqual(codes(validateCfdi(readTampered(offByOne)).errors), ["TOTAL_FORMULA"])
    assert.deepStrictEqual(validateCfdi(readTampered((x) => as33(offByOne(x)))).errors, [])
    const offByTwo = (x: string) => as33(x.replace(`Total="1276.00"`, `Total="1276.02"`))
    assert.deepStrictEqual(codes(validateCfdi(readTampered(offByTwo)).errors), ["TOTAL_FORMULA"])
  })

  it("flags SubTotal and Descuento that do not match the concepts", () => {
    const subTotal = validateCfdi(readTampered((x) =>
      x.replace(`SubTotal="1150.00"`, `SubTotal="1160.00"`).replace(`Total="1276.00"`, `Total="1286.00"`)
    ))
    assert.deepStrictEqual(codes(subTotal.errors), ["SUBTOTAL_SUM"])
    const descuento = validateCfdi(readTampered((x) =>
      x.replace(`Descuento="50.00" Moneda`, `Descuento="40.00" Moneda`).replace(`Total="1276.00"`, `Total="1286.00"`)
    ))
    assert.deepStrictEqual(codes(descuento.errors), ["DESCUENTO_SUM"])
  })

  it("3.3 allows half a cent per summed line; 4.0 wants the sum rounded to the currency's decimals", () => {
    const lines = (n: number, importe: string) =>
      Array.from({ length: n }, () => ({
        importe: d(importe),
        cantidad: d("1"),
        valorUnitario: d(importe),
        claveProdServ: "1",
        descripcion: "x",
        traslados: [],
        retenciones: []
      }))
    const cfdi = readTampered((x) => x)
    const conceptos = lines(3, "10.004") as unknown as Cfdi["conceptos"]
    const three = { ...cfdi, version: "3.3" as const, subTotal: d("30.01"), conceptos }
    // sum 30.012, declared 30.01: within max(0.01, 3 x 0.005)
    assert.notInclude(codes(validateCfdi(three).errors), "SUBTOTAL_SUM")
    const off = { ...three, subTotal: d("30.03") }
    // |30.03 - 30.012| = 0.018 > 0.015
    assert.include(codes(validateCfdi(off).errors), "SUBTOTAL_SUM")
    // 4.0: 30.012 rounds to 30.01; 30.02 is not a rounding of it
    assert.notInclude(codes(validateCfdi({ ...three, version: "4.0" }).errors), "SUBTOTAL_SUM")
    assert.include(codes(validateCfdi({ ...three, version: "4.0", subTotal: d("30.02") }).errors), "SUBTOTAL_SUM")
  })

  it("flags tax totals that differ from their lines", () => {
    const result = validateCfdi(readTampered((x) =>
      x.replace(`TotalImpuestosTrasladados="176.00"`, `TotalImpuestosTrasladados="177.00"`)
    ))
    assert.deepStrictEqual(codes(result.errors), ["TRASLADOS_SUM", "TOTAL_FORMULA"])
  })

  it("counts implocal in the Total formula", () => {
    const implocal = `<implocal:ImpuestosLocales xmlns:implocal="http://www.sat.gob.mx/implocal" version="1.0"
      TotaldeRetenciones="0.00" TotaldeTraslados="28.75"/>`
    const withLocal = (total: string) =>
      validateCfdi(readTampered((x) =>
        x.replace(`Total="1276.00"`, `Total="${total}"`).replace("<cfdi:Complemento>", `<cfdi:Complemento>${implocal}`)
      ))
    assert.deepStrictEqual(withLocal("1304.75").errors, [])
    assert.deepStrictEqual(codes(withLocal("1276.00").errors), ["TOTAL_FORMULA"])
  })

  it("checks RFC format, check digit and generic receivers", () => {
    const badRfc = validateCfdi(readTampered((x) => x.replace(`Rfc="EKU9003173C9"`, `Rfc="EKU90031"`)))
    assert.deepStrictEqual(codes(badRfc.errors), ["EMISOR_RFC_FORMAT"])
    const badDate = validateCfdi(readTampered((x) => x.replace(`Rfc="XIQB891116QE4"`, `Rfc="XIQB891316QE4"`)))
    assert.deepStrictEqual(codes(badDate.errors), ["RECEPTOR_RFC_FORMAT"])
    const checkDigit = validateCfdi(readTampered((x) => x.replace(`Rfc="EKU9003173C9"`, `Rfc="EKU9003173C8"`)))
    assert.deepStrictEqual(codes(checkDigit.errors), [])
    assert.deepStrictEqual(codes(checkDigit.warnings), ["RFC_CHECK_DIGIT"])
    const generic = validateCfdi(readTampered((x) => x.replace(`Rfc="XIQB891116QE4"`, `Rfc="XAXX010101000"`)))
    assert.deepStrictEqual(codes(generic.errors), [])
    assert.deepStrictEqual(codes(generic.warnings), ["RECEPTOR_RFC_GENERIC"])
    assert.include(generic.warnings[0]?.message ?? "", "public in general")
    const ampersand = validateCfdi(readTampered((x) => x.replace(`Rfc="EKU9003173C9"`, `Rfc="H&amp;E951128469"`)))
    assert.deepStrictEqual(ampersand, { errors: [], warnings: [] })
  })

  it("checks UUID formats and TipoCambio presence", () => {
    const uuid = validateCfdi(readTampered((x) => x.replace(spec.uuid, "not-a-uuid")))
    assert.deepStrictEqual(codes(uuid.errors), ["TFD_UUID_FORMAT"])
    const related = validateCfdi(readTampered((x) =>
      x.replace("<cfdi:Emisor", `<cfdi:CfdiRelacionados TipoRelacion="04"><cfdi:CfdiRelacionado UUID="123"/>
        </cfdi:CfdiRelacionados><cfdi:Emisor`)
    ))
    assert.deepStrictEqual(codes(related.errors), ["RELACIONADO_UUID_FORMAT"])
    const usd = validateCfdi(readTampered((x) => x.replace(`Moneda="MXN"`, `Moneda="USD"`)))
    assert.deepStrictEqual(codes(usd.errors), ["TIPOCAMBIO_REQUIRED"])
  })

  const DOC_TRASLADO = `Base="1100.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="176.00"`

  it("checks each concept tax Importe against Base x TasaOCuota with SAT's window", () => {
    // Base 1000.00 x 0.16: window [159.99, 160.01]
    const inside = readTampered((x) => x.replace(`Importe="160.00"/>`, `Importe="160.01"/>`))
    // inside the concept window, but the 4.0 document line 176.00 is no longer the concepts' sum 176.01
    assert.deepStrictEqual(codes(validateCfdi(inside).errors), ["TRASLADO_GROUP_SUM"])
    const outside = validateCfdi(readTampered((x) => x.replace(`Importe="160.00"/>`, `Importe="160.02"/>`)))
    assert.deepStrictEqual(codes(outside.errors), ["TRASLADO_GROUP_SUM", "CONCEPTO_IMPUESTO_IMPORTE"])
    assert.strictEqual(outside.errors[1]?.field, "Concepto[1]/Traslado[1]@Importe")
    assert.include(outside.errors[1]?.message ?? "", "[159.99, 160.01]")
  })

  it("checks document tax lines against the grouped concept taxes", () => {
    const importe = validateCfdi(readTampered((x) =>
      x.replace(DOC_TRASLADO, DOC_TRASLADO.replace("176.00", "180.00"))
        .replace(`TotalImpuestosTrasladados="176.00"`, `TotalImpuestosTrasladados="180.00"`)
        .replace(`Total="1276.00"`, `Total="1280.00"`)
    ))
    assert.deepStrictEqual(codes(importe.errors), ["TRASLADO_GROUP_SUM"])
    assert.strictEqual(importe.errors[0]?.field, "Impuestos/Traslado[1]@Importe")
    const docLine = (from: string, to: string) =>
      validateCfdi(readTampered((x) => x.replace(DOC_TRASLADO, DOC_TRASLADO.replace(from, to)))).errors
    assert.deepStrictEqual(docLine("1100.00", "1200.00").map((e) => e.field), ["Impuestos/Traslado[1]@Base"])
    const rate = docLine("0.160000", "0.080000")
    assert.deepStrictEqual(rate.map((e) => e.field), ["Impuestos/Traslado[1]", "Impuestos/Traslado"])
    const retencion = validateCfdi(readTampered((x) =>
      x.replace("</cfdi:Traslados></cfdi:Impuestos><cfdi:Complemento>", `</cfdi:Traslados><cfdi:Retenciones>
        <cfdi:Retencion Impuesto="001" Importe="10.00"/></cfdi:Retenciones></cfdi:Impuestos><cfdi:Complemento>`)
        .replace(`TotalImpuestosTrasladados=`, `TotalImpuestosRetenidos="10.00" TotalImpuestosTrasladados=`)
        .replace(`Total="1276.00"`, `Total="1266.00"`)
    ))
    assert.deepStrictEqual(codes(retencion.errors), ["RETENCION_GROUP_SUM"])
  })

  it("checks Moneda and TipoCambio", () => {
    const withRate = (moneda: string, rate: string) => {
      const cfdi = readTampered((x) => x.replace(`Moneda="MXN"`, `Moneda="${moneda}" TipoCambio="${rate}"`))
      return codes(validateCfdi(cfdi).errors)
    }
    assert.deepStrictEqual(withRate("MXN", "1"), [])
    assert.deepStrictEqual(withRate("MXN", "17.50"), ["TIPOCAMBIO_MXN"])
    assert.deepStrictEqual(withRate("USD", "17.50"), [])
    assert.deepStrictEqual(withRate("XXX", "1"), [
      "TIPOCAMBIO_XXX",
      "MONEDA_XXX_AMOUNTS",
      "MONEDA_XXX_AMOUNTS",
      "MONEDA_XXX_AMOUNTS",
      "MONEDA_DECIMALS",
      "MONEDA_DECIMALS",
      "MONEDA_DECIMALS",
      "MONEDA_DECIMALS"
    ])
    assert.deepStrictEqual(withRate("USD", "17.1234567"), ["TIPOCAMBIO_FORMAT"])
    // JPY has no decimals in c_Moneda: every amount written with cents is flagged
    assert.deepStrictEqual([...new Set(withRate("JPY", "0.12"))], ["MONEDA_DECIMALS"])
  })

  it("checks MetodoPago / FormaPago and warns on a credit note without relations", () => {
    const payment = (formaPago: string, metodoPago: string) =>
      codes(validateCfdi(readTampered((x) =>
        x.replace(`FormaPago="04"`, `FormaPago="${formaPago}"`)
          .replace(`MetodoPago="PUE"`, `MetodoPago="${metodoPago}"`)
      )).errors)
    assert.deepStrictEqual(payment("99", "PPD"), [])
    assert.deepStrictEqual(payment("04", "PPD"), ["PPD_FORMAPAGO_99"])
    assert.deepStrictEqual(payment("99", "PUE"), ["FORMAPAGO_99_NOT_PPD"])
    const payroll = readTampered((x) => x.replace(`FormaPago="04"`, `FormaPago="99"`))
    assert.deepStrictEqual(validateCfdi({ ...payroll, tipoDeComprobante: "N" }).errors, [])
    const { formaPago: _, ...ppd } = readTampered((x) => x.replace(`MetodoPago="PUE"`, `MetodoPago="PPD"`))
    assert.deepStrictEqual(validateCfdi(ppd).errors, [])
    const credit = validateCfdi(readTampered((x) => x.replace(`TipoDeComprobante="I"`, `TipoDeComprobante="E"`)))
    assert.deepStrictEqual(credit.errors, [])
    assert.deepStrictEqual(codes(credit.warnings), ["E_RELACIONADOS_MISSING"])
    const related = validateCfdi(readTampered((x) =>
      x.replace(`TipoDeComprobante="I"`, `TipoDeComprobante="E"`).replace("<cfdi:Emisor", `<cfdi:CfdiRelacionados
        TipoRelacion="01"><cfdi:CfdiRelacionado UUID="${spec.uuid}"/></cfdi:CfdiRelacionados><cfdi:Emisor`)
    ))
    assert.deepStrictEqual(related, { errors: [], warnings: [] })
  })

  it("checks a payment receipt (P): zero amounts, Moneda XXX, Pagos present", () => {
    const p = validateCfdi(readTampered((x) => x.replace(`TipoDeComprobante="I"`, `TipoDeComprobante="P"`)))
    assert.deepStrictEqual(codes(p.errors), [
      "P_AMOUNTS_ZERO",
      "P_MONEDA_XXX",
      "P_PAGOS_MISSING",
      "P_FORBIDDEN",
      "P_FORBIDDEN",
      "P_FORBIDDEN",
      "P_FORBIDDEN"
    ])
    assert.deepStrictEqual(p.errors.slice(3).map((e) => e.field), [
      "Comprobante@FormaPago",
      "Comprobante@MetodoPago",
      "Comprobante@Descuento",
      "Impuestos"
    ])
  })
})
