/**
 * Generates CFDI 4.0 XML for tests and the emulator. The output is UNSIGNED TEST DATA: `Sello`, `Certificado`,
 * `SelloCFD` and `SelloSAT` are placeholder base64 text and the TimbreFiscalDigital 1.1 is not a real SAT stamp.
 * Amounts follow Anexo 20 (per-concept half-up rounding to 2 places, exact sums), so `readCfdi` + `validateCfdi`
 * accept the result with no errors.
 */
import { formatFixed, zeroAmount } from "@clara-recon/domain"
import { Buffer } from "node:buffer"
import type * as BigDecimal from "effect/BigDecimal"
import { CfdiNamespace } from "./Cfdi.js"
import type { CfdiSpec } from "./CfdiSpec.js"
import type { ComputedConcepto, IvaTraslado } from "./internal/computeCfdi.js"
import { computeCfdi } from "./internal/computeCfdi.js"
import { formatDecimal } from "./internal/formatDecimal.js"

/** Totals a spec produces, in units of its `moneda`. `descuento` and `iva` are zero when absent. */
export interface CfdiTotals {
  readonly subTotal: BigDecimal.BigDecimal
  readonly descuento: BigDecimal.BigDecimal
  /** TotalImpuestosTrasladados (IVA only). */
  readonly iva: BigDecimal.BigDecimal
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

const traslado = (t: IvaTraslado): string =>
  element("cfdi:Traslado", [
    ["Base", amount(t.base)],
    ["Impuesto", "002"],
    ["TipoFactor", t.tipoFactor],
    ["TasaOCuota", t.tasaOCuota],
    ["Importe", optionalAmount(t.importe)]
  ])

const concepto = (c: ComputedConcepto): string =>
  element("cfdi:Concepto", [
    ["ClaveProdServ", c.spec.claveProdServ],
    ["Cantidad", formatDecimal(c.cantidad)],
    ["ClaveUnidad", c.spec.claveUnidad ?? "H87"],
    ["Descripcion", c.spec.descripcion],
    ["ValorUnitario", formatDecimal(c.valorUnitario)],
    ["Importe", amount(c.importe)],
    ["Descuento", optionalAmount(c.descuento)],
    ["ObjetoImp", "02"]
  ], [element("cfdi:Impuestos", [], [element("cfdi:Traslados", [], [traslado(c.traslado)])])])

/**
 * Renders a spec as a CFDI 4.0 XML string (UTF-8, `Exportacion` 01, every concept `ObjetoImp` 02 with one IVA
 * Traslado) with a TimbreFiscalDigital 1.1 complement carrying `spec.uuid`. Attribute text is XML-escaped
 * (`&`, quotes, `<`, `>`; accents are written as UTF-8). Pure; never fails.
 */
export const generateCfdi40 = (spec: CfdiSpec): string => {
  const computed = computeCfdi(spec)
  const related = spec.cfdiRelacionados
  const root = element("cfdi:Comprobante", [
    ["xmlns:cfdi", CfdiNamespace.cfdi40],
    ["xmlns:xsi", CfdiNamespace.xsi],
    ["xsi:schemaLocation", `${CfdiNamespace.cfdi40} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd`],
    ["Version", "4.0"],
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
    ["Exportacion", "01"],
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
    element("cfdi:Emisor", [
      ["Rfc", spec.emisor.rfc],
      ["Nombre", spec.emisor.nombre],
      ["RegimenFiscal", spec.emisor.regimenFiscal]
    ]),
    element("cfdi:Receptor", [
      ["Rfc", spec.receptor.rfc],
      ["Nombre", spec.receptor.nombre],
      ["DomicilioFiscalReceptor", spec.receptor.domicilioFiscalReceptor],
      ["RegimenFiscalReceptor", spec.receptor.regimenFiscalReceptor],
      ["UsoCFDI", spec.receptor.usoCfdi]
    ]),
    element("cfdi:Conceptos", [], computed.conceptos.map(concepto)),
    element("cfdi:Impuestos", [["TotalImpuestosTrasladados", optionalAmount(computed.iva)]], [
      element("cfdi:Traslados", [], computed.traslados.map(traslado))
    ]),
    element("cfdi:Complemento", [], [
      element("tfd:TimbreFiscalDigital", [
        ["xmlns:tfd", CfdiNamespace.tfd],
        [
          "xsi:schemaLocation",
          `${CfdiNamespace.tfd} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd`
        ],
        ["Version", "1.1"],
        ["UUID", spec.uuid],
        ["FechaTimbrado", spec.fechaTimbrado ?? spec.fecha],
        ["RfcProvCertif", PLACEHOLDER_PAC_RFC],
        ["SelloCFD", PLACEHOLDER_BASE64],
        ["NoCertificadoSAT", PLACEHOLDER_CERTIFICATE_NUMBER],
        ["SelloSAT", PLACEHOLDER_BASE64]
      ])
    ])
  ])
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`
}

/**
 * The totals `generateCfdi40(spec)` will write, without rendering: SubTotal, Descuento, IVA
 * (TotalImpuestosTrasladados) and Total, per the rounding rules of the generator (per-concept half-up to 2 places).
 */
export const cfdiTotals = (spec: CfdiSpec): CfdiTotals => {
  const { descuento, iva, subTotal, total } = computeCfdi(spec)
  return { subTotal, total, descuento: descuento ?? zeroAmount, iva: iva ?? zeroAmount }
}
