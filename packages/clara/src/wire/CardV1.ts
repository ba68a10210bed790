/**
 * Cards of the v1 API (clara-api.md §2.3, §3.2): `GET /api/v1/cards` (Spring page) and `/api/v1/cards/{uuid}`.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** A v1 card. `cardNumber` is masked; `status` includes `INACTIVE` in samples (open set). */
export const CardV1 = Schema.Struct({
  uuid: Schema.String,
  status: OptionalString,
  alias: OptionalString,
  threshold: Schema.optional(Schema.NullOr(WireAmount)),
  periodicity: OptionalString,
  cardNumber: OptionalString,
  type: OptionalString,
  userUuid: OptionalString
})
export type CardV1 = typeof CardV1.Type
