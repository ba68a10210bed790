/**
 * `ClaraClientService.logs`: the project's API-usage logs, v1 (clara-api.md §2.3, §3.10, §5.3). Year and month are
 * required, the day optional; there is no unbounded listing.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { ClaraError } from "../ClaraError.js"
import type { ClaraCall } from "../internal/ClaraCall.js"
import { LogsResponse } from "../wire/Logs.js"
import { getOne, rejectInput } from "./ListShapes.js"

/** The log reads. */
export interface LogsApi {
  /** The current month's logs (`GET /api/v1/logs/current`). */
  readonly current: Effect.Effect<LogsResponse, ClaraError>
  /**
   * One month's logs (`GET /api/v1/logs/{yyyy}/{MM}`, month zero-padded). A year outside 2000-2999 or a month outside
   * 1-12 fails with `ClaraBadRequestError` before any request.
   */
  readonly month: (year: number, month: number) => Effect.Effect<LogsResponse, ClaraError>
  /** One day's logs (`GET /api/v1/logs/{yyyy}/{MM}/{dd}`); an impossible date fails before any request. */
  readonly day: (year: number, month: number, day: number) => Effect.Effect<LogsResponse, ClaraError>
}

const PATH = "/v1/logs"
const pad = (n: number) => String(n).padStart(2, "0")

/** Builds `LogsApi` over one `ClaraCall`. */
export const makeLogs = (call: ClaraCall): LogsApi => {
  const check = (template: string, year: number, month: number, day?: number) => {
    const endpoint = call.endpointOf("GET", template)
    if (!Number.isInteger(year) || year < 2000 || year > 2999) {
      return Either.left(rejectInput(endpoint, "year", `must be a four-digit year, got ${year}`))
    }
    if (!Number.isInteger(month) || month < 1 || month > 12) {
      return Either.left(rejectInput(endpoint, "month", `must be 1-12, got ${month}`))
    }
    if (day === undefined) return Either.right(`${PATH}/${year}/${pad(month)}`)
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
    return Number.isInteger(day) && day >= 1 && day <= last
      ? Either.right(`${PATH}/${year}/${pad(month)}/${pad(day)}`)
      : Either.left(rejectInput(endpoint, "day", `must be 1-${last} for ${year}-${pad(month)}, got ${day}`))
  }
  return {
    current: getOne(call, `${PATH}/current`, LogsResponse).pipe(Effect.withSpan("ClaraClient.logs.current")),
    month: (year, month) =>
      Effect.flatMap(check(`${PATH}/{yyyy}/{MM}`, year, month), (path) => getOne(call, path, LogsResponse)).pipe(
        Effect.withSpan("ClaraClient.logs.month")
      ),
    day: (year, month, day) =>
      Effect.flatMap(check(`${PATH}/{yyyy}/{MM}/{dd}`, year, month, day), (path) => getOne(call, path, LogsResponse))
        .pipe(Effect.withSpan("ClaraClient.logs.day"))
  }
}
