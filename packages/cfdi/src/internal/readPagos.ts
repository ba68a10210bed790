import type { CfdiDoctoRelacionado, CfdiPago, CfdiPagos } from "../Cfdi.js"
import { CfdiNamespace } from "../Cfdi.js"
import { type Mutable, setDefined } from "./defined.js"
import type { FieldReader } from "./FieldReader.js"
import type { XmlElement } from "../XmlDocument.js"

const INTEGER = /^\d+$/

// Records are filled in the order (and with the optional fields absent, not undefined) of the object literals with
// `defined` they replace: the same own keys in the same order, and the fields read in the same order.

const readDocto = (r: FieldReader, el: XmlElement, label: string): CfdiDoctoRelacionado => {
  const parcialidad = r.text(el, "NumParcialidad")
  if (parcialidad !== undefined && !INTEGER.test(parcialidad)) {
    r.fail("InvalidValue", `${label}@NumParcialidad`, `"${parcialidad}" is not a whole number`)
  }
  const docto: Mutable<CfdiDoctoRelacionado> = {
    idDocumento: r.required(el, label, "IdDocumento").toUpperCase(),
    monedaDR: r.required(el, label, "MonedaDR")
  }
  setDefined(docto, "serie", r.text(el, "Serie"))
  setDefined(docto, "folio", r.text(el, "Folio"))
  setDefined(docto, "equivalenciaDR", r.amount(el, label, "EquivalenciaDR"))
  setDefined(docto, "tipoCambioDR", r.amount(el, label, "TipoCambioDR"))
  if (parcialidad !== undefined && INTEGER.test(parcialidad)) docto.numParcialidad = Number(parcialidad)
  setDefined(docto, "impSaldoAnt", r.amount(el, label, "ImpSaldoAnt"))
  setDefined(docto, "impPagado", r.amount(el, label, "ImpPagado"))
  setDefined(docto, "impSaldoInsoluto", r.amount(el, label, "ImpSaldoInsoluto"))
  return docto
}

const readPago = (r: FieldReader, el: XmlElement, ns: string, index: number): CfdiPago => {
  const label = `Pago[${index + 1}]`
  const fechaPago = r.required(el, label, "FechaPago")
  const formaDePagoP = r.required(el, label, "FormaDePagoP")
  const monedaP = r.required(el, label, "MonedaP")
  const monto = r.requiredAmount(el, label, "Monto")
  const doctosRelacionados: Array<CfdiDoctoRelacionado> = []
  for (const d of el.children) {
    if (d.name === "DoctoRelacionado" && d.ns === ns) {
      doctosRelacionados.push(readDocto(r, d, `${label}/DoctoRelacionado[${doctosRelacionados.length + 1}]`))
    }
  }
  const pago: Mutable<CfdiPago> = { fechaPago, formaDePagoP, monedaP, monto, doctosRelacionados }
  setDefined(pago, "tipoCambioP", r.amount(el, label, "TipoCambioP"))
  return pago
}

const readPagoList = (r: FieldReader, pagos: XmlElement): Array<CfdiPago> => {
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
export const readPagos = (r: FieldReader, complements: ReadonlyArray<XmlElement>): CfdiPagos | undefined => {
  const pagos = complements.find((c) =>
    c.name === "Pagos" && (c.ns === CfdiNamespace.pagos20 || c.ns === CfdiNamespace.pagos10)
  )
  if (pagos === undefined) return undefined
  return {
    version: pagos.ns === CfdiNamespace.pagos20 ? "2.0" : "1.0",
    pagos: readPagoList(r, pagos)
  }
}
