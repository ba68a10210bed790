/**
 * Builders of the wire JSON the emulator serves (clara-api.md §3.4, §3.5): amounts as JSON numbers in currency units,
 * an `InvoiceV3` summary of a read CFDI, and extracted documents (receipts with tips, fiscal invoices).
 */
import type { Cfdi } from "@clara-recon/cfdi"
import type { ExtractedDocument, InvoiceV3 } from "@clara-recon/clara"
import { formatFixed } from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"

/** A decimal amount as the JSON number Clara sends (2 decimals, half-up). */
const wireNumber = (value: BigDecimal.BigDecimal): number => Number(formatFixed(value, 2))

/** `{value, currency}` (clara-api.md §3.4 `CurrencyAmount`). */
export const currencyAmount = (value: BigDecimal.BigDecimal, currency: string) => ({
  value: wireNumber(value),
  currency
})

const orNull = (value: BigDecimal.BigDecimal | undefined) => (value === undefined ? null : wireNumber(value))

/** The `InvoiceV3` summary Clara gives of a CFDI (without `download`, which the emulator signs per request). */
export const invoiceJsonOf = (cfdi: Cfdi): InvoiceV3 => ({
  invoiceId: cfdi.timbre.uuid,
  invoiceNumber: cfdi.serie !== undefined || cfdi.folio !== undefined ? `${cfdi.serie ?? ""}${cfdi.folio ?? ""}` : null,
  taxRegime: cfdi.emisor.regimenFiscal ?? null,
  issuer: { rfc: cfdi.emisor.rfc, businessName: cfdi.emisor.nombre ?? null },
  taxReceipts: { cfdi: cfdi.receptor.usoCfdi ?? null, paymentMethod: cfdi.metodoPago ?? null },
  tax: {
    retained: { isr: orNull(cfdi.impuestos?.isrRetenido), iva: orNull(cfdi.impuestos?.ivaRetenido), ieps: null },
    transferred: { iva: orNull(cfdi.impuestos?.ivaTrasladado), ieps: orNull(cfdi.impuestos?.iepsTrasladado) }
  },
  amount: { total: wireNumber(cfdi.total), subTotal: wireNumber(cfdi.subTotal), currency: cfdi.moneda },
  documentDate: cfdi.issueDate,
  xmlStatus: "Vigente",
  xmlCode: "S - Comprobante obtenido satisfactoriamente."
})

/** What an extracted receipt says: issuer, date, amounts (card amount = `total`, `tip` included in it). */
export interface ReceiptFacts {
  readonly uuid: string
  readonly userUuid: string
  readonly issuerName: string
  readonly issuerRfc: string
  readonly date: string
  readonly currency: string
  readonly subTotal: BigDecimal.BigDecimal
  readonly taxes: BigDecimal.BigDecimal
  readonly taxPercentage: number
  readonly tip: BigDecimal.BigDecimal
  readonly tipPercentage: number
  readonly total: BigDecimal.BigDecimal
}

/** A `RECEIPT` extracted document, validated by Clara. */
export const receiptDocument = (facts: ReceiptFacts): ExtractedDocument => ({
  uuid: facts.uuid,
  type: "RECEIPT",
  userUuid: facts.userUuid,
  data: {
    receiptDate: facts.date,
    country: "MX",
    issuer: { legalName: facts.issuerName, taxIdentifier: facts.issuerRfc },
    itemsDescription: "Consumo de alimentos y bebidas",
    amount: {
      currency: facts.currency,
      subTotal: wireNumber(facts.subTotal),
      taxesAmount: wireNumber(facts.taxes),
      tipAmount: wireNumber(facts.tip),
      total: wireNumber(facts.total),
      taxPercentage: facts.taxPercentage,
      tipPercentage: facts.tipPercentage
    }
  },
  fileValidation: { status: "VALIDATED_BY_CLARA", date: `${facts.date}T23:10:00` }
})

/** A `MEXICAN_FISCAL_INVOICE` extracted document pointing at a CFDI by its folio fiscal. */
export const fiscalInvoiceDocument = (uuid: string, userUuid: string, cfdi: Cfdi): ExtractedDocument => ({
  uuid,
  type: "MEXICAN_FISCAL_INVOICE",
  userUuid,
  data: {
    folioFiscalUuid: cfdi.timbre.uuid,
    issueDate: cfdi.issueDate,
    country: "MX",
    issuer: { legalName: cfdi.emisor.nombre ?? null, taxIdentifier: cfdi.emisor.rfc },
    amount: {
      currency: cfdi.moneda,
      subTotal: wireNumber(cfdi.subTotal),
      taxesAmount: orNull(cfdi.impuestos?.ivaTrasladado),
      total: wireNumber(cfdi.total)
    }
  },
  fileValidation: { status: "VALIDATED_BY_CLARA", date: `${cfdi.issueDate}T12:00:00` }
})
