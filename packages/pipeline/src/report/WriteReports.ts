/**
 * Writes a run's outputs: `summary.json`, `links.json`, `exceptions.csv`, `exceptions.json`, `report.html` and one
 * chase list per cardholder with missing invoices (`chase-lists/<slug>.csv`).
 * Postings (`postings/*.csv`, `postings/manifest.json`) are written by the posting step.
 */
import * as Path from "@effect/platform/Path"
import { stringify } from "csv-stringify/sync"
import { spreadsheetSafeCast } from "./SpreadsheetSafe.js"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type MatchLink, matchLinkJson, ReconciliationException } from "@clara-recon/domain"
import { removeStaleTemporaries, writeFileAtomic, writeFileAtomicParts } from "../internal/Files.js"
import type { RunResult, Summary } from "../RunResult.js"
import { chaseLists, renderChaseLists } from "./ChaseLists.js"
import { exceptionColumns, sortExceptions, toExceptionRow } from "./ExceptionRows.js"
import { htmlReportParts } from "./HtmlReport.js"

const encodeExceptions = Schema.encodeSync(Schema.Array(ReconciliationException))

/** `summary.json`: the summary, indented by two spaces, with a final line end. */
export const renderSummaryJson = (summary: Summary): string => JSON.stringify(summary, null, 2) + "\n"

/**
 * `exceptions.csv`: UTF-8, a header row, RFC 4180 quoting (csv-stringify), LF line ends, no cell a spreadsheet would
 * run (`spreadsheetSafe`).
 */
export const renderExceptionsCsv = (exceptions: ReadonlyArray<ReconciliationException>): string =>
  stringify(sortExceptions(exceptions).map(toExceptionRow), {
    header: true,
    columns: [...exceptionColumns],
    cast: spreadsheetSafeCast
  })

/** The report files every run writes (chase lists come on top, one per cardholder with missing invoices). */
export const REPORT_FILES = ["summary.json", "links.json", "exceptions.json", "exceptions.csv", "report.html"] as const

/**
 * `links.json` in parts: `{"links":[...],"suggestions":[...]}` with each encoded link on its own line (its fields in
 * the schema's order, as stored), so the file is streamed to disk instead of built as one string.
 */
function* linksJsonParts(run: RunResult, linkJson: (link: MatchLink) => string | undefined): Generator<string> {
  for (const [key, list] of [["links", run.links], ["suggestions", run.suggestions]] as const) {
    yield key === "links" ? `{"links":[` : `],"suggestions":[`
    for (let i = 0; i < list.length; i++) yield (i === 0 ? "\n" : ",\n") + (linkJson(list[i]!) ?? matchLinkJson(list[i]!))
    if (list.length > 0) yield "\n"
  }
  yield "]}\n"
}

/**
 * Writes the report files of `run` into `dir` and returns their paths relative to `dir` (`REPORT_FILES`, then the
 * chase lists as `chase-lists/<slug>.csv`). `linkJson` may give a link's encoded JSON already at hand (as the
 * match step stored it) instead of encoding it again. Fails with `OutputError` naming the file.
 */
export const writeReports = (
  dir: string,
  run: RunResult,
  summary: Summary,
  linkJson: (link: MatchLink) => string | undefined = () => undefined
) =>
  Effect.gen(function*() {
    const path = yield* Path.Path
    const sorted = sortExceptions(run.exceptions)
    // the views below sort (subsets of) the exceptions again: on sorted input (a stable sort) that is one pass
    const view: RunResult = { ...run, exceptions: sorted }
    yield* removeStaleTemporaries(dir)
    yield* writeFileAtomic(path.join(dir, "summary.json"), renderSummaryJson(summary))
    yield* writeFileAtomicParts(path.join(dir, "links.json"), linksJsonParts(run, linkJson))
    yield* writeFileAtomic(path.join(dir, "exceptions.json"), JSON.stringify(encodeExceptions(sorted), null, 2) + "\n")
    yield* writeFileAtomic(path.join(dir, "exceptions.csv"), renderExceptionsCsv(sorted))
    const lists = chaseLists(view.exceptions, new Map(run.transactions.map((t) => [t.uuid, t])))
    const chase = renderChaseLists(lists)
    for (const file of chase) yield* writeFileAtomic(path.join(dir, "chase-lists", file.name), file.csv)
    yield* writeFileAtomicParts(
      path.join(dir, "report.html"),
      htmlReportParts(view, summary, new Map(chase.map((f) => [f.key, f.name])), lists)
    )
    return [...REPORT_FILES, ...chase.map((f) => `chase-lists/${f.name}`)]
  })
