/**
 * A Clara card transaction in the canonical model, mapped from `TransactionResponseV3` (clara-api.md §3.4).
 * Identity: the transaction `uuid`.
 */
import * as Schema from "effect/Schema"
import { CivilDate } from "./CivilDate.js"
import { Money } from "./Money.js"

/** Clara transaction `type` (clara-api.md §4.2). Only PURCHASE and REFUND are matched; the rest are "not subject". */
export const TransactionType = Schema.Literal("PURCHASE", "REFUND", "FEE", "CREDIT", "PAYMENT")
export type TransactionType = typeof TransactionType.Type

/** Types that need a fiscal document and enter matching (matching.md §7.2). */
export const isSubjectToMatching = (type: TransactionType): boolean => type === "PURCHASE" || type === "REFUND"

/** A card charge, refund, fee, credit or payment. Amounts are signed as Clara sends them, in currency units. */
export class CardTransaction extends Schema.Class<CardTransaction>("CardTransaction")({
  /** Clara transaction uuid. */
  uuid: Schema.String,
  type: TransactionType,
  /** Status name, normalised from the string or `{code, description}` forms (e.g. `AUTHORIZED`). */
  status: Schema.String,
  /** Merchant descriptor as printed by the card network (`transactionLabel`). */
  descriptor: Schema.String,
  merchantName: Schema.optional(Schema.String),
  merchantCategory: Schema.optional(Schema.String),
  /** Merchant category code, when Clara exposes it. */
  mcc: Schema.optional(Schema.String),
  /** Amount in the account currency (`amountValue`). */
  amount: Money,
  /** Amount in the merchant's currency (`originalAmount`), when different or present. */
  originalAmount: Schema.optional(Money),
  /** Operation date, civil date in America/Mexico_City. */
  operationDate: CivilDate,
  accountingDate: Schema.optional(CivilDate),
  /** Last update instant as Clara sends it (ISO-8601), for incremental sync watermarks. */
  lastUpdateDate: Schema.optional(Schema.String),
  authorizationNumber: Schema.optional(Schema.String),
  cardUuid: Schema.optional(Schema.String),
  /** Last four digits only: a full card number is never stored. */
  cardLastFour: Schema.optional(Schema.String),
  userUuid: Schema.optional(Schema.String),
  userName: Schema.optional(Schema.String),
  hasInvoice: Schema.Boolean,
  hasExtractedDocuments: Schema.Boolean,
  installment: Schema.optional(Schema.String),
  installmentNumber: Schema.optional(Schema.String)
}) {}
