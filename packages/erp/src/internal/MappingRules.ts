/**
 * Account and tax-code choices of the posting builder, read from a `MappingConfig`.
 */
import type { CardTransaction, FiscalDocument } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { MappingConfig } from "../MappingConfig.js"

const own = (record: { readonly [key: string]: string }, key: string | undefined): string | undefined =>
  key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined

/** Expense account: longest ClaveProdServ prefix rule, else the merchant category rule, else the default. */
export const expenseAccountOf = (mapping: MappingConfig, tx: CardTransaction, doc: FiscalDocument): string => {
  const rules = mapping.accounts.expenseByCategory
  const clave = doc.claveProdServ
  const prefix = clave === undefined ?
    undefined :
    Object.keys(rules)
      .filter((key) => /^\d+$/.test(key) && clave.startsWith(key))
      .sort((a, b) => b.length - a.length)[0]
  return own(rules, prefix) ?? own(rules, tx.merchantCategory) ?? mapping.accounts.expenseDefault
}

/** Card liability account: the rule for the card's last four digits, else the default. */
export const cardLiabilityAccountOf = (mapping: MappingConfig, tx: CardTransaction): string =>
  own(mapping.accounts.cardLiabilityByCard, tx.cardLastFour) ?? mapping.accounts.cardLiability

const RATE_16 = BigDecimal.unsafeFromString("0.16")
const RATE_8 = BigDecimal.unsafeFromString("0.08")

/**
 * Tax code of the expense: no transferred IVA -> `EXENTO`, IVA of zero -> `IVA0`, otherwise the rate (16 % or 8 %)
 * closest to IVA / `base`. A document mixing rates gets the closest single code.
 */
export const taxCodeOf = (mapping: MappingConfig, doc: FiscalDocument, base: BigDecimal.BigDecimal): string => {
  const iva = doc.taxes.ivaTransferred
  if (iva === undefined) return mapping.taxCodes.EXENTO
  if (BigDecimal.isZero(iva)) return mapping.taxCodes.IVA0
  const distance = (rate: BigDecimal.BigDecimal) =>
    BigDecimal.abs(BigDecimal.subtract(BigDecimal.abs(iva), BigDecimal.multiply(BigDecimal.abs(base), rate)))
  return BigDecimal.lessThan(distance(RATE_8), distance(RATE_16)) ? mapping.taxCodes.IVA8 : mapping.taxCodes.IVA16
}
