/**
 * Request bodies of the v3 transaction writes (clara-api.md §2.1, §3.4, §5.3; clara-docs 002): the comment of one
 * transaction and the bulk comment and label bindings the pipeline writes back. Their responses are not documented
 * beyond the status (201 for a comment, 204 for its removal).
 */
import * as Schema from "effect/Schema"

/** `POST /api/v3/transactions/{uuid}/comment` body. */
export const TransactionCommentRequest = Schema.Struct({ comment: Schema.String })
export type TransactionCommentRequest = typeof TransactionCommentRequest.Type

/** One item of `POST /api/v3/transactions/comments/bulk`. */
export const TransactionCommentItem = Schema.Struct({ uuid: Schema.String, comment: Schema.String })
export type TransactionCommentItem = typeof TransactionCommentItem.Type

/** `POST /api/v3/transactions/comments/bulk` body. */
export const BulkTransactionCommentsRequest = Schema.Struct({ transactions: Schema.Array(TransactionCommentItem) })
export type BulkTransactionCommentsRequest = typeof BulkTransactionCommentsRequest.Type

/** One item of `POST /api/v3/transactions/labels/bulk`: label uuids to bind to a transaction. */
export const TransactionLabelsItem = Schema.Struct({ uuid: Schema.String, labelsUuid: Schema.Array(Schema.String) })
export type TransactionLabelsItem = typeof TransactionLabelsItem.Type

/** `POST /api/v3/transactions/labels/bulk` body. */
export const BulkTransactionLabelsRequest = Schema.Struct({ transactions: Schema.Array(TransactionLabelsItem) })
export type BulkTransactionLabelsRequest = typeof BulkTransactionLabelsRequest.Type
