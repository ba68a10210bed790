/**
 * Writes a run's outputs: `summary.json`, `links.json`, `exceptions.csv`, `exceptions.json`, `report.html` and one
 * chase list per cardholder with missing invoices (`chase-lists/<slug>.csv`).
 * Postings (`postings/*.csv`, `postings/manifest.json`) are written by the posting step.
 */
import * as Path from "@effect/platform/Path"
import { stringify } from "csv-stringify/sync"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { canonicalJson, MatchLink, ReconciliationException } from "@clara-recon/domain"
import { removeStaleTemporaries, writeFileAtomic } from "../internal/Files.js"
import type { RunResult, Summary } from "../RunResult.js"
import { chaseLists, renderChaseLists } from "./ChaseLists.js"
import { exceptionColumns, sortExceptions, toExceptionRow } from "./ExceptionRows.js"
import { renderHtmlReport } from "./HtmlReport.js"

const encodeExceptions = Schema.encodeSync(Schema.Array(ReconciliationException))
const encodeLinks = Schema.encodeSync(Schema.Array(MatchLink))

/** `exceptions.csv`: UTF-8, a header row, RFC 4180 quoting (csv-stringify), LF line ends. */
export const renderExceptionsCsv = (exceptions: ReadonlyArray<ReconciliationException>): string =>
  stringify(sortExceptions(exceptions).map(toExceptionRow), { header: true, columns: [...exceptionColumns] })

/** Writes the report files of `run` into `dir`. Fails with `OutputError` naming the file. */
export const writeReports = (dir: string, run: RunResult, summary: Summary) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const sorted = sortExceptions(run.exceptions)
    yield* removeStaleTemporaries(dir)
    yield* writeFileAtomic(path.join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n")
    yield* writeFileAtomic(
      path.join(dir, "links.json"),
      canonicalJson({ links: encodeLinks(run.links), suggestions: encodeLinks(run.suggestions) }) + "\n"
    )
    yield* writeFileAtomic(path.join(dir, "exceptions.json"), JSON.stringify(encodeExceptions(sorted), null, 2) + "\n")
    yield* writeFileAtomic(path.join(dir, "exceptions.csv"), renderExceptionsCsv(sorted))
    const chase = renderChaseLists(chaseLists(run.exceptions, new Map(run.transactions.map((t) => [t.uuid, t]))))
    for (const file of chase) yield* writeFileAtomic(path.join(dir, "chase-lists", file.name), file.csv)
    yield* writeFileAtomic(
      path.join(dir, "report.html"),
      renderHtmlReport(run, summary, new Map(chase.map((f) => [f.cardholder, f.name])))
    )
  })
