/**
 * Typed errors of the sandbox package. Everything expected to go wrong (a certificate that cannot be generated or
 * written, an invoices folder that cannot be read, a port already in use) fails with one of these.
 */
import * as Schema from "effect/Schema"

/** Generating or writing the test PKI failed (`reason` says which). */
export class PkiError extends Schema.TaggedError<PkiError>()("PkiError", {
  reason: Schema.Literal("Generate", "Write"),
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** Building a scenario failed: a file or folder could not be read or written (`path` names it). */
export class ScenarioError extends Schema.TaggedError<ScenarioError>()("ScenarioError", {
  path: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** The emulator could not start listening (for example the port is taken). */
export class EmulatorError extends Schema.TaggedError<EmulatorError>()("EmulatorError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** Every error the sandbox package fails with. */
export type SandboxError = PkiError | ScenarioError | EmulatorError
