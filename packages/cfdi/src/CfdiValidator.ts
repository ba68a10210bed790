/**
 * Minimal business checks on a read CFDI (cfdi.md §2.1-§2.4, §3.2): amount identities recomputed from the lines
 * (the CfdiUtils SUMAS logic, which neither CfdiUtils nor nodecfdi apply to 4.0), RFC and UUID formats, and
 * TipoCambio presence. Codes are stable; packages/cfdi/README.md lists each with its source.
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

/**
 * Stable finding codes:
 * `SUBTOTAL_SUM`, `DESCUENTO_SUM`, `TOTAL_FORMULA`, `TRASLADOS_SUM`, `RETENCIONES_SUM`, `EMISOR_RFC_FORMAT`,
 * `RECEPTOR_RFC_FORMAT`, `TFD_UUID_FORMAT`, `RELACIONADO_UUID_FORMAT`, `TIPOCAMBIO_REQUIRED` (errors);
 * `RFC_CHECK_DIGIT`, `RECEPTOR_RFC_GENERIC` (warnings).
 */
export type CfdiFindingCode =
  | "SUBTOTAL_SUM"
  | "DESCUENTO_SUM"
  | "TOTAL_FORMULA"
  | "TRASLADOS_SUM"
  | "RETENCIONES_SUM"
  | "EMISOR_RFC_FORMAT"
  | "RECEPTOR_RFC_FORMAT"
  | "TFD_UUID_FORMAT"
  | "RELACIONADO_UUID_FORMAT"
  | "TIPOCAMBIO_REQUIRED"
  | "RFC_CHECK_DIGIT"
  | "RECEPTOR_RFC_GENERIC"

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

  if (cfdi.moneda !== "MXN" && cfdi.moneda !== "XXX" && cfdi.tipoCambio === undefined) {
    add(errors, "TIPOCAMBIO_REQUIRED", "Comprobante@TipoCambio", `required when Moneda is ${cfdi.moneda}`)
  }
  return { errors, warnings }
}
