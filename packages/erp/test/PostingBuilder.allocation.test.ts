/**
 * Several charges paying one CFDI (matching.md §7.6 N charges : 1 CFDI; `buildPosting`'s `groupCharges`): each
 * charge's journal carries its share of every CFDI line by cumulative rounding, balances with the rounding line, and
 * the journals of a complete group add up, account by account, to the 1:1 posting of the whole CFDI; a charge's
 * journal does not change when later instalments arrive; over-allocated groups and foreign currencies are refused.
 */
import { type CardTransaction, formatFixed, money, PostingDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either, Schema } from "effect"
import { cumulativeBounds, cumulativeShare, proRata } from "../src/internal/Allocation.js"
import { defaultMapping } from "../src/MappingConfig.js"
import { buildPosting, type GroupCharge } from "../src/PostingBuilder.js"
import { buildPostings } from "../src/PostingBatch.js"
import { isBalanced } from "../src/PostingTotals.js"
import { cfdi, CFDI_UUID, d, transaction } from "./support/Samples.js"

const encode = Schema.encodeSync(PostingDocument)

/**
 * A service CFDI: 1000.00 + 16 % IVA 160.00 - IVA withheld 106.67 - ISR withheld 12.50 = 1040.83, which 3 does not
 * divide: the MSI charges are 346.94, 346.94 and 346.95 (the last absorbs the remainder).
 */
const service = cfdi(
  { subTotal: "1000.00", total: "1040.83" },
  { ivaTransferred: "160.00", ivaWithheld: "106.67", isrWithheld: "12.50" }
)

/** The instalments, a month apart; their uuids sort against the date order, so the order is by date, not uuid. */
const msi = [
  transaction("346.94", { uuid: "c3-first", operationDate: "2026-01-15", descriptor: "OFFICE DEPOT MSI 1/3" }),
  transaction("346.94", { uuid: "b2-second", operationDate: "2026-02-15", descriptor: "OFFICE DEPOT MSI 2/3" }),
  transaction("346.95", { uuid: "a1-third", operationDate: "2026-03-15", descriptor: "OFFICE DEPOT MSI 3/3" })
] as const

const post = (tx: CardTransaction, groupCharges: ReadonlyArray<GroupCharge>, document = service) => {
  const result = buildPosting({ tenant: "acme", transaction: tx, document, mapping: defaultMapping, groupCharges })
  if (Either.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`)
  return result.right
}

const lines = (posting: PostingDocument) =>
  posting.lines.map((l) =>
    `${l.side === "debit" ? "Dr" : "Cr"} ${l.role} ${formatFixed(l.amount)} ${l.cfdiUuid ?? "-"}`
  )

/** Debit minus credit per role, account and UUID over some postings, zero nets left out. */
const netByAccount = (postings: ReadonlyArray<PostingDocument>) => {
  const nets = new Map<string, BigDecimal.BigDecimal>()
  for (const line of postings.flatMap((p) => p.lines)) {
    const key = `${line.role} ${line.account} ${line.cfdiUuid ?? "-"}`
    const signed = line.side === "debit" ? line.amount : BigDecimal.negate(line.amount)
    nets.set(key, BigDecimal.sum(nets.get(key) ?? BigDecimal.fromBigInt(0n), signed))
  }
  return Object.fromEntries(
    [...nets].filter(([, v]) => !BigDecimal.isZero(v)).map(([k, v]) => [k, formatFixed(v)]).sort()
  )
}

const UUID = CFDI_UUID.toUpperCase()

describe("buildPosting for one charge of a group (groupCharges)", () => {
  it("posts each MSI instalment's share of every CFDI line, balanced, summing to the 1:1 posting", () => {
    const journals = msi.map((tx) => post(tx, msi))
    for (const journal of journals) assert.isTrue(isBalanced(journal), journal.sourceId)
    // Hand-computed: expense 1000.00 * 346.94 / 1040.83 = 333.330... -> 333.33, IVA 53.33, IVA withheld 35.56, ISR
    // 4.17: the lines net 346.93, so the rounding line takes 0.01.
    assert.deepStrictEqual(lines(journals[0]!), [
      `Dr expense 333.33 ${UUID}`,
      `Dr iva_acreditable 53.33 ${UUID}`,
      `Cr ret_iva 35.56 ${UUID}`,
      `Cr ret_isr 4.17 ${UUID}`,
      `Dr rounding 0.01 ${UUID}`,
      `Cr card_liability 346.94 ${UUID}`
    ])
    // Second: round(L * 693.88 / T) - round(L * 346.94 / T); the lines net 346.96, rounding -0.02 (a credit).
    assert.deepStrictEqual(lines(journals[1]!), [
      `Dr expense 333.33 ${UUID}`,
      `Dr iva_acreditable 53.34 ${UUID}`,
      `Cr ret_iva 35.55 ${UUID}`,
      `Cr ret_isr 4.16 ${UUID}`,
      `Cr rounding 0.02 ${UUID}`,
      `Cr card_liability 346.94 ${UUID}`
    ])
    assert.deepStrictEqual(lines(journals[2]!), [
      `Dr expense 333.34 ${UUID}`,
      `Dr iva_acreditable 53.33 ${UUID}`,
      `Cr ret_iva 35.56 ${UUID}`,
      `Cr ret_isr 4.17 ${UUID}`,
      `Dr rounding 0.01 ${UUID}`,
      `Cr card_liability 346.95 ${UUID}`
    ])
    // Account by account, the three journals are the 1:1 posting of the whole CFDI paid at once.
    const whole = post(transaction("1040.83", { uuid: "whole" }), [])
    const single = buildPosting({
      tenant: "acme",
      transaction: transaction("1040.83"),
      document: service,
      mapping: defaultMapping
    })
    if (Either.isLeft(single)) return assert.fail(single.left.message)
    assert.deepStrictEqual(netByAccount(journals), netByAccount([single.right]))
    assert.deepStrictEqual(netByAccount([whole]), netByAccount([single.right]))
    assert.deepStrictEqual(netByAccount(journals), {
      [`card_liability 205.06 ${UUID}`]: "-1040.83",
      [`expense 601.84 ${UUID}`]: "1000.00",
      [`iva_acreditable 118.01 ${UUID}`]: "160.00",
      [`ret_isr 216.04 ${UUID}`]: "-12.50",
      [`ret_iva 216.10 ${UUID}`]: "-106.67"
    })
    // Each journal is keyed and dated by its own charge.
    assert.deepStrictEqual(journals.map((j) => [j.sourceId, j.postingDate]), [
      ["c3-first", "2026-01-15"],
      ["b2-second", "2026-02-15"],
      ["a1-third", "2026-03-15"]
    ])
  })

  it("keeps an instalment's journal when later instalments arrive (MSI 1/3, 2/3, 3/3)", () => {
    const [first, second, third] = msi
    const firstAlone = post(first, [first])
    const secondOfTwo = post(second, [first, second])
    assert.deepStrictEqual(encode(post(first, [first, second])), encode(firstAlone))
    assert.deepStrictEqual(encode(post(first, msi)), encode(firstAlone))
    assert.deepStrictEqual(encode(post(second, msi)), encode(secondOfTwo))
    // The charge itself is added when the caller leaves it out, and the input order does not matter.
    assert.deepStrictEqual(encode(post(second, [third, first])), encode(secondOfTwo))
    assert.deepStrictEqual(encode(post(third, [third, second, first])), encode(post(third, msi)))
  })

  it("splits a deposit and an unequal balance (split tender)", () => {
    const room = cfdi({ subTotal: "1000.00", total: "1160.00" }, { ivaTransferred: "160.00" })
    const deposit = transaction("500.00", { uuid: "z-deposit", operationDate: "2026-01-10" })
    const balance = transaction("660.00", { uuid: "a-balance", operationDate: "2026-01-12" })
    const charges = [balance, deposit]
    const depositJournal = post(deposit, charges, room)
    const balanceJournal = post(balance, charges, room)
    // 1000 * 500 / 1160 = 431.034... and 160 * 500 / 1160 = 68.965...: 431.03 + 68.97 = 500.00, no rounding line.
    assert.deepStrictEqual(lines(depositJournal), [
      `Dr expense 431.03 ${UUID}`,
      `Dr iva_acreditable 68.97 ${UUID}`,
      `Cr card_liability 500.00 ${UUID}`
    ])
    assert.deepStrictEqual(lines(balanceJournal), [
      `Dr expense 568.97 ${UUID}`,
      `Dr iva_acreditable 91.03 ${UUID}`,
      `Cr card_liability 660.00 ${UUID}`
    ])
    assert.isTrue(isBalanced(depositJournal) && isBalanced(balanceJournal))
  })

  it("posts a group's charges through the batch builder as it posts them one by one", () => {
    const batch = buildPostings({
      tenant: "acme",
      mapping: defaultMapping,
      items: msi.map((tx) => ({ transaction: tx, document: service, groupCharges: msi }))
    })
    assert.deepStrictEqual(batch.refused, [])
    const byKey = (p: PostingDocument) => p.externalKey
    assert.deepStrictEqual(
      batch.documents.map((p) => encode(p)),
      msi.map((tx) => post(tx, msi)).sort((a, b) => byKey(a).localeCompare(byKey(b))).map((p) => encode(p))
    )
  })

  it("allocates no more than the lines when the group passes the total within the tolerance", () => {
    // 3 x 346.95 = 1040.85: 0.02 over the Total, within the default tolerance; the lines still add up to the CFDI's.
    const over = msi.map((tx) => transaction("346.95", { uuid: tx.uuid, operationDate: tx.operationDate }))
    const journals = over.map((tx) => post(tx, over))
    for (const journal of journals) assert.isTrue(isBalanced(journal), journal.sourceId)
    const nets = netByAccount(journals)
    assert.strictEqual(nets[`expense 601.84 ${UUID}`], "1000.00")
    assert.strictEqual(nets[`ret_iva 216.10 ${UUID}`], "-106.67")
    assert.strictEqual(nets[`rounding 703.21 ${UUID}`], "0.02")
    assert.strictEqual(nets[`card_liability 205.06 ${UUID}`], "-1040.85")
  })

  it("refuses a group whose charges add up to more than the CFDI total", () => {
    const fourth = transaction("346.94", { uuid: "d4-extra", operationDate: "2026-04-15" })
    const result = buildPosting({
      tenant: "acme",
      transaction: msi[0],
      document: service,
      mapping: defaultMapping,
      groupCharges: [...msi, fourth]
    })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.code, "GROUP_OVER_ALLOCATED")
      assert.include(result.left.message, "add up to 1387.77 MXN")
      assert.include(result.left.message, "by 346.94")
    }
  })

  it("refuses a group charge or a document in another currency", () => {
    const usdCharge = transaction("20.00", { uuid: "e5-usd", amount: money("20.00", "USD") })
    const mixed = buildPosting({
      tenant: "acme",
      transaction: msi[0],
      document: service,
      mapping: defaultMapping,
      groupCharges: [msi[0], usdCharge]
    })
    assert.strictEqual(Either.isLeft(mixed) ? mixed.left.code : "", "GROUP_CURRENCY_MISMATCH")
    assert.include(Either.isLeft(mixed) ? mixed.left.message : "", "e5-usd")
    const usdDocument = cfdi({ subTotal: "50.00", total: "58.00", currency: "USD", exchangeRate: "17.5" }, {
      ivaTransferred: "8.00"
    })
    const foreign = buildPosting({
      tenant: "acme",
      transaction: msi[0],
      document: usdDocument,
      mapping: defaultMapping,
      groupCharges: msi
    })
    assert.strictEqual(Either.isLeft(foreign) ? foreign.left.code : "", "GROUP_CURRENCY_MISMATCH")
  })
})

describe("cumulative allocation arithmetic", () => {
  it("rounds L * cum / T exactly, half away from zero", () => {
    // 1.00 * 1 / 8 = 0.125 (a tie) -> 0.13; -0.125 -> -0.13; 2/3 -> 0.67; normalised values with negative scales.
    assert.strictEqual(formatFixed(proRata(d("1.00"), d("1"), d("8"))), "0.13")
    assert.strictEqual(formatFixed(proRata(d("-1.00"), d("1"), d("8"))), "-0.13")
    assert.strictEqual(formatFixed(proRata(d("2"), d("1"), d("3"))), "0.67")
    assert.strictEqual(
      formatFixed(proRata(BigDecimal.normalize(d("1000")), BigDecimal.normalize(d("500")), d("1160.00"))),
      "431.03"
    )
  })

  it("gives parts that add up to the line over a complete group, whatever the order the charges came in", () => {
    const charges = [
      { uuid: "b", amount: d("0.01"), operationDate: "2026-01-01" },
      { uuid: "a", amount: d("0.01"), operationDate: "2026-01-01" },
      { uuid: "c", amount: d("0.01"), operationDate: "2025-12-31" }
    ]
    const total = d("0.03")
    const line = d("0.02")
    const parts = ["a", "b", "c"].map((uuid) => cumulativeShare(line, cumulativeBounds(charges, uuid)!, total))
    // Order c, a, b: round(0.02/3) = 0.01, round(0.04/3) = 0.01, 0.02 -> c 0.01, a 0.00, b 0.01.
    assert.deepStrictEqual(parts.map((p) => formatFixed(p)), ["0.00", "0.01", "0.01"])
    assert.isUndefined(cumulativeBounds(charges, "missing"))
  })
})
