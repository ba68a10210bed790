/**
 * `GET /api/v1/logs/...` (clara-api.md §2.3, §3.10): API-usage logs of the project. `responseStatus` is the HTTP status
 * as a string (`"200"`); `instant` is epoch milliseconds (UTC).
 */
import * as Schema from "effect/Schema"

/** One logged API request. */
export const LogRequest = Schema.Struct({
  id: Schema.String,
  responseStatus: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number))),
  projectTokenId: Schema.optional(Schema.NullOr(Schema.String)),
  requestUri: Schema.optional(Schema.NullOr(Schema.String)),
  method: Schema.optional(Schema.NullOr(Schema.String)),
  chargeable: Schema.optional(Schema.NullOr(Schema.Boolean)),
  instant: Schema.optional(Schema.NullOr(Schema.Number))
})
export type LogRequest = typeof LogRequest.Type

/** Counters and the requests of one period. */
export const LogsResponse = Schema.Struct({
  stats: Schema.Struct({
    total: Schema.Number,
    chargeable: Schema.optional(Schema.Number),
    nonChargeable: Schema.optional(Schema.Number)
  }),
  requests: Schema.Array(LogRequest)
})
export type LogsResponse = typeof LogsResponse.Type
