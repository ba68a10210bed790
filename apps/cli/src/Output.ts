/**
 * What the commands print. Human-readable lines by default; with `--json`, the summary object as the last stdout line.
 * Logs go to stderr, so stdout stays parseable.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { Summary } from "@clara-recon/pipeline"

/** Prints a run summary for people. */
export const printSummary = (summary: Summary, runDir: string) =>
  Effect.gen(function*() {
    yield* Console.log(`Run ${summary.runId}: ${summary.period.from} .. ${summary.period.to}`)
    yield* Console.log(
      `  ${summary.transactions} transactions, ${summary.documents} documents, ` +
        `${summary.linked} auto-linked, ${summary.suggested} suggested`
    )
    const codes = Object.entries(summary.exceptions)
    yield* Console.log(`  exceptions: ${codes.length ? codes.map(([c, n]) => `${c} ${n}`).join(", ") : "none"}`)
    yield* Console.log(`  postings: ${summary.postings.new} new, ${summary.postings.skipped} already posted` +
      (summary.postings.failed ? `, ${summary.postings.failed} failed` : ""))
    for (const [currency, totals] of Object.entries(summary.controlTotal)) {
      if (currency === "balanced") continue
      const t = totals as Record<string, string>
      yield* Console.log(
        `  ${currency}: transactions ${t.transactions} = linked ${t.linked} + exceptions ${t.exceptions} + ` +
          `not subject ${t.notSubject}`
      )
    }
    yield* Console.log(`  control totals ${summary.controlTotal.balanced ? "balanced" : "NOT BALANCED"}`)
    yield* Console.log(`  report: ${runDir}/report.html`)
  })

/** Prints one JSON value on a single stdout line. */
export const printJsonLine = (value: unknown) => Console.log(JSON.stringify(value))
