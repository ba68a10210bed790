/** Small domain values for the pipeline tests. */
import { BigDecimal } from "effect"
import { CardTransaction, DocumentSource, FiscalDocument, Money, Party, TaxTotals } from "@clara-recon/domain"

/** A card transaction of `amount` MXN. */
export const transaction = (uuid: string, amount: string, type: CardTransaction["type"] = "PURCHASE") =>
  new CardTransaction({
    uuid,
    type,
    status: "AUTHORIZED",
    descriptor: "OXXO INSURGENTES",
    amount: new Money({ amount: BigDecimal.unsafeFromString(amount), currency: "MXN" }),
    operationDate: "2026-01-15",
    hasInvoice: false,
    hasExtractedDocuments: false
  })

/** A CFDI read from `location`. */
export const cfdi = (id: string, location: string, sha256: string) =>
  new FiscalDocument({
    id,
    kind: "CFDI",
    country: "MX",
    issueDate: "2026-01-15",
    issuer: new Party({ taxId: "CCO8605231N4", name: "CADENA COMERCIAL OXXO" }),
    receiver: new Party({}),
    currency: "MXN",
    total: BigDecimal.unsafeFromString("116.00"),
    taxes: new TaxTotals({}),
    relations: [],
    claraTransactionUuids: [],
    sources: [new DocumentSource({ kind: location.startsWith("/api") ? "clara-invoice" : "file", location, sha256 })]
  })

/**
 * A stamped PUE CFDI 4.0 paid by card (FormaPago 04) from `issuer`: `subTotal` + 16 % IVA `iva` = `total` (decimal
 * MXN), issued on `issueDate`, read from `/in/<uuid>.xml`.
 */
export const invoiceCfdi = (
  uuid: string,
  issuer: { readonly taxId: string; readonly name: string },
  amounts: { readonly subTotal: string; readonly iva: string; readonly total: string },
  issueDate = "2026-01-15"
) =>
  new FiscalDocument({
    id: uuid,
    kind: "CFDI",
    country: "MX",
    version: "4.0",
    fiscalUuid: uuid,
    tipoDeComprobante: "I",
    issueDate,
    issuer: new Party(issuer),
    receiver: new Party({ taxId: "GIT180312AB1" }),
    currency: "MXN",
    subTotal: BigDecimal.unsafeFromString(amounts.subTotal),
    total: BigDecimal.unsafeFromString(amounts.total),
    taxes: new TaxTotals({ ivaTransferred: BigDecimal.unsafeFromString(amounts.iva) }),
    metodoPago: "PUE",
    formaPago: "04",
    relations: [],
    claraTransactionUuids: [],
    sources: [new DocumentSource({ kind: "file", location: `/in/${uuid}.xml` })]
  })
