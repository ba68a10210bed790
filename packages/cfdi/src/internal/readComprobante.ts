import { civilDateOf, TRUSTED, zeroAmount } from "@clara-recon/domain"
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
import { defined } from "./defined.js"
import { FieldReader } from "./FieldReader.js"
import { readPagos } from "./readPagos.js"
import type { CfdiNode } from "./cfdiTree.js"
import { attributesOf, childNamed, childrenNamed } from "./cfdiTree.js"

const RETENCIONES_NS = "http://www.sat.gob.mx/esquemas/retencionpago/"
const CFD_NS = "http://www.sat.gob.mx/cfd/"
const FECHA = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/

/**
 * `civilDateOf` of the calendar days seen, by their `yyyy-MM-dd`: documents of a batch share few days. Bounded: cleared
 * when full. `null` marks a day that is no civil date.
 */
const civilDays = new Map<string, string | null>()
const MAX_CACHED_DAYS = 4096

/** `civilDateOf(fecha)` for a `fecha` that matches `FECHA` (so it depends only on its first ten characters). */
const issueDateOf = (fecha: string): string | undefined => {
  const day = fecha.slice(0, 10)
  let date = civilDays.get(day)
  if (date === undefined) {
    if (civilDays.size >= MAX_CACHED_DAYS) civilDays.clear()
    date = civilDateOf(fecha) ?? null
    civilDays.set(day, date)
  }
  return date ?? undefined
}

/** Refuses a root that is not a CFDI 3.3 / 4.0 `Comprobante`; returns its version otherwise. */
const classifyRoot = (root: CfdiNode, path: string): "3.3" | "4.0" | CfdiReadError => {
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
    }, TRUSTED)
  }
  const detail = ns.startsWith(RETENCIONES_NS)
    ? `root <${name}> is a CFDI de Retenciones, not a Comprobante`
    : `root <${name}> in namespace "${ns}" is not a CFDI Comprobante`
  return new CfdiReadError({ path, reason: "NotCfdi", detail }, TRUSTED)
}

/** The `Traslado` or `Retencion` lines under an `Impuestos` element; fields are labelled `<prefix>/<line>[i]`. */
const taxLines = (
  r: FieldReader,
  impuestos: CfdiNode | undefined,
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
      // Optional fields are set only when present, in the order of the interface (as `defined` would keep them),
      // each by its own assignment (one record shape per site, not one helper's store seeing every record).
      const taxLine: Mutable<CfdiTaxLine> = { impuesto: r.required(el.attributes["Impuesto"], label, "Impuesto") }
      const taxLineTipoFactor = r.text(el.attributes["TipoFactor"])
      if (taxLineTipoFactor !== undefined) taxLine.tipoFactor = taxLineTipoFactor
      const taxLineTasaOCuota = r.text(el.attributes["TasaOCuota"])
      if (taxLineTasaOCuota !== undefined) taxLine.tasaOCuota = taxLineTasaOCuota
      const taxLineBase = r.amount(el.attributes["Base"], label, "Base")
      if (taxLineBase !== undefined) taxLine.base = taxLineBase
      const taxLineImporte = r.amount(el.attributes["Importe"], label, "Importe")
      if (taxLineImporte !== undefined) taxLine.importe = taxLineImporte
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

const readImpuestos = (r: FieldReader, impuestos: CfdiNode, ns: string): CfdiImpuestos => {
  const traslados = taxLines(r, impuestos, ns, "Impuestos", "Traslado")
  const retenciones = taxLines(r, impuestos, ns, "Impuestos", "Retencion")
  const out: Mutable<CfdiImpuestos> = { traslados, retenciones }
  const a = impuestos.attributes
  const trasladados = r.amount(a["TotalImpuestosTrasladados"], "Impuestos", "TotalImpuestosTrasladados")
  const outTotalImpuestosTrasladados = trasladados
  if (outTotalImpuestosTrasladados !== undefined) out.totalImpuestosTrasladados = outTotalImpuestosTrasladados
  const retenidos = r.amount(a["TotalImpuestosRetenidos"], "Impuestos", "TotalImpuestosRetenidos")
  const outTotalImpuestosRetenidos = retenidos
  if (outTotalImpuestosRetenidos !== undefined) out.totalImpuestosRetenidos = outTotalImpuestosRetenidos
  const outIvaTrasladado = sumOf(traslados, "002")
  if (outIvaTrasladado !== undefined) out.ivaTrasladado = outIvaTrasladado
  const outIepsTrasladado = sumOf(traslados, "003")
  if (outIepsTrasladado !== undefined) out.iepsTrasladado = outIepsTrasladado
  const outIvaRetenido = sumOf(retenciones, "002")
  if (outIvaRetenido !== undefined) out.ivaRetenido = outIvaRetenido
  const outIsrRetenido = sumOf(retenciones, "001")
  if (outIsrRetenido !== undefined) out.isrRetenido = outIsrRetenido
  return out
}

const readConcepto = (r: FieldReader, el: CfdiNode, ns: string, index: number): CfdiConcepto => {
  const label = `Concepto[${index + 1}]`
  const impuestos = childNamed(el, ns, "Impuestos")
  const concepto: Mutable<CfdiConcepto> = {
    claveProdServ: r.required(el.attributes["ClaveProdServ"], label, "ClaveProdServ"),
    descripcion: r.required(el.attributes["Descripcion"], label, "Descripcion"),
    cantidad: r.requiredAmount(el.attributes["Cantidad"], label, "Cantidad"),
    valorUnitario: r.requiredAmount(el.attributes["ValorUnitario"], label, "ValorUnitario"),
    importe: r.requiredAmount(el.attributes["Importe"], label, "Importe"),
    traslados: taxLines(r, impuestos, ns, label, "Traslado"),
    retenciones: taxLines(r, impuestos, ns, label, "Retencion")
  }
  const conceptoDescuento = r.amount(el.attributes["Descuento"], label, "Descuento")
  if (conceptoDescuento !== undefined) concepto.descuento = conceptoDescuento
  const conceptoObjetoImp = r.text(el.attributes["ObjetoImp"])
  if (conceptoObjetoImp !== undefined) concepto.objetoImp = conceptoObjetoImp
  return concepto
}

const readRelacionados = (r: FieldReader, el: CfdiNode, ns: string): CfdiRelacionados => ({
  tipoRelacion: r.required(el.attributes["TipoRelacion"], "CfdiRelacionados", "TipoRelacion"),
  uuids: childrenNamed(el, ns, "CfdiRelacionado").map((c, i) =>
    r.required(c.attributes["UUID"], `CfdiRelacionado[${i + 1}]`, "UUID").toUpperCase()
  )
})

const readLocales = (r: FieldReader, el: CfdiNode): CfdiImpuestosLocales => {
  const lines = (name: string, impuesto: string, tasa: string): Array<CfdiImpuestoLocal> =>
    childrenNamed(el, CfdiNamespace.implocal, name).map((line, i) => {
      const label = `ImpuestosLocales/${name}[${i + 1}]`
      return {
        impuesto: r.required(line.attributes[impuesto], label, impuesto),
        importe: r.requiredAmount(line.attributes["Importe"], label, "Importe"),
        ...defined({ tasa: r.text(line.attributes[tasa]) })
      }
    })
  return {
    totalTraslados: r.requiredAmount(el.attributes["TotaldeTraslados"], "ImpuestosLocales", "TotaldeTraslados"),
    totalRetenciones: r.requiredAmount(
      el.attributes["TotaldeRetenciones"],
      "ImpuestosLocales",
      "TotaldeRetenciones"
    ),
    traslados: lines("TrasladosLocales", "ImpLocTrasladado", "TasadeTraslado"),
    retenciones: lines("RetencionesLocales", "ImpLocRetenido", "TasadeRetencion")
  }
}

const isKnownComplement = (c: CfdiNode): boolean =>
  (c.ns === CfdiNamespace.tfd && c.name === "TimbreFiscalDigital") ||
  (c.ns === CfdiNamespace.implocal && c.name === "ImpuestosLocales") ||
  (c.name === "Pagos" && (c.ns === CfdiNamespace.pagos20 || c.ns === CfdiNamespace.pagos10))

/** The complements the reader does not model, in document order. */
const otherComplements = (complements: ReadonlyArray<CfdiNode>): Array<CfdiComplementoDesconocido> => {
  const out: Array<CfdiComplementoDesconocido> = []
  for (const c of complements) {
    if (!isKnownComplement(c)) out.push({ ns: c.ns, name: c.name, attributes: attributesOf(c) })
  }
  return out
}

/**
 * Reads a parsed document into a `Cfdi`: checks the root (namespace, version), requires the TimbreFiscalDigital
 * (1.1 or 1.0) in any `Complemento`, then reads every field, the Pagos and implocal complements, and keeps every other
 * complement by namespace URI + local name. Returns the first problem found as a `CfdiReadError`.
 */
export const readComprobante = (root: CfdiNode, path: string): Cfdi | CfdiReadError => {
  const version = classifyRoot(root, path)
  if (typeof version !== "string") return version
  const ns = root.ns
  const complements: Array<CfdiNode> = []
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
    }, TRUSTED)
  }
  const r = new FieldReader(path)
  const uuid = r.required(tfd.attributes["UUID"], "TimbreFiscalDigital", "UUID").toUpperCase()
  const global = childNamed(root, ns, "InformacionGlobal")
  const fecha = r.required(root.attributes["Fecha"], "Comprobante", "Fecha")
  const issueDate = FECHA.test(fecha) ? issueDateOf(fecha) : undefined
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
  const subTotal = r.requiredAmount(root.attributes["SubTotal"], "Comprobante", "SubTotal")
  const total = r.requiredAmount(root.attributes["Total"], "Comprobante", "Total")
  const moneda = r.required(root.attributes["Moneda"], "Comprobante", "Moneda")
  const tipoDeComprobante = r.required(root.attributes["TipoDeComprobante"], "Comprobante", "TipoDeComprobante")
  const emisorFields: Mutable<CfdiEmisor> = {
    rfc: r.required(emisor.attributes["Rfc"], "Emisor", "Rfc").toUpperCase()
  }
  const emisorNombre = r.text(emisor.attributes["Nombre"])
  if (emisorNombre !== undefined) emisorFields.nombre = emisorNombre
  const emisorRegimenFiscal = r.text(emisor.attributes["RegimenFiscal"])
  if (emisorRegimenFiscal !== undefined) emisorFields.regimenFiscal = emisorRegimenFiscal
  const receptorFields: Mutable<CfdiReceptor> = {
    rfc: r.required(receptor.attributes["Rfc"], "Receptor", "Rfc").toUpperCase()
  }
  const receptorNombre = r.text(receptor.attributes["Nombre"])
  if (receptorNombre !== undefined) receptorFields.nombre = receptorNombre
  const receptorUsoCfdi = r.text(receptor.attributes["UsoCFDI"])
  if (receptorUsoCfdi !== undefined) receptorFields.usoCfdi = receptorUsoCfdi
  const receptorDomicilioFiscalReceptor = r.text(receptor.attributes["DomicilioFiscalReceptor"])
  if (receptorDomicilioFiscalReceptor !== undefined) {
    receptorFields.domicilioFiscalReceptor = receptorDomicilioFiscalReceptor
  }
  const receptorRegimenFiscalReceptor = r.text(receptor.attributes["RegimenFiscalReceptor"])
  if (receptorRegimenFiscalReceptor !== undefined) receptorFields.regimenFiscalReceptor = receptorRegimenFiscalReceptor
  const receptorResidenciaFiscal = r.text(receptor.attributes["ResidenciaFiscal"])
  if (receptorResidenciaFiscal !== undefined) receptorFields.residenciaFiscal = receptorResidenciaFiscal
  const receptorNumRegIdTrib = r.text(receptor.attributes["NumRegIdTrib"])
  if (receptorNumRegIdTrib !== undefined) receptorFields.numRegIdTrib = receptorNumRegIdTrib
  const sellado = r.text(root.attributes["Sello"]) !== undefined &&
    r.text(root.attributes["NoCertificado"]) !== undefined && r.text(root.attributes["Certificado"]) !== undefined
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
  const timbreVersion = r.text(tfd.attributes["Version"]) ?? r.text(tfd.attributes["version"])
  if (timbreVersion !== undefined) timbre.version = timbreVersion
  const timbreFechaTimbrado = r.text(tfd.attributes["FechaTimbrado"])
  if (timbreFechaTimbrado !== undefined) timbre.fechaTimbrado = timbreFechaTimbrado
  const timbreRfcProvCertif = r.text(tfd.attributes["RfcProvCertif"])
  if (timbreRfcProvCertif !== undefined) timbre.rfcProvCertif = timbreRfcProvCertif
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
  const cfdiSerie = r.text(root.attributes["Serie"])
  if (cfdiSerie !== undefined) cfdi.serie = cfdiSerie
  const cfdiFolio = r.text(root.attributes["Folio"])
  if (cfdiFolio !== undefined) cfdi.folio = cfdiFolio
  const cfdiDescuento = r.amount(root.attributes["Descuento"], "Comprobante", "Descuento")
  if (cfdiDescuento !== undefined) cfdi.descuento = cfdiDescuento
  const cfdiTipoCambio = r.amount(root.attributes["TipoCambio"], "Comprobante", "TipoCambio")
  if (cfdiTipoCambio !== undefined) cfdi.tipoCambio = cfdiTipoCambio
  const cfdiMetodoPago = r.text(root.attributes["MetodoPago"])
  if (cfdiMetodoPago !== undefined) cfdi.metodoPago = cfdiMetodoPago
  const cfdiFormaPago = r.text(root.attributes["FormaPago"])
  if (cfdiFormaPago !== undefined) cfdi.formaPago = cfdiFormaPago
  const cfdiLugarExpedicion = r.text(root.attributes["LugarExpedicion"])
  if (cfdiLugarExpedicion !== undefined) cfdi.lugarExpedicion = cfdiLugarExpedicion
  const cfdiExportacion = r.text(root.attributes["Exportacion"])
  if (cfdiExportacion !== undefined) cfdi.exportacion = cfdiExportacion
  if (impuestos !== undefined) cfdi.impuestos = readImpuestos(r, impuestos, ns)
  const cfdiPagos = readPagos(r, complements)
  if (cfdiPagos !== undefined) cfdi.pagos = cfdiPagos
  if (local !== undefined) cfdi.impuestosLocales = readLocales(r, local)
  if (global !== undefined) {
    cfdi.informacionGlobal = {
      periodicidad: r.required(global.attributes["Periodicidad"], "InformacionGlobal", "Periodicidad"),
      meses: r.required(global.attributes["Meses"], "InformacionGlobal", "Meses"),
      anio: r.required(global.attributes["Año"], "InformacionGlobal", "Año")
    }
  }
  return r.error ?? cfdi
}
