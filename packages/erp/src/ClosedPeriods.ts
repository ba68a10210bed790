/**
 * Closed accounting periods and the closed-period policy (erp.md §5.1 `policies.closedPeriod`, the Fyle/Ramp
 * "shift to the first open day" pattern).
 */
import { fromEpochDay, toEpochDay } from "@clara-recon/domain"
import type { CivilDate } from "@clara-recon/domain"

/** A closed period: every civil date from `start` to `end` inclusive (`yyyy-MM-dd`, America/Mexico_City). */
export interface ClosedPeriod {
  readonly start: CivilDate
  readonly end: CivilDate
}

/** The closed period holding `date`, if any. Malformed dates never match. */
export const closedPeriodOf = (
  date: CivilDate,
  periods: ReadonlyArray<ClosedPeriod>
): ClosedPeriod | undefined => {
  const day = toEpochDay(date)
  if (day === undefined) return undefined
  return periods.find((p) => {
    const start = toEpochDay(p.start)
    const end = toEpochDay(p.end)
    return start !== undefined && end !== undefined && start <= day && day <= end
  })
}

/**
 * The first open day on or after `date`: `date` itself when no period holds it, else the day after the period's
 * end, repeated while that day falls in another (adjacent or overlapping) period.
 */
export const firstOpenDay = (date: CivilDate, periods: ReadonlyArray<ClosedPeriod>): CivilDate => {
  let current = date
  for (let i = 0; i <= periods.length; i++) {
    const closed = closedPeriodOf(current, periods)
    const end = closed === undefined ? undefined : toEpochDay(closed.end)
    if (end === undefined) return current
    current = fromEpochDay(end + 1)
  }
  return current
}
