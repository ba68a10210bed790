/**
 * Why the webhook receiver refused a delivery (clara-api.md §6). Not part of `ClaraError`: these are failures of an
 * incoming request, answered to the sender, never failures of an API call.
 */
import * as Schema from "effect/Schema"

/**
 * A refused delivery. `reason`: `MissingSignature` / `MalformedSignature` / `BadSignature` (the configured verifier
 * rejected it), `Expired` (signature timestamp outside the replay window), `BadJson` (body not JSON, or not a JSON
 * object). `description` never contains the secret or the expected signature.
 */
export class ClaraWebhookError extends Schema.TaggedError<ClaraWebhookError>("@clara-recon/clara/ClaraWebhookError")(
  "ClaraWebhookError",
  {
    reason: Schema.Literal("MissingSignature", "MalformedSignature", "BadSignature", "Expired", "BadJson"),
    description: Schema.String
  }
) {
  override get message(): string {
    return `webhook refused (${this.reason}): ${this.description}`
  }
}
