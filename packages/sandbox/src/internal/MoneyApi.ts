/**
 * The emulator's money-document routes (clara-api.md §2.1, §2.2, §3.5, §3.8, §7 #14, #17): the v3 invoice search and
 * v2 invoices over the scenario's CFDIs, reimbursements with their documented filters, v3 billing statements (Spring
 * page, current, one, its transactions by operation date) and v2 statement summaries (current, `{month}/{year}`).
 */
import type { BillingStatementV3, Reimbursement, TransactionResponseV3 } from "@clara-recon/clara"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Scenario } from "../Scenario.js"
import { first, parsePageQuery, springPage } from "./ListQuery.js"
import { json, notFound, validationError } from "./Replies.js"

type Params = Readonly<Record<string, string | ReadonlyArray<string>>>

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Inclusive `[start, end]` on a `yyyy-MM-dd` prefix; an absent end is open. */
const within = (value: string | null | undefined, start: string | undefined, end: string | undefined) => {
  if (start === undefined && end === undefined) return true
  if (value === null || value === undefined) return false
  const day = value.slice(0, 10)
  return (start === undefined || day >= start) && (end === undefined || day <= end)
}

/** The dates of `names` when all are `yyyy-MM-dd` (or absent), else the 400 message. */
const dates = (params: Params, names: ReadonlyArray<string>): Either.Either<Record<string, string | undefined>, string> => {
  const out: Record<string, string | undefined> = {}
  for (const name of names) {
    const value = first(params, name)
    if (value !== undefined && value !== "" && !DATE.test(value)) {
      return Either.left(`${name} must be a date in yyyy-MM-dd format, got "${value}"`)
    }
    out[name] = value === "" ? undefined : value
  }
  return Either.right(out)
}

/** The scenario's invoices with the transaction they belong to. */
const invoicesOf = (scenario: Scenario) =>
  Object.entries(scenario.invoices).flatMap(([transactionUuid, list]) =>
    list.map((entry) => ({ transactionUuid, entry }))
  )

const paged = <A>(params: Params, items: ReadonlyArray<A>, defaultSize = 20) =>
  Either.match(parsePageQuery(params, defaultSize), {
    onLeft: validationError,
    onRight: (query) => json(springPage(items, query))
  })

/** `GET /api/v3/invoices`: `issuerRfc`, `invoiceId`, `documentDateRangeStart`/`End` (names assumed, §7 #14). */
export const searchInvoices = (scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(dates(params, ["documentDateRangeStart", "documentDateRangeEnd"]), {
      onLeft: validationError,
      onRight: (range) => {
        const rfc = first(params, "issuerRfc")?.toUpperCase()
        const id = first(params, "invoiceId")?.toLowerCase()
        const found = invoicesOf(scenario).map((x) => x.entry.invoice).filter((invoice) =>
          (rfc === undefined || invoice.issuer?.rfc?.toUpperCase() === rfc) &&
          (id === undefined || invoice.invoiceId.toLowerCase() === id) &&
          within(invoice.documentDate, range["documentDateRangeStart"], range["documentDateRangeEnd"])
        )
        return paged(params, found)
      }
    }))

/**
 * `GET /api/v2/invoices`: `invoiceNumber`, `transactionUuid`, `invoiceId`, and the document-date range, applied
 * only when both ends are given (as documented).
 */
export const listInvoicesV2 = (scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(dates(params, ["documentDateRangeStart", "documentDateRangeEnd"]), {
      onLeft: validationError,
      onRight: (range) => {
        const start = range["documentDateRangeStart"]
        const end = range["documentDateRangeEnd"]
        const both = start !== undefined && end !== undefined
        const wanted = (name: string) => first(params, name)
        const rows = invoicesOf(scenario).map(({ entry, transactionUuid }) => ({
          uuid: entry.invoice.invoiceId,
          invoiceNumber: entry.invoice.invoiceNumber ?? null,
          transactionUuid,
          amount: entry.invoice.amount?.total ?? null,
          currency: entry.invoice.amount?.currency ?? null,
          documentDate: entry.invoice.documentDate ?? null,
          xmlStatus: entry.invoice.xmlStatus ?? null,
          issuer: { rfc: entry.invoice.issuer?.rfc ?? null, businessName: entry.invoice.issuer?.businessName ?? null }
        })).filter((row) =>
          (wanted("invoiceNumber") === undefined || row.invoiceNumber === wanted("invoiceNumber")) &&
          (wanted("transactionUuid") === undefined || row.transactionUuid === wanted("transactionUuid")) &&
          (wanted("invoiceId") === undefined || row.uuid.toLowerCase() === wanted("invoiceId")?.toLowerCase()) &&
          (!both || within(row.documentDate, start, end))
        )
        return paged(params, rows)
      }
    }))

const REIMBURSEMENT_DATES = ["requestCreationDate", "expenseDate", "finalApprovalDate", "paymentDate", "lastUpdateDate"] as const

const listed = (params: Params, name: string) => {
  const value = first(params, name)
  return value === undefined || value === "" ? undefined : value.split(",")
}

/** `GET /api/v3/reimbursements` with every documented filter (lists comma-separated, dates inclusive). */
export const listReimbursements = (scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(dates(params, REIMBURSEMENT_DATES.flatMap((d) => [`${d}Start`, `${d}End`])), {
      onLeft: validationError,
      onRight: (range) => {
        const categories = listed(params, "categoryCodes")
        if (categories?.some((c) => !/^\d+$/.test(c)) === true) {
          return validationError("categoryCodes must be digits, comma-separated")
        }
        const requesters = listed(params, "requesterUuids")
        const statuses = listed(params, "statuses")
        const uuids = listed(params, "uuids")
        const name = first(params, "requesterName")?.toLowerCase()
        const rows = (scenario.reimbursements ?? []).filter((r: Reimbursement) =>
          REIMBURSEMENT_DATES.every((d) => within(r[d], range[`${d}Start`], range[`${d}End`])) &&
          (categories === undefined || categories.includes(r.categoryCode ?? "")) &&
          (requesters === undefined || requesters.includes(r.requester?.uuid ?? "")) &&
          (statuses === undefined || statuses.includes(r.status ?? "")) &&
          (uuids === undefined || uuids.includes(r.uuid)) &&
          (name === undefined || (r.requester?.name ?? "").toLowerCase().includes(name))
        )
        return paged(params, rows)
      }
    }))

const statementsOf = (scenario: Scenario): ReadonlyArray<BillingStatementV3> => scenario.billingStatements ?? []
const currentOf = (scenario: Scenario) => statementsOf(scenario).find((s) => s.status === "OPEN")

/** `GET /api/v3/billing-statements`: a Spring page, newest first. */
export const listStatements = (scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) => paged(params, [...statementsOf(scenario)].reverse()))

/** `GET /api/v3/billing-statements/current`. */
export const currentStatement = (scenario: Scenario) =>
  Effect.sync(() => {
    const current = currentOf(scenario)
    return current === undefined ? notFound("No open billing statement") : json(current)
  })

const withStatement = (scenario: Scenario, f: (s: BillingStatementV3) => Effect.Effect<ReturnType<typeof json>, never, HttpServerRequest.ParsedSearchParams>) =>
  Effect.flatMap(HttpRouter.params, (p) => {
    const statement = statementsOf(scenario).find((s) => s.uuid === p["uuid"])
    return statement === undefined ? Effect.succeed(notFound("Billing statement not found")) : f(statement)
  })

/** `GET /api/v3/billing-statements/{uuid}`. */
export const oneStatement = (scenario: Scenario) => withStatement(scenario, (s) => Effect.succeed(json(s)))

/** `GET /api/v3/billing-statements/{uuid}/transactions`: the transactions operated in its period, a Spring page. */
export const statementTransactions = (scenario: Scenario, transactions: ReadonlyArray<TransactionResponseV3>) =>
  withStatement(scenario, (s) =>
    Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
      paged(
        params,
        transactions.filter((t) => within(t.operationDate, s.statementStartDate ?? undefined, s.statementEndDate ?? undefined))
      )))

const v2Of = (s: BillingStatementV3) => ({
  month: Number((s.statementStartDate ?? "0000-00").slice(5, 7)),
  year: Number((s.statementStartDate ?? "0000").slice(0, 4)),
  status: s.status,
  statementUuid: s.uuid,
  totalAmount: s.totalAmount ?? null,
  currency: s.currency ?? null,
  closingDate: s.statementEndDate ?? null
})

/** `GET /api/v2/billing-statements/current`: the open statement's v2 summary. */
export const currentStatementV2 = (scenario: Scenario) =>
  Effect.sync(() => {
    const current = currentOf(scenario)
    return current === undefined ? notFound("No open billing statement") : json(v2Of(current))
  })

/** `GET /api/v2/billing-statements/{month}/{year}` (order of the guide's `/6/2024`, §7 #17). */
export const statementByMonthV2 = (scenario: Scenario) =>
  Effect.map(HttpRouter.params, (p) => {
    const month = Number(p["month"])
    const year = Number(p["year"])
    if (!Number.isInteger(month) || month < 1 || month > 12) return validationError("month must be 1-12")
    const found = statementsOf(scenario).map(v2Of).find((s) => s.month === month && s.year === year)
    return found === undefined ? notFound(`No billing statement for ${month}/${year}`) : json(found)
  })
