import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { ClaraBadRequestError } from "../ClaraError.js"
import type { TransactionCommentItem, TransactionLabelsItem } from "../wire/TransactionWrites.js"
import type { ClaraCall } from "./ClaraCall.js"

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

/** The transaction writes of `ClaraClientService` (documented there). */
export const makeTransactionWrites = (call: ClaraCall) => {
  const commentTransaction = (uuid: string, comment: string) => {
    const endpoint = call.endpointOf("POST", `${BASE}/{uuid}/comment`)
    return Effect.flatMap(
      Either.flatMap(call.pathSegment(uuid, endpoint), (id) =>
        blank(comment)
          ? Either.left(
            new ClaraBadRequestError({
              endpoint,
              field: "comment",
              claraMessage: "must not be blank (use deleteTransactionComment to remove it)"
            })
          )
          : Either.right(id)),
      (id) => call.write("POST", `${BASE}/${id}/comment`, JSON.stringify({ comment }))
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.commentTransaction"))
  }

  const deleteTransactionComment = (uuid: string) =>
    Effect.flatMap(
      call.pathSegment(uuid, call.endpointOf("DELETE", `${BASE}/{uuid}/comment`)),
      (id) => call.write("DELETE", `${BASE}/${id}/comment`)
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.deleteTransactionComment"))

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
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.commentTransactions", { attributes: { count: items.length } }))
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
    ).pipe(Effect.asVoid, Effect.withSpan("ClaraClient.labelTransactions", { attributes: { count: items.length } }))
  }

  return { commentTransaction, deleteTransactionComment, commentTransactions, labelTransactions }
}
