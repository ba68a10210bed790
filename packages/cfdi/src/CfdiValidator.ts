/**
 * Business checks on a read CFDI (cfdi.md §1.2-§1.7, §2.1-§2.4, §2.7, §3.2): amount identities recomputed from the
 * lines (the CfdiUtils SUMAS logic, which neither CfdiUtils nor nodecfdi apply to 4.0), document taxes against the
 * grouped concept taxes, each concept tax against Base x TasaOCuota, RFC and UUID formats, Moneda / TipoCambio, and
 * the rules of P / E documents and PPD / FormaPago 99. Codes are stable; packages/cfdi/README.md lists each with its
 * source.
 *
 * Rounding tolerance: a declared amount D matches a computed exact sum C when |D - C| <= tol, with
 * tol = max(0.01, n * 0.005) for a sum over n lines and tol = 0.01 for `Total`. 0.01 is one unit of the last
 * decimal of MXN/USD/EUR amounts. Lines may carry up to 6 decimals and each may be rounded by half a unit before
 * it is summed, which SAT accepts (cfdi.md §2.3: per-line windows of ± half a unit of the last decimal), so n lines
 * can drift by n half-cents; `Total` combines already-rounded document amounts, so one cent covers its rounding.
 */
import { sumAmounts, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { Cfdi, CfdiTaxLine } from "./Cfdi.js"
import { formatDecimal } from "./internal/formatDecimal.js"
import { GENERIC_RFCS, hasValidCheckDigit, isRfcWellFormed } from "./internal/rfc.js"
import { groupConceptTaxes, groupLabel, importeWindow } from "./internal/taxGroups.js"

/**
 * Stable finding codes (packages/cfdi/README.md gives each one's source). Errors:
 * `SUBTOTAL_SUM`, `DESCUENTO_SUM`, `TOTAL_FORMULA`, `TRASLADOS_SUM`, `RETENCIONES_SUM`, `TRASLADO_GROUP_SUM`,
 * `RETENCION_GROUP_SUM`, `CONCEPTO_IMPUESTO_IMPORTE`, `EMISOR_RFC_FORMAT`, `RECEPTOR_RFC_FORMAT`, `TFD_UUID_FORMAT`,
 * `RELACIONADO_UUID_FORMAT`, `TIPOCAMBIO_REQUIRED`, `TIPOCAMBIO_MXN`, `TIPOCAMBIO_XXX`, `MONEDA_XXX_AMOUNTS`,
 * `P_AMOUNTS_ZERO`, `P_MONEDA_XXX`, `P_PAGOS_MISSING`, `PPD_FORMAPAGO_99`, `FORMAPAGO_99_NOT_PPD`.
 * Warnings: `RFC_CHECK_DIGIT`, `RECEPTOR_RFC_GENERIC`, `E_RELACIONADOS_MISSING`.
 */
export type CfdiFindingCode =
  | "SUBTOTAL_SUM"
  | "DESCUENTO_SUM"
  | "TOTAL_FORMULA"
  | "TRASLADOS_SUM"
  | "RETENCIONES_SUM"
  | "TRASLADO_GROUP_SUM"
  | "RETENCION_GROUP_SUM"
  | "CONCEPTO_IMPUESTO_IMPORTE"
  | "EMISOR_RFC_FORMAT"
  | "RECEPTOR_RFC_FORMAT"
  | "TFD_UUID_FORMAT"
  | "RELACIONADO_UUID_FORMAT"
  | "TIPOCAMBIO_REQUIRED"
  | "TIPOCAMBIO_MXN"
  | "TIPOCAMBIO_XXX"
  | "MONEDA_XXX_AMOUNTS"
  | "P_AMOUNTS_ZERO"
  | "P_MONEDA_XXX"
  | "P_PAGOS_MISSING"
  | "PPD_FORMAPAGO_99"
  | "FORMAPAGO_99_NOT_PPD"
  | "RFC_CHECK_DIGIT"
  | "RECEPTOR_RFC_GENERIC"
  | "E_RELACIONADOS_MISSING"

/** One finding: `path` is the file, `field` the place in it (`Element@Attribute`), `message` one line naming both. */
export interface CfdiFinding {
  readonly code: CfdiFindingCode
  readonly message: string
  readonly path: string
  readonly field: string
}

/** Errors make the document inconsistent; warnings are worth a look but do not disqualify it. */
export interface CfdiValidation {
  readonly errors: ReadonlyArray<CfdiFinding>
  readonly warnings: ReadonlyArray<CfdiFinding>
}

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/

const CENT = BigDecimal.make(1n, 2)

/** max(0.01, n * 0.005) in thousandths. */
const toleranceFor = (lines: number): BigDecimal.BigDecimal => BigDecimal.make(BigInt(Math.max(10, 5 * lines)), 3)

const within = (declared: BigDecimal.BigDecimal, computed: BigDecimal.BigDecimal, tolerance: BigDecimal.BigDecimal) =>
  BigDecimal.lessThanOrEqualTo(BigDecimal.abs(BigDecimal.subtract(declared, computed)), tolerance)

const lineAmounts = (lines: ReadonlyArray<CfdiTaxLine>): Array<BigDecimal.BigDecimal> =>
  lines.flatMap((l) => (l.importe === undefined ? [] : [l.importe]))

type Report = (severity: "error" | "warning", code: CfdiFindingCode, field: string, detail: string) => void

const ONE = BigDecimal.fromBigInt(1n)

/**
 * Document-level lines against the grouped concept lines (CfdiUtils SUMAS, applied to 3.3 and 4.0): every document
 * line has a concept group with the same Importe (4.0: and Base) within `toleranceFor(lines in the group)`, and every
 * concept group with a non-zero Importe appears on the document.
 */
const checkTaxGroups = (cfdi: Cfdi, kind: "traslado" | "retencion", report: Report): void => {
  const code = kind === "traslado" ? "TRASLADO_GROUP_SUM" : "RETENCION_GROUP_SUM"
  const element = kind === "traslado" ? "Traslado" : "Retencion"
  const groups = groupConceptTaxes(cfdi.conceptos, kind)
  const lines = (kind === "traslado" ? cfdi.impuestos?.traslados : cfdi.impuestos?.retenciones) ?? []
  const seen = new Set<string>()
  lines.forEach((line, i) => {
    const label = groupLabel(line, kind)
    const field = `Impuestos/${element}[${i + 1}]`
    seen.add(label)
    const group = groups.get(label)
    if (group === undefined) {
      report("error", code, field, `${label}: no concept carries this tax`)
      return
    }
    const compare = (attribute: string, declared: BigDecimal.BigDecimal, computed: BigDecimal.BigDecimal) => {
      if (within(declared, computed, toleranceFor(group.lines))) return
      const detail = `${label}: ${formatDecimal(declared)} differs from the concepts' ${formatDecimal(computed)}`
      report("error", code, `${field}@${attribute}`, detail)
    }
    if (line.importe !== undefined) compare("Importe", line.importe, group.importe ?? zeroAmount)
    if (cfdi.version === "4.0" && line.base !== undefined) compare("Base", line.base, group.base)
  })
  for (const group of groups.values()) {
    // An exempt or zero-amount group left off the document changes no total; SAT accepts it on stamped 3.3 files.
    if (!seen.has(group.label) && group.importe !== undefined && !BigDecimal.isZero(group.importe)) {
      report("error", code, `Impuestos/${element}`, `${group.label}: carried by concepts but not by the document`)
    }
  }
}

/** Every concept tax `Importe` inside SAT's window around Base × TasaOCuota. */
const checkConceptTaxes = (cfdi: Cfdi, report: Report): void =>
  cfdi.conceptos.forEach((c, ci) =>
    (["Traslado", "Retencion"] as const).forEach((element) =>
      (element === "Traslado" ? c.traslados : c.retenciones).forEach((line, li) => {
        const window = importeWindow(line)
        const importe = line.importe
        if (window === undefined || importe === undefined) return
        if (BigDecimal.lessThan(importe, window.lower) || BigDecimal.greaterThan(importe, window.upper)) {
          const field = `Concepto[${ci + 1}]/${element}[${li + 1}]@Importe`
          const expected = `[${formatDecimal(window.lower)}, ${formatDecimal(window.upper)}]`
          const detail = `${formatDecimal(importe)} is outside Base x TasaOCuota ${expected}`
          report("error", "CONCEPTO_IMPUESTO_IMPORTE", field, detail)
        }
      })
    )
  )

/** Moneda / TipoCambio consistency (Anexo 20 Moneda, TipoCambio; CfdiUtils TIPOCAMBIO01-04). */
const checkCurrency = (cfdi: Cfdi, report: Report): void => {
  const { moneda, tipoCambio } = cfdi
  const field = "Comprobante@TipoCambio"
  if (moneda === "MXN") {
    if (tipoCambio !== undefined && !BigDecimal.equals(tipoCambio, ONE)) {
      report("error", "TIPOCAMBIO_MXN", field, `${formatDecimal(tipoCambio)}: must be absent or 1 when Moneda is MXN`)
    }
  } else if (moneda === "XXX") {
    if (tipoCambio !== undefined) report("error", "TIPOCAMBIO_XXX", field, "must be absent when Moneda is XXX")
    const nonZero = ([["SubTotal", cfdi.subTotal], ["Descuento", cfdi.descuento], ["Total", cfdi.total]] as const)
      .filter(([, value]) => value !== undefined && !BigDecimal.isZero(value))
    for (const [name] of nonZero) {
      report("error", "MONEDA_XXX_AMOUNTS", `Comprobante@${name}`, "must be 0 when Moneda is XXX (no currency)")
    }
  } else if (tipoCambio === undefined) {
    report("error", "TIPOCAMBIO_REQUIRED", field, `required when Moneda is ${moneda}`)
  }
}

/** Rules tied to TipoDeComprobante and MetodoPago / FormaPago (cfdi.md §1.2, §1.7, §2.7). */
const checkTipoDeComprobante = (cfdi: Cfdi, report: Report): void => {
  if (cfdi.tipoDeComprobante === "P") {
    if (!BigDecimal.isZero(cfdi.subTotal) || !BigDecimal.isZero(cfdi.total)) {
      const amounts = `SubTotal ${formatDecimal(cfdi.subTotal)}, Total ${formatDecimal(cfdi.total)}`
      report("error", "P_AMOUNTS_ZERO", "Comprobante@Total", `${amounts}: a payment receipt (P) carries 0`)
    }
    if (cfdi.moneda !== "XXX") {
      report("error", "P_MONEDA_XXX", "Comprobante@Moneda", `${cfdi.moneda}: a payment receipt (P) uses XXX`)
    }
    if (cfdi.pagos === undefined) {
      report("error", "P_PAGOS_MISSING", "Complemento/Pagos", "a payment receipt (P) needs the Pagos complement")
    }
  }
  if (cfdi.tipoDeComprobante === "E" && cfdi.cfdiRelacionados.length === 0) {
    const detail = "a credit note (E) normally names the invoice it reduces (TipoRelacion 01/03/07)"
    report("warning", "E_RELACIONADOS_MISSING", "CfdiRelacionados", detail)
  }
  const { formaPago } = cfdi
  if (cfdi.version === "4.0" && cfdi.metodoPago === "PPD" && formaPago !== undefined && formaPago !== "99") {
    report("error", "PPD_FORMAPAGO_99", "Comprobante@FormaPago", `${formaPago}: MetodoPago PPD requires FormaPago 99`)
  }
  // Payroll (N) is issued with FormaPago 99 and MetodoPago PUE by rule (Guía de llenado del CFDI de nómina).
  if (formaPago === "99" && cfdi.metodoPago !== "PPD" && cfdi.tipoDeComprobante !== "N") {
    const found = cfdi.metodoPago ?? "absent"
    report("error", "FORMAPAGO_99_NOT_PPD", "Comprobante@MetodoPago", `${found}: FormaPago 99 goes only with PPD`)
  }
}

/**
 * Checks a read CFDI. Never fails; returns the findings split into errors and warnings, each with a stable code,
 * the file path, the field and a one-line message. Amount comparisons use the tolerance described above.
 */
export const validateCfdi = (cfdi: Cfdi): CfdiValidation => {
  const errors: Array<CfdiFinding> = []
  const warnings: Array<CfdiFinding> = []
  const add = (into: Array<CfdiFinding>, code: CfdiFindingCode, field: string, detail: string) =>
    into.push({ code, field, path: cfdi.path, message: `${cfdi.path}: ${field}: ${detail} [${code}]` })

  const checkSum = (
    code: CfdiFindingCode,
    field: string,
    declared: BigDecimal.BigDecimal | undefined,
    parts: ReadonlyArray<BigDecimal.BigDecimal>,
    what: string
  ) => {
    const computed = sumAmounts(parts)
    const actual = declared ?? zeroAmount
    if (!within(actual, computed, toleranceFor(parts.length))) {
      add(errors, code, field, `${formatDecimal(actual)} differs from the sum of ${what} ${formatDecimal(computed)}`)
    }
  }

  const conceptos = cfdi.conceptos
  checkSum("SUBTOTAL_SUM", "Comprobante@SubTotal", cfdi.subTotal, conceptos.map((c) => c.importe), "Concepto@Importe")
  checkSum(
    "DESCUENTO_SUM",
    "Comprobante@Descuento",
    cfdi.descuento,
    conceptos.flatMap((c) => (c.descuento === undefined ? [] : [c.descuento])),
    "Concepto@Descuento"
  )
  const impuestos = cfdi.impuestos
  if (impuestos !== undefined) {
    const trasladados = lineAmounts(impuestos.traslados)
    if (impuestos.totalImpuestosTrasladados !== undefined || trasladados.length > 0) {
      const field = "Impuestos@TotalImpuestosTrasladados"
      checkSum("TRASLADOS_SUM", field, impuestos.totalImpuestosTrasladados, trasladados, "Traslado@Importe")
    }
    const retenidos = lineAmounts(impuestos.retenciones)
    if (impuestos.totalImpuestosRetenidos !== undefined || retenidos.length > 0) {
      const field = "Impuestos@TotalImpuestosRetenidos"
      checkSum("RETENCIONES_SUM", field, impuestos.totalImpuestosRetenidos, retenidos, "Retencion@Importe")
    }
  }

  const local = cfdi.impuestosLocales
  const expectedTotal = sumAmounts([
    cfdi.subTotal,
    BigDecimal.negate(cfdi.descuento ?? zeroAmount),
    impuestos?.totalImpuestosTrasladados ?? zeroAmount,
    BigDecimal.negate(impuestos?.totalImpuestosRetenidos ?? zeroAmount),
    local?.totalTraslados ?? zeroAmount,
    BigDecimal.negate(local?.totalRetenciones ?? zeroAmount)
  ])
  if (!within(cfdi.total, expectedTotal, CENT)) {
    add(
      errors,
      "TOTAL_FORMULA",
      "Comprobante@Total",
      `${formatDecimal(cfdi.total)} differs from SubTotal - Descuento + trasladados - retenidos (+ implocal) = ${
        formatDecimal(expectedTotal)
      }`
    )
  }

  for (const [party, field, code] of [
    [cfdi.emisor, "Emisor@Rfc", "EMISOR_RFC_FORMAT"],
    [cfdi.receptor, "Receptor@Rfc", "RECEPTOR_RFC_FORMAT"]
  ] as const) {
    if (!isRfcWellFormed(party.rfc)) {
      add(errors, code, field, `"${party.rfc}" is not a 12-character (legal entity) or 13-character (individual) RFC`)
    } else if (!GENERIC_RFCS.has(party.rfc) && !hasValidCheckDigit(party.rfc)) {
      add(warnings, "RFC_CHECK_DIGIT", field, `"${party.rfc}" has a check digit that does not verify (mod 11)`)
    }
  }
  if (GENERIC_RFCS.has(cfdi.receptor.rfc)) {
    const who = cfdi.receptor.rfc === "XAXX010101000" ? "the public in general" : "a foreign receiver"
    add(warnings, "RECEPTOR_RFC_GENERIC", "Receptor@Rfc", `generic RFC ${cfdi.receptor.rfc}: issued to ${who}`)
  }

  if (!UUID.test(cfdi.timbre.uuid)) {
    add(errors, "TFD_UUID_FORMAT", "TimbreFiscalDigital@UUID", `"${cfdi.timbre.uuid}" is not an RFC 4122 UUID`)
  }
  cfdi.cfdiRelacionados.forEach((rel) =>
    rel.uuids.forEach((uuid) => {
      if (!UUID.test(uuid)) {
        add(errors, "RELACIONADO_UUID_FORMAT", "CfdiRelacionado@UUID", `"${uuid}" is not an RFC 4122 UUID`)
      }
    })
  )

  const report: Report = (severity, code, field, detail) =>
    add(severity === "error" ? errors : warnings, code, field, detail)
  checkTaxGroups(cfdi, "traslado", report)
  checkTaxGroups(cfdi, "retencion", report)
  checkConceptTaxes(cfdi, report)
  checkCurrency(cfdi, report)
  checkTipoDeComprobante(cfdi, report)
  return { errors, warnings }
}
