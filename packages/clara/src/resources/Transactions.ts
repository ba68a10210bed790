/**
 * `ClaraClientService.transactions`: the v3 transaction reads (list, one, invoices, extracted documents) and writes
 * (comments, labels) of clara-api.md §2.1, §3.4, §3.5, §5.1.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { type ClaraError, ClaraBadRequestError, ClaraIncompleteListError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import { type ClaraCall, type ClaraPage, checkPage } from "../internal/ClaraCall.js"
import { decodeItems, decodeWith } from "../internal/decode.js"
import { type TransactionFilter, transactionQuery } from "../TransactionFilter.js"
import { AttachmentDocuments } from "../wire/AttachmentDocuments.js"
import { ExtractedDocument } from "../wire/ExtractedDocument.js"
import { InvoiceV3, invoiceItems, TransactionInvoicesBody } from "../wire/InvoiceV3.js"
import { hasNextPage } from "../wire/Page.js"
import { TransactionResponseV3 } from "../wire/TransactionV3.js"
import type { TransactionCommentItem, TransactionLabelsItem } from "../wire/TransactionWrites.js"

/** The v3 transaction operations. Failures are `ClaraError`s; a bad record is an "Invalid" `ClaraItem`. */
export interface TransactionsApi {
  /**
   * Every transaction matching `filter`, page after page (`GET /api/v3/transactions`, `pageSize` default 100), until
   * the last page (`number == totalPages - 1`, `last`, a short page, or an empty page), in `filter.sort` order
   * (default `operationDate,ASC`). The first `maxConcurrency` pages are requested at once
   * (`PagesOptions.speculative`). When the distinct records served fall short of the first page's `totalElements`
   * (the list changed while it was read), the list is read once more for the missing ones, and if they are still
   * short of the smaller of the two reads' `totalElements` (a record may also leave the list), the stream fails with
   * `ClaraIncompleteListError`. A filter with a bad date or a page size outside 1-100
   * fails with `ClaraBadRequestError` before any request.
   */
  readonly list: (filter?: TransactionFilter) => Stream.Stream<ClaraItem<TransactionResponseV3>, ClaraError>
  /** One zero-based page of `list`. */
  readonly page: (
    filter: TransactionFilter,
    page: number
  ) => Effect.Effect<ClaraPage<TransactionResponseV3>, ClaraError>
  /** One transaction (`GET /api/v3/transactions/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly get: (uuid: string) => Effect.Effect<TransactionResponseV3, ClaraError>
  /**
   * The CFDI invoices Clara holds for a transaction (`GET /api/v3/transactions/{uuid}/invoices`, Mexico only), from
   * either documented response shape: `{transactionUuid, invoices}` or a Spring page (all its pages).
   */
  readonly invoices: (uuid: string) => Effect.Effect<ReadonlyArray<ClaraItem<InvoiceV3>>, ClaraError>
  /** Documents Clara extracted from a transaction's receipts (`GET .../extracted-documents`, Spring pages of 20). */
  readonly extractedDocuments: (uuid: string) => Stream.Stream<ClaraItem<ExtractedDocument>, ClaraError>
  /**
   * Sets a transaction's comment (`POST /api/v3/transactions/{uuid}/comment`, 201). A write: never retried blindly.
   * A blank comment fails with `ClaraBadRequestError` before any request; an unknown uuid with `ClaraNotFoundError`.
   */
  readonly comment: (uuid: string, comment: string) => Effect.Effect<void, ClaraError>
  /** Removes a transaction's comment (`DELETE /api/v3/transactions/{uuid}/comment`, 204). A write. */
  readonly deleteComment: (uuid: string) => Effect.Effect<void, ClaraError>
  /**
   * Sets the comments of many transactions in one request (`POST /api/v3/transactions/comments/bulk`). A write. An
   * empty list, a blank uuid or comment fails with `ClaraBadRequestError` naming the item (`transactions[3]`)
   * before any request. The response body is not documented and is ignored.
   */
  readonly commentBulk: (items: ReadonlyArray<TransactionCommentItem>) => Effect.Effect<void, ClaraError>
  /**
   * Binds labels (by label uuid) to many transactions in one request (`POST /api/v3/transactions/labels/bulk`). A
   * write. An empty list, a blank uuid or an item with no label fails with `ClaraBadRequestError` naming the item
   * before any request. The response body is not documented and is ignored.
   */
  readonly labelBulk: (items: ReadonlyArray<TransactionLabelsItem>) => Effect.Effect<void, ClaraError>
  /**
   * Download links for a transaction's attachments (`GET /api/v3/transactions/{uuid}/documents`). The links are
   * pre-signed and valid for 12 h (`download.urlExpiration`): fetch them with `ClaraClientService.download` promptly,
   * never keep them. `ClaraNotFoundError` when the transaction is unknown.
   */
  readonly documents: (uuid: string) => Effect.Effect<AttachmentDocuments, ClaraError>
}

/** Extracted documents page size (the documented default; the maximum is not documented). */
const EXTRACTED_PAGE_SIZE = 20

const BASE = "/v3/transactions"

const blank = (text: string) => text.trim() === ""

/** A bad field of one item and what is wrong with it. */
type Problem = readonly [field: string, message: string]

/** The first problem of a bulk body, naming the item, or none. */
const checkBulk = <A extends { readonly uuid: string }>(
  endpoint: string,
  items: ReadonlyArray<A>,
  check: (item: A) => Problem | undefined
): Either.Either<void, ClaraBadRequestError> => {
  if (items.length === 0) {
    return Either.left(new ClaraBadRequestError({ endpoint, field: "transactions", claraMessage: "must not be empty" }))
  }
  for (const [index, item] of items.entries()) {
    const problem: Problem | undefined = blank(item.uuid) ? ["uuid", "must not be empty"] : check(item)
    if (problem !== undefined) {
      const [field, claraMessage] = problem
      return Either.left(
        new ClaraBadRequestError({ endpoint, record: `transactions[${index}]`, field, claraMessage })
      )
    }
  }
  return Either.void
}

/** The uuid of a listed transaction, decoded or not (a decode error names it as `... uuid <uuid>`). */
const listedUuid = (item: ClaraItem<TransactionResponseV3>): string | undefined =>
  item._tag === "Ok" ? item.value.uuid : / uuid (\S+)$/.exec(item.error.record ?? "")?.[1]

/** Builds `TransactionsApi` over one `ClaraCall`. */
export const makeTransactions = (call: ClaraCall): TransactionsApi => {
  const get = (path: string) => call.endpointOf("GET", path)

  const transactionsPage = (filter: TransactionFilter, page: number) =>
    Effect.flatMap(
      Either.flatMap(
        transactionQuery(filter, get("/v3/transactions")),
        (query) => Either.map(checkPage(page, get("/v3/transactions")), () => query)
      ),
      ({ params, size }) => call.fetchPage("/v3/transactions", params, TransactionResponseV3, size, page)
    ).pipe(Effect.withSpan("ClaraClient.transactions.page", { attributes: { page } }))

  const transactions = (filter: TransactionFilter = {}) =>
    Stream.unwrap(
      Effect.map(transactionQuery(filter, get("/v3/transactions")), ({ params, size }) => {
        // offset paging over a list that changes while it is read can skip a record (one moved across a page
        // boundary): the distinct uuids served are checked against the first page's totalElements
        const seen = new Set<string>()
        let unnamed = 0
        // totalElements of each read's first page: a record that left the list between the reads lowers the second
        let expected: number | undefined
        const complete = () => expected === undefined || seen.size + unnamed >= expected
        /** One read of the whole list; a second one only adds the records the first never served. */
        const read = (first: boolean) => {
          let announced: number | undefined
          const onPage = (page: ClaraPage<unknown>) => {
            if (page.number !== 0 || announced !== undefined || page.totalElements === undefined) return
            announced = page.totalElements
            expected = expected === undefined ? announced : Math.min(expected, announced)
          }
          // a month of card charges runs to many pages: the first read does not wait a round trip for the count
          const options = { speculative: first, onPage }
          return call.pages("/v3/transactions", params, TransactionResponseV3, size, 0, options).pipe(
            Stream.filter((item) => {
              const uuid = listedUuid(item)
              if (uuid === undefined) {
                if (first) unnamed++
                return first
              }
              const fresh = !seen.has(uuid)
              seen.add(uuid)
              // a record served twice (moved forward) is kept each time: the sync keeps its latest version
              return first || fresh
            })
          )
        }
        const again = Stream.suspend(() => (complete() ? Stream.empty : read(false)))
        const verdict = Stream.suspend(() =>
          complete() ? Stream.empty : Stream.fail(
            new ClaraIncompleteListError({
              endpoint: get("/v3/transactions"),
              expected: expected!,
              received: seen.size + unnamed
            })
          )
        )
        return read(true).pipe(Stream.concat(again), Stream.concat(verdict))
      })
    )

  const one = <A, I>(template: string, uuid: string, schema: Schema.Schema<A, I, never>) =>
    Effect.flatMap(call.pathSegment(uuid, get(template)), (id) => {
      const path = template.replace("{uuid}", id)
      return Effect.flatMap(call.getJson(path, {}), (json) => decodeWith(schema, json, { endpoint: get(path) }))
    })

  const transaction = (uuid: string) =>
    one("/v3/transactions/{uuid}", uuid, TransactionResponseV3).pipe(Effect.withSpan("ClaraClient.transactions.get"))

  const transactionInvoices = (uuid: string) =>
    one("/v3/transactions/{uuid}/invoices", uuid, TransactionInvoicesBody).pipe(
      Effect.flatMap((body): Effect.Effect<ReadonlyArray<ClaraItem<InvoiceV3>>, ClaraError> => {
        const path = `/v3/transactions/${encodeURIComponent(uuid)}/invoices`
        const field = "invoices" in body ? "invoices" : "content"
        const first = decodeItems(InvoiceV3, invoiceItems(body), { endpoint: get(path), where: "page 0", field })
        if ("invoices" in body) return Effect.succeed(first)
        const size = body.size ?? body.content.length
        if (!hasNextPage(body, size)) return Effect.succeed(first)
        return Effect.map(
          Stream.runCollect(call.pages(path, {}, InvoiceV3, size, (body.number ?? 0) + 1)),
          (rest) => [...first, ...rest]
        )
      }),
      Effect.withSpan("ClaraClient.transactions.invoices")
    )

  const extractedDocuments = (uuid: string) =>
    Stream.unwrap(
      Effect.map(
        call.pathSegment(uuid, get("/v3/transactions/{uuid}/extracted-documents")),
        (id) =>
          call.pages(`/v3/transactions/${id}/extracted-documents`, {}, ExtractedDocument, EXTRACTED_PAGE_SIZE, 0)
      )
    )


  const commentTransaction = (uuid: string, comment: string) => {
    const endpoint = call.endpointOf("POST", `${BASE}/{uuid}/comment`)
    return Effect.flatMap(
      Either.flatMap(call.pathSegment(uuid, endpoint), (id) =>
        blank(comment)
          ? Either.left(
            new ClaraBadRequestError({
              endpoint,
              field: "comment",
              claraMessage: "must not be blank (use transactions.deleteComment to remove it)"
            })
          )
          : Either.right(id)),
      (id) => call.write("POST", `${BASE}/${id}/comment`, JSON.stringify({ comment }))
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.transactions.comment"))
  }

  const deleteTransactionComment = (uuid: string) =>
    Effect.flatMap(
      call.pathSegment(uuid, call.endpointOf("DELETE", `${BASE}/{uuid}/comment`)),
      (id) => call.write("DELETE", `${BASE}/${id}/comment`)
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.transactions.deleteComment"))

  const commentTransactions = (items: ReadonlyArray<TransactionCommentItem>) => {
    const path = `${BASE}/comments/bulk`
    return Effect.flatMap(
      checkBulk(
        call.endpointOf("POST", path),
        items,
        (i) => blank(i.comment) ? ["comment", "must not be blank"] : undefined
      ),
      () => {
        const transactions = items.map((i) => ({ uuid: i.uuid, comment: i.comment }))
        return call.write("POST", path, JSON.stringify({ transactions }))
      }
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.transactions.commentBulk", { attributes: { count: items.length } }))
  }

  const labelTransactions = (items: ReadonlyArray<TransactionLabelsItem>) => {
    const path = `${BASE}/labels/bulk`
    return Effect.flatMap(
      checkBulk(call.endpointOf("POST", path), items, (i) =>
        i.labelsUuid.length === 0 || i.labelsUuid.some(blank)
          ? ["labelsUuid", "must name at least one label, none blank"]
          : undefined),
      () =>
        call.write(
          "POST",
          path,
          JSON.stringify({ transactions: items.map((i) => ({ uuid: i.uuid, labelsUuid: [...i.labelsUuid] })) })
        )
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.transactions.labelBulk", { attributes: { count: items.length } }))
  }

  return {
    list: transactions,
    page: transactionsPage,
    get: transaction,
    invoices: transactionInvoices,
    extractedDocuments,
    comment: commentTransaction,
    deleteComment: deleteTransactionComment,
    commentBulk: commentTransactions,
    labelBulk: labelTransactions,
    documents: (uuid: string) =>
      one("/v3/transactions/{uuid}/documents", uuid, AttachmentDocuments).pipe(
        Effect.withSpan("ClaraClient.transactions.documents")
      )
  }
}
