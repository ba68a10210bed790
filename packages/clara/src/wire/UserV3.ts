/**
 * A user of `GET /api/v3/users` (clara-api.md §2.1, §3.7). Clara documents the filters but not the response shape:
 * the fields below are the ones the filters and the v2 sample name, all optional but `uuid`; others are ignored.
 */
import * as Schema from "effect/Schema"
import { Link } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** One user (cardholder, approver or admin). `createdAt` is an ISO-8601 instant or `yyyy-MM-dd`, as sent. */
export const UserV3 = Schema.Struct({
  uuid: Schema.String,
  name: OptionalString,
  lastName: OptionalString,
  fullName: OptionalString,
  email: OptionalString,
  username: OptionalString,
  status: OptionalString,
  role: OptionalString,
  erpId: OptionalString,
  taxIdentifier: OptionalString,
  createdAt: OptionalString,
  links: Schema.optional(Schema.NullOr(Schema.Array(Link)))
})
export type UserV3 = typeof UserV3.Type
