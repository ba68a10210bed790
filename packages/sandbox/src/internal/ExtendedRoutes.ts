/**
 * The routes of the asynchronous card requests, money documents, Brazil, v2 attachments, v1 logs and webhook
 * subscribers, as one `HttpRouter` mounted by `claraApi` (each route behind the same fault, token and tax-id checks
 * as the others, through `guard`).
 */
import type { TransactionResponseV3 } from "@clara-recon/clara"
import * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as Effect from "effect/Effect"
import { attachmentBase64, listAttachments, logs, oneAttachment } from "./AttachmentsLogsApi.js"
import { ddaInvoice, ddaInvoices, digitalAccounts, payBoleto, paymentHistory } from "./BrazilApi.js"
import { bulkCreate, bulkLock, bulkThreshold, cardRequestBatch, listCardRequests, oneCardRequest } from "./CardBulkApi.js"
import type { EmulatorState } from "./EmulatorState.js"
import {
  currentStatement,
  currentStatementV2,
  listInvoicesV2,
  listReimbursements,
  listStatements,
  oneStatement,
  searchInvoices,
  statementByMonthV2,
  statementTransactions
} from "./MoneyApi.js"
import { changeEvent, createSubscriber, deleteSubscriber, listSubscribers, updateSubscriber } from "./SubscribersApi.js"

/** Wraps a route handler in the `/api` checks. */
export type Guard = <E, R>(
  handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>

/** The extended routes over `state` (`transactions` in the API's order, for the statement transactions). */
export const extendedRoutes = (
  state: EmulatorState,
  transactions: ReadonlyArray<TransactionResponseV3>,
  guard: Guard
) => {
  const ext = state.extended
  const { directory, scenario } = state
  return HttpRouter.empty.pipe(
    HttpRouter.post("/api/v3/cards/bulk-create", guard(bulkCreate(ext, directory))),
    HttpRouter.patch("/api/v3/cards/threshold", guard(bulkThreshold(ext, directory))),
    HttpRouter.patch("/api/v3/cards/lock", guard(bulkLock(ext, directory))),
    HttpRouter.get("/api/v3/cards/requests", guard(listCardRequests(ext))),
    HttpRouter.get("/api/v3/cards/requests/:id", guard(oneCardRequest(ext))),
    HttpRouter.get("/api/v3/cards/requests/batches/:id", guard(cardRequestBatch(ext))),
    HttpRouter.get("/api/v3/invoices", guard(searchInvoices(scenario))),
    HttpRouter.get("/api/v2/invoices", guard(listInvoicesV2(scenario))),
    HttpRouter.get("/api/v3/reimbursements", guard(listReimbursements(scenario))),
    HttpRouter.get("/api/v3/billing-statements", guard(listStatements(scenario))),
    HttpRouter.get("/api/v3/billing-statements/current", guard(currentStatement(scenario))),
    HttpRouter.get("/api/v3/billing-statements/:uuid", guard(oneStatement(scenario))),
    HttpRouter.get("/api/v3/billing-statements/:uuid/transactions", guard(statementTransactions(scenario, transactions))),
    HttpRouter.get("/api/v2/billing-statements/current", guard(currentStatementV2(scenario))),
    HttpRouter.get("/api/v2/billing-statements/:month/:year", guard(statementByMonthV2(scenario))),
  ).pipe(
    HttpRouter.get("/api/v3/digital-accounts", guard(digitalAccounts(ext, scenario))),
    HttpRouter.get("/api/v2/payments/dda", guard(ddaInvoices(ext, scenario))),
    HttpRouter.get("/api/v2/payments/dda/:uuid", guard(ddaInvoice(ext, scenario))),
    HttpRouter.post("/api/v2/payments", guard(payBoleto(ext, scenario))),
    HttpRouter.get("/api/v2/payments", guard(paymentHistory(ext))),
  ).pipe(
    HttpRouter.get("/api/v2/attachments", guard(listAttachments(scenario))),
    HttpRouter.get("/api/v2/attachments/:uuid", guard(oneAttachment(scenario, state.signer))),
    HttpRouter.get("/api/v2/attachments/:uuid/base64", guard(attachmentBase64(scenario))),
    HttpRouter.get("/api/v1/logs/current", guard(logs(ext, state.log, "current"))),
    HttpRouter.get("/api/v1/logs/:year/:month", guard(logs(ext, state.log, "month"))),
    HttpRouter.get("/api/v1/logs/:year/:month/:day", guard(logs(ext, state.log, "day"))),
    HttpRouter.get("/api/v1/subscribers", guard(listSubscribers(ext))),
    HttpRouter.post("/api/v1/subscribers", guard(createSubscriber(ext))),
    HttpRouter.post("/api/v1/subscribers/add-event", guard(changeEvent(ext, true))),
    HttpRouter.del("/api/v1/subscribers/delete-event", guard(changeEvent(ext, false))),
    HttpRouter.patch("/api/v1/subscribers/:uuid", guard(updateSubscriber(ext))),
    HttpRouter.del("/api/v1/subscribers/:uuid", guard(deleteSubscriber(ext)))
  )
}
