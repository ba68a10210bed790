/**
 * Single-card v3 writes (clara-api.md §2.1, §3.2, §5.3, §7 #6, #21): create one card (hybrid) and cancel many.
 */
import * as Schema from "effect/Schema"

/**
 * `POST /api/v3/cards` body, with the schema tables' field names (§7 #6: `type` upper case, `userUuid`,
 * `periodicity`). `threshold` is sent as exact decimal text by the client.
 */
export const CreateCardRequestV3 = Schema.Struct({
  type: Schema.Literal("VIRTUAL", "PHYSICAL"),
  alias: Schema.String,
  userUuid: Schema.String,
  threshold: Schema.optional(Schema.Number),
  businessType: Schema.optional(Schema.Literal("BUSINESS", "WORLD_ELITE")),
  periodicity: Schema.optional(Schema.Literal("DAILY", "WEEKLY", "MONTHLY"))
})
export type CreateCardRequestV3 = typeof CreateCardRequestV3.Type

/**
 * The answer to a card creation (undocumented, "card UUID / card (?)"): the new card's `uuid` when Clara finished
 * within 30 s, or the request's `batchId` / `id` and `status` (`SENT`) when it goes on asynchronously (then poll
 * `GET /api/v3/cards`). A bare JSON string is read as the uuid. Other fields are ignored.
 */
export const CreateCardResponseV3 = Schema.Struct({
  uuid: Schema.optional(Schema.NullOr(Schema.String)),
  batchId: Schema.optional(Schema.NullOr(Schema.String)),
  id: Schema.optional(Schema.NullOr(Schema.String)),
  status: Schema.optional(Schema.NullOr(Schema.String))
})
export type CreateCardResponseV3 = typeof CreateCardResponseV3.Type

/** `CreateCardResponseV3` from either form: an object, or a bare uuid string. */
export const CreateCardAnswerV3 = Schema.Union(
  CreateCardResponseV3,
  Schema.transform(Schema.String, CreateCardResponseV3, {
    strict: true,
    decode: (uuid) => ({ uuid }),
    encode: (answer) => answer.uuid ?? ""
  })
)

/** `POST /api/v3/cards/delete` body: the cards to cancel, permanently. */
export const BulkDeleteCardsRequest = Schema.Struct({ uuids: Schema.Array(Schema.String) })
export type BulkDeleteCardsRequest = typeof BulkDeleteCardsRequest.Type
