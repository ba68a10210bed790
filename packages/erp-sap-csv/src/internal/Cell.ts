/**
 * Resolving a column's source against a document line and writing it in the column's format.
 */
import type { JournalLine, PostingDocument } from "@clara-recon/domain"
import { formatFixed } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import type { CsvFormat, CsvSource } from "../CsvLayout.js"

const signed = (amount: BigDecimal.BigDecimal, sign: "unsigned" | "debitPositive", side: string | undefined) =>
  sign === "debitPositive" && side === "credit" ? BigDecimal.negate(amount) : amount

/** A resolved value before formatting: text (dates are `yyyy-MM-dd`), an amount, or nothing. */
export type CellValue = string | BigDecimal.BigDecimal | undefined

const shortId = (doc: PostingDocument) => doc.sourceId.replaceAll("-", "")

const reference = (doc: PostingDocument): string => {
  const cfdi = doc.cfdis[0]
  const parts = [cfdi?.serie, cfdi?.folio].filter((p): p is string => p !== undefined && p !== "")
  return parts.length > 0 ? parts.join("-") : shortId(doc)
}

const cfdiUuid = (doc: PostingDocument, line: JournalLine) => (line.cfdiUuid ?? doc.cfdis[0]?.uuid)?.toUpperCase()

/**
 * The value of `source` for line `index` (0-based) of `doc`, or for the document itself when `line` is undefined
 * (every `line.*` source is then empty). `doc.batchPosition` is empty here: the batch assembly fills it in.
 */
export const resolveSource = (
  source: CsvSource,
  doc: PostingDocument,
  line: JournalLine | undefined,
  index: number
): CellValue => {
  if (line === undefined) return source.startsWith("line.") ? undefined : resolveDocSource(source, doc)
  switch (source) {
    case "line.number":
      return String(index + 1)
    case "line.index":
      return String(index)
    case "line.side":
      return line.side
    case "line.account":
      return line.account
    case "line.amount":
      return line.amount
    case "line.debitAmount":
      return line.side === "debit" ? line.amount : undefined
    case "line.creditAmount":
      return line.side === "credit" ? line.amount : undefined
    case "line.taxCode":
      return line.taxCode
    case "line.costCenter":
      return line.costCenter
    case "line.itemText": {
      const uuid = cfdiUuid(doc, line)
      return [uuid === undefined ? "" : `UUID ${uuid}`, line.text ?? ""].filter((part) => part !== "").join(" ")
    }
    case "line.cfdiUuid":
      return cfdiUuid(doc, line)
    case "doc.rfcEmisor":
      return doc.cfdis[0]?.rfcEmisor ?? line.vendorRfc
    default:
      return resolveDocSource(source, doc)
  }
}

const resolveDocSource = (source: CsvSource, doc: PostingDocument): CellValue => {
  switch (source) {
    case "doc.externalKey":
      return doc.externalKey
    case "doc.companyCode":
      return doc.companyCode
    case "doc.documentType":
      return doc.documentType
    case "doc.documentDate":
      return doc.documentDate
    case "doc.postingDate":
      return doc.postingDate
    case "doc.currency":
      return doc.currency
    case "doc.exchangeRate":
      return doc.exchangeRate
    case "doc.reference":
      return reference(doc)
    case "doc.headerText": {
      const card = doc.cardLastFour === undefined ? "" : ` ****${doc.cardLastFour}`
      return `TDC${card} ${doc.postingDate.slice(0, 7)}`
    }
    case "doc.sourceShortId":
      return shortId(doc)
    case "doc.rfcEmisor":
      return doc.cfdis[0]?.rfcEmisor
    case "doc.postingMonth":
      return doc.postingDate.slice(5, 7)
    case "doc.memo":
      return doc.memo
    default:
      return undefined
  }
}

/**
 * Writes `value` in `format`; an empty value is the empty string. `side` signs `debitPositive` amounts. Fails with a
 * description when the value does not fit the format (an amount in a date column, a side missing from an enum map):
 * a layout error.
 */
export const formatCell = (
  value: CellValue,
  format: CsvFormat,
  side: "debit" | "credit" | undefined
): Either.Either<string, string> => {
  if (value === undefined) return Either.right("")
  const isText = typeof value === "string"
  const shown = () => (isText ? value : BigDecimal.format(value))
  switch (format.kind) {
    case "text":
      return isText ? Either.right(value.replace(/[\r\n\t]+/g, " ")) : Either.left("an amount in a text column")
    case "date":
      return isText && /^\d{4}-\d{2}-\d{2}$/.test(value) ?
        Either.right(value.replaceAll("-", "")) :
        Either.left(`"${shown()}" is not a yyyy-MM-dd date`)
    case "decimal":
      return isText ?
        Either.left(`"${value}" is not an amount`) :
        Either.right(formatFixed(signed(BigDecimal.abs(value), format.sign, side), format.places))
    case "enum":
      return isText && Object.hasOwn(format.map, value) ?
        Either.right(format.map[value] ?? "") :
        Either.left(`"${shown()}" has no entry in the column's enum map`)
  }
}
