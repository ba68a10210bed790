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
