/** Seeded sample transactions and CFDIs for the erp tests (invented data, no real taxpayer). */
import { CardTransaction, FiscalDocument, money, Party, TaxTotals } from "@clara-recon/domain"
import { BigDecimal } from "effect"

export const d = (s: string) => BigDecimal.unsafeFromString(s)

export const TX_UUID = "7f3c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
export const CFDI_UUID = "4a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b"

/** A Clara purchase of `amount` in `currency` on 2026-01-15 with card ****1234. */
export const transaction = (
  amount: string,
  overrides: Partial<ConstructorParameters<typeof CardTransaction>[0]> = {}
) =>
  new CardTransaction({
    uuid: TX_UUID,
    type: "PURCHASE",
    status: "AUTHORIZED",
    descriptor: "OFFICE DEPOT 123",
    merchantName: "Office Depot",
    amount: money(amount, "MXN"),
    operationDate: "2026-01-15",
    cardLastFour: "1234",
    hasInvoice: true,
    hasExtractedDocuments: false,
    ...overrides
  })

/** Tax totals as decimal strings. */
export interface TaxStrings {
  readonly ivaTransferred?: string
  readonly iepsTransferred?: string
  readonly ivaWithheld?: string
  readonly isrWithheld?: string
  readonly localNet?: string
  readonly localWithheld?: string
}

/** A CFDI 4.0 ingreso issued 2026-01-14 by ODE950101AB1 with the given amounts (decimal strings). */
export const cfdi = (
  amounts: { subTotal?: string; discount?: string; total: string; currency?: string; exchangeRate?: string },
  taxes: TaxStrings,
  overrides: Partial<ConstructorParameters<typeof FiscalDocument>[0]> = {}
) => {
  const dec = (s: string | undefined) => (s === undefined ? undefined : d(s))
  const taxFields = Object.fromEntries(Object.entries(taxes).map(([k, v]) => [k, d(v)]))
  const optional = Object.fromEntries(
    Object.entries({
      subTotal: dec(amounts.subTotal),
      discount: dec(amounts.discount),
      exchangeRate: dec(amounts.exchangeRate)
    }).filter(([, v]) => v !== undefined)
  )
  return new FiscalDocument({
    id: CFDI_UUID.toUpperCase(),
    kind: "CFDI",
    country: "MX",
    version: "4.0",
    fiscalUuid: CFDI_UUID.toUpperCase(),
    tipoDeComprobante: "I",
    issueDate: "2026-01-14",
    issuedAt: "2026-01-14T12:30:00",
    serie: "A",
    folio: "1001",
    issuer: new Party({ taxId: "ODE950101AB1", name: "OFICINAS DEMO SA DE CV" }),
    receiver: new Party({ taxId: "CLA200101XY2", name: "CLIENTE DEMO" }),
    currency: amounts.currency ?? "MXN",
    total: d(amounts.total),
    taxes: new TaxTotals(taxFields),
    claveProdServ: "44121600",
    relations: [],
    claraTransactionUuids: [],
    sources: [],
    ...optional,
    ...overrides
  })
}
