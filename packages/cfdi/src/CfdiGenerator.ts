/**
 * Generates CFDI 4.0 and 3.3 XML for tests and the emulator: I / E documents (`generateCfdi`) and P payment receipts
 * with Pagos 2.0 / 1.0 (`generatePago`). The output is UNSIGNED TEST DATA: `Sello`, `Certificado`, `SelloCFD` and
 * `SelloSAT` are placeholder base64 text and the TimbreFiscalDigital 1.1 is not a real SAT stamp. Amounts follow
 * Anexo 20 (per-concept half-up rounding to 2 places, exact sums), so `readCfdi` + `validateCfdi` accept the result
 * with no errors. Pure and deterministic: the same spec gives the same bytes.
 */
import { formatFixed, roundHalfUp, sumAmounts, zeroAmount } from "@clara-recon/domain"
import { Buffer } from "node:buffer"
import * as BigDecimal from "effect/BigDecimal"
import { CfdiNamespace } from "./Cfdi.js"
import type { CfdiPaymentSpec, CfdiSpec } from "./CfdiSpec.js"
import type { ComputedConcepto, ComputedRetencion, IvaTraslado } from "./internal/computeCfdi.js"
import { computeCfdi } from "./internal/computeCfdi.js"
import { formatDecimal } from "./internal/formatDecimal.js"

/** Totals a spec produces, in units of its `moneda`. `descuento` and `iva` are zero when absent. */
export interface CfdiTotals {
  readonly subTotal: BigDecimal.BigDecimal
  readonly descuento: BigDecimal.BigDecimal
  /** TotalImpuestosTrasladados (IVA only). */
  readonly iva: BigDecimal.BigDecimal
  /** TotalImpuestosRetenidos (ISR + IVA withheld); zero when none. */
  readonly retenido: BigDecimal.BigDecimal
  readonly total: BigDecimal.BigDecimal
}

const PLACEHOLDER_BASE64 = Buffer.from("UNSIGNED CLARA-RECON TEST DATA").toString("base64")
const PLACEHOLDER_CERTIFICATE_NUMBER = "00001000000000000000"
/** SAT's published example RFC (cfdi.md §2.2), standing in for the PAC. */
const PLACEHOLDER_PAC_RFC = "AAA010101AAA"

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\"": "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;"
}

/** Escapes attribute text (double-quoted); whitespace controls become references so they survive normalisation. */
const escapeAttribute = (value: string): string => value.replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]!)

type Attributes = ReadonlyArray<readonly [string, string | undefined]>

const element = (qname: string, attributes: Attributes, children: ReadonlyArray<string> = []): string => {
  const attrs = attributes.flatMap(([k, v]) => (v === undefined ? [] : [` ${k}="${escapeAttribute(v)}"`])).join("")
  return children.length === 0 ? `<${qname}${attrs}/>` : `<${qname}${attrs}>${children.join("")}</${qname}>`
}

const amount = (value: BigDecimal.BigDecimal): string => formatFixed(value, 2)
const optionalAmount = (value: BigDecimal.BigDecimal | undefined) => (value === undefined ? undefined : amount(value))

type Version = "4.0" | "3.3"

const SCHEMA: Readonly<Record<Version, { ns: string; xsd: string }>> = {
  "4.0": { ns: CfdiNamespace.cfdi40, xsd: "http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd" },
  "3.3": { ns: CfdiNamespace.cfdi33, xsd: "http://www.sat.gob.mx/sitio_internet/cfd/3/cfdv33.xsd" }
}

const TFD_XSD = "http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"
const PAGOS_XSD: Readonly<Record<Version, string>> = {
  "4.0": "http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd",
  "3.3": "http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos10.xsd"
}

/** Concept-level Traslado (3.3 and 4.0), or document-level (4.0 with Base; 3.3 without). */
const traslado = (t: IvaTraslado, withBase: boolean): string =>
  element("cfdi:Traslado", [
    ["Base", withBase ? amount(t.base) : undefined],
    ["Impuesto", "002"],
    ["TipoFactor", t.tipoFactor],
    ["TasaOCuota", t.tasaOCuota],
    ["Importe", optionalAmount(t.importe)]
  ])

const conceptRetencion = (r: ComputedRetencion): string =>
  element("cfdi:Retencion", [
    ["Base", amount(r.base)],
    ["Impuesto", r.impuesto],
    ["TipoFactor", "Tasa"],
    ["TasaOCuota", r.tasaOCuota],
    ["Importe", amount(r.importe)]
  ])

const concepto = (version: Version) => (c: ComputedConcepto): string =>
  element("cfdi:Concepto", [
    ["ClaveProdServ", c.spec.claveProdServ],
    ["Cantidad", formatDecimal(c.cantidad)],
    ["ClaveUnidad", c.spec.claveUnidad ?? "H87"],
    ["Descripcion", c.spec.descripcion],
    ["ValorUnitario", formatDecimal(c.valorUnitario)],
    ["Importe", amount(c.importe)],
    ["Descuento", optionalAmount(c.descuento)],
    ["ObjetoImp", version === "4.0" ? "02" : undefined]
  ], [
    element("cfdi:Impuestos", [], [
      element("cfdi:Traslados", [], [traslado(c.traslado, true)]),
      ...(c.retenciones.length === 0 ? [] : [element("cfdi:Retenciones", [], c.retenciones.map(conceptRetencion))])
    ])
  ])

/** Document-level Impuestos (Retenciones before Traslados, Anexo 20 order); 3.3 leaves out exempt groups. */
const impuestos = (version: Version, computed: ReturnType<typeof computeCfdi>): Array<string> => {
  const traslados = version === "4.0" ? computed.traslados : computed.traslados.filter((t) => t.importe !== undefined)
  if (traslados.length === 0 && computed.retenciones.length === 0) return []
  return [
    element("cfdi:Impuestos", [
      ["TotalImpuestosRetenidos", optionalAmount(computed.retenido)],
      ["TotalImpuestosTrasladados", optionalAmount(computed.iva)]
    ], [
      ...(computed.retenciones.length === 0 ? [] : [
        element(
          "cfdi:Retenciones",
          [],
          computed.retenciones.map((r) =>
            element("cfdi:Retencion", [["Impuesto", r.impuesto], ["Importe", amount(r.importe)]])
          )
        )
      ]),
      ...(traslados.length === 0 ? [] : [
        element("cfdi:Traslados", [], traslados.map((t) => traslado(t, version === "4.0")))
      ])
    ])
  ]
}

const timbre = (uuid: string, fechaTimbrado: string): string =>
  element("tfd:TimbreFiscalDigital", [
    ["xmlns:tfd", CfdiNamespace.tfd],
    ["xsi:schemaLocation", `${CfdiNamespace.tfd} ${TFD_XSD}`],
    ["Version", "1.1"],
    ["UUID", uuid],
    ["FechaTimbrado", fechaTimbrado],
    ["RfcProvCertif", PLACEHOLDER_PAC_RFC],
    ["SelloCFD", PLACEHOLDER_BASE64],
    ["NoCertificadoSAT", PLACEHOLDER_CERTIFICATE_NUMBER],
    ["SelloSAT", PLACEHOLDER_BASE64]
  ])

const emisor = (e: CfdiSpec["emisor"]): string =>
  element("cfdi:Emisor", [["Rfc", e.rfc], ["Nombre", e.nombre], ["RegimenFiscal", e.regimenFiscal]])

const receptor = (version: Version, r: CfdiSpec["receptor"], usoCfdi: string): string =>
  element("cfdi:Receptor", [
    ["Rfc", r.rfc],
    ["Nombre", r.nombre],
    ["DomicilioFiscalReceptor", version === "4.0" ? r.domicilioFiscalReceptor : undefined],
    ["RegimenFiscalReceptor", version === "4.0" ? r.regimenFiscalReceptor : undefined],
    ["UsoCFDI", usoCfdi]
  ])

const document = (root: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`

/**
 * Renders an I or E spec as CFDI XML of `spec.version` (default 4.0; UTF-8; 4.0: `Exportacion` 01 and every concept
 * `ObjetoImp` 02) with one IVA Traslado per concept, its withholdings, the document Impuestos and a
 * TimbreFiscalDigital 1.1 carrying `spec.uuid`. Attribute text is XML-escaped (`&`, quotes, `<`, `>`; accents are
 * written as UTF-8). Pure; never fails.
 */
export const generateCfdi = (spec: CfdiSpec): string => {
  const version = spec.version ?? "4.0"
  const computed = computeCfdi(spec)
  const related = spec.cfdiRelacionados
  const { ns, xsd } = SCHEMA[version]
  const root = element("cfdi:Comprobante", [
    ["xmlns:cfdi", ns],
    ["xmlns:xsi", CfdiNamespace.xsi],
    ["xsi:schemaLocation", `${ns} ${xsd}`],
    ["Version", version],
    ["Serie", spec.serie],
    ["Folio", spec.folio],
    ["Fecha", spec.fecha],
    ["Sello", PLACEHOLDER_BASE64],
    ["FormaPago", spec.formaPago],
    ["NoCertificado", PLACEHOLDER_CERTIFICATE_NUMBER],
    ["Certificado", PLACEHOLDER_BASE64],
    ["SubTotal", amount(computed.subTotal)],
    ["Descuento", optionalAmount(computed.descuento)],
    ["Moneda", spec.moneda],
    ["TipoCambio", spec.moneda === "MXN" || spec.tipoCambio === undefined ? undefined : formatDecimal(spec.tipoCambio)],
    ["Total", amount(computed.total)],
    ["TipoDeComprobante", spec.tipoDeComprobante],
    ["Exportacion", version === "4.0" ? "01" : undefined],
    ["MetodoPago", spec.metodoPago],
    ["LugarExpedicion", spec.lugarExpedicion]
  ], [
    ...(related === undefined ? [] : [
      element(
        "cfdi:CfdiRelacionados",
        [["TipoRelacion", related.tipoRelacion]],
        related.uuids.map((uuid) => element("cfdi:CfdiRelacionado", [["UUID", uuid]]))
      )
    ]),
    emisor(spec.emisor),
    receptor(version, spec.receptor, spec.receptor.usoCfdi),
    element("cfdi:Conceptos", [], computed.conceptos.map(concepto(version))),
    ...impuestos(version, computed),
    element("cfdi:Complemento", [], [timbre(spec.uuid, spec.fechaTimbrado ?? spec.fecha)])
  ])
  return document(root)
}

/** `generateCfdi` with version 4.0 (whatever `spec.version` says). */
export const generateCfdi40 = (spec: CfdiSpec): string => generateCfdi({ ...spec, version: "4.0" })

/** `generateCfdi` with version 3.3 (whatever `spec.version` says). */
export const generateCfdi33 = (spec: CfdiSpec): string => generateCfdi({ ...spec, version: "3.3" })

const ONE = BigDecimal.fromBigInt(1n)

/** Monto of a payment: Σ ImpPagado / EquivalenciaDR, rounded half-up to 2 places (Pagos guía de llenado). */
const montoOf = (pago: CfdiPaymentSpec["pagos"][number]): BigDecimal.BigDecimal =>
  roundHalfUp(sumAmounts(pago.doctos.map((d) =>
    BigDecimal.unsafeDivide(d.impPagado, d.equivalenciaDR ?? ONE)
  )))

/**
 * Renders a payment receipt (P): CFDI 4.0 + Pagos 2.0 (with `Totales/MontoTotalPagos` = Σ Monto x TipoCambioP and
 * `ObjetoImpDR` 01, so no tax breakdown) or CFDI 3.3 + Pagos 1.0 (`MetodoDePagoDR` PPD, `TipoCambioDR` when the
 * currencies differ). SubTotal and Total 0, Moneda XXX, one concept 84111506 / ACT, UsoCFDI CP01 (4.0) or P01 (3.3);
 * `ImpSaldoInsoluto` = ImpSaldoAnt - ImpPagado. Pure; never fails.
 */
export const generatePago = (spec: CfdiPaymentSpec): string => {
  const version = spec.version ?? "4.0"
  const { ns, xsd } = SCHEMA[version]
  const [p, pagosNs] = version === "4.0" ? ["pago20", CfdiNamespace.pagos20] : ["pago10", CfdiNamespace.pagos10]
  const montos = spec.pagos.map(montoOf)
  const pagos = spec.pagos.map((pago, i) => {
    const tipoCambioP = pago.monedaP === "MXN" ? (version === "4.0" ? ONE : undefined) : pago.tipoCambioP
    return element(`${p}:Pago`, [
      ["FechaPago", pago.fechaPago],
      ["FormaDePagoP", pago.formaDePagoP],
      ["MonedaP", pago.monedaP],
      ["TipoCambioP", tipoCambioP === undefined ? undefined : formatDecimal(tipoCambioP)],
      ["Monto", amount(montos[i]!)]
    ], pago.doctos.map((d) => {
      const equivalencia = d.equivalenciaDR ?? ONE
      return element(`${p}:DoctoRelacionado`, [
        ["IdDocumento", d.idDocumento],
        ["Serie", d.serie],
        ["Folio", d.folio],
        ["MonedaDR", d.monedaDR],
        ["EquivalenciaDR", version === "4.0" ? formatDecimal(equivalencia) : undefined],
        ["TipoCambioDR", version === "3.3" && d.monedaDR !== pago.monedaP ? formatDecimal(equivalencia) : undefined],
        ["MetodoDePagoDR", version === "3.3" ? "PPD" : undefined],
        ["NumParcialidad", String(d.numParcialidad)],
        ["ImpSaldoAnt", amount(d.impSaldoAnt)],
        ["ImpPagado", amount(d.impPagado)],
        ["ImpSaldoInsoluto", amount(BigDecimal.subtract(d.impSaldoAnt, d.impPagado))],
        ["ObjetoImpDR", version === "4.0" ? "01" : undefined]
      ])
    }))
  })
  const totales = version === "4.0"
    ? [element(`${p}:Totales`, [[
      "MontoTotalPagos",
      amount(roundHalfUp(sumAmounts(spec.pagos.map((pago, i) =>
        BigDecimal.multiply(montos[i]!, pago.monedaP === "MXN" ? ONE : pago.tipoCambioP ?? ONE)
      ))))
    ]])]
    : []
  const root = element("cfdi:Comprobante", [
    ["xmlns:cfdi", ns],
    ["xmlns:xsi", CfdiNamespace.xsi],
    [`xmlns:${p}`, pagosNs],
    ["xsi:schemaLocation", `${ns} ${xsd} ${pagosNs} ${PAGOS_XSD[version]}`],
    ["Version", version],
    ["Serie", spec.serie],
    ["Folio", spec.folio],
    ["Fecha", spec.fecha],
    ["Sello", PLACEHOLDER_BASE64],
    ["NoCertificado", PLACEHOLDER_CERTIFICATE_NUMBER],
    ["Certificado", PLACEHOLDER_BASE64],
    ["SubTotal", "0"],
    ["Moneda", "XXX"],
    ["Total", "0"],
    ["TipoDeComprobante", "P"],
    ["Exportacion", version === "4.0" ? "01" : undefined],
    ["LugarExpedicion", spec.lugarExpedicion]
  ], [
    emisor(spec.emisor),
    receptor(version, spec.receptor, version === "4.0" ? "CP01" : "P01"),
    element("cfdi:Conceptos", [], [
      element("cfdi:Concepto", [
        ["ClaveProdServ", "84111506"],
        ["Cantidad", "1"],
        ["ClaveUnidad", "ACT"],
        ["Descripcion", "Pago"],
        ["ValorUnitario", "0"],
        ["Importe", "0"],
        ["ObjetoImp", version === "4.0" ? "01" : undefined]
      ])
    ]),
    element("cfdi:Complemento", [], [
      element(`${p}:Pagos`, [["Version", version === "4.0" ? "2.0" : "1.0"]], [...totales, ...pagos]),
      timbre(spec.uuid, spec.fechaTimbrado ?? spec.fecha)
    ])
  ])
  return document(root)
}

/**
 * The totals `generateCfdi(spec)` will write, without rendering: SubTotal, Descuento, IVA
 * (TotalImpuestosTrasladados), withholdings (TotalImpuestosRetenidos) and Total, per the rounding rules of the
 * generator (per-concept half-up to 2 places).
 */
export const cfdiTotals = (spec: CfdiSpec): CfdiTotals => {
  const { descuento, iva, retenido, subTotal, total } = computeCfdi(spec)
  return {
    subTotal,
    total,
    descuento: descuento ?? zeroAmount,
    iva: iva ?? zeroAmount,
    retenido: retenido ?? zeroAmount
  }
}
