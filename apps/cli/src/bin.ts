#!/usr/bin/env node
/**
 * Entry point of the `clara-recon` binary: wires the Node platform, sends logs to stderr, prints a failure as one
 * line naming what failed, and exits non-zero only when the job could not do its work.
 */
import { ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { cli } from "./Cli.js"

const StderrLogger = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string" &&
    error.message !== ""
    ? error.message
    : String(error)

cli(process.argv).pipe(
  Effect.catchAllCause((cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.void
    const failure = Cause.failureOption(cause)
    if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) {
      return Effect.sync(() => {
        process.exitCode = 2
      })
    }
    const message = failure._tag === "Some" ? describe(failure.value) : Cause.pretty(cause)
    return Effect.sync(() => {
      process.stderr.write(`clara-recon: ${message}\n`)
      process.exitCode = 1
    })
  }),
  Effect.provide(Layer.merge(NodeContext.layer, StderrLogger)),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true })
)
