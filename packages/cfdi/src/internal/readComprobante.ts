import { civilDateOf, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type {
  Cfdi,
  CfdiComplementoDesconocido,
  CfdiConcepto,
  CfdiEmisor,
  CfdiImpuestoLocal,
  CfdiImpuestos,
  CfdiImpuestosLocales,
  CfdiReceptor,
  CfdiRelacionados,
  CfdiTaxLine,
  CfdiTimbre
} from "../Cfdi.js"
import { CfdiNamespace } from "../Cfdi.js"
import { CfdiReadError } from "../CfdiError.js"
import type { Mutable } from "./defined.js"
import { defined, setDefined } from "./defined.js"
import { FieldReader } from "./FieldReader.js"
import { readPagos } from "./readPagos.js"
import type { XmlElement } from "../XmlDocument.js"
import { childNamed, childrenNamed } from "../XmlDocument.js"

const RETENCIONES_NS = "http://www.sat.gob.mx/esquemas/retencionpago/"
const CFD_NS = "http://www.sat.gob.mx/cfd/"
const FECHA = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/

/** Refuses a root that is not a CFDI 3.3 / 4.0 `Comprobante`; returns its version otherwise. */
const classifyRoot = (root: XmlElement, path: string): "3.3" | "4.0" | CfdiReadError => {
  const { name, ns } = root
  const cfdi = name === "Comprobante" && (ns === CfdiNamespace.cfdi40 || ns === CfdiNamespace.cfdi33)
  if (cfdi || (name === "Comprobante" && ns.startsWith(CFD_NS))) {
    const expected = ns === CfdiNamespace.cfdi40 ? "4.0" : "3.3"
    const version = root.attributes["Version"]?.trim()
    if (cfdi && version === expected) return expected
    const found = version ?? root.attributes["version"]?.trim()
    return new CfdiReadError({
      path,
      reason: "UnsupportedVersion",
      field: "Comprobante@Version",
      detail: `CFDI version "${found ?? "none"}" in namespace ${ns} is not supported (only 3.3 and 4.0)`
    })
  }
  const detail = ns.startsWith(RETENCIONES_NS)
    ? `root <${name}> is a CFDI de Retenciones, not a Comprobante`
    : `root <${name}> in namespace "${ns}" is not a CFDI Comprobante`
  return new CfdiReadError({ path, reason: "NotCfdi", detail })
}

/** The `Traslado` or `Retencion` lines under an `Impuestos` element; fields are labelled `<prefix>/<line>[i]`. */
const taxLines = (
  r: FieldReader,
  impuestos: XmlElement | undefined,
  ns: string,
  prefix: string,
  line: "Traslado" | "Retencion"
): Array<CfdiTaxLine> => {
  const out: Array<CfdiTaxLine> = []
  if (impuestos === undefined) return out
  const group = line === "Traslado" ? "Traslados" : "Retenciones"
  for (const g of impuestos.children) {
    if (g.name !== group || g.ns !== ns) continue
    let i = 0
    for (const el of g.children) {
      if (el.name !== line || el.ns !== ns) continue
      const label = `${prefix}/${line}[${++i}]`
      // Optional fields are set only when present, in the order of the interface (as `defined` would keep them).
      const taxLine: Mutable<CfdiTaxLine> = { impuesto: r.required(el, label, "Impuesto") }
      setDefined(taxLine, "tipoFactor", r.text(el, "TipoFactor"))
      setDefined(taxLine, "tasaOCuota", r.text(el, "TasaOCuota"))
      setDefined(taxLine, "base", r.amount(el, label, "Base"))
      setDefined(taxLine, "importe", r.amount(el, label, "Importe"))
      out.push(taxLine)
    }
  }
  return out
}

/**
 * Sum of the `Importe` of the lines of one `Impuesto`, `undefined` when none has one. The same value as `sumAmounts`
 * of those amounts (the last `sum` with zero makes an all-zero total the scale-0 zero, as `sumAmounts` does).
 */
const sumOf = (lines: ReadonlyArray<CfdiTaxLine>, impuesto: string): BigDecimal.BigDecimal | undefined => {
  let total: BigDecimal.BigDecimal | undefined
  for (const l of lines) {
    if (l.impuesto !== impuesto || l.importe === undefined) continue
    total = total === undefined ? l.importe : BigDecimal.sum(total, l.importe)
  }
  return total === undefined ? undefined : BigDecimal.sum(zeroAmount, total)
}

const readImpuestos = (r: FieldReader, impuestos: XmlElement, ns: string): CfdiImpuestos => {
  const traslados = taxLines(r, impuestos, ns, "Impuestos", "Traslado")
  const retenciones = taxLines(r, impuestos, ns, "Impuestos", "Retencion")
  const out: Mutable<CfdiImpuestos> = { traslados, retenciones }
  setDefined(out, "totalImpuestosTrasladados", r.amount(impuestos, "Impuestos", "TotalImpuestosTrasladados"))
  setDefined(out, "totalImpuestosRetenidos", r.amount(impuestos, "Impuestos", "TotalImpuestosRetenidos"))
  setDefined(out, "ivaTrasladado", sumOf(traslados, "002"))
  setDefined(out, "iepsTrasladado", sumOf(traslados, "003"))
  setDefined(out, "ivaRetenido", sumOf(retenciones, "002"))
  setDefined(out, "isrRetenido", sumOf(retenciones, "001"))
  return out
}

const readConcepto = (r: FieldReader, el: XmlElement, ns: string, index: number): CfdiConcepto => {
  const label = `Concepto[${index + 1}]`
  const impuestos = childNamed(el, ns, "Impuestos")
  const concepto: Mutable<CfdiConcepto> = {
    claveProdServ: r.required(el, label, "ClaveProdServ"),
    descripcion: r.required(el, label, "Descripcion"),
    cantidad: r.requiredAmount(el, label, "Cantidad"),
    valorUnitario: r.requiredAmount(el, label, "ValorUnitario"),
    importe: r.requiredAmount(el, label, "Importe"),
    traslados: taxLines(r, impuestos, ns, label, "Traslado"),
    retenciones: taxLines(r, impuestos, ns, label, "Retencion")
  }
  setDefined(concepto, "descuento", r.amount(el, label, "Descuento"))
  setDefined(concepto, "objetoImp", r.text(el, "ObjetoImp"))
  return concepto
}

const readRelacionados = (r: FieldReader, el: XmlElement, ns: string): CfdiRelacionados => ({
  tipoRelacion: r.required(el, "CfdiRelacionados", "TipoRelacion"),
  uuids: childrenNamed(el, ns, "CfdiRelacionado").map((c, i) =>
    r.required(c, `CfdiRelacionado[${i + 1}]`, "UUID").toUpperCase()
  )
})

const readLocales = (r: FieldReader, el: XmlElement): CfdiImpuestosLocales => {
  const lines = (name: string, impuesto: string, tasa: string): Array<CfdiImpuestoLocal> =>
    childrenNamed(el, CfdiNamespace.implocal, name).map((line, i) => {
      const label = `ImpuestosLocales/${name}[${i + 1}]`
      return {
        impuesto: r.required(line, label, impuesto),
        importe: r.requiredAmount(line, label, "Importe"),
        ...defined({ tasa: r.text(line, tasa) })
      }
    })
  return {
    totalTraslados: r.requiredAmount(el, "ImpuestosLocales", "TotaldeTraslados"),
    totalRetenciones: r.requiredAmount(el, "ImpuestosLocales", "TotaldeRetenciones"),
    traslados: lines("TrasladosLocales", "ImpLocTrasladado", "TasadeTraslado"),
    retenciones: lines("RetencionesLocales", "ImpLocRetenido", "TasadeRetencion")
  }
}

const isKnownComplement = (c: XmlElement): boolean =>
  (c.ns === CfdiNamespace.tfd && c.name === "TimbreFiscalDigital") ||
  (c.ns === CfdiNamespace.implocal && c.name === "ImpuestosLocales") ||
  (c.name === "Pagos" && (c.ns === CfdiNamespace.pagos20 || c.ns === CfdiNamespace.pagos10))

/** The complements the reader does not model, in document order. */
const otherComplements = (complements: ReadonlyArray<XmlElement>): Array<CfdiComplementoDesconocido> => {
  const out: Array<CfdiComplementoDesconocido> = []
  for (const c of complements) if (!isKnownComplement(c)) out.push({ ns: c.ns, name: c.name, attributes: c.attributes })
  return out
}

/**
 * Reads a parsed document into a `Cfdi`: checks the root (namespace, version), requires the TimbreFiscalDigital
 * (1.1 or 1.0) in any `Complemento`, then reads every field, the Pagos and implocal complements, and keeps every other
 * complement by namespace URI + local name. Returns the first problem found as a `CfdiReadError`.
 */
export const readComprobante = (root: XmlElement, path: string): Cfdi | CfdiReadError => {
  const version = classifyRoot(root, path)
  if (typeof version !== "string") return version
  const ns = root.ns
  const complements: Array<XmlElement> = []
  for (const c of root.children) {
    if (c.name === "Complemento" && c.ns === ns) for (const child of c.children) complements.push(child)
  }
  const tfd = complements.find((c) => c.ns === CfdiNamespace.tfd && c.name === "TimbreFiscalDigital")
  if (tfd === undefined) {
    return new CfdiReadError({
      path,
      reason: "MissingTimbre",
      field: "Complemento/TimbreFiscalDigital",
      detail: "missing: the document is not stamped, so it has no fiscal identity"
    })
  }
  const r = new FieldReader(path)
  const uuid = r.required(tfd, "TimbreFiscalDigital", "UUID").toUpperCase()
  const global = childNamed(root, ns, "InformacionGlobal")
  const fecha = r.required(root, "Comprobante", "Fecha")
  const issueDate = FECHA.test(fecha) ? civilDateOf(fecha) : undefined
  if (issueDate === undefined && fecha !== "") {
    r.fail("InvalidValue", "Comprobante@Fecha", `"${fecha}" is not a local date-time yyyy-MM-ddTHH:mm:ss`)
  }
  const emisor = r.child(root, ns, "Emisor")
  const receptor = r.child(root, ns, "Receptor")
  const conceptos = childNamed(root, ns, "Conceptos")
  const impuestos = childNamed(root, ns, "Impuestos")
  const local = complements.find((c) => c.ns === CfdiNamespace.implocal && c.name === "ImpuestosLocales")
  // Records are filled in the order (and with the optional fields absent, not undefined) of the object literals with
  // `defined` that they replace: the same own keys in the same order, and the fields read (so the first problem
  // recorded) in the same order.
  const subTotal = r.requiredAmount(root, "Comprobante", "SubTotal")
  const total = r.requiredAmount(root, "Comprobante", "Total")
  const moneda = r.required(root, "Comprobante", "Moneda")
  const tipoDeComprobante = r.required(root, "Comprobante", "TipoDeComprobante")
  const emisorFields: Mutable<CfdiEmisor> = { rfc: r.required(emisor, "Emisor", "Rfc").toUpperCase() }
  setDefined(emisorFields, "nombre", r.text(emisor, "Nombre"))
  setDefined(emisorFields, "regimenFiscal", r.text(emisor, "RegimenFiscal"))
  const receptorFields: Mutable<CfdiReceptor> = { rfc: r.required(receptor, "Receptor", "Rfc").toUpperCase() }
  setDefined(receptorFields, "nombre", r.text(receptor, "Nombre"))
  setDefined(receptorFields, "usoCfdi", r.text(receptor, "UsoCFDI"))
  setDefined(receptorFields, "domicilioFiscalReceptor", r.text(receptor, "DomicilioFiscalReceptor"))
  setDefined(receptorFields, "regimenFiscalReceptor", r.text(receptor, "RegimenFiscalReceptor"))
  setDefined(receptorFields, "residenciaFiscal", r.text(receptor, "ResidenciaFiscal"))
  setDefined(receptorFields, "numRegIdTrib", r.text(receptor, "NumRegIdTrib"))
  const sellado = r.text(root, "Sello") !== undefined && r.text(root, "NoCertificado") !== undefined &&
    r.text(root, "Certificado") !== undefined
  const cfdiRelacionados: Array<CfdiRelacionados> = []
  for (const el of root.children) {
    if (el.name === "CfdiRelacionados" && el.ns === ns) cfdiRelacionados.push(readRelacionados(r, el, ns))
  }
  const conceptoList: Array<CfdiConcepto> = []
  if (conceptos !== undefined) {
    for (const el of conceptos.children) {
      if (el.name === "Concepto" && el.ns === ns) conceptoList.push(readConcepto(r, el, ns, conceptoList.length))
    }
  }
  const timbre: Mutable<CfdiTimbre> = { uuid }
  setDefined(timbre, "version", r.text(tfd, "Version") ?? r.text(tfd, "version"))
  setDefined(timbre, "fechaTimbrado", r.text(tfd, "FechaTimbrado"))
  setDefined(timbre, "rfcProvCertif", r.text(tfd, "RfcProvCertif"))
  const cfdi: Mutable<Cfdi> = {
    path,
    version,
    fecha,
    issueDate: issueDate ?? "",
    subTotal,
    total,
    moneda,
    tipoDeComprobante,
    emisor: emisorFields,
    receptor: receptorFields,
    sellado,
    cfdiRelacionados,
    conceptos: conceptoList,
    timbre,
    otrosComplementos: otherComplements(complements)
  }
  setDefined(cfdi, "serie", r.text(root, "Serie"))
  setDefined(cfdi, "folio", r.text(root, "Folio"))
  setDefined(cfdi, "descuento", r.amount(root, "Comprobante", "Descuento"))
  setDefined(cfdi, "tipoCambio", r.amount(root, "Comprobante", "TipoCambio"))
  setDefined(cfdi, "metodoPago", r.text(root, "MetodoPago"))
  setDefined(cfdi, "formaPago", r.text(root, "FormaPago"))
  setDefined(cfdi, "lugarExpedicion", r.text(root, "LugarExpedicion"))
  setDefined(cfdi, "exportacion", r.text(root, "Exportacion"))
  if (impuestos !== undefined) cfdi.impuestos = readImpuestos(r, impuestos, ns)
  setDefined(cfdi, "pagos", readPagos(r, complements))
  if (local !== undefined) cfdi.impuestosLocales = readLocales(r, local)
  if (global !== undefined) {
    cfdi.informacionGlobal = {
      periodicidad: r.required(global, "InformacionGlobal", "Periodicidad"),
      meses: r.required(global, "InformacionGlobal", "Meses"),
      anio: r.required(global, "InformacionGlobal", "Año")
    }
  }
  return r.error ?? cfdi
}
