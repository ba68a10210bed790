/**
 * Mappers from Clara wire records to the canonical model of `@clara-recon/domain` (clara-api.md §3.4, §3.5).
 * Amounts go through `fromWireNumber` (exact decimals from the number's shortest text); dates are civil dates in
 * America/Mexico_City (`civilDateOfTimestamp`: a local date-time keeps its date, an instant with `Z` or an offset is
 * converted to Mexico City). A record that cannot be mapped gives a
 * `ClaraDecodeError` naming the mapper, the record and the field.
 */
import {
  CardTransaction,
  civilDateOfTimestamp,
  DocumentSource,
  FiscalDocument,
  fromWireNumber,
  Money,
  Party,
  TaxTotals,
  TransactionType,
  TRUSTED
} from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { ClaraDecodeError } from "./ClaraError.js"
import { sampleOf } from "./internal/decode.js"
import { type CurrencyAmount, currencyCodeOf, hasValue, type WireAmount } from "./wire/Common.js"
import type { ExtractedDocument } from "./wire/ExtractedDocument.js"
import type { InvoiceV3 } from "./wire/InvoiceV3.js"
import { statusName, type TransactionResponseV3 } from "./wire/TransactionV3.js"

/** The first field that cannot be mapped. */
interface Problem {
  readonly path: string
  readonly description: string
  readonly value?: unknown
}

type Read<A> = Either.Either<A, Problem>

const problem = (path: string, description: string, value?: unknown): Read<never> =>
  Either.left(value === undefined ? { path, description } : { path, description, value })

const required = <A>(value: A | null | undefined, path: string): Read<A> =>
  value === null || value === undefined ? problem(path, "is missing") : Either.right(value)

/** Turns the first problem of a mapper into a `ClaraDecodeError` naming the mapper, the record and the field. */
const mapping = <A>(endpoint: string, record: string, read: Read<A>): Either.Either<A, ClaraDecodeError> =>
  Either.mapLeft(read, (p) =>
    new ClaraDecodeError({
      endpoint,
      record,
      path: p.path,
      description: p.description,
      ...(p.value === undefined ? {} : { sample: sampleOf(p.value) })
    }))

const amountOf = (value: WireAmount | null | undefined, path: string): Read<BigDecimal.BigDecimal | undefined> => {
  if (value === null || value === undefined) return Either.right(undefined)
  const amount = fromWireNumber(value)
  return amount === undefined ? problem(path, "is not a decimal amount", value) : Either.right(amount)
}

const requiredAmount = (value: WireAmount | null | undefined, path: string): Read<BigDecimal.BigDecimal> =>
  Either.flatMap(amountOf(value, path), (amount) => required(amount, path))

const currencyOf = (code: string, path: string): Read<string> => {
  const upper = code.trim().toUpperCase()
  return /^[A-Z]{3}$/.test(upper) ? Either.right(upper) : problem(path, "is not an ISO 4217 currency code", code)
}

const moneyOf = (amount: CurrencyAmount, path: string): Read<Money> =>
  Either.all({
    amount: requiredAmount(amount.value, `${path}.value`),
    currency: currencyOf(currencyCodeOf(amount), `${path}.currency`)
  }).pipe(Either.map((fields) => new Money(fields, TRUSTED)))

const optionalMoney = (amount: CurrencyAmount | null | undefined, path: string): Read<Money | undefined> =>
  amount === null || amount === undefined ? Either.right(undefined) : moneyOf(amount, path)

const civilDate = (value: string | null | undefined, path: string): Read<string | undefined> => {
  if (value === null || value === undefined) return Either.right(undefined)
  const date = civilDateOfTimestamp(value)
  return date === undefined ? problem(path, "is not a yyyy-MM-dd date", value) : Either.right(date)
}

const text = (value: string | number | null | undefined): string | undefined =>
  value === null || value === undefined || String(value).trim() === "" ? undefined : String(value).trim()

/** Drops `undefined` entries, so optional fields are absent rather than `undefined` (exactOptionalPropertyTypes). */
const present = <T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }

const isTransactionType = Schema.is(TransactionType)


/** The last four digits of the card: `lastFourDigits`, else the end of the masked PAN. Never more than four. */
const cardLastFour = (card: TransactionResponseV3["card"]): string | undefined => {
  const digits = (card?.lastFourDigits ?? card?.maskedPan ?? "").replace(/\D/g, "")
  return digits.length >= 4 ? digits.slice(-4) : undefined
}

/**
 * A `TransactionResponseV3` as a `CardTransaction`: status name from either status form, `amountValue` (required)
 * and `originalAmount` as exact `Money`, `operationDate` (required) and `accountingDate` as civil dates, the card's
 * last four digits only. Fails with `ClaraDecodeError` (endpoint `toCardTransaction`, record `transaction <uuid>`)
 * on an unknown `type`, a missing or non-decimal amount, a bad currency code or date.
 */
export const toCardTransaction = (wire: TransactionResponseV3): Either.Either<CardTransaction, ClaraDecodeError> =>
  mapping(
    "toCardTransaction",
    `transaction ${wire.uuid}`,
    // every field below was checked here (type, currency code, civil dates, decimal amounts): the class's own
    // validation would repeat it, at a cost that dominated the sync of a 100k-transaction month
    Either.gen(function*() {
      const type = isTransactionType(wire.type)
        ? wire.type
        : yield* problem("type", "is not a known transaction type", wire.type)
      const amount = yield* Either.flatMap(required(wire.amountValue, "amountValue"), (a) => moneyOf(a, "amountValue"))
      const operationDate = yield* Either.flatMap(
        civilDate(wire.operationDate, "operationDate"),
        (date) => required(date, "operationDate")
      )
      return new CardTransaction({
        uuid: wire.uuid,
        type,
        status: statusName(wire.status),
        descriptor: text(wire.transactionLabel) ?? text(wire.merchant?.name) ?? "",
        amount,
        operationDate,
        hasInvoice: hasValue(wire.hasInvoice),
        hasExtractedDocuments: hasValue(wire.hasExtractedDocuments),
        ...present({
          merchantName: text(wire.merchant?.name),
          merchantCategory: text(wire.merchant?.category),
          mcc: text(wire.merchant?.mcc),
          originalAmount: yield* optionalMoney(wire.originalAmount, "originalAmount"),
          accountingDate: yield* civilDate(wire.accountingDate, "accountingDate"),
          lastUpdateDate: text(wire.lastUpdateDate),
          authorizationNumber: text(wire.authorizationNumber),
          cardUuid: text(wire.card?.uuid),
          cardLastFour: cardLastFour(wire.card),
          userUuid: text(wire.user?.uuid),
          userName: text(wire.user?.name),
          installment: text(wire.installment),
          installmentNumber: text(wire.installmentNumber)
        })
      }, TRUSTED)
    })
  )

/** `paymentMethod` may hold a `MetodoPago` (PUE/PPD) or a two-digit `FormaPago`; it lands in the matching field. */
const paymentFields = (paymentMethod: string | undefined): { metodoPago?: string; formaPago?: string } =>
  paymentMethod === undefined
    ? {}
    : /^(PUE|PPD)$/i.test(paymentMethod)
    ? { metodoPago: paymentMethod.toUpperCase() }
    : /^\d{2}$/.test(paymentMethod)
    ? { formaPago: paymentMethod }
    : {}

const currencyOrMxn = (code: string | null | undefined, path: string): Read<string> =>
  code === null || code === undefined ? Either.right("MXN") : currencyOf(code, path)

/**
 * Clara's summary of a CFDI (`InvoiceV3`) as a `FiscalDocument` of kind `CFDI`, for when the XML itself cannot be
 * downloaded: id and `fiscalUuid` = `invoiceId` upper-cased, issue date from `documentDate`, issuer RFC and name,
 * totals and taxes (currency units; `MXN` when Clara gives none), `satStatus` = `xmlStatus`, `usoCfdi`,
 * `metodoPago`/`formaPago` from `paymentMethod`, `folio` = `invoiceNumber`, and `claraTransactionUuids` =
 * [`transactionUuid`]. The receiver is unknown from the summary. Fails with `ClaraDecodeError` (endpoint
 * `invoiceToFiscalDocument`) on a missing or bad `documentDate` or `amount.total`, or a bad tax amount.
 */
export const invoiceToFiscalDocument = (
  invoice: InvoiceV3,
  transactionUuid: string
): Either.Either<FiscalDocument, ClaraDecodeError> =>
  mapping(
    "invoiceToFiscalDocument",
    `invoice ${invoice.invoiceId}`,
    Either.gen(function*() {
      const uuid = invoice.invoiceId.trim().toUpperCase()
      const amount = yield* required(invoice.amount, "amount")
      const issueDate = yield* Either.flatMap(
        civilDate(invoice.documentDate, "documentDate"),
        (date) => required(date, "documentDate")
      )
      const taxes = yield* Either.all({
        ivaTransferred: amountOf(invoice.tax?.transferred?.iva, "tax.transferred.iva"),
        iepsTransferred: amountOf(invoice.tax?.transferred?.ieps, "tax.transferred.ieps"),
        ivaWithheld: amountOf(invoice.tax?.retained?.iva, "tax.retained.iva"),
        isrWithheld: amountOf(invoice.tax?.retained?.isr, "tax.retained.isr")
      })
      return new FiscalDocument({
        id: uuid,
        kind: "CFDI",
        country: "MX",
        fiscalUuid: uuid,
        issueDate,
        issuer: new Party(present({ taxId: text(invoice.issuer?.rfc), name: text(invoice.issuer?.businessName) })),
        receiver: new Party({}),
        currency: yield* currencyOrMxn(amount.currency, "amount.currency"),
        total: yield* requiredAmount(amount.total, "amount.total"),
        taxes: new TaxTotals(present(taxes)),
        relations: [],
        claraTransactionUuids: [transactionUuid],
        sources: [
          new DocumentSource({
            kind: "clara-invoice",
            location: `/api/v3/transactions/${transactionUuid}/invoices`,
            transactionUuid
          })
        ],
        ...paymentFields(text(invoice.taxReceipts?.paymentMethod)),
        ...present({
          subTotal: yield* amountOf(amount.subTotal, "amount.subTotal"),
          folio: text(invoice.invoiceNumber),
          usoCfdi: text(invoice.taxReceipts?.cfdi),
          satStatus: text(invoice.xmlStatus)
        })
      })
    })
  )

/**
 * A document Clara extracted from a receipt or invoice as a `FiscalDocument` of kind `EXTRACTED_DOCUMENT`: id = its
 * Clara uuid, `fiscalUuid` = `folioFiscalUuid` upper-cased, issue date from `receiptDate`, else `issueDate`, else
 * `billingDate`, issuer tax id and legal name, `total` (required), `subTotal` and `tipAmount` in currency units
 * (currency `MXN` and country `MX` when absent), `validationStatus` (`fileValidation.status`), `uploadedByUserUuid`
 * = the document's `userUuid`, and `claraTransactionUuids` = [`transactionUuid`]. Fails with `ClaraDecodeError`
 * (endpoint `extractedToFiscalDocument`) on a missing date or total, or a bad amount, currency or date.
 */
export const extractedToFiscalDocument = (
  doc: ExtractedDocument,
  transactionUuid: string
): Either.Either<FiscalDocument, ClaraDecodeError> =>
  mapping(
    "extractedToFiscalDocument",
    `extracted document ${doc.uuid}`,
    Either.gen(function*() {
      const data = yield* required(doc.data, "data")
      const amount = yield* required(data.amount, "data.amount")
      const country = text(data.country)?.toUpperCase()
      const dates = yield* Either.all([
        civilDate(data.receiptDate, "data.receiptDate"),
        civilDate(data.issueDate, "data.issueDate"),
        civilDate(data.billingDate, "data.billingDate")
      ])
      return new FiscalDocument({
        id: doc.uuid,
        kind: "EXTRACTED_DOCUMENT",
        country: country === "BR" || country === "CO" ? country : "MX",
        issueDate: yield* required(dates.find((d) => d !== undefined), "data.receiptDate"),
        issuer: new Party(present({ taxId: text(data.issuer?.taxIdentifier), name: text(data.issuer?.legalName) })),
        receiver: new Party({}),
        currency: yield* currencyOrMxn(amount.currency, "data.amount.currency"),
        total: yield* requiredAmount(amount.total, "data.amount.total"),
        taxes: new TaxTotals({}),
        relations: [],
        claraTransactionUuids: [transactionUuid],
        sources: [
          new DocumentSource({
            kind: "clara-extracted-document",
            location: `/api/v3/transactions/${transactionUuid}/extracted-documents`,
            transactionUuid
          })
        ],
        ...present({
          fiscalUuid: text(data.folioFiscalUuid)?.toUpperCase(),
          subTotal: yield* amountOf(amount.subTotal, "data.amount.subTotal"),
          tipAmount: yield* amountOf(amount.tipAmount, "data.amount.tipAmount"),
          validationStatus: text(doc.fileValidation?.status),
          uploadedByUserUuid: text(doc.userUuid)
        })
      })
    })
  )
