import type { CfdiDoctoRelacionado, CfdiPago, CfdiPagos } from "../Cfdi.js"
import { CfdiNamespace } from "../Cfdi.js"
import { defined } from "./defined.js"
import type { FieldReader } from "./FieldReader.js"
import type { XmlElement } from "../XmlDocument.js"
import { childrenNamed } from "../XmlDocument.js"

const INTEGER = /^\d+$/

const readDocto = (r: FieldReader, el: XmlElement, label: string): CfdiDoctoRelacionado => {
  const parcialidad = r.text(el, "NumParcialidad")
  if (parcialidad !== undefined && !INTEGER.test(parcialidad)) {
    r.fail("InvalidValue", `${label}@NumParcialidad`, `"${parcialidad}" is not a whole number`)
  }
  return {
    idDocumento: r.required(el, label, "IdDocumento").toUpperCase(),
    monedaDR: r.required(el, label, "MonedaDR"),
    ...defined({
      serie: r.text(el, "Serie"),
      folio: r.text(el, "Folio"),
      equivalenciaDR: r.amount(el, label, "EquivalenciaDR"),
      tipoCambioDR: r.amount(el, label, "TipoCambioDR"),
      numParcialidad: parcialidad !== undefined && INTEGER.test(parcialidad) ? Number(parcialidad) : undefined,
      impSaldoAnt: r.amount(el, label, "ImpSaldoAnt"),
      impPagado: r.amount(el, label, "ImpPagado"),
      impSaldoInsoluto: r.amount(el, label, "ImpSaldoInsoluto")
    })
  }
}

const readPago = (r: FieldReader, el: XmlElement, ns: string, index: number): CfdiPago => {
  const label = `Pago[${index + 1}]`
  return {
    fechaPago: r.required(el, label, "FechaPago"),
    formaDePagoP: r.required(el, label, "FormaDePagoP"),
    monedaP: r.required(el, label, "MonedaP"),
    monto: r.requiredAmount(el, label, "Monto"),
    doctosRelacionados: childrenNamed(el, ns, "DoctoRelacionado").map((d, i) =>
      readDocto(r, d, `${label}/DoctoRelacionado[${i + 1}]`)
    ),
    ...defined({ tipoCambioP: r.amount(el, label, "TipoCambioP") })
  }
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
    pagos: childrenNamed(pagos, pagos.ns, "Pago").map((el, i) => readPago(r, el, pagos.ns, i))
  }
}
