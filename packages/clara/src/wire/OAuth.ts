/**
 * `POST /oauth/token` response (clara-api.md §1.3): `access_token` and `expires_in` seconds (3600 when absent).
 */
import * as Schema from "effect/Schema"

/** The token response of the client-credentials grant. */
export const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  expires_in: Schema.optional(Schema.Number),
  token_type: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.String)
})
export type TokenResponse = typeof TokenResponse.Type

/** Clara's error body (§3.12): `message` always, `code`, `error`, `error_description` (Auth0) sometimes. */
export const ClaraErrorBody = Schema.Struct({
  message: Schema.optional(Schema.String),
  code: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  error_description: Schema.optional(Schema.String),
  timestamp: Schema.optional(Schema.String)
})
export type ClaraErrorBody = typeof ClaraErrorBody.Type
