import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import type { Cfdi } from "../src/Cfdi.js"
import { cfdiTotals, generateCfdi, generateCfdi33, generateCfdi40, generatePago } from "../src/CfdiGenerator.js"
import { readCfdi } from "../src/CfdiReader.js"
import type { CfdiConceptoSpec, CfdiPaymentSpec, CfdiSpec } from "../src/CfdiSpec.js"
import { validateCfdi } from "../src/CfdiValidator.js"

const d = (s: string) => BigDecimal.unsafeFromString(s)
const text = (value: BigDecimal.BigDecimal | undefined) => (value === undefined ? "-" : BigDecimal.format(value))

const concepto = (over: Partial<CfdiConceptoSpec> = {}): CfdiConceptoSpec => ({
  claveProdServ: "90111500",
  descripcion: "Hospedaje",
  cantidad: d("1"),
  valorUnitario: d("1000.00"),
  iva: "16",
  ...over
})

const base: CfdiSpec = {
  uuid: "5e0c8a1f-3b2d-4c6e-9f7a-1b2c3d4e5f60",
  serie: "F",
  folio: "1001",
  fecha: "2026-03-02T09:15:00",
  moneda: "MXN",
  formaPago: "04",
  metodoPago: "PUE",
  tipoDeComprobante: "I",
  lugarExpedicion: "64000",
  emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscal: "601" },
  receptor: {
    rfc: "XIQB891116QE4",
    nombre: "BERENICE XIMO QUEZADA",
    usoCfdi: "G03",
    domicilioFiscalReceptor: "64000",
    regimenFiscalReceptor: "612"
  },
  conceptos: [concepto()]
}

const specs: Record<string, CfdiSpec> = {
  "IVA 16": base,
  "IVA 8 with awkward rounding": {
    ...base,
    conceptos: [
      concepto({ cantidad: d("3"), valorUnitario: d("33.333333"), iva: "8" }),
      concepto({ cantidad: d("0.5"), valorUnitario: d("19.99"), iva: "8" })
    ]
  },
  "IVA 0 and exempt mixed with 16": {
    ...base,
    conceptos: [
      concepto({ valorUnitario: d("250.00"), iva: "0" }),
      concepto({ valorUnitario: d("99.99"), iva: "exento" }),
      concepto({ cantidad: d("7"), valorUnitario: d("12.345"), iva: "16" })
    ]
  },
  "only exempt": { ...base, conceptos: [concepto({ iva: "exento" })] },
  "with discounts": {
    ...base,
    conceptos: [
      concepto({ cantidad: d("2"), valorUnitario: d("450.50"), descuento: d("90.10") }),
      concepto({ valorUnitario: d("120.00"), iva: "8" })
    ]
  },
  "USD with TipoCambio": {
    ...base,
    moneda: "USD",
    tipoCambio: d("17.2345"),
    conceptos: [concepto({ valorUnitario: d("85.00") })]
  },
  "E with CfdiRelacionados": {
    ...base,
    uuid: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    tipoDeComprobante: "E",
    receptor: { ...base.receptor, usoCfdi: "G02" },
    cfdiRelacionados: { tipoRelacion: "01", uuids: ["5e0c8a1f-3b2d-4c6e-9f7a-1b2c3d4e5f60"] },
    conceptos: [concepto({ claveProdServ: "84111506", descripcion: "Devolución parcial", valorUnitario: d("200.00") })]
  },
  "names needing escapes": {
    ...base,
    emisor: { rfc: "H&E951128469", nombre: "HERRERÍA & ELÉCTRICOS \"LA <ÚNICA>\"", regimenFiscal: "601" },
    conceptos: [concepto({ descripcion: "Tornillos 1/4\" & tuercas\tcaja\n10 pzas" })]
  }
}

const roundTrip = (name: string, spec: CfdiSpec): Cfdi => {
  const read = readCfdi(spec.version === undefined ? generateCfdi40(spec) : generateCfdi(spec), { path: `${name}.xml` })
  if (Either.isLeft(read)) assert.fail(read.left.message)
  return read.right
}

describe("generateCfdi40", () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(`round-trips ${name}: reads, validates without errors, totals equal cfdiTotals`, () => {
      const cfdi = roundTrip(name, spec)
      const validation = validateCfdi(cfdi)
      assert.deepStrictEqual(validation.errors.map((e) => e.message), [])
      const totals = cfdiTotals(spec)
      assert.strictEqual(text(cfdi.subTotal), text(totals.subTotal))
      assert.strictEqual(text(cfdi.descuento ?? BigDecimal.fromBigInt(0n)), text(totals.descuento))
      assert.strictEqual(text(cfdi.impuestos?.totalImpuestosTrasladados ?? BigDecimal.fromBigInt(0n)), text(totals.iva))
      assert.strictEqual(text(cfdi.total), text(totals.total))
      assert.strictEqual(cfdi.timbre.uuid, spec.uuid.toUpperCase())
      assert.strictEqual(cfdi.version, "4.0")
      assert.strictEqual(cfdi.conceptos.length, spec.conceptos.length)
    })
  }

  it("computes per-concept IVA rounded half-up and grouped per rate", () => {
    const spec = specs["IVA 8 with awkward rounding"]!
    // 3 x 33.333333 = 99.999999 -> 100.00, IVA 8.00; 0.5 x 19.99 = 9.995 -> 10.00 (half-up), IVA 0.80
    const totals = cfdiTotals(spec)
    assert.strictEqual(text(totals.subTotal), "110")
    assert.strictEqual(text(totals.iva), "8.8")
    assert.strictEqual(text(totals.total), "118.8")
    const cfdi = roundTrip("iva8", spec)
    assert.deepStrictEqual(cfdi.impuestos?.traslados.map((t) => [t.tasaOCuota, text(t.base), text(t.importe)]), [
      ["0.080000", "110", "8.8"]
    ])
  })

  it("writes discounts, exempt groups without amounts and TipoCambio only for foreign currency", () => {
    const discounted = cfdiTotals(specs["with discounts"]!)
    assert.strictEqual(text(discounted.descuento), "90.1")
    // (901.00 - 90.10) x 0.16 = 129.744 -> 129.74; 120.00 x 0.08 = 9.60
    assert.strictEqual(text(discounted.iva), "139.34")
    assert.strictEqual(text(discounted.total), "1070.24")
    const exempt = roundTrip("exempt", specs["only exempt"]!)
    assert.isUndefined(exempt.impuestos?.totalImpuestosTrasladados)
    assert.deepStrictEqual(exempt.impuestos?.traslados.map((t) => [t.tipoFactor, t.importe]), [["Exento", undefined]])
    assert.strictEqual(text(exempt.total), "1000")
    assert.strictEqual(text(roundTrip("usd", specs["USD with TipoCambio"]!).tipoCambio), "17.2345")
    assert.isUndefined(roundTrip("mxn", { ...base, tipoCambio: d("1") }).tipoCambio)
  })

  it("relates a credit note to its invoice", () => {
    const cfdi = roundTrip("e", specs["E with CfdiRelacionados"]!)
    assert.strictEqual(cfdi.tipoDeComprobante, "E")
    assert.deepStrictEqual(cfdi.cfdiRelacionados, [
      { tipoRelacion: "01", uuids: ["5E0C8A1F-3B2D-4C6E-9F7A-1B2C3D4E5F60"] }
    ])
  })

  it("escapes attribute text so names survive the round trip", () => {
    const spec = specs["names needing escapes"]!
    const xml = generateCfdi40(spec)
    assert.include(xml, `Nombre="HERRERÍA &amp; ELÉCTRICOS &quot;LA &lt;ÚNICA&gt;&quot;"`)
    const cfdi = roundTrip("escapes", spec)
    assert.strictEqual(cfdi.emisor.rfc, "H&E951128469")
    assert.strictEqual(cfdi.emisor.nombre, spec.emisor.nombre)
    assert.strictEqual(cfdi.conceptos[0]?.descripcion, spec.conceptos[0]?.descripcion)
  })

  it("marks the stamp as placeholder test data", () => {
    const xml = generateCfdi40(base)
    assert.include(xml, `Version="1.1"`)
    assert.include(xml, Buffer.from("UNSIGNED CLARA-RECON TEST DATA").toString("base64"))
  })
})

describe("generateCfdi 3.3, withholdings and payments", () => {
  const services: CfdiSpec = {
    ...base,
    emisor: { rfc: "XIQB891116QE4", nombre: "BERENICE XIMO QUEZADA", regimenFiscal: "612" },
    receptor: { ...base.receptor, rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscalReceptor: "601" },
    conceptos: [concepto({
      claveProdServ: "80111600",
      descripcion: "Honorarios",
      valorUnitario: d("10000.00"),
      retenciones: ["isr-10", "iva-10.6667"]
    })]
  }

  it("withholds ISR 10 % and IVA 10.6667 % on services: Total = SubTotal + IVA - withheld", () => {
    // 10000.00 + 1600.00 - 1000.00 - 1066.67 = 9533.33
    const totals = cfdiTotals(services)
    const amounts = [text(totals.iva), text(totals.retenido), text(totals.total)]
    assert.deepStrictEqual(amounts, ["1600", "2066.67", "9533.33"])
    for (const version of ["4.0", "3.3"] as const) {
      const cfdi = roundTrip(`services-${version}`, { ...services, version })
      assert.strictEqual(cfdi.version, version)
      assert.deepStrictEqual(validateCfdi(cfdi), { errors: [], warnings: [] })
      assert.strictEqual(text(cfdi.impuestos?.isrRetenido), "1000")
      assert.strictEqual(text(cfdi.impuestos?.ivaRetenido), "1066.67")
      assert.strictEqual(text(cfdi.total), "9533.33")
    }
  })

  it("writes 3.3 without the 4.0-only attributes and without exempt document groups", () => {
    const spec = { ...specs["IVA 0 and exempt mixed with 16"]!, version: "3.3" as const }
    const xml = generateCfdi(spec)
    assert.notInclude(xml, "Exportacion=")
    assert.notInclude(xml, "ObjetoImp=")
    assert.notInclude(xml, "DomicilioFiscalReceptor=")
    assert.include(xml, `xmlns:cfdi="http://www.sat.gob.mx/cfd/3"`)
    const cfdi = roundTrip("mixed-33", spec)
    assert.deepStrictEqual(validateCfdi(cfdi).errors, [])
    assert.deepStrictEqual(cfdi.impuestos?.traslados.map((t) => [t.tasaOCuota, t.base]), [
      ["0.000000", undefined],
      ["0.160000", undefined]
    ])
    assert.strictEqual(generateCfdi33(base), generateCfdi({ ...base, version: "3.3" }))
  })

  const payment: CfdiPaymentSpec = {
    uuid: "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    fecha: "2026-04-01T10:00:00",
    lugarExpedicion: "64000",
    emisor: base.emisor,
    receptor: base.receptor,
    pagos: [{
      fechaPago: "2026-03-31T12:00:00",
      formaDePagoP: "03",
      monedaP: "MXN",
      doctos: [
        {
          idDocumento: base.uuid,
          monedaDR: "MXN",
          numParcialidad: 1,
          impSaldoAnt: d("1160.00"),
          impPagado: d("580.00")
        },
        // a USD invoice paid in MXN: 0.057971 USD per MXN, so 100.00 USD = 1725.00 MXN
        {
          idDocumento: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
          monedaDR: "USD",
          equivalenciaDR: d("0.057971"),
          numParcialidad: 2,
          impSaldoAnt: d("100.00"),
          impPagado: d("100.00")
        }
      ]
    }, {
      fechaPago: "2026-03-31T18:00:00",
      formaDePagoP: "04",
      monedaP: "USD",
      tipoCambioP: d("17.25"),
      doctos: [{
        idDocumento: "1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        monedaDR: "USD",
        numParcialidad: 1,
        impSaldoAnt: d("50.00"),
        impPagado: d("50.00")
      }]
    }]
  }

  it("writes a P with Pagos 2.0 (4.0) and Pagos 1.0 (3.3) that validate clean", () => {
    const xml = generatePago(payment)
    // 580.00 + 100.00 / 0.057971 = 580.00 + 1725.00 = 2305.00; 50.00 USD x 17.25 = 862.50; total 3167.50 MXN
    assert.include(xml, `MontoTotalPagos="3167.50"`)
    for (const version of ["4.0", "3.3"] as const) {
      const read = readCfdi(generatePago({ ...payment, version }), { path: `pago-${version}.xml` })
      if (Either.isLeft(read)) return assert.fail(read.left.message)
      const cfdi = read.right
      assert.deepStrictEqual(validateCfdi(cfdi), { errors: [], warnings: [] })
      assert.strictEqual(cfdi.tipoDeComprobante, "P")
      assert.strictEqual(cfdi.pagos?.version, version === "4.0" ? "2.0" : "1.0")
      const [mxn, usd] = cfdi.pagos?.pagos ?? []
      assert.strictEqual(text(mxn?.monto), "2305")
      assert.strictEqual(text(usd?.monto), "50")
      assert.strictEqual(text(mxn?.doctosRelacionados[0]?.impSaldoInsoluto), "580")
      assert.strictEqual(cfdi.receptor.usoCfdi, version === "4.0" ? "CP01" : "P01")
    }
  })
})
