/**
 * A balanced journal ("póliza") for one reconciled card transaction, independent of the ERP (erp.md §5.1).
 * Debits equal credits to the cent; amounts are positive decimal currency units with the side given apart.
 */
import * as Schema from "effect/Schema"
import { CivilDate } from "./CivilDate.js"

/** The role of a journal line. */
export const LineRole = Schema.Literal(
  "expense",
  "iva_acreditable",
  "ret_iva",
  "ret_isr",
  "card_liability",
  "fx_diff",
  "rounding",
  "other"
)
export type LineRole = typeof LineRole.Type

/** One journal line: a GL account debited or credited with a positive amount. */
export class JournalLine extends Schema.Class<JournalLine>("JournalLine")({
  side: Schema.Literal("debit", "credit"),
  role: LineRole,
  /** GL account code. */
  account: Schema.String,
  amount: Schema.BigDecimal,
  taxCode: Schema.optional(Schema.String),
  costCenter: Schema.optional(Schema.String),
  vendorRfc: Schema.optional(Schema.String),
  cfdiUuid: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String)
}) {}

/** A reference to the CFDI behind a posting. */
export class CfdiRef extends Schema.Class<CfdiRef>("CfdiRef")({
  uuid: Schema.String,
  rfcEmisor: Schema.optional(Schema.String),
  serie: Schema.optional(Schema.String),
  folio: Schema.optional(Schema.String),
  fecha: Schema.String
}) {}

/** The posting for one card transaction. `externalKey` is deterministic: a re-run never creates a second posting. */
export class PostingDocument extends Schema.Class<PostingDocument>("PostingDocument")({
  /** Card transaction uuid. */
  sourceId: Schema.String,
  /** `[A-Za-z0-9_-]{1,40}`, from (tenant, transaction uuid, version). */
  externalKey: Schema.String,
  version: Schema.Number,
  /** Document date (CFDI Fecha), civil date America/Mexico_City. */
  documentDate: CivilDate,
  /** Posting date per policy, civil date America/Mexico_City. */
  postingDate: CivilDate,
  currency: Schema.String,
  /**
   * The header exchange rate: units of the company currency per unit of `currency`; absent when the journal is in
   * the company currency or the rate is not known (the ERP applies its own).
   */
  exchangeRate: Schema.optional(Schema.BigDecimal),
  memo: Schema.String,
  /** ERP company code from the mapping (SAP `BUKRS`), when the target ERP needs one. */
  companyCode: Schema.optional(Schema.String),
  /** ERP document type from the mapping (SAP `BLART`), when the target ERP needs one. */
  documentType: Schema.optional(Schema.String),
  cardLastFour: Schema.optional(Schema.String),
  cfdis: Schema.Array(CfdiRef),
  lines: Schema.Array(JournalLine)
}) {}
