import { roundHalfUp, sumAmounts, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { CfdiConceptoSpec, CfdiSpec, IvaTreatment, RetencionTreatment } from "../CfdiSpec.js"
import { defined } from "./defined.js"

/** The IVA `Traslado` of a concept or a document-level group: `tasa`/`importe` are absent for `Exento`. */
export interface IvaTraslado {
  readonly tipoFactor: "Tasa" | "Exento"
  readonly tasaOCuota?: string
  readonly base: BigDecimal.BigDecimal
  readonly importe?: BigDecimal.BigDecimal
}

/** A withholding (`Retencion`) of a concept, or a document-level group per Impuesto (then `tasaOCuota` is unused). */
export interface ComputedRetencion {
  /** `001` ISR or `002` IVA. */
  readonly impuesto: "001" | "002"
  readonly tasaOCuota: string
  readonly base: BigDecimal.BigDecimal
  readonly importe: BigDecimal.BigDecimal
}

/** A concept with its computed amounts (quantities and unit values kept to at most 6 decimals). */
export interface ComputedConcepto {
  readonly spec: CfdiConceptoSpec
  readonly cantidad: BigDecimal.BigDecimal
  readonly valorUnitario: BigDecimal.BigDecimal
  readonly importe: BigDecimal.BigDecimal
  readonly descuento?: BigDecimal.BigDecimal
  readonly traslado: IvaTraslado
  readonly retenciones: ReadonlyArray<ComputedRetencion>
}

/** Every amount of a generated CFDI. */
export interface ComputedCfdi {
  readonly conceptos: ReadonlyArray<ComputedConcepto>
  /** Document-level Traslados grouped per TipoFactor + TasaOCuota. */
  readonly traslados: ReadonlyArray<IvaTraslado>
  /** Document-level Retenciones grouped per Impuesto. */
  readonly retenciones: ReadonlyArray<ComputedRetencion>
  readonly subTotal: BigDecimal.BigDecimal
  /** Sum of concept discounts; absent when no concept has one. */
  readonly descuento?: BigDecimal.BigDecimal
  /** TotalImpuestosTrasladados; absent when every line is exempt. */
  readonly iva?: BigDecimal.BigDecimal
  /** TotalImpuestosRetenidos; absent when nothing is withheld. */
  readonly retenido?: BigDecimal.BigDecimal
  readonly total: BigDecimal.BigDecimal
}

const RATES: Readonly<Record<Exclude<IvaTreatment, "exento">, string>> = {
  "16": "0.160000",
  "8": "0.080000",
  "0": "0.000000"
}

/** Withholdings (cfdi.md §1.4): ISR 10 % on professional fees, ISR 1.25 % (RESICO), IVA two thirds of 16 %. */
const RETENCIONES: Readonly<Record<RetencionTreatment, { impuesto: "001" | "002"; tasa: string }>> = {
  "isr-10": { impuesto: "001", tasa: "0.100000" },
  "isr-1.25": { impuesto: "001", tasa: "0.012500" },
  "iva-10.6667": { impuesto: "002", tasa: "0.106667" }
}

const atMost6 = (value: BigDecimal.BigDecimal): BigDecimal.BigDecimal =>
  value.scale > 6 ? roundHalfUp(value, 6) : value

const taxOf = (base: BigDecimal.BigDecimal, rate: string): BigDecimal.BigDecimal =>
  roundHalfUp(BigDecimal.multiply(base, BigDecimal.unsafeFromString(rate)))

const computeConcepto = (spec: CfdiConceptoSpec): ComputedConcepto => {
  const cantidad = atMost6(spec.cantidad)
  const valorUnitario = atMost6(spec.valorUnitario)
  const importe = roundHalfUp(BigDecimal.multiply(cantidad, valorUnitario))
  const descuento = spec.descuento === undefined ? undefined : roundHalfUp(spec.descuento)
  const base = BigDecimal.subtract(importe, descuento ?? zeroAmount)
  const traslado: IvaTraslado = spec.iva === "exento"
    ? { tipoFactor: "Exento", base }
    : { tipoFactor: "Tasa", tasaOCuota: RATES[spec.iva], base, importe: taxOf(base, RATES[spec.iva]) }
  const retenciones = (spec.retenciones ?? []).map((r): ComputedRetencion => {
    const { impuesto, tasa } = RETENCIONES[r]
    return { impuesto, tasaOCuota: tasa, base, importe: taxOf(base, tasa) }
  })
  return { spec, cantidad, valorUnitario, importe, traslado, retenciones, ...defined({ descuento }) }
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

const groupRetenciones = (conceptos: ReadonlyArray<ComputedConcepto>): Array<ComputedRetencion> => {
  const groups = new Map<string, ComputedRetencion>()
  for (const r of conceptos.flatMap((c) => c.retenciones)) {
    const prior = groups.get(r.impuesto)
    groups.set(
      r.impuesto,
      prior === undefined ? r : {
        ...prior,
        base: BigDecimal.sum(prior.base, r.base),
        importe: BigDecimal.sum(prior.importe, r.importe)
      }
    )
  }
  return [...groups.values()].sort((a, b) => a.impuesto.localeCompare(b.impuesto))
}

/**
 * Computes a spec's amounts the way SAT expects (Anexo 20; cfdi.md §2.3): Importe = Cantidad x ValorUnitario and
 * each concept's IVA / withholding = (Importe - Descuento) x rate, all rounded half-up to 2 places per concept;
 * document Traslados (per rate) and Retenciones (per Impuesto) are exact sums;
 * Total = SubTotal - Descuento + TotalImpuestosTrasladados - TotalImpuestosRetenidos.
 */
export const computeCfdi = (spec: CfdiSpec): ComputedCfdi => {
  const conceptos = spec.conceptos.map(computeConcepto)
  const traslados = groupTraslados(conceptos)
  const retenciones = groupRetenciones(conceptos)
  const subTotal = sumAmounts(conceptos.map((c) => c.importe))
  const discounts = conceptos.flatMap((c) => (c.descuento === undefined ? [] : [c.descuento]))
  const descuento = discounts.length === 0 ? undefined : sumAmounts(discounts)
  const taxed = traslados.flatMap((t) => (t.importe === undefined ? [] : [t.importe]))
  const iva = taxed.length === 0 ? undefined : sumAmounts(taxed)
  const retenido = retenciones.length === 0 ? undefined : sumAmounts(retenciones.map((r) => r.importe))
  const total = sumAmounts([
    subTotal,
    BigDecimal.negate(descuento ?? zeroAmount),
    iva ?? zeroAmount,
    BigDecimal.negate(retenido ?? zeroAmount)
  ])
  return { conceptos, traslados, retenciones, subTotal, total, ...defined({ descuento, iva, retenido }) }
}
