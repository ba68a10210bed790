/**
 * Cards of the v2 API (clara-api.md §2.2, §3.2, §4.1): the read shape is not documented (the v3 fields are read when
 * present; legacy numeric codes are accepted), and the create body takes the legacy numeric enums.
 */
import * as Schema from "effect/Schema"
import { WireAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))
const Code = Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number)))

/** A v2 card. `type` / `periodicityType` may be names or the legacy codes; `cardNumber` is masked. */
export const CardV2 = Schema.Struct({
  uuid: Schema.String,
  status: OptionalString,
  alias: OptionalString,
  threshold: Schema.optional(Schema.NullOr(WireAmount)),
  type: Code,
  periodicity: OptionalString,
  periodicityType: Code,
  maskedPan: OptionalString,
  cardNumber: OptionalString,
  userUuid: OptionalString,
  userUUID: OptionalString
})
export type CardV2 = typeof CardV2.Type

/**
 * `POST /api/v2/cards` body (legacy numeric codes): `type` 1 physical, 2 virtual; `periodicityType` 1 monthly, 2
 * daily; `threshold` at least BRL 50 / MXN 500 / COP 100,000.
 */
export const CreateCardRequestV2 = Schema.Struct({
  type: Schema.Literal(1, 2),
  alias: Schema.String,
  userUUID: Schema.String,
  threshold: Schema.Number,
  periodicityType: Schema.Literal(1, 2)
})
export type CreateCardRequestV2 = typeof CreateCardRequestV2.Type
