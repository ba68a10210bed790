/**
 * One line of `clara-recon doctor`: a named check with its outcome and a detail for people. Never carries a secret.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"

/** `ok` passes; `warn` passes with a remark (a certificate expiring soon); `fail` needs fixing; `skip` was not run. */
export type CheckStatus = "ok" | "warn" | "fail" | "skip"

/** The outcome of one doctor check. */
export interface Check {
  readonly name: string
  readonly status: CheckStatus
  readonly detail: string
}

/** A check result. */
export const check = (name: string, status: CheckStatus, detail: string): Check => ({ name, status, detail })

/** Runs `effect` as check `name`: its value is the outcome; any failure becomes `fail` with the error's message. */
export const runCheck = <E, R>(name: string, effect: Effect.Effect<Check, E, R>): Effect.Effect<Check, never, R> =>
  Effect.catchAllCause(effect, (cause) => {
    const error = Cause.squash(cause)
    const message = error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
      ? String((error as { message: unknown }).message)
      : String(error)
    return Effect.succeed(check(name, "fail", message))
  })
