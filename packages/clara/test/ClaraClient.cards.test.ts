import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Chunk, Duration, Effect, Fiber, Logger, LogLevel, Random, Stream, TestClock } from "effect"
import { ClaraClient } from "../src/ClaraClient.js"
import { partitionItems } from "../src/ClaraItem.js"
import { fakeClara, type Handler, json, type Seen, tokenEndpoint } from "./FakeClara.js"

const CARDS = "/api/v3/cards"
const PAN = "5555444433331111"
const CVV = "842"

const wireCard = (uuid: string, extra: Record<string, unknown> = {}) => ({
  uuid,
  claraStatus: "ACTIVE",
  status: "ACTIVE",
  lockCode: "UNLOCKED",
  alias: "Marketing Card",
  threshold: 1000.0,
  periodicity: "MONTHLY",
  maskedPan: "555544******1111",
  type: "MASTER_VIRTUAL",
  user: { uuid: "user-a", fullName: "Ana Garcia", username: "ana.garcia@company.com" },
  ...extra
})

/** The card detail as Clara sends it: with the full PAN, the CVV and the expiry. */
const secretCard = (extra: Record<string, unknown> = {}) =>
  wireCard("card-1", { cvv: CVV, expiryDate: "12/30", numberOnCard: PAN, ...extra })

/** Answers the token endpoint and hands every other request to `api`. */
const server = (api: (request: Seen) => ReturnType<Handler>) => {
  const token = tokenEndpoint()
  return fakeClara((request) => request.path === "/oauth/token" ? token.handle() : api(request))
}

/** Every string reachable from `value` (keys included), `message` getters too. */
const strings = (value: unknown, seen = new Set<unknown>()): Array<string> => {
  if (typeof value === "string") return [value]
  if (typeof value === "number") return [String(value)]
  if (typeof value !== "object" || value === null || seen.has(value)) return []
  seen.add(value)
  const own = Object.entries(value).flatMap(([key, v]) => [key, ...strings(v, seen)])
  return value instanceof Error ? [value.message, ...own] : own
}

/** The CVV as a number of its own: three digits also occur inside other numbers (a logged delay, an amount). */
const cvvAlone = new RegExp(`(?<![0-9])${CVV}(?![0-9])`)

const assertNoSecret = (label: string, texts: ReadonlyArray<string>) => {
  assert.isAbove(texts.length, 0, `${label}: nothing to search`)
  for (const text of texts) {
    assert.notInclude(text, PAN, `${label} leaks the PAN`)
    assert.notMatch(text, cvvAlone, `${label} leaks the CVV`)
  }
}

describe("ClaraClient cards", () => {
  it.effect("lists every page with the filters, 20 per page by default", () => {
    const fake = server((request) => {
      const page = Number(request.query.get("page"))
      const content = page < 2 ? Array.from({ length: 20 }, (_, i) => wireCard(`c-${page}-${i}`)) : [wireCard("c-last")]
      return json({ content, number: page, size: 20, totalPages: 3, totalElements: 41 })
    })
    return Effect.gen(function*() {
      const items = yield* Stream.runCollect((yield* ClaraClient).cards.list({ userErpId: "EMP-7", status: "ACTIVE" }))
      const { errors, values } = partitionItems(Chunk.toReadonlyArray(items))
      assert.strictEqual(values.length, 41)
      assert.strictEqual(errors.length, 0)
      const requests = fake.seen.filter((s) => s.path === CARDS)
      assert.deepStrictEqual(requests.map((s) => s.query.get("page")), ["0", "1", "2"])
      assert.strictEqual(requests[0]!.query.get("size"), "20")
      assert.strictEqual(requests[0]!.query.get("userErpId"), "EMP-7")
      assert.strictEqual(requests[0]!.query.get("status"), "ACTIVE")
      assert.isNull(requests[0]!.query.get("userUuid"))
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("reads one page from filter.page", () => {
    const fake = server((request) => json({ content: [wireCard("c-3")], number: Number(request.query.get("page")) }))
    return Effect.gen(function*() {
      const page = yield* (yield* ClaraClient).cards.page({ page: 3, size: 5, type: "VISA_VIRTUAL" })
      assert.strictEqual(page.number, 3)
      assert.isFalse(page.hasNext)
      assert.strictEqual(fake.seen.find((s) => s.path === CARDS)!.query.get("type"), "VISA_VIRTUAL")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("refuses userUuid with userErpId before any request, naming both", () => {
    const fake = server(() => json({ content: [] }))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const error = yield* Effect.flip(client.cards.page({ userUuid: "u-1", userErpId: "EMP-1" }))
      assert.strictEqual(error._tag, "ClaraBadRequestError")
      if (error._tag !== "ClaraBadRequestError") return
      assert.strictEqual(error.field, "userUuid,userErpId")
      assert.include(error.message, "userUuid and userErpId cannot be combined")
      const streamed = yield* Effect.flip(Stream.runDrain(client.cards.list({ userUuid: "u-1", userErpId: "EMP-1" })))
      assert.strictEqual(streamed._tag, "ClaraBadRequestError")
      assert.strictEqual(fake.seen.length, 0)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("drops numberOnCard and cvv at decode: no value, error or log carries them", () => {
    const logs: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ message }) => logs.push(...strings(message)))
    )
    let detail = 0
    const fake = server((request) => {
      if (request.path === `${CARDS}/card-1`) {
        // first a 503 (the retry is logged), then the card with its secrets
        return ++detail === 1 ? json({ message: "busy" }, 503) : json(secretCard())
      }
      if (request.path === `${CARDS}/card-bad`) return json(secretCard({ uuid: "card-bad", threshold: true }))
      if (request.path === `${CARDS}/card-text`) return new Response(`{"numberOnCard":"${PAN}","cvv":"${CVV}"`)
      return json({ content: [secretCard(), secretCard({ uuid: 7 })], number: 0, size: 20 })
    })
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      assert.include(JSON.stringify(secretCard()), PAN)
      assert.include(JSON.stringify(secretCard()), CVV)

      const fiber = yield* Effect.fork(client.cards.get("card-1"))
      yield* TestClock.adjust(Duration.seconds(10))
      const card = yield* Fiber.join(fiber)
      assert.strictEqual(card.uuid, "card-1")
      assert.strictEqual(card.maskedPan, "555544******1111")
      assert.strictEqual(card.expiryDate, "12/30")
      assert.isFalse("numberOnCard" in card)
      assert.isFalse("cvv" in card)
      assertNoSecret("the card", strings(card))

      const bad = yield* Effect.flip(client.cards.get("card-bad"))
      assert.strictEqual(bad._tag, "ClaraDecodeError")
      assert.include(bad.message, "threshold")
      assertNoSecret("the decode error", strings(bad))

      const text = yield* Effect.flip(client.cards.get("card-text"))
      assert.strictEqual(text._tag, "ClaraDecodeError")
      assertNoSecret("the parse error", strings(text))

      const page = yield* client.cards.page()
      const { errors, values } = partitionItems(page.items)
      assert.strictEqual(values.length, 1)
      assert.strictEqual(errors.length, 1)
      assertNoSecret("the page", [...strings(values), ...strings(errors)])

      assert.isTrue(logs.some((line) => line.includes("Clara retry")), "the retry was logged")
      assertNoSecret("the logs", logs)
    }).pipe(
      Effect.provide(fake.layer),
      Effect.provide(capture),
      Logger.withMinimumLogLevel(LogLevel.All),
      // a seeded generator: the retry's jittered delay, and so the logged line, is the same on every run
      Effect.withRandom(Random.make("ClaraClient.cards"))
    )
  })

  it.effect("locks with lockCode 16 and refuses any other code before any request", () => {
    const fake = server(() => json({ batchId: "b-1", id: "r-1", uuid: "card-1", status: "UPDATED" }, 202))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const answer = yield* client.cards.lock("card-1", { locked: true })
      assert.deepStrictEqual(answer, { batchId: "b-1", id: "r-1", uuid: "card-1", status: "UPDATED" })
      const request = fake.seen.find((s) => s.path === `${CARDS}/card-1/lock`)!
      assert.strictEqual(request.method, "PATCH")
      assert.deepStrictEqual(JSON.parse(request.body), { locked: true, lockCode: 16 })
      assert.strictEqual(request.headers["content-type"], "application/json")
      assert.strictEqual(request.headers["authorization"], "Bearer tok-1")

      const before = fake.seen.length
      const refused = yield* Effect.flip(client.cards.lock("card-1", { locked: false, lockCode: 15 }))
      assert.strictEqual(refused._tag === "ClaraBadRequestError" ? refused.field : "", "lockCode")
      assert.strictEqual(fake.seen.length, before)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("writes the threshold as exact decimal text and refuses a non-positive or sub-cent amount", () => {
    const fake = server(() => json({ batchId: "b-2", id: "r-2", uuid: "card-1", status: "UPDATED" }))
    return Effect.gen(function*() {
      const client = yield* ClaraClient
      const answer = yield* client.cards.updateThreshold("card-1", BigDecimal.unsafeFromString("1500.5"))
      assert.strictEqual(answer.status, "UPDATED")
      const request = fake.seen.find((s) => s.path === `${CARDS}/card-1/threshold`)!
      assert.strictEqual(request.method, "PATCH")
      assert.strictEqual(request.body, `{"threshold":1500.50}`)
      const before = fake.seen.length
      for (const amount of ["0", "-10", "10.001"]) {
        const error = yield* Effect.flip(client.cards.updateThreshold("card-1", BigDecimal.unsafeFromString(amount)))
        assert.strictEqual(error._tag === "ClaraBadRequestError" ? error.field : "", "threshold", amount)
      }
      assert.strictEqual(fake.seen.length, before)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("ClaraClient write retry rule", () => {
  const lockCalls = (fake: ReturnType<typeof server>) => fake.calls(`${CARDS}/card-1/lock`)
  const ok = () => json({ batchId: "b", id: "r", uuid: "card-1", status: "UPDATED" }, 202)

  /** Answers the lock with `first`, then 202. */
  const once = (first: () => ReturnType<Handler>) => {
    let n = 0
    return server(() => (n++ === 0 ? first() : ok()))
  }

  const lock = Effect.flatMap(ClaraClient, (c) => c.cards.lock("card-1", { locked: true }))

  it.effect("does not resend a write after a 503, a 429, a closed connection or a timeout", () =>
    Effect.gen(function*() {
      const failures: ReadonlyArray<() => ReturnType<Handler>> = [
        () => json({ message: "busy" }, 503),
        () => json({ message: "slow down" }, 429, { "retry-after": "1" }),
        () => ({ transportCode: "UND_ERR_SOCKET" }),
        () => "hang"
      ]
      for (const failure of failures) {
        const fake = once(failure)
        const fiber = yield* Effect.fork(Effect.flip(Effect.provide(lock, fake.layer)))
        yield* TestClock.adjust(Duration.minutes(5))
        const error = yield* Fiber.join(fiber)
        assert.notStrictEqual(error._tag, "ClaraBadRequestError")
        assert.strictEqual(lockCalls(fake), 1, error._tag)
      }
    }))

  it.effect("resends a write whose connection was refused, and after a 401 with a new token", () =>
    Effect.gen(function*() {
      const refused = once(() => ({ transportCode: "ECONNREFUSED" }))
      const fiber = yield* Effect.fork(Effect.provide(lock, refused.layer))
      yield* TestClock.adjust(Duration.seconds(10))
      assert.strictEqual((yield* Fiber.join(fiber)).status, "UPDATED")
      assert.strictEqual(lockCalls(refused), 2)

      const expired = once(() => json({ message: "Token expired" }, 401))
      assert.strictEqual((yield* Effect.provide(lock, expired.layer)).status, "UPDATED")
      assert.strictEqual(lockCalls(expired), 2)
      assert.strictEqual(expired.seen.at(-1)!.headers["authorization"], "Bearer tok-2")
    }))

  it.effect("waits 45 s before timing out a write (Clara holds hybrid calls up to 30 s)", () => {
    const fake = once(() => "hang")
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(lock))
      yield* TestClock.adjust(Duration.seconds(44))
      assert.isUndefined(fiber.unsafePoll() ?? undefined)
      yield* TestClock.adjust(Duration.seconds(1))
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "ClaraTimeoutError")
    }).pipe(Effect.provide(fake.layer))
  })
})
