/**
 * Business checks on a read CFDI (cfdi.md §1.2-§1.7, §2.1-§2.4, §2.7, §3.2): amount identities recomputed from the
 * lines (the CfdiUtils SUMAS logic, which neither CfdiUtils nor nodecfdi apply to 4.0), document taxes against the
 * grouped concept taxes, each concept tax against Base x TasaOCuota, RFC and UUID formats, Moneda / TipoCambio, and
 * the rules of P / E documents and PPD / FormaPago 99. Codes are stable; packages/cfdi/README.md lists each with its
 * source.
 *
 * Rounding (cfdi.md §2.3; Anexo 20 guía de llenado 3.3 and 4.0): with u one unit of the last decimal the currency
 * supports (c_Moneda; 0.01 for MXN/USD/EUR) and D a declared amount compared with the exact sum C of n lines:
 * - CFDI 4.0: D must be C rounded to the currency's decimals, so |D - C| <= u / 2 (SubTotal, Descuento, document
 *   tax groups, TotalImpuestosTrasladados / Retenidos, and Total, whose parts already carry at most u).
 * - CFDI 3.3: the guía only asks for "the sum"; lines may carry 6 decimals, each rounded by up to u / 2 before being
 *   summed, so |D - C| <= max(u, n * u / 2) for sums and <= u for Total.
 */
import { sumAmounts, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { Cfdi, CfdiTaxLine } from "./Cfdi.js"
import { currencyDecimals } from "./internal/currencyDecimals.js"
import { formatDecimal } from "./internal/formatDecimal.js"
import { GENERIC_RFCS, hasValidCheckDigit, isRfcWellFormed } from "./Rfc.js"
import { groupConceptTaxes, groupLabel, importeWindow, productWindow } from "./internal/taxGroups.js"

/**
 * Stable finding codes; packages/cfdi/README.md gives each one's severity, check and source (Anexo 20, the SAT
 * matrix of errors, or the CfdiUtils rule it mirrors). Warnings: `RFC_CHECK_DIGIT`, `RECEPTOR_RFC_GENERIC`,
 * `E_RELACIONADOS_MISSING`; every other code is an error.
 */
export type CfdiFindingCode =
  | "REQUIRED_ATTRIBUTE"
  | "SELLO_MISSING"
  | "TFD_VERSION"
  | "MONEDA_DECIMALS"
  | "TIPOCAMBIO_FORMAT"
  | "DESCUENTO_EXCEEDS_SUBTOTAL"
  | "CONCEPTO_DESCUENTO_EXCEEDS_IMPORTE"
  | "CONCEPTO_IMPORTE"
  | "CONCEPTO_EXENTO"
  | "EMISOR_RFC_GENERIC"
  | "RESIDENCIA_FISCAL_NOT_FOREIGN"
  | "INFORMACION_GLOBAL"
  | "T_AMOUNTS_ZERO"
  | "P_FORBIDDEN"
  | "N_MONEDA_MXN"
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
const ONE = BigDecimal.fromBigInt(1n)
const PUBLICO_EN_GENERAL = "XAXX010101000"
const EXTRANJERO = "XEXX010101000"

type Report = (severity: "error" | "warning", code: CfdiFindingCode, field: string, detail: string) => void

/** Rounding context of one document: the currency's unit u and the version's tolerance rules (see above). */
interface Rounding {
  readonly decimals: number
  /** Tolerance of a sum over `lines` lines. */
  readonly sum: (lines: number) => BigDecimal.BigDecimal
  /** Tolerance of `Total`. */
  readonly total: BigDecimal.BigDecimal
}

const roundingOf = (cfdi: Cfdi): Rounding => {
  const decimals = currencyDecimals(cfdi.moneda)
  const unit = BigDecimal.make(1n, decimals)
  const half = BigDecimal.make(5n, decimals + 1)
  if (cfdi.version === "4.0") return { decimals, sum: () => half, total: half }
  return {
    decimals,
    sum: (lines) => (lines <= 2 ? unit : BigDecimal.make(5n * BigInt(lines), decimals + 1)),
    total: unit
  }
}

const within = (declared: BigDecimal.BigDecimal, computed: BigDecimal.BigDecimal, tolerance: BigDecimal.BigDecimal) =>
  BigDecimal.lessThanOrEqualTo(BigDecimal.abs(BigDecimal.subtract(declared, computed)), tolerance)

const lineAmounts = (lines: ReadonlyArray<CfdiTaxLine>): Array<BigDecimal.BigDecimal> =>
  lines.flatMap((l) => (l.importe === undefined ? [] : [l.importe]))

/** Decimals written (scale), never below 0: `1000` has 0, `1000.50` has 2. */
const decimalsOf = (value: BigDecimal.BigDecimal): number => Math.max(0, value.scale)

/**
 * Document-level lines against the grouped concept lines (CfdiUtils SUMAS, applied to 3.3 and 4.0): every document
 * line has a concept group with the same Importe (4.0: and Base) within the sum tolerance, and every concept group
 * with a non-zero Importe appears on the document.
 */
const checkTaxGroups = (cfdi: Cfdi, rounding: Rounding, kind: "traslado" | "retencion", report: Report): void => {
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
      if (within(declared, computed, rounding.sum(group.lines))) return
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

/**
 * Per concept: Importe within SAT's window around Cantidad x ValorUnitario, Descuento <= Importe, every tax
 * `Importe` inside SAT's window around Base x TasaOCuota, and `Exento` lines without TasaOCuota / Importe.
 */
const checkConceptos = (cfdi: Cfdi, report: Report): void =>
  cfdi.conceptos.forEach((c, ci) => {
    const label = `Concepto[${ci + 1}]`
    const window = productWindow(c.cantidad, c.valorUnitario, decimalsOf(c.importe))
    if (BigDecimal.lessThan(c.importe, window.lower) || BigDecimal.greaterThan(c.importe, window.upper)) {
      const expected = `[${formatDecimal(window.lower)}, ${formatDecimal(window.upper)}]`
      report("error", "CONCEPTO_IMPORTE", `${label}@Importe`,
        `${formatDecimal(c.importe)} is outside Cantidad x ValorUnitario ${expected}`)
    }
    if (c.descuento !== undefined && BigDecimal.greaterThan(c.descuento, c.importe)) {
      report("error", "CONCEPTO_DESCUENTO_EXCEEDS_IMPORTE", `${label}@Descuento`,
        `${formatDecimal(c.descuento)} exceeds Importe ${formatDecimal(c.importe)}`)
    }
    ;(["Traslado", "Retencion"] as const).forEach((element) =>
      (element === "Traslado" ? c.traslados : c.retenciones).forEach((line, li) => {
        const field = `${label}/${element}[${li + 1}]`
        if (line.tipoFactor === "Exento" && (line.tasaOCuota !== undefined || line.importe !== undefined)) {
          report("error", "CONCEPTO_EXENTO", field, "an Exento line carries neither TasaOCuota nor Importe")
        }
        const taxWindow = importeWindow(line)
        const importe = line.importe
        if (taxWindow === undefined || importe === undefined) return
        if (BigDecimal.lessThan(importe, taxWindow.lower) || BigDecimal.greaterThan(importe, taxWindow.upper)) {
          const expected = `[${formatDecimal(taxWindow.lower)}, ${formatDecimal(taxWindow.upper)}]`
          const detail = `${formatDecimal(importe)} is outside Base x TasaOCuota ${expected}`
          report("error", "CONCEPTO_IMPUESTO_IMPORTE", `${field}@Importe`, detail)
        }
      })
    )
  })

/** Moneda / TipoCambio and the currency's decimals (Anexo 20 Moneda, TipoCambio; CfdiUtils TIPOCAMBIO, MONDEC). */
const checkCurrency = (cfdi: Cfdi, rounding: Rounding, report: Report): void => {
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
  if (tipoCambio !== undefined && (decimalsOf(tipoCambio) > 6 || !BigDecimal.isPositive(tipoCambio))) {
    report("error", "TIPOCAMBIO_FORMAT", field, `${formatDecimal(tipoCambio)}: a positive rate with up to 6 decimals`)
  }
  const amounts: Array<readonly [string, BigDecimal.BigDecimal | undefined]> = [
    ["Comprobante@SubTotal", cfdi.subTotal],
    ["Comprobante@Descuento", cfdi.descuento],
    ["Comprobante@Total", cfdi.total],
    ["Impuestos@TotalImpuestosTrasladados", cfdi.impuestos?.totalImpuestosTrasladados],
    ["Impuestos@TotalImpuestosRetenidos", cfdi.impuestos?.totalImpuestosRetenidos]
  ]
  for (const [name, value] of amounts) {
    if (value !== undefined && decimalsOf(value) > rounding.decimals) {
      report("error", "MONEDA_DECIMALS", name,
        `${formatDecimal(value)} has more than the ${rounding.decimals} decimals ${moneda} supports`)
    }
  }
}

/** Rules tied to TipoDeComprobante and MetodoPago / FormaPago (cfdi.md §1.2, §1.4, §1.7, §2.7). */
const checkTipoDeComprobante = (cfdi: Cfdi, report: Report): void => {
  const tipo = cfdi.tipoDeComprobante
  if (tipo === "P") {
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
    const forbidden = [
      ["Comprobante@FormaPago", cfdi.formaPago],
      ["Comprobante@MetodoPago", cfdi.metodoPago],
      ["Comprobante@Descuento", cfdi.descuento],
      ["Impuestos", cfdi.impuestos]
    ] as const
    for (const [field, value] of forbidden) {
      if (value !== undefined) report("error", "P_FORBIDDEN", field, "must be absent on a payment receipt (P)")
    }
  }
  if (tipo === "T" && (!BigDecimal.isZero(cfdi.subTotal) || !BigDecimal.isZero(cfdi.total))) {
    report("error", "T_AMOUNTS_ZERO", "Comprobante@Total", "a transport document (T) carries SubTotal and Total 0")
  }
  if (tipo === "N" && cfdi.moneda !== "MXN") {
    report("error", "N_MONEDA_MXN", "Comprobante@Moneda", `${cfdi.moneda}: payroll (N) is issued in MXN`)
  }
  if (tipo === "E" && cfdi.cfdiRelacionados.length === 0) {
    const detail = "a credit note (E) normally names the invoice it reduces (TipoRelacion 01/03/07)"
    report("warning", "E_RELACIONADOS_MISSING", "CfdiRelacionados", detail)
  }
  const { formaPago } = cfdi
  if (cfdi.version === "4.0" && cfdi.metodoPago === "PPD" && formaPago !== undefined && formaPago !== "99") {
    report("error", "PPD_FORMAPAGO_99", "Comprobante@FormaPago", `${formaPago}: MetodoPago PPD requires FormaPago 99`)
  }
  // Payroll (N) is issued with FormaPago 99 and MetodoPago PUE by rule (Guía de llenado del CFDI de nómina).
  if (formaPago === "99" && cfdi.metodoPago !== "PPD" && tipo !== "N") {
    const found = cfdi.metodoPago ?? "absent"
    report("error", "FORMAPAGO_99_NOT_PPD", "Comprobante@MetodoPago", `${found}: FormaPago 99 goes only with PPD`)
  }
}

/** Attributes Anexo 20 requires per version that the reader does not itself require (it refuses the others). */
const checkRequired = (cfdi: Cfdi, report: Report): void => {
  const missing = (field: string, value: unknown) => {
    if (value === undefined) report("error", "REQUIRED_ATTRIBUTE", field, `required in CFDI ${cfdi.version}`)
  }
  missing("Comprobante@LugarExpedicion", cfdi.lugarExpedicion)
  missing("Emisor@RegimenFiscal", cfdi.emisor.regimenFiscal)
  missing("Receptor@UsoCFDI", cfdi.receptor.usoCfdi)
  if (cfdi.version === "4.0") {
    missing("Comprobante@Exportacion", cfdi.exportacion)
    missing("Emisor@Nombre", cfdi.emisor.nombre)
    missing("Receptor@Nombre", cfdi.receptor.nombre)
    missing("Receptor@DomicilioFiscalReceptor", cfdi.receptor.domicilioFiscalReceptor)
    missing("Receptor@RegimenFiscalReceptor", cfdi.receptor.regimenFiscalReceptor)
    cfdi.conceptos.forEach((c, i) => missing(`Concepto[${i + 1}]@ObjetoImp`, c.objetoImp))
  }
  if (!cfdi.sellado) {
    report("error", "SELLO_MISSING", "Comprobante@Sello", "Sello, NoCertificado and Certificado are required")
  }
  if (cfdi.timbre.version !== "1.1") {
    const found = cfdi.timbre.version ?? "absent"
    report("error", "TFD_VERSION", "TimbreFiscalDigital@Version", `${found}: CFDI 3.3 and 4.0 are stamped with TFD 1.1`)
  }
}

/** RFC format, check digit, generic RFCs, foreign residence and the 4.0 global-invoice node (cfdi.md §1.3, §2.2). */
const checkParties = (cfdi: Cfdi, report: Report): void => {
  for (const [party, field, code] of [
    [cfdi.emisor, "Emisor@Rfc", "EMISOR_RFC_FORMAT"],
    [cfdi.receptor, "Receptor@Rfc", "RECEPTOR_RFC_FORMAT"]
  ] as const) {
    if (!isRfcWellFormed(party.rfc)) {
      const detail = `"${party.rfc}" is not a 12-character (legal entity) or 13-character (individual) RFC`
      report("error", code, field, detail)
    } else if (!GENERIC_RFCS.has(party.rfc) && !hasValidCheckDigit(party.rfc)) {
      report("warning", "RFC_CHECK_DIGIT", field, `"${party.rfc}" has a check digit that does not verify (mod 11)`)
    }
  }
  const { receptor } = cfdi
  if (GENERIC_RFCS.has(cfdi.emisor.rfc)) {
    report("error", "EMISOR_RFC_GENERIC", "Emisor@Rfc", `generic RFC ${cfdi.emisor.rfc} cannot issue a CFDI`)
  }
  if (GENERIC_RFCS.has(receptor.rfc)) {
    const who = receptor.rfc === PUBLICO_EN_GENERAL ? "the public in general" : "a foreign receiver"
    report("warning", "RECEPTOR_RFC_GENERIC", "Receptor@Rfc", `generic RFC ${receptor.rfc}: issued to ${who}`)
  }
  if (receptor.residenciaFiscal !== undefined && receptor.rfc !== EXTRANJERO) {
    report("error", "RESIDENCIA_FISCAL_NOT_FOREIGN", "Receptor@ResidenciaFiscal",
      `only a foreign receiver (${EXTRANJERO}) has a ResidenciaFiscal; Rfc is ${receptor.rfc}`)
  }
  if (cfdi.version === "4.0") {
    const global = receptor.rfc === PUBLICO_EN_GENERAL && receptor.nombre?.toUpperCase() === "PUBLICO EN GENERAL"
    if (global && cfdi.informacionGlobal === undefined && cfdi.tipoDeComprobante === "I") {
      report("error", "INFORMACION_GLOBAL", "InformacionGlobal",
        "a global invoice to PUBLICO EN GENERAL (XAXX010101000) carries InformacionGlobal")
    }
    if (cfdi.informacionGlobal !== undefined && receptor.rfc !== PUBLICO_EN_GENERAL) {
      report("error", "INFORMACION_GLOBAL", "InformacionGlobal",
        `only a global invoice to ${PUBLICO_EN_GENERAL} carries InformacionGlobal; Rfc is ${receptor.rfc}`)
    }
  }
}

/**
 * Checks a read CFDI. Never fails; returns the findings split into errors and warnings, each with a stable code,
 * the file path, the field (`Element@Attribute`) and a one-line message `<path>: <field>: <detail> [<code>]`.
 * Amount comparisons use the per-version, per-currency rounding described above.
 */
export const validateCfdi = (cfdi: Cfdi): CfdiValidation => {
  const errors: Array<CfdiFinding> = []
  const warnings: Array<CfdiFinding> = []
  const report: Report = (severity, code, field, detail) =>
    (severity === "error" ? errors : warnings).push({
      code,
      field,
      path: cfdi.path,
      message: `${cfdi.path}: ${field}: ${detail} [${code}]`
    })
  const rounding = roundingOf(cfdi)

  const checkSum = (
    code: CfdiFindingCode,
    field: string,
    declared: BigDecimal.BigDecimal | undefined,
    parts: ReadonlyArray<BigDecimal.BigDecimal>,
    what: string
  ) => {
    const computed = sumAmounts(parts)
    const actual = declared ?? zeroAmount
    if (!within(actual, computed, rounding.sum(parts.length))) {
      const detail = `${formatDecimal(actual)} differs from the sum of ${what} ${formatDecimal(computed)}`
      report("error", code, field, detail)
    }
  }

  checkRequired(cfdi, report)
  const conceptos = cfdi.conceptos
  checkSum("SUBTOTAL_SUM", "Comprobante@SubTotal", cfdi.subTotal, conceptos.map((c) => c.importe), "Concepto@Importe")
  checkSum(
    "DESCUENTO_SUM",
    "Comprobante@Descuento",
    cfdi.descuento,
    conceptos.flatMap((c) => (c.descuento === undefined ? [] : [c.descuento])),
    "Concepto@Descuento"
  )
  if (cfdi.descuento !== undefined && BigDecimal.greaterThan(cfdi.descuento, cfdi.subTotal)) {
    report("error", "DESCUENTO_EXCEEDS_SUBTOTAL", "Comprobante@Descuento",
      `${formatDecimal(cfdi.descuento)} exceeds SubTotal ${formatDecimal(cfdi.subTotal)}`)
  }
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
  if (!within(cfdi.total, expectedTotal, rounding.total)) {
    report(
      "error",
      "TOTAL_FORMULA",
      "Comprobante@Total",
      `${formatDecimal(cfdi.total)} differs from SubTotal - Descuento + trasladados - retenidos (+ implocal) = ${
        formatDecimal(expectedTotal)
      }`
    )
  }

  checkParties(cfdi, report)
  if (!UUID.test(cfdi.timbre.uuid)) {
    report("error", "TFD_UUID_FORMAT", "TimbreFiscalDigital@UUID", `"${cfdi.timbre.uuid}" is not an RFC 4122 UUID`)
  }
  cfdi.cfdiRelacionados.forEach((rel) =>
    rel.uuids.forEach((uuid) => {
      if (!UUID.test(uuid)) {
        report("error", "RELACIONADO_UUID_FORMAT", "CfdiRelacionado@UUID", `"${uuid}" is not an RFC 4122 UUID`)
      }
    })
  )
  checkTaxGroups(cfdi, rounding, "traslado", report)
  checkTaxGroups(cfdi, rounding, "retencion", report)
  checkConceptos(cfdi, report)
  checkCurrency(cfdi, rounding, report)
  checkTipoDeComprobante(cfdi, report)
  return { errors, warnings }
}
