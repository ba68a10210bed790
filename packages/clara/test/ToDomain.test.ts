import { formatFixed } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either, Schema } from "effect"
import { extractedToFiscalDocument, invoiceToFiscalDocument, toCardTransaction } from "../src/ToDomain.js"
import { ExtractedDocument } from "../src/wire/ExtractedDocument.js"
import { InvoiceV3 } from "../src/wire/InvoiceV3.js"
import { TransactionResponseV3 } from "../src/wire/TransactionV3.js"
import { wireTransaction } from "./FakeClara.js"

const tx = (extra: Record<string, unknown> = {}) =>
  Schema.decodeUnknownSync(TransactionResponseV3)(wireTransaction("tx-1", extra))

const exact = (value: BigDecimal.BigDecimal | undefined, text: string) =>
  assert.isTrue(value !== undefined && BigDecimal.equals(value, BigDecimal.unsafeFromString(text)), `${text}`)

describe("toCardTransaction", () => {
  it("maps the status object form, exact amounts and civil dates", () => {
    const result = Either.getOrThrow(toCardTransaction(tx({
      amountValue: { value: 1234.56, currency: "MXN" },
      originalAmount: { value: "65.10", currency: { code: "usd" } },
      operationDate: "2025-01-15T23:59:59",
      accountingDate: "2025-01-17",
      merchant: { name: "OpenAI", category: "SOFTWARE", mcc: 5734 },
      card: { uuid: "card-1", maskedPan: "510979******9579" },
      hasInvoice: { value: true },
      installment: 3
    })))
    assert.strictEqual(result.status, "AUTHORIZED")
    exact(result.amount.amount, "1234.56")
    assert.strictEqual(result.amount.currency, "MXN")
    exact(result.originalAmount?.amount, "65.1")
    assert.strictEqual(result.originalAmount?.currency, "USD")
    assert.strictEqual(formatFixed(result.amount.amount), "1234.56")
    assert.strictEqual(result.operationDate, "2025-01-15")
    assert.strictEqual(result.accountingDate, "2025-01-17")
    assert.strictEqual(result.mcc, "5734")
    assert.strictEqual(result.cardLastFour, "9579")
    assert.isTrue(result.hasInvoice)
    assert.isFalse(result.hasExtractedDocuments)
    assert.strictEqual(result.installment, "3")
    assert.isFalse("userName" in result)
  })

  it("reads the string status form and its codes, and keeps only four card digits", () => {
    const byName = Either.getOrThrow(toCardTransaction(tx({ status: "REJECTED" })))
    assert.strictEqual(byName.status, "REJECTED")
    const byCode = Either.getOrThrow(
      toCardTransaction(tx({ status: "AU", card: { lastFourDigits: "5105105105105100" } }))
    )
    assert.strictEqual(byCode.status, "PRE_AUTHORIZED")
    assert.strictEqual(byCode.cardLastFour, "5100")
    assert.notInclude(JSON.stringify(byCode), "51051051")
  })

  it("takes a known status code over the free-text description", () => {
    const rejected = Either.getOrThrow(toCardTransaction(tx({ status: { code: "RJ", description: "Rechazada" } })))
    assert.strictEqual(rejected.status, "REJECTED")
    const unknownCode = Either.getOrThrow(toCardTransaction(tx({ status: { code: "ZZ", description: "NUEVO" } })))
    assert.strictEqual(unknownCode.status, "NUEVO")
  })

  it("dates an instant with a zone in Mexico City, a local date-time by its own date", () => {
    // 21:10 on 31 January in Mexico City (UTC-6) is 03:10 on 1 February in UTC
    const zoned = Either.getOrThrow(toCardTransaction(tx({
      operationDate: "2026-02-01T03:10:00Z",
      accountingDate: "2026-02-01T03:10:00.123456-00:00"
    })))
    assert.deepStrictEqual([zoned.operationDate, zoned.accountingDate], ["2026-01-31", "2026-01-31"])
    const offset = Either.getOrThrow(toCardTransaction(tx({ operationDate: "2026-01-31T21:10:00-06:00" })))
    assert.strictEqual(offset.operationDate, "2026-01-31")
    const local = Either.getOrThrow(toCardTransaction(tx({ operationDate: "2026-02-01T03:10:00" })))
    assert.strictEqual(local.operationDate, "2026-02-01")
    assert.isTrue(Either.isLeft(toCardTransaction(tx({ operationDate: "2026-02-30T03:10:00Z" }))))
  })

  it("names the record and field of a value it cannot map", () => {
    const badDate = toCardTransaction(tx({ operationDate: "2025-02-30" }))
    assert.isTrue(Either.isLeft(badDate))
    if (Either.isRight(badDate)) return
    assert.strictEqual(badDate.left.path, "operationDate")
    assert.strictEqual(badDate.left.record, "transaction tx-1")
    assert.strictEqual(badDate.left.sample, "\"2025-02-30\"")
    const badType = toCardTransaction(tx({ type: "CASHBACK" }))
    assert.strictEqual(Either.isLeft(badType) ? badType.left.path : "", "type")
    const badAmount = toCardTransaction(tx({ amountValue: { value: "12,50", currency: "MXN" } }))
    assert.strictEqual(Either.isLeft(badAmount) ? badAmount.left.path : "", "amountValue.value")
    const noAmount = toCardTransaction(tx({ amountValue: null }))
    assert.strictEqual(
      Either.isLeft(noAmount) ? noAmount.left.message : "",
      "toCardTransaction (transaction tx-1): amountValue: is missing"
    )
  })
})

describe("invoiceToFiscalDocument", () => {
  it("builds a CFDI from Clara's summary", () => {
    const invoice = Schema.decodeUnknownSync(InvoiceV3)({
      invoiceId: "5fb2822e-396d-4725-8521-cdc4bdd20ccf",
      invoiceNumber: "A-123",
      taxRegime: "601",
      issuer: { rfc: "AAA010101AAA", businessName: "Proveedor SA de CV" },
      taxReceipts: { cfdi: "G03", paymentMethod: "PUE" },
      tax: { retained: { isr: null, iva: 10.67, ieps: null }, transferred: { iva: 160, ieps: null } },
      amount: { total: 1149.33, subTotal: 1000, currency: "MXN" },
      documentDate: "2025-01-15",
      xmlStatus: "Vigente",
      xmlCode: "S - Comprobante obtenido satisfactoriamente."
    })
    const doc = Either.getOrThrow(invoiceToFiscalDocument(invoice, "tx-1"))
    assert.strictEqual(doc.kind, "CFDI")
    assert.strictEqual(doc.id, "5FB2822E-396D-4725-8521-CDC4BDD20CCF")
    assert.strictEqual(doc.fiscalUuid, doc.id)
    assert.strictEqual(doc.satStatus, "Vigente")
    assert.strictEqual(doc.issueDate, "2025-01-15")
    assert.strictEqual(doc.issuer.taxId, "AAA010101AAA")
    assert.strictEqual(doc.metodoPago, "PUE")
    assert.strictEqual(doc.usoCfdi, "G03")
    exact(doc.total, "1149.33")
    exact(doc.subTotal, "1000")
    exact(doc.taxes.ivaTransferred, "160")
    exact(doc.taxes.ivaWithheld, "10.67")
    assert.isUndefined(doc.taxes.isrWithheld)
    assert.deepStrictEqual(doc.claraTransactionUuids, ["tx-1"])
    assert.strictEqual(doc.sources[0]?.kind, "clara-invoice")
  })

  it("fails on a missing document date", () => {
    const invoice = Schema.decodeUnknownSync(InvoiceV3)({ invoiceId: "x", amount: { total: 1 } })
    const result = invoiceToFiscalDocument(invoice, "tx-1")
    assert.strictEqual(Either.isLeft(result) ? result.left.path : "", "documentDate")
  })
})

describe("extractedToFiscalDocument", () => {
  it("builds an extracted document with its fiscal uuid, issuer, amounts and validation", () => {
    const extracted = Schema.decodeUnknownSync(ExtractedDocument)({
      uuid: "doc-1",
      type: "MEXICAN_FISCAL_INVOICE",
      userUuid: "user-7",
      data: {
        folioFiscalUuid: "5fb2822e-396d-4725-8521-cdc4bdd20ccf",
        receiptDate: "2025-01-14",
        country: "MX",
        issuer: { legalName: "Restaurante SA", taxIdentifier: "RES010101AAA" },
        amount: { currency: "MXN", subTotal: 862.07, taxesAmount: 137.93, tipAmount: 150, total: 1150 }
      },
      fileValidation: { status: "VALIDATED_BY_CLARA", date: "2025-01-14T10:00:00" }
    })
    const doc = Either.getOrThrow(extractedToFiscalDocument(extracted, "tx-1"))
    assert.strictEqual(doc.kind, "EXTRACTED_DOCUMENT")
    assert.strictEqual(doc.id, "doc-1")
    assert.strictEqual(doc.fiscalUuid, "5FB2822E-396D-4725-8521-CDC4BDD20CCF")
    assert.strictEqual(doc.issuer.taxId, "RES010101AAA")
    assert.strictEqual(doc.issuer.name, "Restaurante SA")
    assert.strictEqual(doc.issueDate, "2025-01-14")
    exact(doc.total, "1150")
    exact(doc.subTotal, "862.07")
    exact(doc.tipAmount, "150")
    assert.strictEqual(doc.validationStatus, "VALIDATED_BY_CLARA")
    assert.strictEqual(doc.uploadedByUserUuid, "user-7")
    assert.deepStrictEqual(doc.claraTransactionUuids, ["tx-1"])
  })

  it("fails on a missing total", () => {
    const extracted = Schema.decodeUnknownSync(ExtractedDocument)({
      uuid: "d",
      data: { receiptDate: "2025-01-01", amount: {} }
    })
    const result = extractedToFiscalDocument(extracted, "tx-1")
    assert.strictEqual(Either.isLeft(result) ? result.left.path : "", "data.amount.total")
  })
})
