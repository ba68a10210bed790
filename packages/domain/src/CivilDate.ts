/**
 * Civil dates (`yyyy-MM-dd`, no time zone). Clara's dates and CFDI `Fecha` are local times without a zone; the
 * matcher compares them as civil dates in America/Mexico_City and never converts them to UTC (matching.md §7.2).
 */
import * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"

/** The form of a `CivilDate`: `yyyy-MM-dd`, nothing before or after. */
export const civilDatePattern = /^\d{4}-\d{2}-\d{2}$/

/** A calendar date `yyyy-MM-dd`, interpreted in America/Mexico_City unless configured otherwise. */
export const CivilDate = Schema.String.pipe(
  Schema.pattern(civilDatePattern),
  Schema.annotations({ identifier: "CivilDate", description: "yyyy-MM-dd, civil date without zone" })
)
export type CivilDate = typeof CivilDate.Type

const DAY_MS = 86_400_000

/** The civil date in America/Mexico_City of the instant `millis` (epoch milliseconds): "today" for a run. */
export const mexicoCityDate = (millis: number): CivilDate =>
  DateTime.formatIsoDate(DateTime.unsafeMakeZoned(millis, { timeZone: "America/Mexico_City" }))

/** Days since 1970-01-01 for a civil date; `undefined` when the text is not a valid `yyyy-MM-dd` date. */
export const toEpochDay = (date: string): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const ms = Date.UTC(y, mo - 1, d)
  const check = new Date(ms)
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined
  return Math.floor(ms / DAY_MS)
}

/** The civil date of an epoch day. */
export const fromEpochDay = (day: number): CivilDate => new Date(day * DAY_MS).toISOString().slice(0, 10)

/** The civil date part of a local date-time such as CFDI `Fecha` (`2026-01-15T13:45:00` -> `2026-01-15`). */
export const civilDateOf = (localDateTime: string): CivilDate | undefined => {
  const date = localDateTime.trim().slice(0, 10)
  return toEpochDay(date) === undefined ? undefined : date
}

/** A date-time that names its zone: `Z` or an offset after the time (`2026-02-01T03:10:00Z`, `...-06:00`). */
const ZONED = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i

/**
 * The civil date of a Clara date or timestamp, in America/Mexico_City: a local date-time without a zone (or a plain
 * date) keeps its date part, as `civilDateOf`; an instant with `Z` or an offset is converted to Mexico City first, so
 * a purchase at 21:10 on 31 January sent as `2026-02-01T03:10:00Z` stays in January (clara-api.md §5.2).
 */
export const civilDateOfTimestamp = (value: string): CivilDate | undefined => {
  const text = value.trim()
  if (!ZONED.test(text)) return civilDateOf(text)
  const millis = Date.parse(text)
  return Number.isNaN(millis) || civilDateOf(text) === undefined ? undefined : mexicoCityDate(millis)
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export const daysBetween = (a: CivilDate, b: CivilDate): number => (toEpochDay(b) ?? 0) - (toEpochDay(a) ?? 0)

/** Adds whole days to a civil date. */
export const addDays = (date: CivilDate, days: number): CivilDate => fromEpochDay((toEpochDay(date) ?? 0) + days)

/** The last civil date of the month of `date`. */
export const endOfMonth = (date: CivilDate): CivilDate => {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))]
  return fromEpochDay(Math.floor(Date.UTC(y, m, 0) / DAY_MS))
}
