/**
 * Command-line usage the CLI refuses before doing any work (the README's exit code 2), as opposed to a job that could
 * not run (exit 1).
 */
import * as Schema from "effect/Schema"

/** An invalid option or option combination; `message` is one line naming the option(s). */
export class UsageError extends Schema.TaggedError<UsageError>("@clara-recon/cli/UsageError")("UsageError", {
  message: Schema.String
}) {}
