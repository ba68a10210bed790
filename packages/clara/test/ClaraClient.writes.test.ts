import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { ClaraClient } from "../src/ClaraClient.js"
import { partitionItems } from "../src/ClaraItem.js"
import { fakeClara, type Handler, json, type Seen, tokenEndpoint } from "./FakeClara.js"

const TX = "/api/v3/transactions"

/** Answers the token endpoint and hands every other request to `api`. */
const server = (api: (request: Seen) => ReturnType<Handler>) => {
  const token = tokenEndpoint()
  return fakeClara((request) => request.path === "/oauth/token" ? token.handle() : api(request))
}

describe("ClaraClient transaction writes", () => {
  it.effect("sets a comment (201) and removes it (204)", () => {
    const fake = server((request) => new Response(null, { status: request.method === "POST" ? 201 : 204 }))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      yield* client.transactions.comment("tx-1", "Factura A-123 conciliada")
      yield* client.transactions.deleteComment("tx-1")
      const [post, del] = fake.seen.filter((s) => s.path === `${TX}/tx-1/comment`)
      assert.strictEqual(post!.method, "POST")
      assert.deepStrictEqual(JSON.parse(post!.body), { comment: "Factura A-123 conciliada" })
      assert.strictEqual(del!.method, "DELETE")
      assert.strictEqual(del!.body, "")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("sends the bulk comment and label bodies", () => {
    const fake = server(() => json({}))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      yield* client.transactions.commentBulk([{ uuid: "tx-1", comment: "ok" }, { uuid: "tx-2", comment: "sin CFDI" }])
      yield* client.transactions.labelBulk([{ uuid: "tx-1", labelsUuid: ["l-1", "l-2"] }])
      const comments = fake.seen.find((s) => s.path === `${TX}/comments/bulk`)!
      assert.deepStrictEqual(JSON.parse(comments.body), {
        transactions: [{ uuid: "tx-1", comment: "ok" }, { uuid: "tx-2", comment: "sin CFDI" }]
      })
      const labels = fake.seen.find((s) => s.path === `${TX}/labels/bulk`)!
      assert.strictEqual(labels.method, "POST")
      assert.deepStrictEqual(JSON.parse(labels.body), { transactions: [{ uuid: "tx-1", labelsUuid: ["l-1", "l-2"] }] })
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("refuses blank comments and bad bulk items before any request, naming the item", () => {
    const fake = server(() => json({}))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const blank = yield* Effect.flip(client.transactions.comment("tx-1", "  "))
      assert.strictEqual(blank._tag === "ClaraBadRequestError" ? blank.field : "", "comment")
      const empty = yield* Effect.flip(client.transactions.commentBulk([]))
      assert.strictEqual(empty._tag === "ClaraBadRequestError" ? empty.field : "", "transactions")
      const item = yield* Effect.flip(
        client.transactions.labelBulk([{ uuid: "tx-1", labelsUuid: ["l-1"] }, { uuid: "tx-2", labelsUuid: [] }])
      )
      assert.strictEqual(item.message, "POST /api/v3/transactions/labels/bulk (transactions[1]): invalid input " +
        "labelsUuid: must name at least one label, none blank")
      assert.strictEqual(fake.seen.length, 0)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("keeps Clara's 404 on a comment for an unknown transaction", () => {
    const fake = server(() => json({ message: "Transaction not found", code: "NOT_FOUND" }, 404))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).transactions.comment("tx-x", "hola"))
      assert.strictEqual(error._tag, "ClaraNotFoundError")
      assert.include(error.message, "POST /api/v3/transactions/tx-x/comment")
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("ClaraClient users", () => {
  const wireUser = (uuid: string) => ({ uuid, fullName: "Ana García", email: "ana@company.com", erpId: "EMP-1" })

  it.effect("streams every user, 50 per page by default, with the filters", () => {
    const fake = server((request) => {
      if (request.path === "/api/v3/users/u-0-0") return json(wireUser("u-0-0"))
      const page = Number(request.query.get("page"))
      const n = page === 0 ? 50 : 3
      return json({ content: Array.from({ length: n }, (_, i) => wireUser(`u-${page}-${i}`)), number: page, size: 50 })
    })
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const items = yield* Stream.runCollect(client.users.list({ status: "ACTIVE", createdAtStart: "2025-01-01" }))
      assert.strictEqual(partitionItems(Chunk.toReadonlyArray(items)).values.length, 53)
      const requests = fake.seen.filter((s) => s.path === "/api/v3/users")
      assert.deepStrictEqual(requests.map((s) => s.query.get("page")), ["0", "1"])
      assert.strictEqual(requests[0]!.query.get("size"), "50")
      assert.strictEqual(requests[0]!.query.get("createdAtStart"), "2025-01-01")
      const user = yield* client.users.get("u-0-0")
      assert.strictEqual(user.erpId, "EMP-1")
      const badDate = yield* Effect.flip(client.users.page({ createdAtEnd: "2025-13-01" }))
      assert.strictEqual(badDate._tag === "ClaraBadRequestError" ? badDate.field : "", "createdAtEnd")
      const badSize = yield* Effect.flip(client.users.page({ size: 0 }))
      assert.strictEqual(badSize._tag === "ClaraBadRequestError" ? badSize.field : "", "size")
    }).pipe(Effect.provide(fake.layer))
  })
})
