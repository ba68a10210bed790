import { DigitalAccountMessages, hmacSha256Timestamped } from "@clara-recon/clara"
import { formatFixed, fromWireNumber, sumAmounts } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Redacted } from "effect"
import { connectExtended, eventually, startReceiver, values } from "./support/ExtendedHarness.js"

const SECRET = Redacted.make("emulator-webhook-secret")

describe("bulk card operations: 202, completed later, webhook delivered (real client, HTTPS + mTLS)", () => {
  it.scopedLive("PATCH /api/v3/cards/lock -> cardBulk.lock; GET requests, /requests/{id}, /batches/{id}", () =>
    Effect.gen(function*() {
      const { client, emulator, scenario } = yield* connectExtended(21, { webhookSecret: SECRET })
      const receiver = yield* startReceiver(hmacSha256Timestamped({ secret: SECRET }))
      yield* client.subscribers.create({ name: "erp", callbackUrl: receiver.url, events: ["CARD_LOCK_REQUEST_UPDATED"] })
      const active = scenario.cards.filter((c) => c.card.status === "ACTIVE").slice(0, 2).map((c) => c.card.uuid)
      const ack = yield* client.cardBulk.lock(active.map((uuid) => ({ uuid, locked: true })))
      assert.isDefined(ack.id)
      assert.deepStrictEqual(ack.items.map((i) => [i.uuid, i.status]), active.map((uuid) => [uuid, "SENT"]))
      // still queued right after the 202
      const queued = yield* client.cardRequests.batch(ack.id!)
      assert.lengthOf(queued, 2)
      yield* eventually("the lock applied", () => receiver.events.length === 2)
      for (const uuid of active) assert.strictEqual((yield* client.cards.get(uuid)).status, "LOCKED")
      const batch = yield* client.cardRequests.batch(ack.id!)
      assert.deepStrictEqual(batch.map((i) => i._tag === "Ok" ? i.value.status : "bad"), ["UPDATED", "UPDATED"])
      const one = yield* client.cardRequests.get(ack.items[0]!.id!)
      assert.strictEqual(one.type, "LOCK")
      const all = yield* values(client.cardRequests.list({ size: 1 }))
      assert.lengthOf(all, 2)
      assert.isTrue(receiver.events.every((e) => e._tag === "UnknownClaraEvent" && e.name === "CARD_LOCK_REQUEST_UPDATED"))
      assert.isTrue(emulator.webhookDeliveries().every((d) => d.signed && d.status === 204))
      const missing = yield* Effect.flip(client.cardRequests.get("no-such-request"))
      assert.strictEqual(missing._tag, "ClaraNotFoundError")
    }))

  it.scopedLive("PATCH /api/v3/cards/threshold -> cardBulk.updateThresholds: applied, or ERROR over the credit line", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(22)
      const receiver = yield* startReceiver()
      yield* client.subscribers.create({
        name: "limits",
        callbackUrl: receiver.url,
        events: ["CARD_THRESHOLD_REQUEST_UPDATED", "CARD_THRESHOLD_REQUEST_ERROR"]
      })
      const [a, b] = scenario.cards.filter((c) => c.card.status === "ACTIVE").map((c) => c.card.uuid)
      const ack = yield* client.cardBulk.updateThresholds([
        { uuid: a!, threshold: BigDecimal.unsafeFromString("12345.67") },
        { uuid: b!, threshold: BigDecimal.unsafeFromString("5000000") }
      ])
      assert.lengthOf(ack.items, 2)
      yield* eventually("both results delivered", () => receiver.events.length === 2)
      assert.strictEqual((yield* client.cards.get(a!)).threshold, 12345.67)
      const names = receiver.events.map((e) => e.name).sort()
      assert.deepStrictEqual(names, ["CARD_THRESHOLD_REQUEST_ERROR", "CARD_THRESHOLD_REQUEST_UPDATED"])
      const failed = (yield* client.cardRequests.batch(ack.id!)).flatMap((i) => i._tag === "Ok" ? [i.value] : [])
        .find((r) => r.uuid === b)
      assert.strictEqual(failed?.status, "ERROR")
      assert.include(failed?.errorMessage ?? "", "B013")
      const before = receiver.events.length
      const bad = yield* Effect.flip(client.cardBulk.updateThresholds([{ uuid: a!, threshold: BigDecimal.unsafeFromString("1.005") }]))
      assert.strictEqual(bad._tag === "ClaraBadRequestError" ? bad.record : "", "updateCardsThresholdRequests[0]")
      assert.strictEqual(receiver.events.length, before)
    }))

  it.scopedLive("POST /api/v3/cards/bulk-create -> cardBulk.create (both body keys): cards appear, typed events", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(23)
      const receiver = yield* startReceiver()
      yield* client.subscribers.create({
        name: "cards",
        callbackUrl: receiver.url,
        events: ["CARD_CREATION_REQUEST_CREATED", "CARD_CREATION_REQUEST_ERROR"]
      })
      const active = scenario.users.find((u) => u.status === "ACTIVE" && u.role === "EMPLOYEE")!
      const inactive = scenario.users.find((u) => u.status !== "ACTIVE")!
      const ack = yield* client.cardBulk.create([
        { type: "VIRTUAL", alias: "Viajes Q3", userUuid: active.uuid, threshold: BigDecimal.unsafeFromString("2500") },
        { type: "VIRTUAL", alias: "Ex empleado", userUuid: inactive.uuid }
      ])
      assert.deepStrictEqual(ack.items.map((i) => i.status), ["SENT", "SENT"])
      const legacyKey = yield* client.cardBulk.create([{ type: "PHYSICAL", alias: "Física 2", userUuid: active.uuid }], {
        bodyKey: "cards"
      })
      assert.lengthOf(legacyKey.items, 1)
      yield* eventually("three creation events", () => receiver.events.length === 3)
      const created = receiver.events.filter((e) => e._tag === "CardCreationRequestCreated")
      const failed = receiver.events.filter((e) => e._tag === "CardCreationRequestError")
      assert.lengthOf(created, 2)
      assert.lengthOf(failed, 1)
      assert.include(failed[0]?._tag === "CardCreationRequestError" ? failed[0].errorMessage ?? "" : "", "active user")
      const cards = yield* values(client.cards.list({ userUuid: active.uuid }))
      for (const event of created) {
        const uuid = event._tag === "CardCreationRequestCreated" ? event.cardUuid : undefined
        assert.isTrue(cards.some((c) => c.uuid === uuid), `created card ${uuid} listed`)
      }
      assert.isTrue(cards.some((c) => c.alias === "Viajes Q3" && c.threshold === 2500))
    }))

  it.scopedLive("bulk writes refuse bad input before any request", () =>
    Effect.gen(function*() {
      const { client, emulator } = yield* connectExtended(24)
      const before = emulator.requests().length
      const empty = yield* Effect.flip(client.cardBulk.lock([]))
      const code = yield* Effect.flip(client.cardBulk.lock([{ uuid: "c", locked: true, lockCode: 3 }]))
      const alias = yield* Effect.flip(client.cardBulk.create([{ type: "VIRTUAL", alias: " ", userUuid: "u" }]))
      assert.deepStrictEqual(
        [empty, code, alias].map((e) => e._tag === "ClaraBadRequestError" ? e.field : e._tag),
        ["cardsLockRequests", "lockCode", "alias"]
      )
      assert.strictEqual(emulator.requests().length, before)
    }))
})

describe("money documents (real client, HTTPS + mTLS)", () => {
  it.scopedLive("GET /api/v3/transactions/{uuid}/documents -> transactions.documents, links downloadable", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(31)
      const [txUuid, docs] = Object.entries(scenario.extractedDocuments).find(([, d]) => d.some((x) => x.type === "RECEIPT"))!
      const documents = yield* client.transactions.documents(txUuid)
      assert.strictEqual(documents.transactionUuid, txUuid)
      assert.lengthOf(documents.attachments, docs.filter((d) => d.type === "RECEIPT").length)
      const bytes = yield* client.download(documents.attachments[0]!.download.url)
      assert.isAbove(bytes.length, 0)
    }))

  it.scopedLive("GET /api/v3/invoices -> invoices.search; GET /api/v2/invoices -> invoices.listV2", () =>
    Effect.gen(function*() {
      const { client, emulator, scenario } = yield* connectExtended(32)
      const all = Object.values(scenario.invoices).flat()
      assert.isAbove(all.length, 2)
      const searched = yield* values(client.invoices.search({ size: 5 }))
      assert.lengthOf(searched, all.length)
      const rfc = all[0]!.invoice.issuer!.rfc!
      const byRfc = yield* values(client.invoices.search({ issuerRfc: rfc }))
      assert.deepStrictEqual(
        byRfc.map((i) => i.invoiceId).sort(),
        all.filter((i) => i.invoice.issuer?.rfc === rfc).map((i) => i.invoice.invoiceId).sort()
      )
      const [txUuid, list] = Object.entries(scenario.invoices).find(([, l]) => l.length > 0)!
      const v2 = yield* values(client.invoices.listV2({ transactionUuid: txUuid }))
      assert.deepStrictEqual(v2.map((i) => i.uuid), list.map((i) => i.invoice.invoiceId))
      const date = list[0]!.invoice.documentDate!
      const ranged = yield* values(client.invoices.listV2({ documentDateRangeStart: date, documentDateRangeEnd: date }))
      assert.isTrue(ranged.length > 0 && ranged.every((i) => i.documentDate === date))
      const page = yield* client.invoices.pageV2({ size: 2 })
      assert.strictEqual(page.totalElements, all.length)
      const before = emulator.requests().length
      const half = yield* Effect.flip(client.invoices.pageV2({ documentDateRangeStart: date }))
      assert.strictEqual(half._tag === "ClaraBadRequestError" ? half.field : "", "documentDateRangeStart,documentDateRangeEnd")
      assert.strictEqual(emulator.requests().length, before)
    }))

  it.scopedLive("GET /api/v3/reimbursements -> reimbursements.list with the documented filters", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(33)
      const all = scenario.reimbursements!
      assert.lengthOf(yield* values(client.reimbursements.list({ size: 3 })), all.length)
      const wanted = all[0]!
      const filtered = yield* values(client.reimbursements.list({
        statuses: [wanted.status!],
        categoryCodes: [wanted.categoryCode!],
        expenseDateStart: wanted.expenseDate!,
        expenseDateEnd: wanted.expenseDate!
      }))
      assert.isTrue(filtered.some((r) => r.uuid === wanted.uuid))
      assert.isTrue(filtered.every((r) => r.status === wanted.status && r.expenseDate === wanted.expenseDate))
      const bad = yield* Effect.flip(client.reimbursements.page({ categoryCodes: ["58A"] }))
      assert.strictEqual(bad._tag === "ClaraBadRequestError" ? bad.field : "", "categoryCodes[0]")
    }))

  it.scopedLive("billing statements v3 (list, current, one, transactions) and v2 (current, by month)", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(34)
      const statements = scenario.billingStatements!
      const listed = yield* values(client.billingStatements.list())
      assert.lengthOf(listed, statements.length)
      const page = yield* client.billingStatements.page({ size: 1 })
      assert.isTrue(page.hasNext)
      const current = yield* client.billingStatements.current
      assert.strictEqual(current.status, "OPEN")
      const january = statements.find((s) => s.statementStartDate === "2025-01-01")!
      const one = yield* client.billingStatements.get(january.uuid)
      assert.strictEqual(one.totalAmount, january.totalAmount)
      const transactions = yield* values(client.billingStatements.transactions(january.uuid, { size: 7 }))
      assert.lengthOf(transactions, scenario.transactions.length)
      // control total: the statement's total is the sum of its transactions
      const sum = sumAmounts(transactions.map((t) => fromWireNumber(t.amountValue!.value)!))
      assert.strictEqual(formatFixed(sum), formatFixed(fromWireNumber(one.totalAmount!)!))
      const v2 = yield* client.billingStatements.byMonthV2(1, 2025)
      assert.deepStrictEqual([v2.month, v2.year, v2.status, v2.statementUuid], [1, 2025, "CLOSED", january.uuid])
      const currentV2 = yield* client.billingStatements.currentV2
      assert.strictEqual(currentV2.statementUuid, current.uuid)
      const missing = yield* Effect.flip(client.billingStatements.byMonthV2(6, 2024))
      assert.strictEqual(missing._tag, "ClaraNotFoundError")
      const bad = yield* Effect.flip(client.billingStatements.byMonthV2(13, 2025))
      assert.strictEqual(bad._tag === "ClaraBadRequestError" ? bad.field : "", "month")
    }))
})

describe("Brazil (real client, HTTPS + mTLS)", () => {
  it.scopedLive("GET /api/v3/digital-accounts {data, meta}: every page, seed 004 stop rules, filters", () =>
    Effect.gen(function*() {
      const { client, emulator, scenario } = yield* connectExtended(41)
      const all = scenario.digitalAccountTransactions!
      const listed = yield* values(client.digitalAccounts.list({ size: 10 }))
      assert.deepStrictEqual(listed.map((t) => t.id), all.map((t) => t.id))
      const pages = emulator.requests().filter((r) => r.path === "/api/v3/digital-accounts")
      assert.lengthOf(pages, 4) // 10 + 10 + 10 + 7: the short page ends it
      const page = yield* client.digitalAccounts.page({ size: 10, page: 1 })
      assert.deepStrictEqual([page.meta?.currentPage, page.meta?.totalItems, page.data.length], [1, all.length, 10])
      const pix = yield* values(client.digitalAccounts.list({ transactionTypeName: "PIX", startDate: "2025-01-01", endDate: "2025-01-31" }))
      assert.isTrue(pix.length > 0 && pix.every((t) => t.method === "PIX"))
      const bills = yield* values(client.digitalAccounts.list({ transactionTypeName: "BILL" }, { dates: "plain" }))
      assert.isTrue(bills.length > 0 && bills.every((t) => t.method === "Bill"))
    }))

  it.scopedLive("digital-account filter: the exact messages of seed 004, before any request", () =>
    Effect.gen(function*() {
      const { client, emulator } = yield* connectExtended(42)
      const before = emulator.requests().length
      const cases = [
        { filter: { startDate: "2025/08/01" }, field: "startDate", message: DigitalAccountMessages.date },
        { filter: { endDate: "2025-8-10" }, field: "endDate", message: DigitalAccountMessages.date },
        { filter: { transactionTypeName: "pix" }, field: "transactionTypeName", message: DigitalAccountMessages.transactionTypeName },
        { filter: { startDate: "2025-08-10", endDate: "2025-08-01" }, field: "startDate,endDate", message: DigitalAccountMessages.range }
      ]
      for (const c of cases) {
        const error = yield* Effect.flip(client.digitalAccounts.page(c.filter))
        assert.strictEqual(error._tag, "ClaraBadRequestError")
        if (error._tag !== "ClaraBadRequestError") continue
        assert.strictEqual(error.field, c.field)
        assert.strictEqual(error.claraMessage, c.message)
      }
      assert.strictEqual(DigitalAccountMessages.date, "Date must be in ISO format (yyyy-MM-dd)")
      assert.strictEqual(DigitalAccountMessages.transactionTypeName, "transactionTypeName must be one of: PIX, TED, BILL, TRANSACTION")
      assert.strictEqual(DigitalAccountMessages.range, "startDate must be less than or equal to endDate")
      assert.strictEqual(emulator.requests().length, before)
    }))

  it.scopedLive("GET /api/v3/digital-accounts as the older bare array: paged until the short page", () =>
    Effect.gen(function*() {
      const { client, emulator, scenario } = yield* connectExtended(43, { digitalAccountsShape: "array" })
      const listed = yield* values(client.digitalAccounts.list({ size: 10 }))
      assert.lengthOf(listed, scenario.digitalAccountTransactions!.length)
      const page = yield* client.digitalAccounts.page({ size: 10 })
      assert.isUndefined(page.meta)
      assert.isTrue(page.hasNext)
      assert.lengthOf(emulator.requests().filter((r) => r.path === "/api/v3/digital-accounts"), 5)
    }))

  it.scopedLive("boleto/DDA: GET /api/v2/payments/dda, /dda/{uuid}, POST /api/v2/payments (PAYMENT_PAID), GET history", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(44)
      const receiver = yield* startReceiver()
      yield* client.subscribers.create({ name: "tesouraria", callbackUrl: receiver.url, events: ["PAYMENT_PAID"] })
      const slips = yield* values(client.payments.ddaInvoices())
      assert.lengthOf(slips, scenario.ddaInvoices!.length)
      const slip = yield* client.payments.ddaInvoice(slips[0]!.uuid)
      assert.match(slip.barcodeDigitableLine ?? "", /^\d{47}$/)
      const paid = yield* client.payments.payBoleto({ barcodeDigitableLine: slip.barcodeDigitableLine!, note: "aluguel" })
      assert.strictEqual(paid?.status, "PAID")
      assert.strictEqual(paid?.ddaInvoiceUuid, slip.uuid)
      assert.strictEqual((yield* client.payments.ddaInvoice(slip.uuid)).status, "PAID")
      const history = yield* values(client.payments.history({ status: "PAID" }))
      assert.deepStrictEqual(history.map((p) => p.uuid), [paid!.uuid])
      yield* eventually("PAYMENT_PAID delivered", () => receiver.events.length === 1)
      const event = receiver.events[0]!
      assert.strictEqual(event._tag === "PaymentPaid" ? event.paymentUuid : "", paid!.uuid)
      const again = yield* Effect.flip(client.payments.payBoleto({ barcodeDigitableLine: slip.barcodeDigitableLine! }))
      assert.strictEqual(again._tag === "ClaraBadRequestError" ? again.status : 0, 400)
      const short = yield* Effect.flip(client.payments.payBoleto({ barcodeDigitableLine: "123" }))
      assert.strictEqual(short._tag === "ClaraBadRequestError" ? short.field : "", "barcodeDigitableLine")
    }))
})

describe("attachments, logs and subscribers (real client, HTTPS + mTLS)", () => {
  it.scopedLive("GET /api/v2/attachments, /{uuid} (pre-signed url), /{uuid}/base64", () =>
    Effect.gen(function*() {
      const { client, scenario } = yield* connectExtended(51)
      const receipts = Object.values(scenario.extractedDocuments).flat().filter((d) => d.type === "RECEIPT")
      const listed = yield* values(client.attachments.list())
      assert.lengthOf(listed, receipts.length)
      const one = yield* client.attachments.get(listed[0]!.uuid)
      const downloaded = yield* client.download(one.url!)
      const content = yield* client.attachments.base64(one.uuid)
      assert.strictEqual(content.mimeType, "text/plain")
      assert.deepStrictEqual(content.bytes, downloaded)
      const missing = yield* Effect.flip(client.attachments.get("nope"))
      assert.strictEqual(missing._tag, "ClaraNotFoundError")
    }))

  it.scopedLive("GET /api/v1/logs/current, /{yyyy}/{MM}, /{yyyy}/{MM}/{dd}", () =>
    Effect.gen(function*() {
      const { client } = yield* connectExtended(52)
      yield* client.billingStatements.current
      const current = yield* client.logs.current
      assert.isAbove(current.stats.total, 1)
      assert.isTrue(current.requests.some((r) => r.requestUri === "/api/v3/billing-statements/current"))
      const now = new Date(current.requests[0]!.instant!)
      const month = yield* client.logs.month(now.getUTCFullYear(), now.getUTCMonth() + 1)
      assert.isAtLeast(month.stats.total, current.stats.total)
      const day = yield* client.logs.day(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate())
      assert.isAtLeast(day.stats.total, current.stats.total)
      assert.strictEqual((yield* client.logs.month(2001, 1)).stats.total, 0)
      const bad = yield* Effect.flip(client.logs.day(2025, 2, 30))
      assert.strictEqual(bad._tag === "ClaraBadRequestError" ? bad.field : "", "day")
    }))

  it.scopedLive("subscribers: list, create (201), update, add-event, delete-event (DELETE with body), delete", () =>
    Effect.gen(function*() {
      const { client } = yield* connectExtended(53)
      const created = yield* client.subscribers.create({
        name: "erp",
        callbackUrl: "https://hooks.example.com/clara",
        events: ["PAYMENT_PAID"]
      })
      assert.isString(created.uuid)
      assert.strictEqual(created.enabled, true)
      const updated = yield* client.subscribers.update(created.uuid!, { enabled: false })
      assert.strictEqual(updated?.enabled, false)
      yield* client.subscribers.addEvent({ callbackUrl: created.callbackUrl, event: "CARD_CREATION_REQUEST_CREATED" })
      const [afterAdd] = yield* values(client.subscribers.list({ events: ["CARD_CREATION_REQUEST_CREATED"] }))
      assert.deepStrictEqual(afterAdd?.events, ["PAYMENT_PAID", "CARD_CREATION_REQUEST_CREATED"])
      yield* client.subscribers.deleteEvent({ callbackUrl: created.callbackUrl, event: "PAYMENT_PAID" })
      const page = yield* client.subscribers.page({ name: "erp" })
      assert.deepStrictEqual(page.items.map((i) => i._tag === "Ok" ? i.value.events : []), [["CARD_CREATION_REQUEST_CREATED"]])
      yield* client.subscribers.delete(created.uuid!)
      assert.lengthOf(yield* values(client.subscribers.list()), 0)
      const gone = yield* Effect.flip(client.subscribers.delete(created.uuid!))
      assert.strictEqual(gone._tag, "ClaraNotFoundError")
      const bad = yield* Effect.flip(client.subscribers.create({ name: "x", callbackUrl: "not a url", events: ["E"] }))
      assert.strictEqual(bad._tag === "ClaraBadRequestError" ? bad.field : "", "callbackUrl")
    }))
})
