import { sumAmounts } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { CfdiConcepto, CfdiTaxLine } from "../Cfdi.js"

/** The concept tax lines of one document-level group, summed. */
export interface TaxGroup {
  /** Readable key: `Impuesto 002 Tasa 0.160000` (traslados) or `Impuesto 001` (retenciones). */
  readonly label: string
  /** `Impuesto` and, for traslados, `TipoFactor` of the group's lines. */
  readonly impuesto: string
  readonly tipoFactor?: string
  /** The group's `TasaOCuota` as a number (traslados), when it is a decimal. */
  readonly rate?: BigDecimal.BigDecimal
  /** Number of concept lines in the group. */
  readonly lines: number
  /** Σ Base over the lines that carry one. */
  readonly base: BigDecimal.BigDecimal
  /** Σ Importe over the lines that carry one; absent when none does (Exento). */
  readonly importe?: BigDecimal.BigDecimal
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/

/** Rate text compared by value, so `0.16` and `0.160000` are the same group. */
const rateKey = (text: string | undefined): string =>
  text === undefined ? "" : DECIMAL.test(text) ? BigDecimal.format(BigDecimal.unsafeFromString(text)) : text

/**
 * The grouping key of a tax line: Impuesto + TipoFactor + TasaOCuota for traslados, Impuesto alone for retenciones
 * (Anexo 20 document-level `Impuestos`; cfdi.md §1.4).
 */
export const groupLabel = (line: CfdiTaxLine, kind: "traslado" | "retencion"): string =>
  kind === "retencion"
    ? `Impuesto ${line.impuesto}`
    : `Impuesto ${line.impuesto} ${line.tipoFactor ?? "-"} ${rateKey(line.tasaOCuota)}`.trimEnd()

/** Groups every concept's traslados or retenciones by `groupLabel`, in first-seen order. */
export const groupConceptTaxes = (
  conceptos: ReadonlyArray<CfdiConcepto>,
  kind: "traslado" | "retencion"
): ReadonlyMap<string, TaxGroup> => {
  const lines = new Map<string, Array<CfdiTaxLine>>()
  for (const c of conceptos) {
    for (const line of kind === "traslado" ? c.traslados : c.retenciones) {
      const label = groupLabel(line, kind)
      const group = lines.get(label)
      if (group === undefined) lines.set(label, [line])
      else group.push(line)
    }
  }
  const groups = new Map<string, TaxGroup>()
  for (const [label, group] of lines) {
    const importes = group.flatMap((l) => (l.importe === undefined ? [] : [l.importe]))
    const [first] = group
    const rate = kind === "traslado" && first!.tasaOCuota !== undefined && DECIMAL.test(first!.tasaOCuota)
      ? BigDecimal.unsafeFromString(first!.tasaOCuota)
      : undefined
    groups.set(label, {
      label,
      impuesto: first!.impuesto,
      ...(kind === "traslado" && first!.tipoFactor !== undefined ? { tipoFactor: first!.tipoFactor } : {}),
      ...(rate === undefined ? {} : { rate }),
      lines: group.length,
      base: sumAmounts(group.flatMap((l) => (l.base === undefined ? [] : [l.base]))),
      ...(importes.length === 0 ? {} : { importe: sumAmounts(importes) })
    })
  }
  return groups
}

/**
 * SAT's window for a concept tax `Importe` (Anexo 20 guía de llenado, Concepto Traslado/Retencion Importe; cfdi.md
 * §2.3): with d the decimals of Base and e the decimals of Importe,
 * lower = (Base − 10^-d / 2) × TasaOCuota truncated to e decimals,
 * upper = (Base + 10^-d / 2 − 10^-12) × TasaOCuota rounded up to e decimals.
 * Returns undefined when the line has no Base, rate or Importe, or is not `Tasa` / `Cuota`.
 */
export const importeWindow = (
  line: CfdiTaxLine
): { readonly lower: BigDecimal.BigDecimal; readonly upper: BigDecimal.BigDecimal } | undefined => {
  const { base, importe, tasaOCuota } = line
  if (line.tipoFactor !== "Tasa" && line.tipoFactor !== "Cuota") return undefined
  if (base === undefined || importe === undefined || tasaOCuota === undefined || !DECIMAL.test(tasaOCuota)) {
    return undefined
  }
  const rate = BigDecimal.unsafeFromString(tasaOCuota)
  const half = BigDecimal.make(5n, Math.max(0, base.scale) + 1)
  const scale = Math.max(0, importe.scale)
  const low = BigDecimal.multiply(BigDecimal.subtract(base, half), rate)
  const high = BigDecimal.multiply(BigDecimal.subtract(BigDecimal.sum(base, half), BigDecimal.make(1n, 12)), rate)
  return {
    lower: BigDecimal.round(low, { scale, mode: "to-zero" }),
    upper: BigDecimal.round(high, { scale, mode: "ceil" })
  }
}

/**
 * SAT's window for a concept `Importe` (Anexo 20 guía de llenado, Concepto Importe limits): with dc, dv the decimals
 * of Cantidad and ValorUnitario and e the decimals of Importe,
 * lower = (Cantidad − 10^-dc / 2) × (ValorUnitario − 10^-dv / 2) truncated to e decimals,
 * upper = (Cantidad + 10^-dc / 2 − 10^-12) × (ValorUnitario + 10^-dv / 2 − 10^-12) rounded up to e decimals.
 */
export const productWindow = (
  cantidad: BigDecimal.BigDecimal,
  valorUnitario: BigDecimal.BigDecimal,
  scale: number
): { readonly lower: BigDecimal.BigDecimal; readonly upper: BigDecimal.BigDecimal } => {
  const halfC = BigDecimal.make(5n, Math.max(0, cantidad.scale) + 1)
  const halfV = BigDecimal.make(5n, Math.max(0, valorUnitario.scale) + 1)
  const epsilon = BigDecimal.make(1n, 12)
  const low = BigDecimal.multiply(BigDecimal.subtract(cantidad, halfC), BigDecimal.subtract(valorUnitario, halfV))
  const high = BigDecimal.multiply(
    BigDecimal.subtract(BigDecimal.sum(cantidad, halfC), epsilon),
    BigDecimal.subtract(BigDecimal.sum(valorUnitario, halfV), epsilon)
  )
  return {
    lower: BigDecimal.round(low, { scale, mode: "to-zero" }),
    upper: BigDecimal.round(high, { scale, mode: "ceil" })
  }
}
