/**
 * Card spending configurations (clara-api.md §3.6, §4.5; v2 `/api/v2/cards/{uuid}/configurations`, v3 per the
 * Feb 2026 changelog). The kinds combine; the property names of the days-of-week and vendor-category parts are not
 * documented (§3.6 "(?)"): `daysOfWeek` and `vendorCategories` are assumed.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

/** A day of the week, upper case. */
export const DayOfWeek = Schema.Literal("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
export type DayOfWeek = typeof DayOfWeek.Type

/**
 * Usage window: civil dates `YYYY-MM-DD` and local times `HH:MM` (absent or empty: `00:00` / `23:59`, since 24 Mar
 * 2026). `enableAutoDeletion` cancels the card after `endDate`.
 */
export const CardConfigurationPeriod = Schema.Struct({
  startDate: Schema.String,
  endDate: Schema.String,
  startTime: Schema.optional(Schema.NullOr(Schema.String)),
  endTime: Schema.optional(Schema.NullOr(Schema.String)),
  enableAutoDeletion: Schema.Boolean
})
export type CardConfigurationPeriod = typeof CardConfigurationPeriod.Type

/**
 * A card configuration: usage `period`, `atmCashLimit` (physical cards, contract currency units), allowed or denied
 * `daysOfWeek`, and allowed `vendorCategories` (`RETAIL`, `OFFICE`, ... an open set, §4.5).
 */
export const CardConfiguration = Schema.Struct({
  period: Schema.optional(Schema.NullOr(CardConfigurationPeriod)),
  atmCashLimit: Schema.optional(Schema.NullOr(WireAmount)),
  daysOfWeek: Schema.optional(
    Schema.NullOr(Schema.Struct({ values: Schema.Array(Schema.String), allowedDaysOfUse: Schema.Boolean }))
  ),
  vendorCategories: Schema.optional(Schema.NullOr(Schema.Struct({ values: Schema.Array(Schema.String) })))
})
export type CardConfiguration = typeof CardConfiguration.Type
