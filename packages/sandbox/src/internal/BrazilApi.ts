/**
 * The emulator's Brazilian routes (clara-api.md §2.1, §2.2, §3.7, §3.9, §5.6; clara-docs 004): digital-account
 * transactions with the filter validation and its exact messages (400 `VALIDATION_ERROR`), in the `{data, meta}` shape
 * or the older bare array (`digitalAccountsShape`); DDA bank slips (a bare array, as documented); and boleto payments
 * (a payment marks its DDA slip `PAID`, joins the history and is delivered as `PAYMENT_PAID`).
 */
import type { BoletoPayment, DigitalAccountTransaction } from "@clara-recon/clara"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { Scenario } from "../Scenario.js"
import { deliverEvent, type ExtendedState } from "./ExtendedState.js"
import { first, parsePageQuery, springPage } from "./ListQuery.js"
import { field, json, jsonBody, validationError, withEntry } from "./Replies.js"

/** Alias to the `method` values it selects (mixed case, as Clara sends them). */
const METHODS: Readonly<Record<string, string>> = { PIX: "PIX", TED: "TED", BILL: "Bill", TRANSACTION: "Transfer" }

/** A date filter as sent: `yyyy-MM-dd`, or the end-of-day instant `yyyy-MM-ddT23:59:59Z` (§7 #12). */
const DATE_PARAM = /^(\d{4}-\d{2}-\d{2})(T23:59:59(\.0+)?Z)?$/

/** `GET /api/v3/digital-accounts`: `startDate`, `endDate`, `transactionTypeName`, `page`, `size` (default 50). */
export const digitalAccounts = (state: ExtendedState, scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) => {
    const days: Record<string, string> = {}
    for (const name of ["startDate", "endDate"]) {
      const value = first(params, name)
      if (value === undefined) continue
      const m = DATE_PARAM.exec(value)
      if (m === null) return validationError("Date must be in ISO format (yyyy-MM-dd)")
      days[name] = m[1]!
    }
    const alias = first(params, "transactionTypeName")
    if (alias !== undefined && METHODS[alias] === undefined) {
      return validationError("transactionTypeName must be one of: PIX, TED, BILL, TRANSACTION")
    }
    const start = days["startDate"]
    const end = days["endDate"]
    if (start !== undefined && end !== undefined && start > end) {
      return validationError("startDate must be less than or equal to endDate")
    }
    return Either.match(parsePageQuery(params, 50), {
      onLeft: validationError,
      onRight: (query) => {
        const rows = (scenario.digitalAccountTransactions ?? []).filter((t: DigitalAccountTransaction) => {
          const day = (t.transactionDate ?? "").slice(0, 10)
          return (start === undefined || day >= start) && (end === undefined || day <= end) &&
            (alias === undefined || t.method === METHODS[alias])
        })
        const page = springPage(rows, query)
        return state.digitalAccountsShape === "array"
          ? json(page.content)
          : json({
            data: page.content,
            meta: {
              totalPages: page.totalPages,
              totalItems: page.totalElements,
              itemsPerPage: query.size,
              currentPage: query.page
            }
          })
      }
    })
  })

const slipsOf = (state: ExtendedState, scenario: Scenario) =>
  (scenario.ddaInvoices ?? []).map((slip) => ({ ...slip, status: state.ddaStatus.get(slip.uuid) ?? slip.status }))

/** `GET /api/v2/payments/dda`: every slip as a bare array (the documented `DdaInvoice[]`), `status` filter. */
export const ddaInvoices = (state: ExtendedState, scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) => {
    const status = first(params, "status")
    return json(
      slipsOf(state, scenario)
        .filter((slip) => status === undefined || slip.status === status)
        .map(({ barcodeDigitableLine: _, ...summary }) => summary)
    )
  })

/** `GET /api/v2/payments/dda/{uuid}`: one slip with its digitable line. */
export const ddaInvoice = (state: ExtendedState, scenario: Scenario) =>
  Effect.suspend(() =>
    withEntry(new Map(slipsOf(state, scenario).map((s) => [s.uuid, s])), "DDA invoice not found", (slip) =>
      Effect.succeed(json(slip)))
  )

/** `POST /api/v2/payments`, `{barcodeDigitableLine, ...metadata}`: 201 with the payment (`PAID`), then `PAYMENT_PAID`. */
export const payBoleto = (state: ExtendedState, scenario: Scenario) =>
  Effect.flatMap(
    jsonBody<string>((body) => {
      const line = field(body, "barcodeDigitableLine")
      const digits = typeof line === "string" ? line.replace(/[.\s]/g, "") : ""
      return /^\d{47,48}$/.test(digits)
        ? Either.right(digits)
        : Either.left("barcodeDigitableLine must be the 47 or 48 digits of the bank slip")
    }),
    (read) =>
      Either.isLeft(read) ? Effect.succeed(read.left) : Effect.gen(function*() {
        const digits = read.right
        const slip = (scenario.ddaInvoices ?? []).find((s) => s.barcodeDigitableLine === digits)
        if (slip !== undefined && state.ddaStatus.get(slip.uuid) === "PAID") {
          return validationError("The bank slip is already paid")
        }
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        const payment: BoletoPayment = {
          uuid: randomUUID(),
          barcodeDigitableLine: digits,
          amount: slip?.amount ?? null,
          status: "PAID",
          ddaInvoiceUuid: slip?.uuid ?? null,
          paymentDate: now.slice(0, 10),
          createdAt: now
        }
        state.payments.push(payment)
        if (slip !== undefined) state.ddaStatus.set(slip.uuid, "PAID")
        state.background(deliverEvent(state, "PAYMENT_PAID", { ...payment }))
        return json(payment, 201)
      })
  )

/** `GET /api/v2/payments`: the payment history, `status`, `startDate`, `endDate` (payment date, inclusive). */
export const paymentHistory = (state: ExtendedState) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) => {
    const status = first(params, "status")
    const start = first(params, "startDate")
    const end = first(params, "endDate")
    for (const d of [start, end]) {
      if (d !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(d)) return validationError("dates must be yyyy-MM-dd")
    }
    return Either.match(parsePageQuery(params), {
      onLeft: validationError,
      onRight: (query) =>
        json(springPage(
          state.payments.filter((p) =>
            (status === undefined || p.status === status) &&
            (start === undefined || (p.paymentDate ?? "") >= start) &&
            (end === undefined || (p.paymentDate ?? "") <= end)
          ),
          query
        ))
    })
  })
