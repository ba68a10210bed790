/**
 * Memoised civil-date arithmetic (America/Mexico_City civil dates as `YYYY-MM-DD`): a run has a few hundred distinct
 * dates and hundreds of thousands of records, so each date is parsed once. Deterministic; the caches are bounded.
 */
import { addDays, endOfMonth, toEpochDay } from "@clara-recon/domain"

const limit = 100_000

const memo = <A>(compute: (date: string) => A): (date: string) => A => {
  const cache = new Map<string, A>()
  return (date) => {
    let value = cache.get(date)
    if (value === undefined && !cache.has(date)) {
      if (cache.size >= limit) cache.clear()
      value = compute(date)
      cache.set(date, value)
    }
    return value as A
  }
}

/** Epoch day of a civil date; undefined when it is not a calendar date. */
export const epochDay: (date: string) => number | undefined = memo(toEpochDay)

/** Epoch day of the last day of the date's month. */
export const monthEndDay: (date: string) => number | undefined = memo((date) => toEpochDay(endOfMonth(date)))

/** `addDays(endOfMonth(date), days)` memoised per (date, days). */
export const afterMonthEnd = (date: string, days: number): string => monthEndPlus(`${date}|${days}`)

const monthEndPlus = memo((key) => {
  const [date, days] = key.split("|") as [string, string]
  return addDays(endOfMonth(date), Number(days))
})

/** `addDays(date, days)` memoised per (date, days). */
export const plusDays = (date: string, days: number): string => plus(`${date}|${days}`)

const plus = memo((key) => {
  const [date, days] = key.split("|") as [string, string]
  return addDays(date, Number(days))
})
