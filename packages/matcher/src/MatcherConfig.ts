/**
 * Matcher thresholds and tolerances, with the defaults of matching.md §7.3-§7.5 and §7.10.
 * The resolved config is hashed (with the name-table version) into every explanation (§7.12).
 */
import { canonicalJson, sha256Hex } from "@clara-recon/domain"
import { nameTables } from "./NameTables.js"

/** Engine version written into every explanation. */
export const engineVersion = "0.3.0"

/** Tunable parameters. Points are integers; amounts are decimal strings in currency units. */
export interface MatcherConfig {
  /** Auto-link bar in points (§7.5 gate 1). Default 15. */
  readonly autoPoints: number
  /** Suggestion bar in points (§7.5). Default 9. */
  readonly suggestPoints: number
  /** Edges under this many points are dropped (§7.3 step 3). Default 6. */
  readonly edgePoints: number
  /** Required margin over both competitors (§7.5 gate 2). Default 4. */
  readonly marginPoints: number
  /** Edges kept per transaction (§7.3 step 2). Default 8. */
  readonly topK: number
  /** Components with more transactions or documents than this are solved greedily and flagged dense. Default 60. */
  readonly maxExactSide: number
  /** Unattended cap per account currency, decimal currency units (§7.5 gate 8). Other currencies never auto-link. */
  readonly unattendedCaps: Readonly<Record<string, string>>
  /** CFDI date window: `Fecha - operationDate` in [-cfdiDaysBefore, +cfdiDaysAfter] days. Defaults 3 and 35. */
  readonly cfdiDaysBefore: number
  readonly cfdiDaysAfter: number
  /** Upper bound of the CFDI window for charges in the last `monthEndDays` days of a month. Defaults 45 and 5. */
  readonly cfdiDaysAfterMonthEnd: number
  readonly monthEndDays: number
  /** Receipt (extracted document) date window, +/- days. Default 7. */
  readonly receiptDays: number
  /** A3 rounding band: |gap| <= max(roundingMinor / 100, roundingPermille per mille). Defaults 50 (0.50) and 2. */
  readonly roundingMinor: number
  readonly roundingPermille: number
  /** A5: a tip is charge - total within [tipMinPercent, tipMaxPercent] of the total. Defaults 3 and 25. */
  readonly tipMinPercent: number
  readonly tipMaxPercent: number
  /** A tip up to this percentage of the total is within policy (low severity). Default 20. */
  readonly tipPolicyPercent: number
  /** Restaurant and bar MCCs where tips are plausible. Default 5812, 5813, 5814. */
  readonly restaurantMccs: ReadonlyArray<string>
  /** Similarity weights of generic business words and city names (§7.2). Defaults 0.2 and 0.15. */
  readonly genericWeight: number
  readonly cityWeight: number
  /** Similarity weight of descriptor product and rail noise (`CLOUD`, `SUBSCR`, `ONLINE`). Default 0.05. */
  readonly noiseWeight: number
  /** A token is corpus-generic when it is in at least this many distinct issuer names... Default 20. */
  readonly corpusGenericMinNames: number
  /** ...and in at least this share (per mille) of them. Default 50 (5 %). */
  readonly corpusGenericSharePermille: number
  /** MISSING_INVOICE grace: end of month + `graceDaysAfterMonthEnd`, and at least `graceMinDays` (§7.10). */
  readonly graceDaysAfterMonthEnd: number
  readonly graceMinDays: number
  /** An unmatched card-paid CFDI younger than this is reported with low severity (§7.10). Default 35. */
  readonly invoiceWithoutTransactionDays: number
  /** 1:N (§7.6): at most this many CFDIs per charge (subset-sum, meet in the middle). Default 6. */
  readonly groupMaxItems: number
  /** 1:N: the pool is the nearest (by date) open clusters of one RFC, at most this many. Default 24. */
  readonly groupPoolSize: number
  /** Groups larger than this never auto-link (§7.6). Default 3. */
  readonly groupMaxAutoItems: number
  /** MSI plans accepted (§7.6): number of monthly instalments. */
  readonly msiPlans: ReadonlyArray<number>
  /** MSI: each instalment within this many minor units of Total / n. Default 100 (1 MXN). */
  readonly msiToleranceMinor: number
  /** MSI_INCOMPLETE once the next instalment is overdue by more than this many days. Default 40. */
  readonly msiOverdueDays: number
  /** Split tender (§7.6): at most this many charges, all within `splitTenderDays` days. Defaults 4 and 10. */
  readonly splitTenderMaxItems: number
  readonly splitTenderDays: number
  /** FX table (§7.7 step 3): the latest rate at most this many days before the CFDI `Fecha`. Default 7. */
  readonly fxTableMaxAgeDays: number
  /** PPD (§7.8): the payment complement is due on this calendar day of the month after payment. Default 5. */
  readonly ppdComplementDay: number
  /** Refunds (§7.8): a refund reverses a purchase of the same card and merchant at most this many days old. */
  readonly refundReversalDays: number
  /** Incremental runs (§7.13): an AUTO link is only challenged by an edge at least this many points better. */
  readonly relinkPoints: number
}

/** The defaults of matching.md §7. */
export const defaultMatcherConfig: MatcherConfig = {
  autoPoints: 15,
  suggestPoints: 9,
  edgePoints: 6,
  marginPoints: 4,
  topK: 8,
  maxExactSide: 60,
  unattendedCaps: { MXN: "50000" },
  cfdiDaysBefore: 3,
  cfdiDaysAfter: 35,
  cfdiDaysAfterMonthEnd: 45,
  monthEndDays: 5,
  receiptDays: 7,
  roundingMinor: 50,
  roundingPermille: 2,
  tipMinPercent: 3,
  tipMaxPercent: 25,
  tipPolicyPercent: 20,
  restaurantMccs: ["5812", "5813", "5814"],
  genericWeight: 0.2,
  cityWeight: 0.15,
  noiseWeight: 0.05,
  corpusGenericMinNames: 20,
  corpusGenericSharePermille: 50,
  graceDaysAfterMonthEnd: 3,
  graceMinDays: 5,
  invoiceWithoutTransactionDays: 35,
  groupMaxItems: 6,
  groupPoolSize: 24,
  groupMaxAutoItems: 3,
  msiPlans: [3, 6, 9, 10, 12, 13, 15, 18, 24],
  msiToleranceMinor: 100,
  msiOverdueDays: 40,
  splitTenderMaxItems: 4,
  splitTenderDays: 10,
  fxTableMaxAgeDays: 7,
  ppdComplementDay: 5,
  refundReversalDays: 90,
  relinkPoints: 4
}

/** Defaults overridden by the given fields (shallow). */
export const resolveConfig = (overrides: Partial<MatcherConfig> | undefined): MatcherConfig => ({
  ...defaultMatcherConfig,
  ...overrides
})

/** `"sha256:<hex>"` of the canonical JSON of the config and the name-table version. */
export const configHash = (config: MatcherConfig): string =>
  `sha256:${sha256Hex(canonicalJson({ config, nameTables: nameTables.version }))}`
