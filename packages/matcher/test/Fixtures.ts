/**
 * A hand-made input that reaches every exception code of matching.md §7.7-§7.10 and §7.13 the matcher emits, one
 * small story each (ids name the story). Used by the exception-code test and the golden explanation snapshot.
 */
import type { MatchInput } from "../src/Matcher.js"
import { cfdi, company, receipt, tx } from "./Builders.js"
import { BigDecimal } from "effect"

const finkok = { rfc: "FIN010101AB1", name: "FINKOK SA DE CV" }

/** Every story, dated January 2025 (some late 2024), evaluated as of 2025-03-31. */
export const kitchenSink: MatchInput = {
  asOf: "2025-03-31",
  companyRfc: company,
  fxRates: [{ currency: "USD", date: "2025-01-02", mxnPerUnit: BigDecimal.unsafeFromString("17.10") }],
  transactions: [
    // MISSING_INVOICE/NOTHING
    tx({ uuid: "nothing", amount: "100.00", date: "2025-01-02", descriptor: "LIBRERIA GANDHI" }),
    // RECEIPT_ONLY_EXPECTED: a foreign charge without documents
    tx({ uuid: "foreign", amount: "340.00", original: ["19.99", "USD"], date: "2025-01-03", descriptor: "NOTION" }),
    // AMOUNT_MISMATCH/FX_DIFFERENCE: a USD CFDI converted at its TipoCambio, 1.2 % off
    tx({ uuid: "fx", amount: "1740.00", date: "2025-01-03", descriptor: "AWS EMEA" }),
    // AMBIGUOUS: two identical CFDIs
    tx({ uuid: "ambiguous", amount: "799.00", date: "2025-01-10", descriptor: "FINKOK MX" }),
    // PPD_WITHOUT_PAYMENT_COMPLEMENT: auto-linked to a PPD CFDI, no complement by 2025-02-05
    tx({ uuid: "ppd", amount: "2300.00", date: "2025-01-08", descriptor: "FIESTA AMERICANA" }),
    // REFUND_WITHOUT_CREDIT_NOTE: a partial refund without a type E CFDI
    tx({ uuid: "refund", amount: "-300.00", date: "2025-01-06", descriptor: "SANBORNS", type: "REFUND", card: "c9" }),
    // REVERSED_PURCHASE: a purchase and its full refund, same card and descriptor, no CFDI
    tx({ uuid: "bought", amount: "650.00", date: "2025-01-04", descriptor: "PALACIO DE HIERRO", card: "c1" }),
    tx({
      uuid: "returned",
      amount: "-650.00",
      date: "2025-01-09",
      descriptor: "PALACIO DE HIERRO",
      type: "REFUND",
      card: "c1"
    }),
    // MSI_INCOMPLETE: 2 of 6 instalments, the third overdue by more than 40 days
    tx({
      uuid: "msi-1",
      amount: "1000.00",
      date: "2024-11-05",
      descriptor: "LIVERPOOL",
      card: "c2",
      installment: [1, 6]
    }),
    tx({
      uuid: "msi-2",
      amount: "1000.00",
      date: "2024-12-05",
      descriptor: "LIVERPOOL",
      card: "c2",
      installment: [2, 6]
    }),
    // RELINK_PROPOSED: kept AUTO link (13 points now) beaten by a new CFDI (17 points)
    tx({ uuid: "relink", amount: "500.00", date: "2025-01-15", descriptor: "OFFICE DEPOT" }),
    // DUPLICATE_TRANSACTION and POSSIBLE_DUPLICATE_TRANSACTION
    tx({ uuid: "auth-1", amount: "80.00", date: "2025-01-12", descriptor: "OXXO", card: "c3", authorization: "123456" }),
    tx({ uuid: "auth-2", amount: "80.00", date: "2025-01-12", descriptor: "OXXO", card: "c3", authorization: "123456" }),
    tx({ uuid: "same-1", amount: "45.00", date: "2025-01-13", descriptor: "STARBUCKS", card: "c4" }),
    tx({ uuid: "same-2", amount: "45.00", date: "2025-01-13", descriptor: "STARBUCKS", card: "c4" }),
    // CFDI_OVERALLOCATED: two MANUAL links to one CFDI of 1000.00
    tx({ uuid: "over-1", amount: "700.00", date: "2025-01-16", descriptor: "HOME DEPOT" }),
    tx({ uuid: "over-2", amount: "700.00", date: "2025-01-17", descriptor: "HOME DEPOT" }),
    // CFDI_CANCELLED_LINKED: Clara listed a CFDI under this charge; the CFDI is now cancelled
    tx({ uuid: "cancelled", amount: "450.00", date: "2025-01-18", descriptor: "TOKS" }),
    // DOC_NOT_VERIFIED: the best candidate is a NOT_VERIFIED receipt
    tx({ uuid: "unverified", amount: "420.00", date: "2025-01-19", descriptor: "CAFE PUNTA DEL CIELO" })
  ],
  documents: [
    cfdi({ id: "FX1", total: "100.00", currency: "USD", exchangeRate: "17.2", date: "2025-01-04", ...finkok, name: "AWS" }),
    cfdi({ id: "AMB1", total: "799.00", date: "2025-01-11", ...finkok }),
    cfdi({ id: "AMB2", total: "799.00", date: "2025-01-11", ...finkok }),
    cfdi({
      id: "PPD1",
      total: "2300.00",
      date: "2025-01-08",
      rfc: "FIA010101AB1",
      name: "FIESTA AMERICANA SA DE CV",
      metodoPago: "PPD",
      formaPago: "04"
    }),
    cfdi({ id: "MSI1", total: "6000.00", date: "2024-11-05", rfc: "LIV010101AB1", name: "DISTRIBUIDORA LIVERPOOL SA DE CV" }),
    cfdi({ id: "OLD1", total: "500.00", date: "2025-01-27", rfc: "ODM010101AB1", name: "OFFICE DEPOT DE MEXICO SA DE CV" }),
    cfdi({
      id: "NEW1",
      total: "500.00",
      date: "2025-01-15",
      rfc: "ODM010101AB1",
      name: "OFFICE DEPOT DE MEXICO SA DE CV",
      formaPago: "04"
    }),
    cfdi({ id: "OVER1", total: "1000.00", date: "2025-01-16", rfc: "HDM010101AB1", name: "HOME DEPOT MEXICO SA DE CV" }),
    cfdi({
      id: "CANC1",
      total: "450.00",
      date: "2025-01-18",
      rfc: "TOK010101AB1",
      name: "RESTAURANTES TOKS SA DE CV",
      satStatus: "Cancelado",
      attachedTo: ["cancelled"]
    }),
    receipt({ id: "r-unverified", total: "420.00", date: "2025-01-19", name: "CAFE PUNTA DEL CIELO", validation: "NOT_VERIFIED" }),
    // INVOICE_WITHOUT_TRANSACTION, RECEPTOR_RFC_MISMATCH, GENERIC_RECEPTOR, INVALID_DOCUMENT
    cfdi({ id: "ORPHAN", total: "999.00", date: "2024-12-01", ...finkok, formaPago: "04" }),
    cfdi({ id: "OTHERCO", total: "10.00", date: "2024-12-02", ...finkok, receiver: "OTR010101AB1" }),
    cfdi({ id: "PUBLIC", total: "11.00", date: "2024-12-03", ...finkok, receiver: "XAXX010101000" }),
    cfdi({ id: "BADDATE", total: "12.00", date: "2025-02-30", ...finkok }),
    // DUPLICATE_CFDI: same RFC, Serie and Folio under two UUIDs
    cfdi({ id: "FOLIO-A", total: "77.00", date: "2024-12-10", ...finkok, serie: "A", folio: "1001" }),
    cfdi({ id: "FOLIO-B", total: "78.00", date: "2024-12-20", ...finkok, serie: "A", folio: "1001" }),
    // NO_FX_RATE: EUR without TipoCambio, and no EUR in the FX table
    cfdi({ id: "EUR1", total: "50.00", currency: "EUR", date: "2025-01-05", rfc: "SAP010101AB1", name: "SAP SE" }),
    // DUPLICATE_DOCUMENT and POSSIBLE_DUPLICATE_DOCUMENT
    receipt({ id: "r-file-1", total: "55.00", date: "2024-12-05", name: "PAPELERIA", sha256: "ab".repeat(32) }),
    receipt({ id: "r-file-2", total: "55.00", date: "2024-12-05", name: "PAPELERIA", sha256: "ab".repeat(32) }),
    receipt({ id: "r-folio-1", total: "66.00", date: "2024-12-06", rfc: "PAP010101AB1", folio: "9", sha256: "cd".repeat(32) }),
    receipt({ id: "r-folio-2", total: "66.00", date: "2024-12-06", rfc: "PAP010101AB1", folio: "9", sha256: "ef".repeat(32) })
  ],
  previous: [{ transactionUuid: "relink", documentId: "OLD1", points: 13 }],
  pinned: [
    { status: "MANUAL", transactionUuid: "over-1", documentId: "OVER1", who: "ana@example.mx", when: "2025-02-01T10:00:00Z" },
    { status: "MANUAL", transactionUuid: "over-2", documentId: "OVER1", who: "ana@example.mx", when: "2025-02-01T10:05:00Z" }
  ]
}

/** The codes `kitchenSink` must raise: every code of §7.7-§7.10 and §7.13 (INVALID_TRANSACTION and POSTING_FAILED
 * belong to the pipeline). */
export const matcherExceptionCodes = [
  "AMBIGUOUS",
  "AMOUNT_MISMATCH",
  "CFDI_CANCELLED_LINKED",
  "CFDI_OVERALLOCATED",
  "DOC_NOT_VERIFIED",
  "DUPLICATE_CFDI",
  "DUPLICATE_DOCUMENT",
  "DUPLICATE_TRANSACTION",
  "GENERIC_RECEPTOR",
  "INVALID_DOCUMENT",
  "INVOICE_WITHOUT_TRANSACTION",
  "MISSING_INVOICE",
  "MSI_INCOMPLETE",
  "NO_FX_RATE",
  "POSSIBLE_DUPLICATE_CFDI",
  "POSSIBLE_DUPLICATE_DOCUMENT",
  "POSSIBLE_DUPLICATE_TRANSACTION",
  "PPD_WITHOUT_PAYMENT_COMPLEMENT",
  "RECEIPT_ONLY_EXPECTED",
  "RECEPTOR_RFC_MISMATCH",
  "REFUND_WITHOUT_CREDIT_NOTE",
  "RELINK_PROPOSED",
  "REVERSED_PURCHASE"
] as const
