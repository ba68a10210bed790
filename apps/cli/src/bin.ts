#!/usr/bin/env -S node --max-semi-space-size=64
/**
 * Entry point of the `clara-recon` binary: wires the Node platform, sends logs to stderr (info and above; debug too
 * with `--verbose` anywhere on the command line), exports traces when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, prints a
 * failure as one line naming what failed, and exits non-zero only when the job could not do its work.
 *
 * Exit codes: 0 done (exceptions in the report are not failures), 1 the job could not do its work, 2 bad usage,
 * 130 interrupted by Ctrl-C (SIGINT) and 143 by SIGTERM, after the write in flight finished and was checkpointed:
 * the same command resumes the run.
 *
 * Node runs it with a 64 MB young generation (`--max-semi-space-size=64`, in the line above and in the root
 * `pnpm clara-recon` script): a month's job allocates millions of short-lived records, and V8's default 16 MB made
 * it spend about a fifth of its CPU time copying them (`pnpm bench --only pipeline`: 29.4 s -> 24.2 s CPU at 30k).
 */
import { ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { cli } from "./Cli.js"
import { tracingLayer } from "./Tracing.js"
import { UsageError } from "./UsageError.js"

const VERBOSE_FLAGS = new Set(["--verbose", "-v"])
const verbose = process.argv.slice(2).some((a) => VERBOSE_FLAGS.has(a))
const argv = process.argv.filter((a, i) => i < 2 || !VERBOSE_FLAGS.has(a))

const StderrLogger = Layer.merge(
  Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true })),
  Logger.minimumLogLevel(verbose ? LogLevel.Debug : LogLevel.Info)
)

let signalExitCode: number | undefined
process.once("SIGINT", () => (signalExitCode ??= 130))
process.once("SIGTERM", () => (signalExitCode ??= 143))

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string" &&
    error.message !== ""
    ? error.message
    : String(error)

cli(argv).pipe(
  Effect.withSpan(`clara-recon ${argv[2] ?? ""}`.trim(), { root: true }),
  Effect.catchAllCause((cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.void
    const failure = Cause.failureOption(cause)
    if (failure._tag === "Some" && ValidationError.isValidationError(failure.value)) {
      return Effect.sync(() => {
        process.exitCode = 2
      })
    }
    const message = failure._tag === "Some" ? describe(failure.value) : Cause.pretty(cause)
    const usage = failure._tag === "Some" && failure.value instanceof UsageError
    return Effect.sync(() => {
      process.stderr.write(`clara-recon: ${message}\n`)
      process.exitCode = usage ? 2 : 1
    })
  }),
  Effect.provide(Layer.mergeAll(NodeContext.layer, StderrLogger, tracingLayer())),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) =>
      onExit(
        signalExitCode ??
          (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : Number(process.exitCode ?? 0))
      )
  })
)
