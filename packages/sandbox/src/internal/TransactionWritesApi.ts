/**
 * The emulator's transaction writes (clara-api.md §2.1, §5.3; clara-docs 002): the comment of one transaction (201 /
 * 204) and the bulk comments and label bindings. What they store shows on every later transaction read. A bulk
 * request naming an unknown transaction is refused whole (404) and changes nothing. Bulk label binding adds to the
 * transaction's labels (Clara does not document whether it replaces them).
 */
import type { TransactionResponseV3 } from "@clara-recon/clara"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { field, json, jsonBody, notFound, withEntry } from "./Replies.js"

/** What the writes changed, by transaction uuid. */
export interface TransactionEdits {
  /** The comment set (a string) or removed (null). */
  readonly comments: Map<string, string | null>
  /** Label uuids bound, in binding order. */
  readonly labels: Map<string, ReadonlyArray<string>>
}

type Transactions = ReadonlyMap<string, TransactionResponseV3>

/** A transaction as the writes left it: comment and labels (each `{uuid, name: null, links}`) replaced. */
export const edited = (edits: TransactionEdits) => (transaction: TransactionResponseV3): TransactionResponseV3 => {
  const comment = edits.comments.get(transaction.uuid)
  const labels = edits.labels.get(transaction.uuid)
  return {
    ...transaction,
    ...(comment === undefined ? {} : { comment }),
    ...(labels === undefined ? {} : {
      labels: labels.map((uuid) => ({ uuid, name: null, links: [{ rel: "self", href: `/api/v2/labels/${uuid}` }] }))
    })
  }
}

const nonBlank = (value: unknown): value is string => typeof value === "string" && value.trim() !== ""

const readComment = (body: unknown) => {
  const comment = field(body, "comment")
  return nonBlank(comment) ? Either.right(comment) : Either.left("comment is required")
}

/** `POST /api/v3/transactions/{uuid}/comment`, `{comment}`: 201 with no body. */
export const setComment = (edits: TransactionEdits, transactions: Transactions) =>
  withEntry(transactions, "Transaction not found", (transaction) =>
    Effect.map(jsonBody(readComment), (comment) =>
      Either.match(comment, {
        onLeft: (reply) => reply,
        onRight: (text) => {
          edits.comments.set(transaction.uuid, text)
          return HttpServerResponse.empty({ status: 201 })
        }
      })))

/** `DELETE /api/v3/transactions/{uuid}/comment`: 204. */
export const deleteComment = (edits: TransactionEdits, transactions: Transactions) =>
  withEntry(transactions, "Transaction not found", (transaction) =>
    Effect.sync(() => {
      edits.comments.set(transaction.uuid, null)
      return HttpServerResponse.empty({ status: 204 })
    }))

/** `{transactions: [...]}` with each item read by `item`, or the validation message naming the item. */
const readBulk = <A>(item: (raw: unknown) => Either.Either<A, string>) => (body: unknown) => {
  const items = field(body, "transactions")
  if (!Array.isArray(items) || items.length === 0) return Either.left("transactions must be a non-empty array")
  return Either.all(items.map((raw, i) =>
    nonBlank(field(raw, "uuid"))
      ? Either.mapLeft(item(raw), (message) => `transactions[${i}]: ${message}`)
      : Either.left(`transactions[${i}]: uuid is required`)
  ))
}

/** A bulk write: 404 (nothing applied) when an item names an unknown transaction, else each applied and 200. */
const bulk = <A extends { readonly uuid: string }>(
  transactions: Transactions,
  item: (raw: unknown) => Either.Either<A, string>,
  apply: (item: A) => void
) =>
  Effect.map(jsonBody(readBulk(item)), (body) =>
    Either.match(body, {
      onLeft: (reply) => reply,
      onRight: (items) => {
        const unknown = items.find((i) => !transactions.has(i.uuid))
        if (unknown !== undefined) return notFound(`Transaction not found: ${unknown.uuid}`)
        items.forEach(apply)
        return json({ transactions: items.map((i) => ({ uuid: i.uuid, status: "UPDATED" })) })
      }
    }))

/** `POST /api/v3/transactions/comments/bulk`, `{transactions: [{uuid, comment}]}`. */
export const bulkComments = (edits: TransactionEdits, transactions: Transactions) =>
  bulk(
    transactions,
    (raw) => Either.map(readComment(raw), (comment) => ({ uuid: field(raw, "uuid") as string, comment })),
    (item) => edits.comments.set(item.uuid, item.comment)
  )

/** `POST /api/v3/transactions/labels/bulk`, `{transactions: [{uuid, labelsUuid}]}`: labels added, no duplicates. */
export const bulkLabels = (edits: TransactionEdits, transactions: Transactions) =>
  bulk(
    transactions,
    (raw) => {
      const labelsUuid = field(raw, "labelsUuid")
      return Array.isArray(labelsUuid) && labelsUuid.every(nonBlank)
        ? Either.right({ uuid: field(raw, "uuid") as string, labelsUuid: labelsUuid as ReadonlyArray<string> })
        : Either.left("labelsUuid must be an array of label uuids")
    },
    (item) => {
      const bound = edits.labels.get(item.uuid) ?? transactions.get(item.uuid)?.labels?.map((l) => l.uuid) ?? []
      edits.labels.set(item.uuid, [...new Set([...bound, ...item.labelsUuid])])
    }
  )
