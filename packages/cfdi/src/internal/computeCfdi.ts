import { roundHalfUp, sumAmounts, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { CfdiConceptoSpec, CfdiSpec, IvaTreatment } from "../CfdiSpec.js"
import { defined } from "./defined.js"

/** The IVA `Traslado` of a concept or a document-level group: `tasa`/`importe` are absent for `Exento`. */
export interface IvaTraslado {
  readonly tipoFactor: "Tasa" | "Exento"
  readonly tasaOCuota?: string
  readonly base: BigDecimal.BigDecimal
  readonly importe?: BigDecimal.BigDecimal
}

/** A concept with its computed amounts (quantities and unit values kept to at most 6 decimals). */
export interface ComputedConcepto {
  readonly spec: CfdiConceptoSpec
  readonly cantidad: BigDecimal.BigDecimal
  readonly valorUnitario: BigDecimal.BigDecimal
  readonly importe: BigDecimal.BigDecimal
  readonly descuento?: BigDecimal.BigDecimal
  readonly traslado: IvaTraslado
}

/** Every amount of a generated CFDI. */
export interface ComputedCfdi {
  readonly conceptos: ReadonlyArray<ComputedConcepto>
  /** Document-level Traslados grouped per TipoFactor + TasaOCuota. */
  readonly traslados: ReadonlyArray<IvaTraslado>
  readonly subTotal: BigDecimal.BigDecimal
  /** Sum of concept discounts; absent when no concept has one. */
  readonly descuento?: BigDecimal.BigDecimal
  /** TotalImpuestosTrasladados; absent when every line is exempt. */
  readonly iva?: BigDecimal.BigDecimal
  readonly total: BigDecimal.BigDecimal
}

const RATES: Readonly<Record<Exclude<IvaTreatment, "exento">, string>> = {
  "16": "0.160000",
  "8": "0.080000",
  "0": "0.000000"
}

const atMost6 = (value: BigDecimal.BigDecimal): BigDecimal.BigDecimal =>
  value.scale > 6 ? roundHalfUp(value, 6) : value

const computeConcepto = (spec: CfdiConceptoSpec): ComputedConcepto => {
  const cantidad = atMost6(spec.cantidad)
  const valorUnitario = atMost6(spec.valorUnitario)
  const importe = roundHalfUp(BigDecimal.multiply(cantidad, valorUnitario))
  const descuento = spec.descuento === undefined ? undefined : roundHalfUp(spec.descuento)
  const base = BigDecimal.subtract(importe, descuento ?? zeroAmount)
  const traslado: IvaTraslado = spec.iva === "exento"
    ? { tipoFactor: "Exento", base }
    : {
      tipoFactor: "Tasa",
      tasaOCuota: RATES[spec.iva],
      base,
      importe: roundHalfUp(BigDecimal.multiply(base, BigDecimal.unsafeFromString(RATES[spec.iva])))
    }
  return { spec, cantidad, valorUnitario, importe, traslado, ...defined({ descuento }) }
}

const groupTraslados = (conceptos: ReadonlyArray<ComputedConcepto>): Array<IvaTraslado> => {
  const groups = new Map<string, IvaTraslado>()
  for (const { traslado } of conceptos) {
    const key = `${traslado.tipoFactor}/${traslado.tasaOCuota ?? ""}`
    const prior = groups.get(key)
    groups.set(key, prior === undefined ? traslado : {
      ...prior,
      base: BigDecimal.sum(prior.base, traslado.base),
      ...(prior.importe === undefined || traslado.importe === undefined
        ? {}
        : { importe: BigDecimal.sum(prior.importe, traslado.importe) })
    })
  }
  return [...groups.values()]
}

/**
 * Computes a spec's amounts the way SAT expects (Anexo 20; cfdi.md §2.3): Importe = Cantidad x ValorUnitario and
 * each concept's IVA = (Importe - Descuento) x rate, both rounded half-up to 2 places per concept; document
 * Traslados are exact sums per rate; Total = SubTotal - Descuento + TotalImpuestosTrasladados.
 */
export const computeCfdi = (spec: CfdiSpec): ComputedCfdi => {
  const conceptos = spec.conceptos.map(computeConcepto)
  const traslados = groupTraslados(conceptos)
  const subTotal = sumAmounts(conceptos.map((c) => c.importe))
  const discounts = conceptos.flatMap((c) => (c.descuento === undefined ? [] : [c.descuento]))
  const descuento = discounts.length === 0 ? undefined : sumAmounts(discounts)
  const taxed = traslados.flatMap((t) => (t.importe === undefined ? [] : [t.importe]))
  const iva = taxed.length === 0 ? undefined : sumAmounts(taxed)
  const total = sumAmounts([subTotal, BigDecimal.negate(descuento ?? zeroAmount), iva ?? zeroAmount])
  return {
    conceptos,
    traslados,
    subTotal,
    total,
    ...defined({ descuento, iva })
  }
}
