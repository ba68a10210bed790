/**
 * Per-tenant mapping from reconciled items to the customer's chart of accounts, tax codes and ERP header values
 * (erp.md §5.1 "Mapping configuration"). Decoded from JSON; amounts are decimal strings.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import type { JsonSchemaObject } from "./ErpAdapter.js"

const Account = Schema.NonEmptyTrimmedString.annotations({ description: "GL account code" })
const AccountMap = Schema.Record({ key: Schema.String, value: Account })

/** GL accounts used by the posting builder. */
export const MappingAccounts = Schema.Struct({
  /** Expense account when no category rule applies. */
  expenseDefault: Account,
  /**
   * Expense account by rule. A key made only of digits is a SAT `ClaveProdServ` prefix (longest prefix wins);
   * any other key is a Clara merchant category, matched exactly. ClaveProdServ rules are tried first.
   */
  expenseByCategory: Schema.optionalWith(AccountMap, { default: () => ({}) }),
  /** IVA acreditable (transferred IVA on the CFDI, paid). */
  ivaAcreditable: Account,
  /** IVA withheld (credited). */
  retIva: Account,
  /** ISR withheld (credited). */
  retIsr: Account,
  /**
   * Local taxes withheld (implocal `RetencionesLocales`, owed to the state; credited). A CFDI that withholds them is
   * refused (`LOCAL_WITHHOLDING_ACCOUNT_MISSING`) while this is not mapped.
   */
  retLocal: Schema.optional(Account),
  /**
   * Expense account by the card transaction's merchant category code (ISO 18245 MCC, 4 digits, e.g. `5812`
   * restaurants), tried after the ClaveProdServ and category rules.
   */
  expenseByMcc: Schema.optionalWith(AccountMap, { default: () => ({}) }),
  /** Card liability (credited with the card amount) when the card has no rule of its own. */
  cardLiability: Account,
  /** Card liability by the card's last four digits. */
  cardLiabilityByCard: Schema.optionalWith(AccountMap, { default: () => ({}) }),
  /** Small differences between the CFDI total and the card amount, within `roundingTolerance`. */
  rounding: Account,
  /** Exchange differences when the CFDI currency differs from the card currency. */
  fxDiff: Account,
  /** Tips paid by card on top of the CFDI total (usually not deductible); the expense account when absent. */
  tips: Schema.optional(Account),
  /**
   * Non-deductible expenses: the whole Total of a CFDI whose IVA the company cannot credit because it is not addressed
   * to it (a generic receptor `XAXX010101000` / `XEXX010101000`, or another RFC than the company's; cfdi.md §1.3,
   * matching.md §7.8). Such a CFDI is refused (`NON_DEDUCTIBLE_ACCOUNT_MISSING`) while this is not mapped.
   */
  nonDeductible: Schema.optional(Account)
})
export type MappingAccounts = typeof MappingAccounts.Type

/** ERP tax codes (SAP `MWSKZ`, NetSuite tax item) by IVA treatment. */
export const MappingTaxCodes = Schema.Struct({
  IVA16: Schema.String,
  IVA8: Schema.String,
  IVA0: Schema.String,
  EXENTO: Schema.String
})
export type MappingTaxCodes = typeof MappingTaxCodes.Type

/**
 * Which civil date becomes the posting date (erp.md §5.1 `policies.postingDateSource`): `card_posted` the card
 * transaction's accounting (posted) date, its operation date when Clara gives none; `cfdi_fecha` the CFDI `Fecha`;
 * `export_date` the run's date; `card_operation_date` the card operation date (the first releases' default).
 */
export const PostingDatePolicy = Schema.Literal("card_posted", "cfdi_fecha", "export_date", "card_operation_date")
export type PostingDatePolicy = typeof PostingDatePolicy.Type

/**
 * What to do with a posting date inside a closed accounting period (erp.md §5.1 `policies.closedPeriod`): `fail`
 * refuses the document (PERIOD_CLOSED), `shiftToFirstOpenDay` moves it to the first day after the closed period(s).
 */
export const ClosedPeriodPolicy = Schema.Literal("fail", "shiftToFirstOpenDay")
export type ClosedPeriodPolicy = typeof ClosedPeriodPolicy.Type

/**
 * How transactions are grouped into documents (erp.md §5.1 `policies.grouping`): one per transaction, one per
 * posting day (and currency and company), or one per card statement (and currency).
 */
export const Grouping = Schema.Literal("perTransaction", "perDay", "perStatement")
export type Grouping = typeof Grouping.Type

/**
 * Vendors by RFC (erp.md §5.1 `vendors`). The issuer's RFC goes on the expense line (`vendorRfc`) for the ERP to
 * resolve. The generic RFCs `XAXX010101000` (público en general) and `XEXX010101000` (foreign residents) name no
 * real vendor: `genericRfc` `omit` (default) leaves the vendor off, `keep` passes the generic RFC (the ERP's generic
 * vendor), `fail` refuses. `onMissingRfc`: a document without an issuer RFC (a receipt) leaves the vendor off
 * (`omit`, default) or is refused (`fail`).
 */
export const VendorPolicy = Schema.Struct({
  genericRfc: Schema.optionalWith(Schema.Literal("omit", "keep", "fail"), { default: () => "omit" as const }),
  onMissingRfc: Schema.optionalWith(Schema.Literal("omit", "fail"), { default: () => "omit" as const })
})
export type VendorPolicy = typeof VendorPolicy.Type

/**
 * One cost-centre rule (erp.md §5.1 `dimensions`): every condition given must hold (card last four, Clara merchant
 * category, MCC, cardholder name); the first matching rule wins.
 */
export const CostCenterRule = Schema.Struct({
  card: Schema.optional(Schema.String),
  category: Schema.optional(Schema.String),
  mcc: Schema.optional(Schema.String),
  cardholder: Schema.optional(Schema.String),
  costCenter: Schema.NonEmptyTrimmedString
})
export type CostCenterRule = typeof CostCenterRule.Type

/** Dimensions of the expense lines: ordered cost-centre rules, then an optional default. */
export const MappingDimensions = Schema.Struct({
  costCenter: Schema.optionalWith(Schema.Array(CostCenterRule), { default: () => [] }),
  costCenterDefault: Schema.optional(Schema.NonEmptyTrimmedString)
})
export type MappingDimensions = typeof MappingDimensions.Type

/** The mapping configuration of one tenant. */
export class MappingConfig extends Schema.Class<MappingConfig>("MappingConfig")({
  accounts: MappingAccounts,
  /** Company code (SAP `BUKRS`, 4 characters). */
  companyCode: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4)),
  /**
   * The company's (NetSuite subsidiary's base) currency, ISO 4217: a journal in another currency carries the rate to
   * it. Absent: the card's currency (Clara issues cards in the company's currency: MXN, BRL, COP).
   */
  companyCurrency: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/))),
  /** Document type (SAP `BLART`), default `SA` (G/L account document). */
  documentType: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2)), {
    default: () => "SA"
  }),
  taxCodes: MappingTaxCodes,
  /**
   * Largest accepted |CFDI total - card amount| in currency units, posted to the rounding account; default `0.50`,
   * the absolute floor of the matcher's A3 "rounding" amount class (matching.md §7.4), so that a pair auto-linked as
   * a rounding difference of at most 0.50 is posted rather than refused. Larger gaps are refused
   * (`AMOUNT_GAP_TOO_LARGE`).
   */
  roundingTolerance: Schema.optionalWith(Schema.BigDecimal.pipe(Schema.nonNegativeBigDecimal()), {
    default: () => BigDecimal.unsafeFromString("0.50")
  }),
  /**
   * Largest accepted FX difference of a CFDI in another currency converted at its `TipoCambio`, as a percentage of
   * the card amount; default `4`, the widest FX band the matcher links (matching.md §7.7, A4). A larger difference
   * (plus `roundingTolerance`) is refused (`FX_GAP_TOO_LARGE`) instead of being booked to the FX account.
   */
  fxTolerancePercent: Schema.optionalWith(Schema.BigDecimal.pipe(Schema.nonNegativeBigDecimal()), {
    default: () => BigDecimal.unsafeFromString("4")
  }),
  postingDatePolicy: Schema.optionalWith(PostingDatePolicy, { default: () => "card_operation_date" as const }),
  closedPeriodPolicy: Schema.optionalWith(ClosedPeriodPolicy, { default: () => "fail" as const }),
  grouping: Schema.optionalWith(Grouping, { default: () => "perTransaction" as const }),
  vendors: Schema.optionalWith(VendorPolicy, { default: () => ({ genericRfc: "omit" as const, onMissingRfc: "omit" as const }) }),
  dimensions: Schema.optionalWith(MappingDimensions, { default: () => ({ costCenter: [] }) })
}) {}

/**
 * A starting mapping with PLACEHOLDER accounts shaped like the SAT "código agrupador" (Anexo 24): 601.84 other
 * general expenses, 118.01 IVA acreditable pagado, 216.10 IVA retenido, 216.04 ISR retenido, 216.99 other taxes
 * withheld (local), 205.06 card liability, 703.21 other expenses (rounding), 701.01 exchange loss, 613.01
 * non-deductible expenses (tips, and CFDIs not addressed to the company). Company `MX01`, tax codes `V1`, `V2`, `V0`,
 * `VE`.
 * These are NOT anyone's real chart of accounts: every customer must map their own before posting.
 */
export const defaultMapping: MappingConfig = new MappingConfig({
  accounts: {
    expenseDefault: "601.84",
    expenseByCategory: {},
    expenseByMcc: {},
    ivaAcreditable: "118.01",
    retIva: "216.10",
    retIsr: "216.04",
    cardLiability: "205.06",
    cardLiabilityByCard: {},
    rounding: "703.21",
    fxDiff: "701.01",
    tips: "613.01",
    nonDeductible: "613.01",
    retLocal: "216.99"
  },
  companyCode: "MX01",
  taxCodes: { IVA16: "V1", IVA8: "V2", IVA0: "V0", EXENTO: "VE" },
  closedPeriodPolicy: "fail",
  grouping: "perTransaction",
  postingDatePolicy: "card_operation_date",
  vendors: { genericRfc: "omit", onMissingRfc: "omit" },
  dimensions: { costCenter: [] }
})

/** JSON Schema (draft-07) of the encoded mapping, for adapter manifests (`mappingSchema`) and UIs. */
export const mappingJsonSchema: JsonSchemaObject = { ...JSONSchema.make(MappingConfig) }
