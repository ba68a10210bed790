/**
 * The emulator's routes (clara-api.md §2.0, §2.1, §3.1, §3.4, §3.5, §3.12, §5.7): the OAuth token, the v3
 * transaction reads and writes, cards and users, and the pre-signed file downloads, over the state of one running
 * emulator.
 */
import type { TransactionResponseV3 } from "@clara-recon/clara"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { randomBytes, timingSafeEqual } from "node:crypto"
import { receiptText } from "./Attachments.js"
import {
  first,
  inRange,
  parsePageQuery,
  parseTransactionQuery,
  springPage,
  type TransactionQuery
} from "./ListQuery.js"
import { makePageCache } from "./PageCache.js"
import { cardThreshold, listCards, listUsers, lockCard, oneCard, oneUser } from "./DirectoryApi.js"
import { failure, json, notFound, validationError, withEntry } from "./Replies.js"
import {
  bulkComments,
  bulkLabels,
  deleteComment,
  edited,
  setComment
} from "./TransactionWritesApi.js"
import { resetConnection, statusFault, truncateResponse } from "./Faults.js"
import { directoryWriteRoutes } from "./DirectoryWritesApi.js"
import { legacyRoutes } from "./LegacyApi.js"
import { extendedRoutes } from "./ExtendedRoutes.js"
import type { EmulatorState } from "./EmulatorState.js"

/** Lifetime of an access token, in seconds (clara-api.md §1.3: unknown upstream, 3600 assumed). */
const TOKEN_TTL_SECONDS = 3600
/** Lifetime of a download link, in seconds (clara-api.md §5.4: 12 hours). */
const DOWNLOAD_TTL_SECONDS = 43_200

const pathOf = (url: string) => url.split("?")[0] ?? url

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a, "utf8")
  const y = Buffer.from(b, "utf8")
  return x.length === y.length && timingSafeEqual(x, y)
}

const basicCredentials = (header: string | undefined) => {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "")
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

const baseUrl = HttpServer.addressWith((address) =>
  Effect.succeed(address._tag === "TcpAddress" ? `https://${address.hostname}:${address.port}` : "https://localhost")
)

/** The `{url, urlExpiration}` of a signed link to `pathname`; `urlExpiration` has nanoseconds, as Clara sends it. */
const signedDownload = (state: EmulatorState, pathname: string) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const base = yield* baseUrl
    const { expiresAt, query } = state.signer.sign(pathname, now, DOWNLOAD_TTL_SECONDS)
    return { url: `${base}${pathname}?${query}`, urlExpiration: expiresAt.toISOString().replace(/Z$/, "000000Z") }
  })

/** `POST /oauth/token`: Basic client credentials and `grant_type=client_credentials`. */
const token = (state: EmulatorState) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const credentials = basicCredentials(request.headers["authorization"])
    if (
      credentials === undefined || !sameText(credentials.id, state.clientId) ||
      !sameText(credentials.secret, state.clientSecret)
    ) {
      return json({ error: "access_denied", error_description: "Unauthorized: bad client credentials" }, 401)
    }
    const form = yield* Effect.option(request.urlParamsBody)
    const grantType = Option.flatMap(form, UrlParams.getFirst("grant_type"))
    if (Option.getOrUndefined(grantType) !== "client_credentials") {
      return json({ error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" }, 400)
    }
    const now = yield* Clock.currentTimeMillis
    const accessToken = randomBytes(32).toString("base64url")
    state.tokens.set(accessToken, now + TOKEN_TTL_SECONDS * 1000)
    return json({ access_token: accessToken, token_type: "Bearer", expires_in: TOKEN_TTL_SECONDS })
  })

/**
 * Fault injection, bearer token and `X-Tax-Identifier` checks in front of every `/api` route. A reset connection is
 * logged with status 599, a truncated body with 598.
 */
const api = <E, R>(state: EmulatorState, handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    state.apiRequests += 1
    const fault = state.faults.pick(request.method, pathOf(request.url), state.apiRequests)
    if (fault?.kind === "status") return statusFault(fault)
    if (fault?.kind === "reset") return yield* resetConnection(request)
    if (fault?.kind === "latency") yield* Effect.sleep(fault.millis)
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers["authorization"] ?? "")
    if (fault?.kind === "expireToken" && bearer) state.tokens.delete(bearer[1]!)
    const expiry = bearer ? state.tokens.get(bearer[1]!) : undefined
    const now = yield* Clock.currentTimeMillis
    if (expiry === undefined || now >= expiry) return failure(401, "UNAUTHORIZED", "Unauthorized")
    const taxId = request.headers["x-tax-identifier"]
    if (taxId !== undefined && taxId.trim().toUpperCase() !== state.scenario.company.rfc) {
      return failure(403, "FORBIDDEN", `Forbidden: tax identifier ${taxId} is not an entity of this project`)
    }
    const response = yield* handler
    return fault?.kind === "truncate" ? yield* truncateResponse(request, response) : response
  })

type Transactions = ReadonlyMap<string, TransactionResponseV3>

/** Runs `f` on the transaction named by the `:uuid` path parameter, or answers 404. */
const withTransaction = <E, R>(
  transactions: Transactions,
  f: (transaction: TransactionResponseV3) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) => withEntry(transactions, "Transaction not found", f)

/** Date-range selections kept for the following pages of the same filter (a list is read page after page). */
const SELECTIONS_KEPT = 16

const listTransactions = (state: EmulatorState, sorted: ReadonlyArray<TransactionResponseV3>) => {
  const pages = makePageCache()
  const selections = new Map<string, ReadonlyArray<TransactionResponseV3>>()
  /** The transactions inside every range of the query (dates never change, so a selection stays valid). */
  const select = (key: string, ranges: TransactionQuery["ranges"]) => {
    if (ranges.length === 0) return sorted
    const known = selections.get(key)
    if (known !== undefined) return known
    const selected = sorted.filter((t) => ranges.every((r) => inRange(t[r.field], r)))
    if (selections.size >= SELECTIONS_KEPT) selections.delete(selections.keys().next().value!)
    selections.set(key, selected)
    return selected
  }
  const isEdited = (t: TransactionResponseV3) => state.edits.comments.has(t.uuid) || state.edits.labels.has(t.uuid)
  return Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
    Either.match(parseTransactionQuery(params), {
      onLeft: validationError,
      onRight: (query) => {
        const rangesKey = JSON.stringify(query.ranges)
        // only the served page is edited and serialised, so a page of a 100k list costs the page, not the list
        const page = springPage(select(rangesKey, query.ranges), query)
        return pages.respond(
          `${rangesKey} ${query.page} ${query.size}`,
          !page.content.some(isEdited),
          () => ({ ...page, content: page.content.map(edited(state.edits)) })
        )
      }
    }))
}

const invoicesOf = (state: EmulatorState, transactions: Transactions) =>
  withTransaction(transactions, (transaction) =>
    Effect.map(
      Effect.forEach(state.scenario.invoices[transaction.uuid] ?? [], (entry) =>
        Effect.map(
          signedDownload(state, `/files/invoices/${transaction.uuid}/${entry.cfdiUuid}.xml`),
          (download) => ({ ...entry.invoice, download })
        )),
      (invoices) => json({ transactionUuid: transaction.uuid, invoices })
    ))

const extractedDocumentsOf = (state: EmulatorState, transactions: Transactions) =>
  withTransaction(transactions, (transaction) =>
    Effect.map(HttpServerRequest.ParsedSearchParams, (params) =>
      Either.match(parsePageQuery(params), {
        onLeft: validationError,
        onRight: (query) => {
          const type = first(params, "type")
          const documents = (state.scenario.extractedDocuments[transaction.uuid] ?? [])
            .filter((d) => type === undefined || d.type === type)
          return json(springPage(documents, query))
        }
      })))

const receiptsOf = (state: EmulatorState, transactionUuid: string) =>
  (state.scenario.extractedDocuments[transactionUuid] ?? []).filter((d) => d.type === "RECEIPT")

const attachmentsOf = (state: EmulatorState, transactions: Transactions) =>
  withTransaction(transactions, (transaction) =>
    Effect.map(
      Effect.forEach(receiptsOf(state, transaction.uuid), (receipt) =>
        Effect.map(signedDownload(state, `/files/attachments/${transaction.uuid}/${receipt.uuid}.txt`), (download) => ({
          uuid: receipt.uuid,
          fileName: `receipt-${receipt.uuid.slice(0, 8)}.txt`,
          // Clara writes `updateAt` (sic) with microseconds
          updateAt: transaction.lastUpdateDate?.replace(/(\.\d{3})Z$/, "$1000Z") ?? null,
          format: "txt",
          download
        }))),
      (attachments) => json({ transactionUuid: transaction.uuid, attachments })
    ))

const accessDenied = (message: string) =>
  HttpServerResponse.text(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`,
    { status: 403, contentType: "application/xml" }
  )

/** A signed file download: 403 unless the link is intact and unexpired, then the bytes or 404. */
const download = (state: EmulatorState, find: (transactionUuid: string, file: string) => Uint8Array | undefined) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const query = yield* HttpServerRequest.ParsedSearchParams
    const params = yield* HttpRouter.params
    const now = yield* Clock.currentTimeMillis
    const flat = Object.fromEntries(Object.keys(query).map((name) => [name, first(query, name)]))
    if (!state.signer.verify(pathOf(request.url), flat, now)) {
      return accessDenied("Request has expired or the signature does not match")
    }
    const bytes = find(params["transactionUuid"] ?? "", params["file"] ?? "")
    if (bytes === undefined) return HttpServerResponse.text("Not found", { status: 404 })
    return HttpServerResponse.uint8Array(bytes, {
      contentType: params["file"]?.endsWith(".xml") ? "application/xml" : "text/plain; charset=utf-8",
      headers: { "content-disposition": `attachment; filename="${params["file"]}"` }
    })
  })

const invoiceXml = (state: EmulatorState) => (transactionUuid: string, file: string) =>
  state.scenario.invoices[transactionUuid]?.find((i) => `${i.cfdiUuid}.xml` === file)?.xml.bytes

const attachmentFile = (state: EmulatorState) => (transactionUuid: string, file: string) => {
  const receipt = receiptsOf(state, transactionUuid).find((d) => `${d.uuid}.txt` === file)
  return receipt === undefined ? undefined : new TextEncoder().encode(receiptText(receipt))
}

/** Transactions in the API's stable order: operation date, then uuid. */
const sortTransactions = (transactions: ReadonlyArray<TransactionResponseV3>) =>
  [...transactions].sort((a, b) =>
    (a.operationDate ?? "").localeCompare(b.operationDate ?? "") || a.uuid.localeCompare(b.uuid)
  )

/**
 * The whole emulator as one HTTP app: routes, a JSON 404 for unknown paths, and the request log
 * (`{method, path, status}` for every request).
 */
export const claraApi = (state: EmulatorState) => {
  const sorted = sortTransactions(state.scenario.transactions)
  const transactions: Transactions = new Map(sorted.map((t) => [t.uuid, t]))
  const oneTransaction = withTransaction(transactions, (t) => Effect.succeed(json(edited(state.edits)(t))))
  const router = extendedRoutes(state, sorted, (handler) => api(state, handler)).pipe(
    HttpRouter.post("/oauth/token", token(state)),
    HttpRouter.get("/api/v3/transactions", api(state, listTransactions(state, sorted))),
    HttpRouter.get("/api/v3/transactions/:uuid", api(state, oneTransaction)),
    HttpRouter.post("/api/v3/transactions/:uuid/comment", api(state, setComment(state.edits, transactions))),
    HttpRouter.del("/api/v3/transactions/:uuid/comment", api(state, deleteComment(state.edits, transactions))),
    HttpRouter.post("/api/v3/transactions/comments/bulk", api(state, bulkComments(state.edits, transactions))),
    HttpRouter.post("/api/v3/transactions/labels/bulk", api(state, bulkLabels(state.edits, transactions))),
    HttpRouter.get("/api/v3/cards", api(state, listCards(state.directory))),
    HttpRouter.get("/api/v3/cards/:uuid", api(state, oneCard(state.directory))),
    HttpRouter.patch("/api/v3/cards/:uuid/lock", api(state, lockCard(state.directory))),
    HttpRouter.patch("/api/v3/cards/:uuid/threshold", api(state, cardThreshold(state.directory))),
    HttpRouter.get("/api/v3/users", api(state, listUsers(state.directory))),
    HttpRouter.get("/api/v3/users/:uuid", api(state, oneUser(state.directory))),
    directoryWriteRoutes(state.directory, (handler) => api(state, handler)),
    legacyRoutes(state.directory, state.legacy, () => sorted, (handler) => api(state, handler)),
    HttpRouter.get("/api/v3/transactions/:uuid/invoices", api(state, invoicesOf(state, transactions))),
    HttpRouter.get(
      "/api/v3/transactions/:uuid/extracted-documents",
      api(state, extractedDocumentsOf(state, transactions))
    ),
    HttpRouter.get("/api/v3/transactions/:uuid/documents", api(state, attachmentsOf(state, transactions))),
    HttpRouter.get("/files/invoices/:transactionUuid/:file", download(state, invoiceXml(state))),
    HttpRouter.get("/files/attachments/:transactionUuid/:file", download(state, attachmentFile(state)))
  )
  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const response = yield* Effect.catchTag(
      router,
      "RouteNotFound",
      () => Effect.succeed(notFound(`No route for ${request.method} ${pathOf(request.url)}`))
    )
    state.log.push({
      method: request.method,
      path: pathOf(request.url),
      query: request.url.split("?")[1] ?? "",
      status: response.status
    })
    return response
  })
}
