/**
 * v3 user writes (clara-api.md §2.1, §7 #14): the create and update bodies are not documented; the fields below are
 * the ones the user filters name (`name`, `lastName`, `email`, `mobilePhone`, `taxIdentifier`, `erpId`, `role`,
 * `locationUuid`, `managerUuid`), all passed through as given. `taxIdentifier` is checked by country (Jul 2025).
 */
import * as Schema from "effect/Schema"

/** `POST /api/v3/users` body. `role` is `EMPLOYEE`, `MANAGER`, `COMPANY_OWNER` or `BOOKKEEPER` (§4.5). */
export const CreateUserRequestV3 = Schema.Struct({
  name: Schema.String,
  lastName: Schema.String,
  email: Schema.String,
  role: Schema.optional(Schema.String),
  mobilePhone: Schema.optional(Schema.String),
  taxIdentifier: Schema.optional(Schema.String),
  erpId: Schema.optional(Schema.String),
  locationUuid: Schema.optional(Schema.String),
  managerUuid: Schema.optional(Schema.String)
})
export type CreateUserRequestV3 = typeof CreateUserRequestV3.Type

/** `PATCH /api/v3/users/{uuid}` body: any of the create fields. */
export const UpdateUserRequestV3 = Schema.partial(CreateUserRequestV3)
export type UpdateUserRequestV3 = typeof UpdateUserRequestV3.Type
