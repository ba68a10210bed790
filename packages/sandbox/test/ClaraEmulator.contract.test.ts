/**
 * Contract tests: every operation of the directory and legacy resources (v3 card and user writes, v2, v1) through the
 * real client over HTTPS + mutual TLS against the emulator, including client-side validation before any request.
 */
import { partitionItems } from "@clara-recon/clara"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect } from "effect"
import { connected, values } from "./support/Connected.js"

/** The field of a client-side `ClaraBadRequestError` (no HTTP status), or a description of what came instead. */
const clientSideField = (error: { readonly _tag: string }) =>
  error._tag === "ClaraBadRequestError" && (error as { status?: number }).status === undefined
    ? (error as { field?: string }).field
    : `not client-side: ${error._tag}`

const serverStatus = (error: { readonly _tag: string }) => (error as { status?: number }).status

describe("Clara contract: v3 card writes", () => {
  it.scopedLive("creates a card (201 within the hybrid window), cancels one and many, validating first", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(31)
      const holder = sandbox.scenario.users.find((u) => u.status === "ACTIVE")!
      const created = yield* client.cards.create({
        type: "virtual",
        alias: "Viajes Q3",
        userUuid: holder.uuid,
        threshold: BigDecimal.unsafeFromString("2500.5"),
        periodicity: "MONTHLY"
      })
      assert.isString(created.uuid)
      const card = yield* client.cards.get(created.uuid!)
      assert.deepStrictEqual([card.alias, card.threshold, card.type, card.user?.uuid], [
        "Viajes Q3",
        2500.5,
        "MASTER_VIRTUAL",
        holder.uuid
      ])
      const listed = yield* values(client.cards.list({ userUuid: holder.uuid }))
      assert.isTrue(listed.some((c) => c.uuid === created.uuid), "a created card appears in the list")

      const before = sandbox.emulator.requests().length
      const problems = [
        yield* Effect.flip(client.cards.create({ type: "plastic", alias: "x", userUuid: holder.uuid })),
        yield* Effect.flip(client.cards.create({ type: "PHYSICAL", alias: " ", userUuid: holder.uuid })),
        yield* Effect.flip(client.cards.create({ type: "PHYSICAL", alias: "x", userUuid: "" })),
        yield* Effect.flip(
          client.cards.create({ type: "PHYSICAL", alias: "x", userUuid: "u", threshold: BigDecimal.unsafeFromString("1.001") })
        ),
        yield* Effect.flip(client.cards.cancelMany([])),
        yield* Effect.flip(client.cards.cancelMany(["a", " "]))
      ]
      assert.deepStrictEqual(problems.map(clientSideField), ["type", "alias", "userUuid", "threshold", "uuids", "uuids[1]"])
      assert.strictEqual(sandbox.emulator.requests().length, before, "no request for invalid input")

      const unknownUser = yield* Effect.flip(client.cards.create({ type: "VIRTUAL", alias: "x", userUuid: "nobody" }))
      assert.strictEqual(serverStatus(unknownUser), 400)
      assert.include(unknownUser.message, "userUuid")
      const overLine = yield* Effect.flip(
        client.cards.create({ type: "VIRTUAL", alias: "x", userUuid: holder.uuid, threshold: BigDecimal.fromBigInt(5_000_000n) })
      )
      assert.strictEqual((overLine as { claraCode?: string }).claraCode, "B013")

      yield* client.cards.cancel(created.uuid!)
      assert.strictEqual((yield* client.cards.get(created.uuid!)).status, "CANCELLED")
      const active = sandbox.scenario.cards.filter((c) => c.card.status === "ACTIVE").slice(0, 2).map((c) => c.card.uuid)
      yield* client.cards.cancelMany(active)
      for (const uuid of active) assert.strictEqual((yield* client.cards.get(uuid)).status, "CANCELLED")
      assert.strictEqual((yield* Effect.flip(client.cards.cancel("no-such-card")))._tag, "ClaraNotFoundError")
      assert.strictEqual((yield* Effect.flip(client.cards.cancelMany(["no-such-card"])))._tag, "ClaraNotFoundError")
      const writes = sandbox.emulator.requests().filter((r) => r.method !== "GET" && r.path.startsWith("/api/v3/cards"))
      assert.deepStrictEqual(
        [...new Set(writes.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, "{uuid}")}`))].sort(),
        ["DELETE /api/v3/cards/no-such-card", "DELETE /api/v3/cards/{uuid}", "POST /api/v3/cards", "POST /api/v3/cards/delete"]
      )
    }))

  it.scopedLive("sets, changes and removes card configurations (v3), refusing bad ones before any request", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(32)
      const card = sandbox.scenario.cards.find((c) => c.card.status === "ACTIVE")!.card.uuid
      yield* client.cards.configurations.create(card, {
        period: { startDate: "2025-02-01", endDate: "2025-02-28", enableAutoDeletion: false },
        daysOfWeek: { values: ["MONDAY", "FRIDAY"], allowedDaysOfUse: true }
      })
      yield* client.cards.configurations.update(card, { vendorCategories: { values: ["SOFTWARE_AND_HARDWARE"] } })
      // v3 has no documented read: the v2 read shows what the v3 writes stored
      const stored = yield* client.v2.cardConfigurations.get(card)
      assert.deepStrictEqual(stored.period, {
        startDate: "2025-02-01",
        endDate: "2025-02-28",
        startTime: "00:00",
        endTime: "23:59",
        enableAutoDeletion: false
      })
      assert.deepStrictEqual(stored.vendorCategories?.values, ["SOFTWARE_AND_HARDWARE"])
      yield* client.cards.configurations.delete(card)
      assert.strictEqual((yield* Effect.flip(client.v2.cardConfigurations.get(card)))._tag, "ClaraNotFoundError")

      const before = sandbox.emulator.requests().length
      const bad = [
        yield* Effect.flip(client.cards.configurations.create(card, {})),
        yield* Effect.flip(
          client.cards.configurations.create(card, {
            period: { startDate: "2025-03-01", endDate: "2025-02-01", enableAutoDeletion: true }
          })
        ),
        yield* Effect.flip(
          client.cards.configurations.create(card, {
            period: { startDate: "2025-03-01", endDate: "2025-03-02", startTime: "25:00", enableAutoDeletion: true }
          })
        ),
        yield* Effect.flip(client.cards.configurations.update(card, { daysOfWeek: { values: ["monday"], allowedDaysOfUse: true } })),
        yield* Effect.flip(client.cards.configurations.create(card, { atmCashLimit: 0 }))
      ]
      assert.deepStrictEqual(bad.map(clientSideField), [
        "period,atmCashLimit,daysOfWeek,vendorCategories",
        "period.startDate",
        "period.startTime",
        "daysOfWeek.values",
        "atmCashLimit"
      ])
      assert.strictEqual(sandbox.emulator.requests().length, before)
    }))
})

describe("Clara contract: v3 user writes", () => {
  it.scopedLive("creates, updates and deletes a user; the tax id is checked by country", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(33)
      const user = yield* client.users.create({
        name: "Lucía",
        lastName: "Ramírez Soto",
        email: "lucia.ramirez@grupotlaloc.example",
        role: "MANAGER",
        taxIdentifier: "RASL850101AB3"
      })
      assert.deepStrictEqual([user.fullName, user.status, user.role], ["Lucía Ramírez Soto", "ACTIVE", "MANAGER"])
      assert.strictEqual((yield* client.users.get(user.uuid)).email, "lucia.ramirez@grupotlaloc.example")
      const updated = yield* client.users.update(user.uuid, { lastName: "Ramírez", erpId: "EMP-9001" })
      assert.deepStrictEqual([updated.fullName, updated.erpId], ["Lucía Ramírez", "EMP-9001"])
      yield* client.users.delete(user.uuid)
      assert.strictEqual((yield* client.users.get(user.uuid)).status, "INACTIVE")

      const before = sandbox.emulator.requests().length
      const bad = [
        yield* Effect.flip(client.users.create({ name: "A", lastName: "B", email: "not-an-email" })),
        yield* Effect.flip(client.users.create({ name: "A", lastName: "B", email: "a@b.mx", taxIdentifier: "12" })),
        yield* Effect.flip(client.users.update(user.uuid, {})),
        yield* Effect.flip(client.users.update(user.uuid, { name: " " })),
        yield* Effect.flip(client.users.delete(""))
      ]
      assert.deepStrictEqual(bad.map(clientSideField), ["email", "taxIdentifier", "body", "name", "uuid"])
      assert.strictEqual(sandbox.emulator.requests().length, before)
      // a CPF passes the client's check on a custom host (any market), the Mexican emulator refuses it
      const cpf = yield* Effect.flip(
        client.users.create({ name: "A", lastName: "B", email: "a@b.mx", taxIdentifier: "52998224725" })
      )
      assert.strictEqual(serverStatus(cpf), 400)
      assert.include(cpf.message, "RFC")
      const duplicate = yield* Effect.flip(
        client.users.create({ name: "A", lastName: "B", email: "lucia.ramirez@grupotlaloc.example" })
      )
      assert.strictEqual(serverStatus(duplicate), 400)
    }))
})

describe("Clara contract: v2", () => {
  it.scopedLive("users (Spring page) list, create, get; locations (bare array) list, get", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(34)
      const users = yield* values(client.v2.users.list({ size: 3 }))
      assert.deepStrictEqual(users.map((u) => u.uuid), sandbox.scenario.users.map((u) => u.uuid))
      assert.strictEqual(sandbox.emulator.requests().filter((r) => r.path === "/api/v2/users").length, Math.ceil(users.length / 3))
      const created = yield* client.v2.users.create({ email: "nuevo@grupotlaloc.example", firstName: "Nuevo", lastName: "Usuario" })
      assert.strictEqual((yield* client.v2.users.get(created.uuid)).fullName, "Nuevo Usuario")
      assert.strictEqual(clientSideField(yield* Effect.flip(client.v2.users.create({ email: "x" }))), "email")

      const locations = yield* values(client.v2.locations.list())
      assert.deepStrictEqual(locations.map((l) => l.status), ["ACTIVE", "ACTIVE", "INACTIVE"])
      assert.strictEqual(sandbox.emulator.requests().filter((r) => r.path === "/api/v2/locations").length, 1)
      const page = yield* client.v2.locations.page()
      assert.isFalse(page.hasNext)
      assert.strictEqual((yield* client.v2.locations.get(locations[0]!.uuid)).code, "CDMX")
      assert.strictEqual((yield* Effect.flip(client.v2.locations.get("nope")))._tag, "ClaraNotFoundError")
      assert.strictEqual(clientSideField(yield* Effect.flip(client.v2.locations.page({ size: 101 }))), "size")
    }))

  it.scopedLive("groups: list, create, get, update (PATCH by default, PUT on request), delete", () =>
    Effect.gen(function*() {
      const { client } = yield* connected(35)
      assert.strictEqual((yield* values(client.v2.groups.list())).length, 2)
      const group = yield* client.v2.groups.create({ name: "Finanzas", description: "Tesorería" })
      assert.strictEqual((yield* client.v2.groups.get(group.uuid)).name, "Finanzas")
      assert.strictEqual((yield* client.v2.groups.update(group.uuid, { description: "Tesorería y pagos" })).description, "Tesorería y pagos")
      assert.strictEqual((yield* client.v2.groups.update(group.uuid, { name: "Finanzas MX" }, { method: "PUT" })).name, "Finanzas MX")
      assert.strictEqual(clientSideField(yield* Effect.flip(client.v2.groups.update(group.uuid, {}))), "body")
      assert.strictEqual(clientSideField(yield* Effect.flip(client.v2.groups.create({ name: "" }))), "name")
      yield* client.v2.groups.delete(group.uuid)
      assert.strictEqual((yield* Effect.flip(client.v2.groups.get(group.uuid)))._tag, "ClaraNotFoundError")
      assert.strictEqual((yield* values(client.v2.groups.list())).length, 2)
    }))

  it.scopedLive("cards: list, create with the numeric codes, get, threshold, lock (v3 path), delete; configurations", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(36)
      const listed = yield* values(client.v2.cards.list())
      assert.deepStrictEqual(listed.map((c) => c.uuid), sandbox.scenario.cards.map((c) => c.card.uuid))
      assert.isTrue(listed.every((c) => c.type === 1 || c.type === 2))
      const holder = sandbox.scenario.users[0]!
      const created = yield* client.v2.cards.create({
        type: 1,
        alias: "Física Ventas",
        userUUID: holder.uuid,
        threshold: BigDecimal.unsafeFromString("800"),
        periodicityType: 2
      })
      assert.deepStrictEqual([created.type, created.periodicityType, created.userUUID], [1, 2, holder.uuid])
      const v3 = yield* client.cards.get(created.uuid)
      assert.deepStrictEqual([v3.type, v3.periodicity], ["MASTER_CORPORATE", "DAILY"])
      yield* client.v2.cards.updateThreshold(created.uuid, BigDecimal.unsafeFromString("1200.25"))
      assert.strictEqual((yield* client.v2.cards.get(created.uuid)).threshold, 1200.25)
      assert.strictEqual((yield* client.v2.cards.lock(created.uuid, true)).status, "UPDATED")
      assert.strictEqual((yield* client.v2.cards.get(created.uuid)).status, "LOCKED")

      yield* client.v2.cardConfigurations.create(created.uuid, { atmCashLimit: 3000 })
      yield* client.v2.cardConfigurations.update(created.uuid, {
        daysOfWeek: { values: ["SATURDAY", "SUNDAY"], allowedDaysOfUse: false }
      })
      const configuration = yield* client.v2.cardConfigurations.get(created.uuid)
      assert.deepStrictEqual([configuration.atmCashLimit, configuration.daysOfWeek?.allowedDaysOfUse], [3000, false])
      yield* client.v2.cardConfigurations.delete(created.uuid)
      assert.strictEqual((yield* Effect.flip(client.v2.cardConfigurations.get(created.uuid)))._tag, "ClaraNotFoundError")

      yield* client.v2.cards.delete(created.uuid)
      assert.strictEqual((yield* client.v2.cards.get(created.uuid)).status, "CANCELLED")

      const before = sandbox.emulator.requests().length
      const bad = [
        yield* Effect.flip(
          client.v2.cards.create({
            type: 3 as 1,
            alias: "x",
            userUUID: holder.uuid,
            threshold: BigDecimal.unsafeFromString("800"),
            periodicityType: 1
          })
        ),
        yield* Effect.flip(
          client.v2.cards.create({ type: 2, alias: "x", userUUID: holder.uuid, threshold: BigDecimal.unsafeFromString("-1"), periodicityType: 1 })
        ),
        yield* Effect.flip(client.v2.cards.updateThreshold(created.uuid, BigDecimal.unsafeFromString("0")))
      ]
      assert.deepStrictEqual(bad.map(clientSideField), ["type", "threshold", "threshold"])
      assert.strictEqual(sandbox.emulator.requests().length, before)
      const belowMinimum = yield* Effect.flip(
        client.v2.cards.create({ type: 2, alias: "x", userUUID: holder.uuid, threshold: BigDecimal.unsafeFromString("100"), periodicityType: 1 })
      )
      assert.strictEqual(serverStatus(belowMinimum), 400)
    }))

  it.scopedLive("transactions: list as a stream (TransactionV2), one page, get", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(37, { size: 45 })
      const all = yield* values(client.v2.transactions.list({ pageSize: 10 }))
      assert.strictEqual(all.length, sandbox.scenario.transactions.length)
      assert.isTrue(all.every((t) => typeof t.amount?.currency === "object"))
      const page = yield* client.v2.transactions.page({ pageSize: 10 }, 4)
      assert.deepStrictEqual([page.items.length, page.hasNext, page.totalPages], [5, false, 5])
      const one = yield* client.v2.transactions.get(all[7]!.uuid)
      assert.strictEqual(one.label, all[7]!.label)
      assert.strictEqual(clientSideField(yield* Effect.flip(client.v2.transactions.page({ pageSize: 500 }, 0))), "pageSize")
    }))

  it.scopedLive("labels: list, create (several), get, update, delete, bulk delete", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(38)
      assert.strictEqual((yield* values(client.v2.labels.list())).length, 2)
      const created = partitionItems(
        yield* client.v2.labels.create([{ name: "Comidas" }, { name: "Hospedaje", description: "Hoteles" }, { name: "Taxis" }])
      ).values
      assert.deepStrictEqual(created.map((l) => l.name), ["Comidas", "Hospedaje", "Taxis"])
      assert.strictEqual((yield* client.v2.labels.get(created[1]!.uuid)).description, "Hoteles")
      assert.strictEqual((yield* client.v2.labels.update(created[0]!.uuid, { name: "Alimentos" })).name, "Alimentos")
      yield* client.v2.labels.delete(created[0]!.uuid)
      yield* client.v2.labels.deleteMany([created[1]!.uuid, created[2]!.uuid])
      assert.strictEqual((yield* values(client.v2.labels.list())).length, 2)
      const before = sandbox.emulator.requests().length
      const bad = [
        yield* Effect.flip(client.v2.labels.create([])),
        yield* Effect.flip(client.v2.labels.create([{ name: "ok" }, { name: " " }])),
        yield* Effect.flip(client.v2.labels.deleteMany([])),
        yield* Effect.flip(client.v2.labels.update(created[0]!.uuid, {}))
      ]
      assert.deepStrictEqual(bad.map(clientSideField), ["labels", "labels[1].name", "uuids", "body"])
      assert.strictEqual(sandbox.emulator.requests().length, before)
      assert.strictEqual((yield* Effect.flip(client.v2.labels.deleteMany(["nope"])))._tag, "ClaraNotFoundError")
    }))
})

describe("Clara contract: v1", () => {
  it.scopedLive("users, locations, groups (bare arrays), cards (Page of CardV1 with filters), transactions", () =>
    Effect.gen(function*() {
      const { client, sandbox } = yield* connected(39, { size: 25 })
      const users = yield* values(client.v1.users.list())
      assert.strictEqual(users.length, sandbox.scenario.users.length)
      assert.strictEqual((yield* client.v1.users.get(users[1]!.uuid)).email, users[1]!.email)
      const locations = yield* values(client.v1.locations.list())
      assert.strictEqual((yield* client.v1.locations.get(locations[2]!.uuid)).status, "INACTIVE")
      const groups = yield* values(client.v1.groups.list())
      assert.strictEqual((yield* client.v1.groups.get(groups[0]!.uuid)).name, "Ventas")

      const cards = yield* values(client.v1.cards.list({ size: 4 }))
      assert.strictEqual(cards.length, sandbox.scenario.cards.length)
      assert.isTrue(cards.every((c) => /^\d{6}\*{6}\d{4}$/.test(c.cardNumber ?? "")))
      const daily = yield* values(client.v1.cards.list({ periodicityType: "DAILY" }))
      assert.deepStrictEqual(
        daily.map((c) => c.uuid),
        sandbox.scenario.cards.filter((c) => c.card.periodicity === "DAILY").map((c) => c.card.uuid)
      )
      const holder = sandbox.scenario.users[0]!.uuid
      const own = yield* client.v1.cards.page({ userUuid: holder, status: "ACTIVE" })
      assert.isTrue(own.items.length > 0)
      assert.strictEqual((yield* client.v1.cards.get(cards[0]!.uuid)).uuid, cards[0]!.uuid)
      const before = sandbox.emulator.requests().length
      assert.strictEqual(
        clientSideField(yield* Effect.flip(client.v1.cards.page({ periodicityType: "WEEKLY" as "DAILY" }))),
        "periodicityType"
      )
      assert.strictEqual(clientSideField(yield* Effect.flip(client.v1.cards.page({ size: 0 }))), "size")
      assert.strictEqual(sandbox.emulator.requests().length, before)

      const transactions = yield* values(client.v1.transactions.list({ size: 10 }))
      assert.strictEqual(transactions.length, sandbox.scenario.transactions.length)
      assert.strictEqual((yield* client.v1.transactions.get(transactions[3]!.uuid)).amount, transactions[3]!.amount)
    }))
})
