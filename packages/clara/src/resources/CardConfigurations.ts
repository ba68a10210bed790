/**
 * Card spending configurations (clara-api.md §3.6; v2 `/api/v2/cards/{uuid}/configurations` with POST, GET, PATCH,
 * DELETE; v3 `/api/v3/cards/{uuid}/configurations` with POST, PATCH, DELETE per the Feb 2026 changelog), shared by
 * `client.cards.configurations` (v3) and `client.v2.cardConfigurations`.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraCall } from "../internal/ClaraCall.js"
import { getOne, pathWith, reject, writeOn } from "../internal/resource.js"
import { CardConfiguration, DayOfWeek } from "../wire/CardConfiguration.js"

/** Configuration writes on one card. Writes: never retried blindly. */
export interface CardConfigurationWrites {
  /**
   * Sets configurations on a card (`POST .../cards/{uuid}/configurations`). Fails with `ClaraBadRequestError` before
   * any request when no kind is given, a date is not `yyyy-MM-dd`, `startDate` is after `endDate`, a time is not
   * `HH:MM`, a day is not `MONDAY`..`SUNDAY`, `atmCashLimit` is not positive, or a list is empty. The answer is not
   * documented and is ignored.
   */
  readonly create: (cardUuid: string, configuration: CardConfiguration) => Effect.Effect<void, ClaraError>
  /** Changes configurations (`PATCH .../cards/{uuid}/configurations`), checked as `create`. */
  readonly update: (cardUuid: string, configuration: CardConfiguration) => Effect.Effect<void, ClaraError>
  /** Removes the card's configurations (`DELETE .../cards/{uuid}/configurations`; 200, 202 or 204). */
  readonly delete: (cardUuid: string) => Effect.Effect<void, ClaraError>
}

/** v2 adds the read. */
export interface CardConfigurationsV2 extends CardConfigurationWrites {
  /** The card's configurations (`GET /api/v2/cards/{uuid}/configurations`, path inferred, §2.2). */
  readonly get: (cardUuid: string) => Effect.Effect<CardConfiguration, ClaraError>
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const DAYS: ReadonlyArray<string> = DayOfWeek.literals

/** The first problem of a configuration body, naming the field, or the body. */
export const checkConfiguration = (
  endpoint: string,
  c: CardConfiguration
): Either.Either<CardConfiguration, ClaraBadRequestError> => {
  const bad = (field: string, message: string) => Either.left(reject(endpoint, field, message))
  const kinds = [c.period, c.atmCashLimit, c.daysOfWeek, c.vendorCategories]
    .filter((k) => k !== undefined && k !== null)
  if (kinds.length === 0) {
    return bad("period,atmCashLimit,daysOfWeek,vendorCategories", "give at least one configuration")
  }
  if (c.period !== undefined && c.period !== null) {
    const p = c.period
    if (!DATE.test(p.startDate)) return bad("period.startDate", "must be a date YYYY-MM-DD")
    if (!DATE.test(p.endDate)) return bad("period.endDate", "must be a date YYYY-MM-DD")
    if (p.startDate > p.endDate) return bad("period.startDate", "must not be after period.endDate")
    for (const key of ["startTime", "endTime"] as const) {
      const time = p[key]
      if (time !== undefined && time !== null && time !== "" && !TIME.test(time)) {
        return bad(`period.${key}`, "must be a time HH:MM")
      }
    }
  }
  if (c.atmCashLimit !== undefined && c.atmCashLimit !== null && !(Number(c.atmCashLimit) > 0)) {
    return bad("atmCashLimit", "must be a positive amount")
  }
  if (c.daysOfWeek !== undefined && c.daysOfWeek !== null) {
    if (c.daysOfWeek.values.length === 0) return bad("daysOfWeek.values", "must name at least one day")
    const wrong = c.daysOfWeek.values.find((d) => !DAYS.includes(d))
    if (wrong !== undefined) return bad("daysOfWeek.values", `must be MONDAY..SUNDAY, got ${JSON.stringify(wrong)}`)
  }
  if (c.vendorCategories !== undefined && c.vendorCategories !== null && c.vendorCategories.values.length === 0) {
    return bad("vendorCategories.values", "must name at least one category")
  }
  return Either.right(c)
}

/** Builds the configuration operations under `/v{version}/cards/{uuid}/configurations`. */
export const makeCardConfigurations = (call: ClaraCall, version: "v2" | "v3"): CardConfigurationsV2 => {
  const template = `/${version}/cards/{uuid}/configurations`
  const send = (method: "POST" | "PATCH", cardUuid: string, configuration: CardConfiguration) =>
    Effect.flatMap(
      Either.flatMap(
        pathWith(call, method, template, cardUuid),
        (path) => Either.map(checkConfiguration(call.endpointOf(method, template), configuration), () => path)
      ),
      (path) => call.writeVoid(method, path, JSON.stringify(configuration))
    ).pipe(Effect.withSpan(`ClaraClient.${version}.cardConfigurations.${method === "POST" ? "create" : "update"}`))
  return {
    create: (cardUuid, configuration) => send("POST", cardUuid, configuration),
    update: (cardUuid, configuration) => send("PATCH", cardUuid, configuration),
    delete: (cardUuid) =>
      writeOn(call, "DELETE", template, cardUuid).pipe(
        Effect.withSpan(`ClaraClient.${version}.cardConfigurations.delete`)
      ),
    get: (cardUuid) =>
      getOne(call, template, cardUuid, CardConfiguration).pipe(Effect.withSpan("ClaraClient.v2.cardConfigurations.get"))
  }
}
