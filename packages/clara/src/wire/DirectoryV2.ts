/**
 * Users, locations, groups and labels of the v2 (and v1) API (clara-api.md §2.2, §2.3, §3.7, §4.5). Clara documents
 * them only by samples, so every field but `uuid` is optional and unknown fields are ignored.
 */
import * as Schema from "effect/Schema"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** A user of `/api/v2/users` and `/api/v1/users` (sample fields plus the v3 names). */
export const UserV2 = Schema.Struct({
  uuid: Schema.String,
  email: OptionalString,
  fullName: OptionalString,
  firstName: OptionalString,
  lastName: OptionalString,
  status: OptionalString,
  role: OptionalString
})
export type UserV2 = typeof UserV2.Type

/**
 * `POST /api/v2/users` body: the two low-confidence samples disagree (`{fullName, email, phoneNumber, jobTitle,
 * department}` vs `{email, firstName, lastName}`), so all are accepted and sent as given; `email` is required.
 */
export const CreateUserRequestV2 = Schema.Struct({
  email: Schema.String,
  firstName: Schema.optional(Schema.String),
  lastName: Schema.optional(Schema.String),
  fullName: Schema.optional(Schema.String),
  phoneNumber: Schema.optional(Schema.String),
  jobTitle: Schema.optional(Schema.String),
  department: Schema.optional(Schema.String)
})
export type CreateUserRequestV2 = typeof CreateUserRequestV2.Type

/** A location; inactive ones are still listed but must not be assigned to new resources. `createdAt` ISO instant. */
export const Location = Schema.Struct({
  uuid: Schema.String,
  name: OptionalString,
  code: OptionalString,
  status: OptionalString,
  createdAt: OptionalString
})
export type Location = typeof Location.Type

/** A group (`ACTIVE` | `INACTIVE`, open). */
export const Group = Schema.Struct({
  uuid: Schema.String,
  name: OptionalString,
  description: OptionalString,
  status: OptionalString
})
export type Group = typeof Group.Type

/** `POST /api/v2/groups` body. */
export const CreateGroupRequest = Schema.Struct({
  name: Schema.String,
  description: Schema.optional(Schema.String)
})
export type CreateGroupRequest = typeof CreateGroupRequest.Type

/** `PATCH` (or `PUT`) `/api/v2/groups/{uuid}` body: any of the create fields. */
export const UpdateGroupRequest = Schema.partial(CreateGroupRequest)
export type UpdateGroupRequest = typeof UpdateGroupRequest.Type

/** A transaction label. */
export const Label = Schema.Struct({
  uuid: Schema.String,
  name: OptionalString,
  description: OptionalString,
  status: OptionalString
})
export type Label = typeof Label.Type

/** One label of `POST /api/v2/labels` (sent as a JSON array: the endpoint creates "multiple"). */
export const CreateLabelRequest = Schema.Struct({
  name: Schema.String,
  description: Schema.optional(Schema.String)
})
export type CreateLabelRequest = typeof CreateLabelRequest.Type

/** `PATCH /api/v2/labels/{uuid}` body. */
export const UpdateLabelRequest = Schema.partial(CreateLabelRequest)
export type UpdateLabelRequest = typeof UpdateLabelRequest.Type
