import type { CfdiDoctoRelacionado, CfdiPago, CfdiPagos } from "../Cfdi.js"
import { CfdiNamespace } from "../Cfdi.js"
import type { Mutable } from "./defined.js"
import type { FieldReader } from "./FieldReader.js"
import type { CfdiNode } from "./cfdiTree.js"

const INTEGER = /^\d+$/

// Records are filled in the order (and with the optional fields absent, not undefined) of the object literals with
// `defined` they replace: the same own keys in the same order, and the fields read in the same order.

const readDocto = (r: FieldReader, el: CfdiNode, label: string): CfdiDoctoRelacionado => {
  const parcialidad = r.text(el.attributes["NumParcialidad"])
  if (parcialidad !== undefined && !INTEGER.test(parcialidad)) {
    r.fail("InvalidValue", `${label}@NumParcialidad`, `"${parcialidad}" is not a whole number`)
  }
  const docto: Mutable<CfdiDoctoRelacionado> = {
    idDocumento: r.required(el.attributes["IdDocumento"], label, "IdDocumento").toUpperCase(),
    monedaDR: r.required(el.attributes["MonedaDR"], label, "MonedaDR")
  }
  const doctoSerie = r.text(el.attributes["Serie"])
  if (doctoSerie !== undefined) docto.serie = doctoSerie
  const doctoFolio = r.text(el.attributes["Folio"])
  if (doctoFolio !== undefined) docto.folio = doctoFolio
  const doctoEquivalenciaDR = r.amount(el.attributes["EquivalenciaDR"], label, "EquivalenciaDR")
  if (doctoEquivalenciaDR !== undefined) docto.equivalenciaDR = doctoEquivalenciaDR
  const doctoTipoCambioDR = r.amount(el.attributes["TipoCambioDR"], label, "TipoCambioDR")
  if (doctoTipoCambioDR !== undefined) docto.tipoCambioDR = doctoTipoCambioDR
  if (parcialidad !== undefined && INTEGER.test(parcialidad)) docto.numParcialidad = Number(parcialidad)
  const doctoImpSaldoAnt = r.amount(el.attributes["ImpSaldoAnt"], label, "ImpSaldoAnt")
  if (doctoImpSaldoAnt !== undefined) docto.impSaldoAnt = doctoImpSaldoAnt
  const doctoImpPagado = r.amount(el.attributes["ImpPagado"], label, "ImpPagado")
  if (doctoImpPagado !== undefined) docto.impPagado = doctoImpPagado
  const doctoImpSaldoInsoluto = r.amount(el.attributes["ImpSaldoInsoluto"], label, "ImpSaldoInsoluto")
  if (doctoImpSaldoInsoluto !== undefined) docto.impSaldoInsoluto = doctoImpSaldoInsoluto
  return docto
}

const readPago = (r: FieldReader, el: CfdiNode, ns: string, index: number): CfdiPago => {
  const label = `Pago[${index + 1}]`
  const fechaPago = r.required(el.attributes["FechaPago"], label, "FechaPago")
  const formaDePagoP = r.required(el.attributes["FormaDePagoP"], label, "FormaDePagoP")
  const monedaP = r.required(el.attributes["MonedaP"], label, "MonedaP")
  const monto = r.requiredAmount(el.attributes["Monto"], label, "Monto")
  const doctosRelacionados: Array<CfdiDoctoRelacionado> = []
  for (const d of el.children) {
    if (d.name === "DoctoRelacionado" && d.ns === ns) {
      doctosRelacionados.push(readDocto(r, d, `${label}/DoctoRelacionado[${doctosRelacionados.length + 1}]`))
    }
  }
  const pago: Mutable<CfdiPago> = { fechaPago, formaDePagoP, monedaP, monto, doctosRelacionados }
  const pagoTipoCambioP = r.amount(el.attributes["TipoCambioP"], label, "TipoCambioP")
  if (pagoTipoCambioP !== undefined) pago.tipoCambioP = pagoTipoCambioP
  return pago
}

const readPagoList = (r: FieldReader, pagos: CfdiNode): Array<CfdiPago> => {
  const out: Array<CfdiPago> = []
  for (const el of pagos.children) {
    if (el.name === "Pago" && el.ns === pagos.ns) out.push(readPago(r, el, pagos.ns, out.length))
  }
  return out
}

/**
 * Reads the payment complement among the children of every `Complemento` (cfdi.md §1.7): `pago20:Pagos`
 * (namespace `http://www.sat.gob.mx/Pagos20`) or `pago10:Pagos` (`http://www.sat.gob.mx/Pagos`), whichever comes
 * first. Returns `undefined` when there is none. Problems (missing `FechaPago`, `Monto`, `IdDocumento`, ...,
 * malformed amounts) are recorded on `r` as `MissingField` / `InvalidValue`, labelled `Pago[i]/DoctoRelacionado[j]`.
 */
export const readPagos = (r: FieldReader, complements: ReadonlyArray<CfdiNode>): CfdiPagos | undefined => {
  const pagos = complements.find((c) =>
    c.name === "Pagos" && (c.ns === CfdiNamespace.pagos20 || c.ns === CfdiNamespace.pagos10)
  )
  if (pagos === undefined) return undefined
  return {
    version: pagos.ns === CfdiNamespace.pagos20 ? "2.0" : "1.0",
    pagos: readPagoList(r, pagos)
  }
}
