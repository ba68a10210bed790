/**
 * `report.html`: one static page with no external assets, for controllers: totals and control totals, exceptions
 * grouped by code with the amount at risk, missing invoices by cardholder, and every link with its explanation.
 */
import escapeHtml from "escape-html"
import * as BigDecimal from "effect/BigDecimal"
import { formatFixed, type MatchLink, type ReconciliationException, zeroAmount } from "@clara-recon/domain"
import type { RunResult, Summary } from "../RunResult.js"
import { type ChaseList, chaseLists } from "./ChaseLists.js"
import { sortExceptions } from "./ExceptionRows.js"

const h = (value: string | number | undefined): string => escapeHtml(value === undefined ? "" : String(value))

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d9dde3;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 6px}.muted{color:#5b6474}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px}
th,td{border:1px solid #e1e4e8;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ok{color:#116329;font-weight:600}.bad{color:#b42318;font-weight:600}
.sev-high{color:#b42318}.sev-medium{color:#9a6700}.sev-low{color:#5b6474}
details{background:#fff;border:1px solid #e1e4e8;border-radius:6px;margin:4px 0;padding:6px 10px}
summary{cursor:pointer}code{font-size:12px}
`

const sumByCurrency = (rows: ReadonlyArray<ReconciliationException>): string => {
  const totals = new Map<string, BigDecimal.BigDecimal>()
  for (const e of rows) {
    if (!e.amountAtRisk) continue
    const c = e.amountAtRisk.currency
    totals.set(c, BigDecimal.sum(totals.get(c) ?? zeroAmount, e.amountAtRisk.amount))
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([c, v]) => `${formatFixed(v)} ${c}`).join(", ") || "—"
}

const card = (label: string, value: string | number, id: string): string =>
  `<div class="card" data-testid="${h(id)}"><span class="muted">${h(label)}</span><b>${h(value)}</b></div>`

const controlTotalsTable = (run: RunResult): string => {
  const rows = Object.entries(run.controlTotals.byCurrency).map(([currency, t]) =>
    `<tr data-currency="${h(currency)}"><td>${h(currency)}</td><td class="num">${h(t.transactions)}</td>` +
    `<td class="num">${h(t.linked)}</td><td class="num">${h(t.exceptions)}</td><td class="num">${h(t.notSubject)}</td></tr>`
  ).join("")
  const status = run.controlTotals.balanced
    ? `<p class="ok" data-testid="balanced">Balanced: transactions = linked + exceptions + not subject</p>`
    : `<p class="bad" data-testid="balanced">NOT balanced: ${h(run.controlTotals.unbalancedTransactions.length)} ` +
      `transaction(s) counted in no bucket or in two</p>`
  return `<table id="control-totals"><thead><tr><th>Currency</th><th class="num">Transactions</th>` +
    `<th class="num">Linked</th><th class="num">In exceptions</th><th class="num">Not subject</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${status}`
}

const exceptionTableHead =
  `<table><thead><tr><th>Severity</th><th>Subtype</th><th>Transaction / document</th><th>Cardholder</th>` +
  `<th class="num">Amount</th><th class="num">Age (days)</th><th>What happened</th><th>Suggested action</th></tr></thead><tbody>`

const exceptionRow = (e: ReconciliationException): string =>
  `<tr><td class="sev-${h(e.severity)}">${h(e.severity)}</td><td>${h(e.subtype)}</td>` +
  `<td><code>${h(e.transactionUuid ?? e.documentId ?? e.location)}</code></td><td>${h(e.cardholder)}</td>` +
  `<td class="num">${e.amountAtRisk ? h(`${formatFixed(e.amountAtRisk.amount)} ${e.amountAtRisk.currency}`) : ""}</td>` +
  `<td class="num">${h(e.ageDays)}</td><td>${h(e.message)}</td><td>${h(e.suggestedAction)}` +
  `${e.topSuggestion ? ` Top suggestion: <code class="link-id">${h(e.topSuggestion)}</code>` : ""}</td></tr>`

function* exceptionsByCode(exceptions: ReadonlyArray<ReconciliationException>): Generator<string> {
  const groups = new Map<string, Array<ReconciliationException>>()
  for (const e of sortExceptions(exceptions)) {
    const group = groups.get(e.code)
    if (group === undefined) groups.set(e.code, [e])
    else group.push(e)
  }
  if (groups.size === 0) yield `<p>No exceptions.</p>`
  for (const [code, rows] of groups) {
    yield `<section class="exception-group" data-code="${h(code)}"><h3>${h(code)} — ${rows.length} ` +
      `(at risk: ${h(sumByCurrency(rows))})</h3>${exceptionTableHead}`
    for (const e of rows) yield exceptionRow(e)
    yield `</tbody></table></section>`
  }
}

function* missingByCardholder(
  run: RunResult,
  chaseFiles: ReadonlyMap<string, string>,
  known?: ReadonlyArray<ChaseList>
): Generator<string> {
  const lists = known ?? chaseLists(run.exceptions, new Map(run.transactions.map((t) => [t.uuid, t])))
  if (lists.length === 0) yield `<p>No missing invoices.</p>`
  for (const { cardholder: who, key, rows } of lists) {
    const file = chaseFiles.get(key)
    const totals = new Map<string, BigDecimal.BigDecimal>()
    for (const r of rows) totals.set(r.currency, BigDecimal.sum(totals.get(r.currency) ?? zeroAmount, BigDecimal.unsafeFromString(r.amount)))
    const total = [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, v]) => `${formatFixed(v)} ${c}`)
      .join(", ")
    yield `<section class="cardholder" data-cardholder="${h(who)}"><h3>${h(who)} — ${rows.length} missing ` +
      `(${h(total)})${file ? ` · <a href="chase-lists/${h(file)}">chase list (CSV)</a>` : ""}</h3>` +
      `<table><thead><tr><th>Date</th><th>Merchant</th><th class="num">Amount</th><th>Card</th><th>Transaction</th>` +
      `<th class="num">Age (days)</th><th>Suggested action</th></tr></thead><tbody>`
    for (const r of rows) {
      yield `<tr><td>${h(r.date)}</td><td>${h(r.merchant)}</td><td class="num">${h(`${r.amount} ${r.currency}`)}</td>` +
        `<td>${r.cardLastFour ? `•••• ${h(r.cardLastFour)}` : ""}</td><td><code>${h(r.transactionUuid)}</code></td>` +
        `<td class="num">${h(r.ageDays)}</td><td>${h(r.suggestedAction)}</td></tr>`
    }
    yield `</tbody></table></section>`
  }
}

const linkDetails = (link: MatchLink): string => {
  const x = link.explanation
  const evidence = x.evidence.map((ev) =>
    `<li>${h(ev.feature)} <b>${h(ev.class)}</b> (${ev.points >= 0 ? "+" : ""}${h(ev.points)}): ` +
    `${h(Object.entries(ev.detail).map(([k, v]) => `${k}=${v}`).join(", "))}</li>`
  ).join("")
  const runnerUp = x.runnerUp
    ? `<p>Runner-up: <code>${h(x.runnerUp.document ?? x.runnerUp.transaction)}</code> with ${h(x.runnerUp.points)} ` +
      `points (${h(x.runnerUp.lostBecause.join("; "))})</p>`
    : `<p>No runner-up.</p>`
  return `<details class="link" data-decision="${h(link.decision)}"><summary><code>${h(link.transactionUuid)}</code> → ` +
    `<code>${h(link.documentId)}</code> · ${h(link.points)} pts, margin ${h(link.margin)} · ${h(x.text)}</summary>` +
    `<p>Link id <code class="link-id">${h(link.linkId)}</code> (for <code>clara-recon link confirm|reject</code>)</p>` +
    `<ul>${evidence}</ul>${runnerUp}${x.gatesFailed.length ? `<p>Gates not met: ${h(x.gatesFailed.join(", "))}</p>` : ""}` +
    `</details>`
}

/** Suggestions shown with their explanation in the page; all of them are in `links.json`. */
export const MAX_SUGGESTIONS_IN_HTML = 1000

function* suggestionDetails(suggestions: ReadonlyArray<MatchLink>): Generator<string> {
  if (suggestions.length === 0) yield "<p>No suggestions.</p>"
  const shown = Math.min(suggestions.length, MAX_SUGGESTIONS_IN_HTML)
  for (let i = 0; i < shown; i++) yield (i === 0 ? "" : "\n") + linkDetails(suggestions[i]!)
  if (suggestions.length > MAX_SUGGESTIONS_IN_HTML) {
    yield `<p class="muted" data-testid="suggestions-truncated">The first ${MAX_SUGGESTIONS_IN_HTML} of ` +
      `${suggestions.length} suggestions are shown; every one is in links.json.</p>`
  }
}

/** What the page heading shows besides the summary: the run's tenant and as-of date (civil date). */
export interface ReportHeading {
  readonly tenant: string
  readonly asOf: string
}

/**
 * The page from its start to the end of the summary cards: the only part that names the run (`runId`) or shows its
 * posting counts, so a later run with the same data can reuse the rest of the page (`htmlBodyParts`) as it is.
 */
export const renderHtmlHead = (summary: Summary, heading: ReportHeading): string => {
  const exceptions = Object.values(summary.exceptions).reduce((n, count) => n + count, 0)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>clara-recon ${h(summary.period.from)} – ${h(summary.period.to)}</title><style>${STYLE}</style></head>
<body><main>
<h1>Card reconciliation ${h(summary.period.from)} – ${h(summary.period.to)}</h1>
<p class="muted">Run <code>${h(summary.runId)}</code> · tenant ${h(heading.tenant)} · as of ${h(heading.asOf)} · engine ${
    h(summary.engine.version)
  }</p>
<div class="cards">
${card("Transactions", summary.transactions, "transactions")}${card("Documents", summary.documents, "documents")}
${card("Auto-linked", summary.linked, "linked")}${card("Suggested", summary.suggested, "suggested")}
${card("Exceptions", exceptions, "exceptions")}${card("New postings", summary.postings.new, "postings-new")}
${card("Already posted", summary.postings.skipped, "postings-skipped")}
</div>
`
}

/**
 * The page after the heading, in parts (a section heading, a table row, a link), so that a page of hundreds of MB
 * is written in batches and never held as one string: control totals, missing invoices by cardholder (linking
 * `chaseFiles`, `ChaseList.key` -> file name under `chase-lists/`), exceptions by code, every link with its explanation
 * and suggestions up to `MAX_SUGGESTIONS_IN_HTML`. Independent of the run id and posting counts. `lists` may give
 * the run's `chaseLists`, already computed.
 */
export function* htmlBodyParts(
  run: RunResult,
  chaseFiles: ReadonlyMap<string, string> = new Map(),
  lists?: ReadonlyArray<ChaseList>
): Generator<string> {
  yield `<h2>Control totals</h2>${controlTotalsTable(run)}
<h2>Missing invoices by cardholder</h2><div id="missing-by-cardholder">`
  yield* missingByCardholder(run, chaseFiles, lists)
  yield `</div>
<h2>Exceptions by code</h2>`
  yield* exceptionsByCode(run.exceptions)
  yield `
<h2>Links (${run.links.length})</h2>`
  if (run.links.length === 0) yield "<p>No links.</p>"
  for (let i = 0; i < run.links.length; i++) yield (i === 0 ? "" : "\n") + linkDetails(run.links[i]!)
  yield `
<h2>Suggestions (${run.suggestions.length})</h2>`
  yield* suggestionDetails(run.suggestions)
  yield `
</main></body></html>
`
}

/**
 * The report page of a run and its summary in parts (`renderHtmlHead`, then `htmlBodyParts`), as `writeReports` writes
 * `report.html`. Every link is shown with its explanation; suggestions up to `MAX_SUGGESTIONS_IN_HTML` (the rest are in
 * `links.json`). `chaseFiles` maps a cardholder's `ChaseList.key` to the file name of their chase list under
 * `chase-lists/`, linked from the missing-invoices section; `lists` may give the run's `chaseLists`, already computed.
 */
export function* htmlReportParts(
  run: RunResult,
  summary: Summary,
  chaseFiles: ReadonlyMap<string, string> = new Map(),
  lists?: ReadonlyArray<ChaseList>
): Generator<string> {
  yield renderHtmlHead(summary, run)
  yield* htmlBodyParts(run, chaseFiles, lists)
}

/** `htmlReportParts` as one string, for a page small enough to hold in memory (tests, a small run). */
export const renderHtmlReport = (
  run: RunResult,
  summary: Summary,
  chaseFiles: ReadonlyMap<string, string> = new Map(),
  lists?: ReadonlyArray<ChaseList>
): string => [...htmlReportParts(run, summary, chaseFiles, lists)].join("")
