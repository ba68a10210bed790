import { assert, describe, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Fiber, Stream, TestClock } from "effect"
import { ClaraClient } from "../src/ClaraClient.js"
import { partitionItems } from "../src/ClaraItem.js"
import { fakeClara, type Handler, json, type Seen, tokenEndpoint, wireTransaction } from "./FakeClara.js"

const TX = "/api/v3/transactions"

/** A transactions handler serving `pages[n]` for `?page=n`, each wrapped by `envelope`. */
const pagedTransactions = (
  pages: ReadonlyArray<ReadonlyArray<unknown>>,
  envelope: (content: ReadonlyArray<unknown>, page: number) => Record<string, unknown> = (content) => ({ content })
) => {
  const token = tokenEndpoint()
  return (request: Seen): Response => {
    if (request.path === "/oauth/token") return token.handle()
    const page = Number(request.query.get("page"))
    return json(envelope(pages[page] ?? [], page))
  }
}

const uuids = (n: number, page: number) => Array.from({ length: n }, (_, i) => wireTransaction(`tx-${page}-${i}`))

const collectUuids = (client: ClaraClient["Type"], pageSize: number) =>
  Effect.map(Stream.runCollect(client.transactions.list({ pageSize })), (items) =>
    partitionItems(Chunk.toReadonlyArray(items)).values.map((t) => t.uuid))

describe("ClaraClient.transactions pagination", () => {
  it.effect("stops at totalPages - 1 without asking for another page", () => {
    // 6 pages, more than the first round of maxConcurrency (4) pages requested at once
    const pages = Array.from({ length: 6 }, (_, page) => uuids(2, page))
    const fake = fakeClara(
      pagedTransactions(pages, (content, page) => ({ content, number: page, size: 2, totalPages: 6, totalElements: 12 }))
    )
    return Effect.gen(function*() {
      const got = yield* collectUuids(yield* ClaraClient, 2)
      assert.deepStrictEqual(got, pages.flat().map((t) => (t as { uuid: string }).uuid))
      const asked = fake.seen.filter((s) => s.path === TX)
      assert.deepStrictEqual(asked.map((s) => Number(s.query.get("page"))).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5])
      assert.isTrue(asked.every((s) => s.query.get("size") === "2"))
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("asks for a stable order, and reads again for a record moved across a page boundary while it read", () => {
    // 250 charges in pages of 100; once page 0 is served, tx-005 is updated and moves to the end: pages 1 and 2 shift
    // by one, so a single read never sees tx-100
    let list = Array.from({ length: 250 }, (_, i) => wireTransaction(`tx-${String(i).padStart(3, "0")}`))
    let moved = false
    const token = tokenEndpoint()
    const fake = fakeClara((request) => {
      if (request.path === "/oauth/token") return token.handle()
      const page = Number(request.query.get("page"))
      const content = list.slice(page * 100, page * 100 + 100)
      if (page === 0 && !moved) {
        moved = true
        list = [...list.filter((t) => t.uuid !== "tx-005"), list.find((t) => t.uuid === "tx-005")!]
      }
      return json({ content, number: page, size: 100, totalPages: 3, totalElements: 250 })
    }, { maxConcurrency: 1 })
    return Effect.gen(function*() {
      const got = yield* collectUuids(yield* ClaraClient, 100)
      assert.strictEqual(new Set(got).size, 250)
      assert.include(got, "tx-100")
      // tx-005 was served twice in the first read (page 0, then at the end), tx-100 by the second read only
      assert.strictEqual(got.filter((uuid) => uuid === "tx-005").length, 2)
      const asked = fake.seen.filter((s) => s.path === TX)
      assert.deepStrictEqual(asked.map((s) => Number(s.query.get("page"))), [0, 1, 2, 0, 1, 2])
      assert.isTrue(asked.every((s) => s.query.get("sort") === "operationDate,ASC"))
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("accepts a list a record left while it was read: the second read announces one fewer", () => {
    // page 0 announces 5; then a pre-authorisation drops out and the list holds 4
    let announced = 5
    const token = tokenEndpoint()
    const fake = fakeClara((request) => {
      if (request.path === "/oauth/token") return token.handle()
      const reply = json({ content: uuids(4, 0), number: 0, size: 10, totalPages: 1, totalElements: announced })
      announced = 4
      return reply
    }, { maxConcurrency: 1 })
    return Effect.gen(function*() {
      assert.strictEqual((yield* collectUuids(yield* ClaraClient, 10)).length, 4)
      assert.strictEqual(fake.calls(TX), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("fails with ClaraIncompleteListError when a second read still misses records", () => {
    // the server announces 5 records and serves 4, every time
    const fake = fakeClara(
      pagedTransactions([uuids(4, 0)], (content, page) => ({
        content,
        number: page,
        size: 10,
        totalPages: 1,
        totalElements: 5
      })),
      { maxConcurrency: 1 }
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(collectUuids(yield* ClaraClient, 10))
      assert.strictEqual(error._tag, "ClaraIncompleteListError")
      assert.include(error.message, "4 distinct records of the 5 announced")
      assert.strictEqual(fake.calls(TX), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  // one page at a time (maxConcurrency 1), so that the requests made show exactly where the list stopped
  it.effect("stops on a short page", () => {
    const fake = fakeClara(pagedTransactions([uuids(2, 0), uuids(2, 1), uuids(1, 2), uuids(2, 3)]), {
      maxConcurrency: 1
    })
    return Effect.gen(function*() {
      const got = yield* collectUuids(yield* ClaraClient, 2)
      assert.strictEqual(got.length, 5)
      assert.strictEqual(fake.calls(TX), 3)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("stops on an empty page", () => {
    const fake = fakeClara(pagedTransactions([uuids(2, 0), uuids(2, 1), [], uuids(2, 3)]), { maxConcurrency: 1 })
    return Effect.gen(function*() {
      const got = yield* collectUuids(yield* ClaraClient, 2)
      assert.strictEqual(got.length, 4)
      assert.strictEqual(fake.calls(TX), 3)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("sends the date filters and defaults the page size to 100", () => {
    const fake = fakeClara(pagedTransactions([uuids(1, 0)]))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      yield* Stream.runDrain(
        client.transactions.list({ lastUpdateDateRangeStart: "2025-01-01", lastUpdateDateRangeEnd: "2025-01-31" })
      )
      const request = fake.seen.find((s) => s.path === TX)!
      assert.strictEqual(request.query.get("size"), "100")
      assert.strictEqual(request.query.get("lastUpdateDateRangeStart"), "2025-01-01")
      assert.strictEqual(request.query.get("lastUpdateDateRangeEnd"), "2025-01-31")
      assert.strictEqual(request.headers["authorization"], "Bearer tok-1")
      assert.strictEqual(request.headers["accept"], "application/json")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("decodes records one by one: a bad record does not fail its page", () => {
    const bad = { ...wireTransaction("tx-bad"), amountValue: { value: true, currency: "MXN" } }
    const fake = fakeClara(pagedTransactions([[wireTransaction("tx-a"), bad, wireTransaction("tx-c")]]))
    return Effect.gen(function*() {
      const page = yield* (yield* ClaraClient).transactions.page({ pageSize: 3 }, 0)
      const { errors, values } = partitionItems(page.items)
      assert.deepStrictEqual(values.map((t) => t.uuid), ["tx-a", "tx-c"])
      assert.strictEqual(errors.length, 1)
      assert.strictEqual(errors[0]!.path, "content[1].amountValue.value")
      assert.strictEqual(errors[0]!.record, "page 0 #1 uuid tx-bad")
      assert.strictEqual(errors[0]!.sample, "true")
      assert.strictEqual(
        errors[0]!.message,
        "GET /api/v3/transactions (page 0 #1 uuid tx-bad): " +
          "content[1].amountValue.value: expected number or string (got true)"
      )
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("rejects a page size over 100 before any request", () => {
    const fake = fakeClara(pagedTransactions([]))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain((yield* ClaraClient).transactions.list({ pageSize: 101 })))
      assert.strictEqual(error._tag, "ClaraBadRequestError")
      assert.strictEqual(error._tag === "ClaraBadRequestError" ? error.field : undefined, "pageSize")
      assert.strictEqual(fake.seen.length, 0)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("rejects an impossible date or a reversed range before any request", () => {
    const fake = fakeClara(pagedTransactions([]))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const badDate = yield* Effect.flip(client.transactions.page({ operationDateRangeStart: "2025-02-30" }, 0))
      assert.include(badDate.message, "operationDateRangeStart")
      const reversed = yield* Effect.flip(
        client.transactions.page({ operationDateRangeStart: "2025-02-02", operationDateRangeEnd: "2025-02-01" }, 0)
      )
      assert.include(reversed.message, "must not be after operationDateRangeEnd")
      assert.strictEqual(fake.seen.length, 0)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("ClaraClient auth", () => {
  it.effect("fetches the token once for 10 concurrent calls and again after expiry minus skew", () => {
    const token = tokenEndpoint()
    const fake = fakeClara((request) =>
      request.path === "/oauth/token" ? token.handle() : json(wireTransaction(request.path.split("/").pop()!))
    )
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const results = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => `tx-${i}`),
        (uuid) => client.transactions.get(uuid),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(results.map((t) => t.uuid), Array.from({ length: 10 }, (_, i) => `tx-${i}`))
      assert.strictEqual(token.issued, 1)
      const request = fake.seen.find((s) => s.path === "/oauth/token")!
      assert.strictEqual(request.method, "POST")
      assert.strictEqual(request.headers["authorization"], `Basic ${btoa("client-id:client-secret")}`)
      assert.strictEqual(request.body, "grant_type=client_credentials")

      yield* TestClock.adjust(Duration.seconds(3600 - 60 - 1))
      yield* client.transactions.get("tx-still-cached")
      assert.strictEqual(token.issued, 1)
      yield* TestClock.adjust(Duration.seconds(2))
      yield* client.transactions.get("tx-refreshed")
      assert.strictEqual(token.issued, 2)
      assert.strictEqual(fake.seen.at(-1)!.headers["authorization"], "Bearer tok-2")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("on a 401 refreshes the token once and retries the call once", () => {
    const token = tokenEndpoint()
    const fake = fakeClara((request) =>
      request.path === "/oauth/token"
        ? token.handle()
        : request.headers["authorization"] === "Bearer tok-1"
        ? json({ message: "Token expired", code: "UNAUTHORIZED" }, 401)
        : json(wireTransaction("tx-1"))
    )
    return Effect.gen(function*() {
      const tx = yield* (yield* ClaraClient).transactions.get("tx-1")
      assert.strictEqual(tx.uuid, "tx-1")
      assert.strictEqual(token.issued, 2)
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("a second 401 after the refresh is final", () => {
    const token = tokenEndpoint()
    const fake = fakeClara((request) =>
      request.path === "/oauth/token" ? token.handle() : json({ message: "Invalid token" }, 401)
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).transactions.get("tx-1"))
      assert.strictEqual(error._tag, "ClaraUnauthorizedError")
      assert.include(error.message, "GET /api/v3/transactions/tx-1")
      assert.notInclude(error.message, "tok-")
      assert.strictEqual(token.issued, 2)
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("sends X-Tax-Identifier on API calls when configured", () => {
    const token = tokenEndpoint()
    const fake = fakeClara(
      (request) => request.path === "/oauth/token" ? token.handle() : json(wireTransaction("tx-1")),
      { taxIdentifier: "AAA010101AAA" }
    )
    return Effect.gen(function*() {
      yield* (yield* ClaraClient).transactions.get("tx-1")
      assert.strictEqual(fake.seen.find((s) => s.path === `${TX}/tx-1`)!.headers["x-tax-identifier"], "AAA010101AAA")
      assert.isUndefined(fake.seen.find((s) => s.path === "/oauth/token")!.headers["x-tax-identifier"])
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("ClaraClient retry policy", () => {
  /** Answers the transaction endpoint with `responses` in turn, then 200. */
  const scripted = (responses: ReadonlyArray<() => ReturnType<Handler>>) => {
    const token = tokenEndpoint()
    let n = 0
    return fakeClara((request) =>
      request.path === "/oauth/token" ? token.handle() : (responses[n++] ?? (() => json(wireTransaction("tx-1"))))()
    )
  }

  it.effect("honours Retry-After on a 429", () => {
    const fake = scripted([() => json({ message: "Too many requests" }, 429, { "retry-after": "5" })])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* ClaraClient).transactions.get("tx-1"))
      yield* TestClock.adjust(Duration.seconds(4))
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 1)
      yield* TestClock.adjust(Duration.seconds(1))
      const tx = yield* Fiber.join(fiber)
      assert.strictEqual(tx.uuid, "tx-1")
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("retries 503 with backoff, then succeeds", () => {
    const fake = scripted([() => json({}, 503), () => json({}, 503)])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* ClaraClient).transactions.get("tx-1"))
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 0)
      yield* TestClock.adjust(Duration.seconds(10))
      assert.strictEqual((yield* Fiber.join(fiber)).uuid, "tx-1")
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 3)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("gives up after the configured retries with the last error", () => {
    const fake = scripted(Array.from({ length: 10 }, () => () => json({ message: "busy" }, 429)))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip((yield* ClaraClient).transactions.get("tx-1")))
      yield* TestClock.adjust(Duration.minutes(1))
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ClaraRateLimitedError")
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 4)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("retries a 500 only once", () => {
    const fake = scripted([() => json({ message: "boom" }, 500), () => json({ message: "boom" }, 500)])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip((yield* ClaraClient).transactions.get("tx-1")))
      yield* TestClock.adjust(Duration.minutes(1))
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ClaraServerError")
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("does not retry a 400 and keeps Clara's message and code", () => {
    const fake = scripted([
      () => json({ message: "size must be less than or equal to 100", code: "VALIDATION_ERROR" }, 400)
    ])
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).transactions.get("tx-1"))
      assert.strictEqual(error._tag, "ClaraBadRequestError")
      if (error._tag !== "ClaraBadRequestError") return
      assert.strictEqual(error.status, 400)
      assert.strictEqual(error.claraMessage, "size must be less than or equal to 100")
      assert.strictEqual(error.claraCode, "VALIDATION_ERROR")
      assert.strictEqual(
        error.message,
        "GET /api/v3/transactions/tx-1: rejected, HTTP 400 VALIDATION_ERROR size must be less than or equal to 100"
      )
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 1)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("retries a closed connection but not a refused one", () =>
    Effect.gen(function*() {
      const reset = scripted([() => ({ transportCode: "UND_ERR_SOCKET" })])
      const fiber = yield* Effect.fork(
        Effect.provide(Effect.flatMap(ClaraClient, (c) => c.transactions.get("tx-1")), reset.layer)
      )
      yield* TestClock.adjust(Duration.seconds(10))
      assert.strictEqual((yield* Fiber.join(fiber)).uuid, "tx-1")
      assert.strictEqual(reset.calls(`${TX}/tx-1`), 2)

      const refused = scripted([() => ({ transportCode: "ECONNREFUSED" })])
      const error = yield* Effect.flip(
        Effect.provide(Effect.flatMap(ClaraClient, (c) => c.transactions.get("tx-1")), refused.layer)
      )
      assert.strictEqual(error._tag, "ClaraTransportError")
      assert.strictEqual(error._tag === "ClaraTransportError" ? error.kind : "", "ConnectionRefused")
      assert.strictEqual(refused.calls(`${TX}/tx-1`), 1)
    }))

  it.effect("times out a hanging request after 30 s and retries it", () => {
    const fake = scripted([() => "hang", () => "hang"])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork((yield* ClaraClient).transactions.get("tx-1"))
      yield* TestClock.adjust(Duration.seconds(29))
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 1)
      yield* TestClock.adjust(Duration.minutes(2))
      assert.strictEqual((yield* Fiber.join(fiber)).uuid, "tx-1")
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 3)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("does not retry a 404", () => {
    const fake = scripted([() => json({ message: "Transaction not found", code: "NOT_FOUND" }, 404)])
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).transactions.get("tx-1"))
      assert.strictEqual(error._tag, "ClaraNotFoundError")
      assert.strictEqual(fake.calls(`${TX}/tx-1`), 1)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("ClaraClient documents", () => {
  const invoice = (id: string) => ({
    invoiceId: id,
    issuer: { rfc: "AAA010101AAA", businessName: "Proveedor" },
    amount: { total: 1160, subTotal: 1000, currency: "MXN" },
    documentDate: "2025-01-15",
    xmlStatus: "Vigente"
  })

  const documentsServer = (invoices: (request: Seen) => Response) => {
    const token = tokenEndpoint()
    return fakeClara((request) => request.path === "/oauth/token" ? token.handle() : invoices(request))
  }

  it.effect("reads the {transactionUuid, invoices} shape", () => {
    const fake = documentsServer(() =>
      json({ transactionUuid: "tx-1", invoices: [invoice("a-1"), { invoiceId: 7 }, invoice("a-2")] })
    )
    return Effect.gen(function*() {
      const items = yield* (yield* ClaraClient).transactions.invoices("tx-1")
      const { errors, values } = partitionItems(items)
      assert.deepStrictEqual(values.map((i) => i.invoiceId), ["a-1", "a-2"])
      assert.strictEqual(errors[0]!.path, "invoices[1].invoiceId")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("reads the Spring page shape, following its pages", () => {
    const fake = documentsServer((request) => {
      const page = Number(request.query.get("page") ?? "0")
      return json({ content: [invoice(`p-${page}`)], number: page, size: 1, totalPages: 2 })
    })
    return Effect.gen(function*() {
      const items = yield* (yield* ClaraClient).transactions.invoices("tx-1")
      assert.deepStrictEqual(partitionItems(items).values.map((i) => i.invoiceId), ["p-0", "p-1"])
      assert.strictEqual(fake.calls(`${TX}/tx-1/invoices`), 2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("streams extracted documents from Spring pages of 20", () => {
    const fake = documentsServer(() =>
      json({ content: [{ uuid: "doc-1", type: "RECEIPT", data: { amount: { total: 99.9 } } }], number: 0, size: 20 })
    )
    return Effect.gen(function*() {
      const items = yield* Stream.runCollect((yield* ClaraClient).transactions.extractedDocuments("tx-1"))
      assert.deepStrictEqual(partitionItems(items).values.map((d) => d.uuid), ["doc-1"])
      const request = fake.seen.find((s) => s.path === `${TX}/tx-1/extracted-documents`)!
      assert.strictEqual(request.query.get("size"), "20")
      assert.strictEqual(request.query.get("page"), "0")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("downloads a pre-signed URL as is, without the bearer token", () => {
    const url = "https://bucket.s3.amazonaws.com/cfdi/a.xml?X-Amz-Expires=43199&X-Amz-Signature=ab%2Fcd"
    const fake = fakeClara(
      () => new Response("<cfdi:Comprobante/>", { status: 200 }),
      { taxIdentifier: "AAA010101AAA" }
    )
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const bytes = yield* client.download(url)
      assert.strictEqual(new TextDecoder().decode(bytes), "<cfdi:Comprobante/>")
      assert.strictEqual(fake.seen.length, 1)
      assert.strictEqual(fake.seen[0]!.url, url)
      assert.isUndefined(fake.seen[0]!.headers["authorization"])
      assert.isUndefined(fake.seen[0]!.headers["x-tax-identifier"])
      const error = yield* Effect.flip(client.download("/relative/path.xml"))
      assert.strictEqual(error._tag, "ClaraBadRequestError")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("names the download host and path, never the signature, in errors", () => {
    const fake = fakeClara(() => new Response("expired", { status: 403 }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).download("https://b.s3.test/x.xml?X-Amz-Signature=secret"))
      assert.strictEqual(error._tag, "ClaraForbiddenError")
      assert.include(error.message, "GET https://b.s3.test/x.xml")
      assert.notInclude(error.message, "secret")
    }).pipe(Effect.provide(fake.layer))
  })
})
