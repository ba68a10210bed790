/**
 * Account and tax-code choices of the posting builder, read from a `MappingConfig`.
 */
import type { CardTransaction, FiscalDocument } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { MappingConfig } from "../MappingConfig.js"

const own = (record: { readonly [key: string]: string }, key: string | undefined): string | undefined =>
  key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined

/**
 * Expense account: longest ClaveProdServ prefix rule (for `clave`, by default the document's first concept's),
 * else the merchant category rule, else the MCC rule, else the default.
 */
export const expenseAccountOf = (
  mapping: MappingConfig,
  tx: CardTransaction,
  doc: FiscalDocument,
  clave: string | undefined = doc.claveProdServ
): string => {
  const rules = mapping.accounts.expenseByCategory
  const prefix = clave === undefined ?
    undefined :
    Object.keys(rules)
      .filter((key) => /^\d+$/.test(key) && clave.startsWith(key))
      .sort((a, b) => b.length - a.length)[0]
  return own(rules, prefix) ?? own(rules, tx.merchantCategory) ?? own(mapping.accounts.expenseByMcc, tx.mcc) ??
    mapping.accounts.expenseDefault
}

/** Cost centre of the expense lines: the first rule whose every given condition holds, else the default. */
export const costCenterOf = (mapping: MappingConfig, tx: CardTransaction): string | undefined =>
  mapping.dimensions.costCenter.find((rule) =>
    (rule.card === undefined || rule.card === tx.cardLastFour) &&
    (rule.category === undefined || rule.category === tx.merchantCategory) &&
    (rule.mcc === undefined || rule.mcc === tx.mcc) &&
    (rule.cardholder === undefined || rule.cardholder === tx.userName)
  )?.costCenter ?? mapping.dimensions.costCenterDefault

/** The SAT generic RFCs: público en general (national) and residentes en el extranjero (foreign). */
export const genericRfcs: ReadonlyArray<string> = ["XAXX010101000", "XEXX010101000"]

/** RFC shape: 3 (moral) or 4 (física) letters, the yyMMdd date, a 3-character homoclave (SAT Anexo 20). */
const rfcPattern = /^[A-ZÑ&]{3,4}\d{6}[A-Z\d]{3}$/

/**
 * The vendor RFC of the expense line, or a problem: `{ rfc }` (possibly undefined: no vendor) or `{ problem }` with
 * a code and message. Only Mexican CFDIs are checked for the RFC shape; other documents pass their tax id through.
 */
export const vendorRfcOf = (
  mapping: MappingConfig,
  doc: FiscalDocument
): { readonly rfc: string | undefined } | { readonly problem: { readonly code: string; readonly message: string } } => {
  const taxId = doc.issuer.taxId?.trim().toUpperCase()
  const policy = mapping.vendors
  if (taxId === undefined || taxId === "") {
    return policy.onMissingRfc === "fail" ?
      { problem: { code: "VENDOR_RFC_MISSING", message: `${doc.kind} ${doc.id} has no issuer RFC` } } :
      { rfc: undefined }
  }
  if (genericRfcs.includes(taxId)) {
    if (policy.genericRfc === "fail") {
      return {
        problem: {
          code: "VENDOR_GENERIC_RFC",
          message: `${doc.kind} ${doc.id} was issued under the generic RFC ${taxId}, which names no vendor`
        }
      }
    }
    return { rfc: policy.genericRfc === "keep" ? taxId : undefined }
  }
  if (doc.kind === "CFDI" && !rfcPattern.test(taxId)) {
    return { problem: { code: "VENDOR_RFC_INVALID", message: `${doc.kind} ${doc.id}: issuer RFC "${taxId}" is malformed` } }
  }
  return { rfc: taxId }
}

/** Card liability account: the rule for the card's last four digits, else the default. */
export const cardLiabilityAccountOf = (mapping: MappingConfig, tx: CardTransaction): string =>
  own(mapping.accounts.cardLiabilityByCard, tx.cardLastFour) ?? mapping.accounts.cardLiability

const RATE_16 = BigDecimal.unsafeFromString("0.16")
const RATE_8 = BigDecimal.unsafeFromString("0.08")

/** `IVA8` when `distance` puts 8 % (the border-zone rate) closer than 16 %, else `IVA16`. */
const closerIvaCode = (mapping: MappingConfig, distance: (rate: BigDecimal.BigDecimal) => BigDecimal.BigDecimal) =>
  BigDecimal.lessThan(distance(RATE_8), distance(RATE_16)) ? mapping.taxCodes.IVA8 : mapping.taxCodes.IVA16

/**
 * Tax code of one IVA rate (`IvaAtRate.rate`, a `TasaOCuota` such as 0.160000): none (`Exento`) -> `EXENTO`, zero ->
 * `IVA0`, otherwise the closer of 16 % and 8 %.
 */
export const taxCodeOfRate = (mapping: MappingConfig, rate: BigDecimal.BigDecimal | undefined): string => {
  if (rate === undefined) return mapping.taxCodes.EXENTO
  if (BigDecimal.isZero(rate)) return mapping.taxCodes.IVA0
  return closerIvaCode(mapping, (to) => BigDecimal.abs(BigDecimal.subtract(rate, to)))
}

/**
 * Tax code of the expense: no transferred IVA -> `EXENTO`, IVA of zero -> `IVA0`, otherwise the rate (16 % or 8 %)
 * closest to IVA / `base`. A document mixing rates (`TaxTotals.ivaByRate`) is booked one line per rate instead, each
 * with `taxCodeOfRate`.
 */
export const taxCodeOf = (mapping: MappingConfig, doc: FiscalDocument, base: BigDecimal.BigDecimal): string => {
  const iva = doc.taxes.ivaTransferred
  if (iva === undefined) return mapping.taxCodes.EXENTO
  if (BigDecimal.isZero(iva)) return mapping.taxCodes.IVA0
  return closerIvaCode(mapping, (rate) =>
    BigDecimal.abs(BigDecimal.subtract(BigDecimal.abs(iva), BigDecimal.multiply(BigDecimal.abs(base), rate))))
}
