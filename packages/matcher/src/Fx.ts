/**
 * FX rates for converting a foreign-currency CFDI to MXN (matching.md §7.7). The rate table (DOF/Banxico FIX) is an
 * input of the pure core, never fetched here, so a run is reproducible.
 */
import { type CivilDate, toEpochDay } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"

/**
 * One row of the FX table: MXN per unit of `currency`, applicable on `date` (a civil date, America/Mexico_City: the
 * DOF publication date of the Banxico FIX, which is the FIX determined on the previous banking day).
 */
export interface FxRate {
  /** ISO 4217 code of the foreign currency (`USD`, `EUR`). */
  readonly currency: string
  readonly date: CivilDate
  /** MXN per one unit of `currency`. */
  readonly mxnPerUnit: BigDecimal.BigDecimal
}

/** Where a conversion rate came from (§7.7 steps 2 and 3). */
export type FxSource = "TIPO_CAMBIO" | "FX_TABLE"

/** A rate found for a currency and day. */
export interface FxQuote {
  readonly rate: BigDecimal.BigDecimal
  readonly source: FxSource
  /** The table date used (the CFDI date for `TIPO_CAMBIO`). */
  readonly date: string
}

/** Looks up the table rate of a currency for an epoch day. */
export type FxLookup = (currency: string, day: number) => FxQuote | undefined

/**
 * Builds a lookup over the table: the latest row of the currency dated on or before the day, at most `maxAgeDays`
 * earlier (weekends and holidays have no FIX). Rows with a date that is not a calendar date are ignored; of two rows
 * for one currency and date, the larger rate wins (a deterministic choice; tables should not repeat).
 */
export const makeFxLookup = (rates: ReadonlyArray<FxRate>, maxAgeDays: number): FxLookup => {
  const byCurrency = new Map<string, Array<{ day: number; rate: BigDecimal.BigDecimal; date: string }>>()
  for (const row of rates) {
    const day = toEpochDay(row.date)
    if (day === undefined) continue
    const currency = row.currency.trim().toUpperCase()
    const list = byCurrency.get(currency) ?? []
    byCurrency.set(currency, list)
    list.push({ day, rate: row.mxnPerUnit, date: row.date })
  }
  for (const list of byCurrency.values()) {
    list.sort((a, b) => a.day - b.day || BigDecimal.Order(a.rate, b.rate))
  }
  return (currency, day) => {
    const list = byCurrency.get(currency.trim().toUpperCase())
    if (list === undefined) return undefined
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (list[mid]!.day <= day) lo = mid + 1
      else hi = mid
    }
    const row = list[lo - 1]
    if (row === undefined || day - row.day > maxAgeDays) return undefined
    return { rate: row.rate, source: "FX_TABLE", date: row.date }
  }
}
