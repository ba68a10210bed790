/**
 * Progress of a run's steps, for people watching: each step reports when it starts, how much work it has (files,
 * transactions, documents) as it learns it, how much is done, and when it ends. The CLI renders it as progress bars
 * on a terminal or plain lines otherwise; without a reporter (tests, embedding) nothing is shown.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/** Receives the progress of a run. Every call is cheap and never fails. */
export interface ProgressReporter {
  /** A step begins (`sync`, `collect`, `match`, `plan`, `post`, `writeBack`, `report`). */
  readonly start: (step: string) => void
  /** The step has `total` units of work of kind `unit` (e.g. `files`); may be called again as the total grows. */
  readonly total: (step: string, total: number, unit: string) => void
  /** `done` more units of the step are finished. */
  readonly advance: (step: string, done: number) => void
  /** The step ended (`skipped`: it had been done already, by an earlier attempt of the same run). */
  readonly finish: (step: string, skipped: boolean) => void
}

/** Reports nothing. */
export const silentProgress: ProgressReporter = {
  start: () => undefined,
  total: () => undefined,
  advance: () => undefined,
  finish: () => undefined
}

/** The progress reporter of the current run; `silentProgress` unless one is provided. */
export class Progress extends Context.Reference<Progress>()("@clara-recon/pipeline/Progress", {
  defaultValue: () => silentProgress
}) {}

/** `reporter.total(step, total, unit)` on the current reporter. */
export const progressTotal = (step: string, total: number, unit: string) =>
  Effect.map(Progress, (p) => p.total(step, total, unit))

/** `reporter.advance(step, done)` on the current reporter. */
export const progressAdvance = (step: string, done: number) => Effect.map(Progress, (p) => p.advance(step, done))
