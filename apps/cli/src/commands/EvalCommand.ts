/**
 * `clara-recon eval [--seed N] [--size N] [--json]`: generates a seeded scenario with ground truth (matching.md
 * §7.15), runs the matcher on it and prints auto precision, auto coverage, suggestion top-1 accuracy,
 * MISSING_INVOICE precision and recall, each beside its target, and the time taken. The targets are printed, never
 * enforced (exit 0). With `--json`: one JSON object on the last stdout line.
 */
import { Command, Options } from "@effect/cli"
import {
  evaluate,
  evaluationTargets,
  type EvaluationReport,
  generateScenario,
  match,
  type Ratio
} from "@clara-recon/matcher"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { printJsonLine } from "../Output.js"
import { countOption } from "./RunOptions.js"

/** Options of an evaluation run. */
export interface EvalArgs {
  readonly seed: number
  readonly size: number
  readonly json: boolean
}

/** What `eval --json` prints: the figures, the targets, the sizes and the times in milliseconds. */
export interface EvalOutput {
  readonly seed: number
  readonly transactions: number
  readonly documents: number
  readonly generateMillis: number
  readonly matchMillis: number
  readonly metrics: EvaluationReport
  readonly targets: typeof evaluationTargets
  /** Every target met. */
  readonly targetsMet: boolean
}

const percent = (ratio: Ratio): string =>
  ratio.value === undefined ? "n/a" : `${(100 * ratio.value).toFixed(2)} %`

const meets = (ratio: Ratio, target: number): boolean => ratio.value !== undefined && ratio.value >= target

/** Generates the scenario, runs the matcher (timed) and evaluates it. */
export const runEval = (args: EvalArgs) =>
  Effect.gen(function*() {
    const [generated, scenario] = yield* Effect.timed(
      Effect.sync(() => generateScenario({ seed: args.seed, transactions: args.size }))
    )
    const [matched, result] = yield* Effect.timed(Effect.sync(() =>
      match({
        transactions: scenario.transactions,
        documents: scenario.documents,
        asOf: scenario.asOf,
        companyRfc: scenario.companyRfc,
        fxRates: scenario.fxRates
      })
    ))
    const metrics = evaluate(scenario, result)
    const checks: ReadonlyArray<readonly [string, Ratio, number | undefined]> = [
      ["auto precision", metrics.autoPrecision, evaluationTargets.autoPrecision],
      ["auto coverage", metrics.autoCoverage, evaluationTargets.autoCoverage],
      ["suggestion top-1 accuracy", metrics.top1Accuracy, evaluationTargets.top1Accuracy],
      ["MISSING_INVOICE precision", metrics.missingInvoicePrecision, undefined],
      ["MISSING_INVOICE recall", metrics.missingInvoiceRecall, evaluationTargets.missingInvoiceRecall]
    ]
    const output: EvalOutput = {
      seed: args.seed,
      transactions: scenario.transactions.length,
      documents: scenario.documents.length,
      generateMillis: Math.round(Duration.toMillis(generated)),
      matchMillis: Math.round(Duration.toMillis(matched)),
      metrics,
      targets: evaluationTargets,
      targetsMet: checks.every(([, ratio, target]) => target === undefined || meets(ratio, target))
    }
    if (args.json) {
      yield* printJsonLine(output)
      return output
    }
    yield* Console.log(
      `eval: seed ${args.seed}, ${output.transactions} transactions x ${output.documents} documents; ` +
        `generated in ${(output.generateMillis / 1000).toFixed(2)} s, matched in ${(output.matchMillis / 1000).toFixed(2)} s`
    )
    for (const [name, ratio, target] of checks) {
      const goal = target === undefined
        ? "(no target)"
        : `target >= ${(100 * target).toFixed(1)} % ${meets(ratio, target) ? "ok" : "MISSED"}`
      yield* Console.log(`  ${name.padEnd(27)} ${percent(ratio).padStart(9)}  (${ratio.hits}/${ratio.total})  ${goal}`)
    }
    const errors = Object.entries(metrics.errorsByCase)
    if (errors.length > 0) {
      yield* Console.log(
        `  errors by case: ${
          errors.map(([kind, e]) => `${kind} ${e.wrongAuto} wrong auto, ${e.missedMissingInvoice} missed`).join("; ")
        }`
      )
    }
    return output
  })

/** The `eval` command. */
export const evalCommand = Command.make("eval", {
  seed: Options.integer("seed").pipe(Options.withDescription("Scenario seed"), Options.withDefault(1)),
  size: countOption("size").pipe(
    Options.withDescription("Transactions of the generated scenario"),
    Options.withDefault(10_000)
  ),
  json: Options.boolean("json").pipe(Options.withDescription("Print one JSON object instead of text"))
}, runEval).pipe(
  Command.withDescription("Evaluate the matcher on a generated scenario with ground truth (matching.md §7.15)")
)
