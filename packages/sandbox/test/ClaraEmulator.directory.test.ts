import { ClaraClient, ClaraConfig, type ClaraError, type ClaraItem, partitionItems } from "@clara-recon/clara"
import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Chunk, Context, Effect, Layer, Stream } from "effect"
import { sandboxClaraSettings, startSandbox } from "../src/ClaraSandbox.js"
import { generateScenario } from "../src/ScenarioGenerator.js"
import { tempDirectory } from "./support/TempDirectory.js"

/** A running sandbox and the real client connected to it over mutual TLS. */
const connected = (seed: number) =>
  Effect.gen(function*() {
    const dir = yield* tempDirectory("clara-directory-")
    const sandbox = yield* startSandbox({ seed, size: 30, dir })
    const layer = ClaraClient.layerMtls.pipe(
      Layer.provide(Layer.succeed(ClaraConfig, sandboxClaraSettings(sandbox))),
      Layer.provide(NodeFileSystem.layer)
    )
    return { sandbox, client: Context.get(yield* Layer.build(layer), ClaraClient) }
  })

const collect = <A>(stream: Stream.Stream<ClaraItem<A>, ClaraError>) =>
  Effect.map(Stream.runCollect(stream), (items) => Chunk.toReadonlyArray(items))

const luhnValid = (digits: string) =>
  [...digits].reverse().reduce((sum, c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1)
    return sum + (d > 9 ? d - 9 : d)
  }, 0) % 10 === 0

describe("scenario directory", () => {
  it("gives every cardholder a user and the card their transactions carry, from the seed", () => {
    const scenario = generateScenario({ seed: 5, size: 30 })
    assert.deepStrictEqual(generateScenario({ seed: 5, size: 30 }).cards, scenario.cards)
    const cards = new Map(scenario.cards.map((c) => [c.card.uuid, c]))
    const users = new Set(scenario.users.map((u) => u.uuid))
    for (const t of scenario.transactions) {
      const card = cards.get(t.card!.uuid!)!
      assert.isTrue(card.numberOnCard.endsWith(t.card!.lastFourDigits!))
      assert.isTrue(users.has(t.user!.uuid!))
    }
    for (const { card, cvv, numberOnCard } of scenario.cards) {
      assert.isTrue(luhnValid(numberOnCard), numberOnCard)
      assert.match(cvv, /^\d{3}$/)
      assert.strictEqual(card.maskedPan, `${numberOnCard.slice(0, 6)}******${numberOnCard.slice(-4)}`)
    }
    assert.isAbove(scenario.users.length, new Set(scenario.transactions.map((t) => t.user!.uuid)).size)
  })
})

describe("ClaraEmulator directory and writes, through the real client over mutual TLS", () => {
  it.scopedLive("lists and reads cards without their secrets, and applies lock and threshold", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(17)
      const { cards, users } = sandbox.scenario
      const listed = partitionItems(yield* collect(client.cards.list({ size: 3 })))
      assert.deepStrictEqual(listed.values.map((c) => c.uuid), cards.map((c) => c.card.uuid))
      assert.isTrue(listed.values.every((c) => !("numberOnCard" in c) && !("cvv" in c)))

      const holder = users[0]!
      const own = partitionItems(yield* collect(client.cards.list({ userErpId: holder.erpId! }))).values
      const expected = cards.filter((c) => c.card.user?.uuid === holder.uuid).map((c) => c.card.uuid)
      assert.isAbove(expected.length, 0)
      assert.deepStrictEqual(own.map((c) => c.uuid), expected)
      const before = sandbox.emulator.requests().length
      const both = yield* Effect.flip(client.cards.page({ userUuid: holder.uuid, userErpId: holder.erpId! }))
      assert.strictEqual(both._tag === "ClaraBadRequestError" ? both.field : "", "userUuid,userErpId")
      assert.strictEqual(sandbox.emulator.requests().length, before)

      const active = cards.find((c) => c.card.status === "ACTIVE")!
      const detail = yield* client.cards.get(active.card.uuid)
      assert.strictEqual(detail.expiryDate, active.card.expiryDate)
      assert.notInclude(JSON.stringify(detail), active.numberOnCard)
      assert.isFalse("cvv" in detail)

      assert.strictEqual((yield* client.cards.lock(active.card.uuid, { locked: true })).status, "UPDATED")
      const locked = yield* client.cards.get(active.card.uuid)
      assert.deepStrictEqual([locked.status, locked.lockCode], ["LOCKED", "TEMPORAL_LOCKED"])
      yield* client.cards.lock(active.card.uuid, { locked: false })
      assert.strictEqual((yield* client.cards.get(active.card.uuid)).status, "ACTIVE")

      yield* client.cards.updateThreshold(active.card.uuid, BigDecimal.unsafeFromString("12345.67"))
      assert.strictEqual((yield* client.cards.get(active.card.uuid)).threshold, 12345.67)
      const over = yield* Effect.flip(client.cards.updateThreshold(active.card.uuid, BigDecimal.fromBigInt(2_000_000n)))
      assert.deepStrictEqual(
        over._tag === "ClaraBadRequestError" ? [over.status, over.claraCode] : [],
        [422, "B013"]
      )
      const unknown = yield* Effect.flip(client.cards.lock("no-such-card", { locked: true }))
      assert.strictEqual(unknown._tag, "ClaraNotFoundError")
    }))

  it.scopedLive("lists users 50 a page and reads one", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(17)
      const users = partitionItems(yield* collect(client.users.list())).values
      assert.deepStrictEqual(users.map((u) => u.uuid), sandbox.scenario.users.map((u) => u.uuid))
      const paths = sandbox.emulator.requests().filter((r) => r.path === "/api/v3/users")
      assert.lengthOf(paths, 1)
      const owner = sandbox.scenario.users.find((u) => u.role === "COMPANY_OWNER")!
      assert.strictEqual((yield* client.users.get(owner.uuid)).fullName, owner.fullName)
      const active = partitionItems(yield* collect(client.users.list({ status: "INACTIVE" }))).values
      assert.isTrue(active.length > 0 && active.every((u) => u.status === "INACTIVE"))
    }))

  it.scopedLive("stores comments and labels and shows them on the transaction reads", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(17)
      const [a, b, c] = sandbox.scenario.transactions.map((t) => t.uuid)
      yield* client.transactions.comment(a!, "Conciliada con A-1001")
      assert.strictEqual((yield* client.transactions.get(a!)).comment, "Conciliada con A-1001")
      yield* client.transactions.deleteComment(a!)
      assert.isNull((yield* client.transactions.get(a!)).comment)

      yield* client.transactions.commentBulk([{ uuid: b!, comment: "sin CFDI" }, { uuid: c!, comment: "propina" }])
      yield* client.transactions.labelBulk([{ uuid: b!, labelsUuid: ["label-1", "label-2"] }])
      yield* client.transactions.labelBulk([{ uuid: b!, labelsUuid: ["label-2", "label-3"] }])
      const listed = partitionItems(yield* collect(client.transactions.list())).values
      const byUuid = new Map(listed.map((t) => [t.uuid, t]))
      assert.strictEqual(byUuid.get(b!)!.comment, "sin CFDI")
      assert.strictEqual(byUuid.get(c!)!.comment, "propina")
      assert.deepStrictEqual(byUuid.get(b!)!.labels!.map((l) => l.uuid), ["label-1", "label-2", "label-3"])

      const refused = yield* Effect.flip(
        client.transactions.commentBulk([{ uuid: c!, comment: "cambiado" }, { uuid: "no-such-tx", comment: "x" }])
      )
      assert.strictEqual(refused._tag, "ClaraNotFoundError")
      assert.include(refused.message, "no-such-tx")
      assert.strictEqual((yield* client.transactions.get(c!)).comment, "propina")
    }))
})
