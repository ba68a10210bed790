import {
  CardTransaction,
  ConceptAmount,
  formatFixed,
  IvaAtRate,
  money,
  Party,
  type PostingDocument,
  TaxTotals
} from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either, FastCheck as fc } from "effect"
import { externalKey } from "../src/ExternalKey.js"
import { defaultMapping, MappingConfig } from "../src/MappingConfig.js"
import { buildPosting } from "../src/PostingBuilder.js"
import { isBalanced, postingTotals } from "../src/PostingTotals.js"
import { cfdi, CFDI_UUID, d, transaction, TX_UUID } from "./support/Samples.js"

const summary = (doc: PostingDocument) =>
  doc.lines.map((l) =>
    `${l.side === "debit" ? "Dr" : "Cr"} ${l.role} ${l.account} ${formatFixed(l.amount)} ${l.taxCode ?? "-"}`
  )

/** SubTotal 1000 + IVA 16 % = Total 1160 MXN. */
const iva16 = (overrides: Parameters<typeof cfdi>[2] = {}) =>
  cfdi({ subTotal: "1000.00", total: "1160.00" }, { ivaTransferred: "160.00" }, overrides)

const build = (
  tx: ReturnType<typeof transaction>,
  doc: ReturnType<typeof cfdi>,
  mapping: MappingConfig = defaultMapping
) => buildPosting({ tenant: "acme", transaction: tx, document: doc, mapping })

const built = (...args: Parameters<typeof build>): PostingDocument => {
  const result = build(...args)
  if (Either.isLeft(result)) return assert.fail(`unexpected ${result.left.message}`)
  assert.isTrue(isBalanced(result.right), "debits equal credits")
  return result.right
}

describe("buildPosting", () => {
  it("posts IVA 16 % as expense + IVA acreditable against the card liability", () => {
    const doc = built(transaction("1160.00"), iva16())
    assert.deepStrictEqual(summary(doc), [
      "Dr expense 601.84 1000.00 V1",
      "Dr iva_acreditable 118.01 160.00 V1",
      "Cr card_liability 205.06 1160.00 -"
    ])
    assert.strictEqual(doc.externalKey, externalKey("acme", TX_UUID, 1))
    assert.strictEqual(doc.currency, "MXN")
    assert.isUndefined(doc.exchangeRate)
    assert.strictEqual(doc.postingDate, "2026-01-15")
    assert.strictEqual(doc.documentDate, "2026-01-14")
    assert.strictEqual(doc.companyCode, "MX01")
    assert.strictEqual(doc.documentType, "SA")
    assert.strictEqual(doc.cfdis[0]?.uuid, CFDI_UUID.toUpperCase())
    assert.strictEqual(doc.lines[0]?.vendorRfc, "ODE950101AB1")
    assert.isTrue(doc.lines.every((l) => l.cfdiUuid === CFDI_UUID.toUpperCase()))
  })

  it("uses the IVA 8 %, IVA 0 and EXENTO tax codes", () => {
    const iva8 = built(transaction("108.00"), cfdi({ subTotal: "100.00", total: "108.00" }, { ivaTransferred: "8.00" }))
    assert.strictEqual(iva8.lines[0]?.taxCode, "V2")
    const zero = built(transaction("500.00"), cfdi({ subTotal: "500.00", total: "500.00" }, { ivaTransferred: "0" }))
    assert.deepStrictEqual(summary(zero), ["Dr expense 601.84 500.00 V0", "Cr card_liability 205.06 500.00 -"])
    const exento = built(transaction("500.00"), cfdi({ subTotal: "500.00", total: "500.00" }, {}))
    assert.deepStrictEqual(summary(exento), ["Dr expense 601.84 500.00 VE", "Cr card_liability 205.06 500.00 -"])
  })

  it("nets the discount and sends a gap within tolerance to rounding", () => {
    const doc = built(
      transaction("1044.05"),
      cfdi({ subTotal: "1000.00", discount: "100.00", total: "1044.00" }, { ivaTransferred: "144.00" })
    )
    assert.deepStrictEqual(summary(doc), [
      "Dr expense 601.84 900.00 V1",
      "Dr iva_acreditable 118.01 144.00 V1",
      "Dr rounding 703.21 0.05 -",
      "Cr card_liability 205.06 1044.05 -"
    ])
    const under = built(
      transaction("1043.96"),
      cfdi({ subTotal: "1000.00", discount: "100.00", total: "1044.00" }, { ivaTransferred: "144.00" })
    )
    assert.include(summary(under), "Cr rounding 703.21 0.04 -")
  })

  it("credits IVA and ISR withheld", () => {
    const doc = built(
      transaction("9533.33"),
      cfdi(
        { subTotal: "10000.00", total: "9533.33" },
        { ivaTransferred: "1600.00", ivaWithheld: "1066.67", isrWithheld: "1000.00" }
      )
    )
    assert.deepStrictEqual(summary(doc), [
      "Dr expense 601.84 10000.00 V1",
      "Dr iva_acreditable 118.01 1600.00 V1",
      "Cr ret_iva 216.10 1066.67 -",
      "Cr ret_isr 216.04 1000.00 -",
      "Cr card_liability 205.06 9533.33 -"
    ])
  })

  it("puts IEPS and local taxes into the expense", () => {
    const doc = built(
      transaction("127.28"),
      cfdi(
        { subTotal: "100.00", total: "127.28" },
        { iepsTransferred: "8.00", ivaTransferred: "17.28", localNet: "2.00" }
      )
    )
    assert.strictEqual(summary(doc)[0], "Dr expense 601.84 110.00 V1")
  })

  it("refuses a tip beyond the rounding tolerance", () => {
    const result = build(transaction("1300.00"), iva16())
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.kind, "VALIDATION")
      assert.strictEqual(result.left.code, "AMOUNT_GAP_TOO_LARGE")
      assert.strictEqual(result.left.outcome, "not_applied")
      assert.isFalse(result.left.retryable)
      assert.include(result.left.userMessage, "140.00")
    }
  })

  it("accepts the same tip when the tenant raises the tolerance", () => {
    const mapping = new MappingConfig({ ...defaultMapping, roundingTolerance: d("200") })
    const doc = built(
      transaction("1300.00"),
      iva16(),
      mapping
    )
    assert.include(summary(doc), "Dr rounding 703.21 140.00 -")
  })

  it("posts a receipt's tip on top of the CFDI total to the tips account", () => {
    const result = buildPosting({
      tenant: "acme",
      transaction: transaction("1300.00"),
      document: iva16(),
      mapping: defaultMapping,
      tip: d("140.00")
    })
    if (Either.isLeft(result)) return assert.fail(result.left.message)
    assert.isTrue(isBalanced(result.right))
    assert.deepStrictEqual(summary(result.right), [
      "Dr expense 601.84 1000.00 V1",
      "Dr iva_acreditable 118.01 160.00 V1",
      "Dr other 613.01 140.00 -",
      "Cr card_liability 205.06 1300.00 -"
    ])
    const wrongTip = buildPosting({
      tenant: "acme",
      transaction: transaction("1300.00"),
      document: iva16(),
      mapping: defaultMapping,
      tip: d("100.00")
    })
    assert.strictEqual(Either.isLeft(wrongTip) ? wrongTip.left.code : "", "AMOUNT_GAP_TOO_LARGE")
  })

  it("books a CFDI not addressed to the company as a non-deductible expense, without creditable IVA", () => {
    const global = iva16({ receiver: new Party({ taxId: "XAXX010101000", name: "PUBLICO EN GENERAL" }) })
    assert.deepStrictEqual(summary(built(transaction("1160.00"), global)), [
      "Dr expense 613.01 1160.00 -",
      "Cr card_liability 205.06 1160.00 -"
    ])
    // another company's invoice, when the company's RFC is known; the company's own keeps its IVA
    const company = "CLA200101XY2"
    const posted = (document: ReturnType<typeof cfdi>) =>
      buildPosting({
        tenant: "acme",
        transaction: transaction("1160.00"),
        document,
        mapping: defaultMapping,
        companyRfc: company
      })
    const other = posted(iva16({ receiver: new Party({ taxId: "OTR010101AB1", name: "OTRA SA" }) }))
    assert.deepStrictEqual(Either.isRight(other) ? summary(other.right) : [], [
      "Dr expense 613.01 1160.00 -",
      "Cr card_liability 205.06 1160.00 -"
    ])
    const own = posted(iva16())
    assert.deepStrictEqual(Either.isRight(own) ? summary(own.right).slice(0, 2) : [], [
      "Dr expense 601.84 1000.00 V1",
      "Dr iva_acreditable 118.01 160.00 V1"
    ])
    // a mapping without the account refuses it, naming the setting
    const { nonDeductible: _mapped, ...accounts } = defaultMapping.accounts
    const unmapped = new MappingConfig({ ...defaultMapping, accounts })
    const refused = build(transaction("1160.00"), global, unmapped)
    assert.strictEqual(Either.isLeft(refused) ? refused.left.code : "", "NON_DEDUCTIBLE_ACCOUNT_MISSING")
    if (Either.isLeft(refused)) assert.include(refused.left.message, "the generic receptor XAXX010101000")
  })

  it("credits local taxes withheld (implocal) to their account; the local taxes charged stay in the expense", () => {
    // fees 1000 + IVA 160 + a local tax charged of 30, minus a cedular tax withheld of 20: Total 1170
    const fees = cfdi({ subTotal: "1000.00", total: "1170.00" }, {
      ivaTransferred: "160.00",
      localNet: "10.00",
      localWithheld: "20.00"
    })
    assert.deepStrictEqual(summary(built(transaction("1170.00"), fees)), [
      "Dr expense 601.84 1030.00 V1",
      "Dr iva_acreditable 118.01 160.00 V1",
      "Cr other 216.99 20.00 -",
      "Cr card_liability 205.06 1170.00 -"
    ])
    const { retLocal: _mapped, ...accounts } = defaultMapping.accounts
    const refused = build(transaction("1170.00"), fees, new MappingConfig({ ...defaultMapping, accounts }))
    assert.strictEqual(Either.isLeft(refused) ? refused.left.code : "", "LOCAL_WITHHOLDING_ACCOUNT_MISSING")
  })

  it("books a hotel bill's lodging and meals to their own accounts, by the concepts' ClaveProdServ", () => {
    const hotel = cfdi({ subTotal: "3800.00", total: "4408.00" }, { ivaTransferred: "608.00" }, {
      claveProdServ: "90111800",
      conceptAmounts: [
        new ConceptAmount({ claveProdServ: "90111800", amount: d("3000.00") }),
        new ConceptAmount({ claveProdServ: "90101500", amount: d("800.00") })
      ]
    })
    const mapping = new MappingConfig({
      ...defaultMapping,
      accounts: { ...defaultMapping.accounts, expenseByCategory: { "9011": "601.48", "9010": "601.49" } }
    })
    assert.deepStrictEqual(summary(built(transaction("4408.00"), hotel, mapping)), [
      "Dr expense 601.48 3000.00 V1",
      "Dr expense 601.49 800.00 V1",
      "Dr iva_acreditable 118.01 608.00 V1",
      "Cr card_liability 205.06 4408.00 -"
    ])
    // concepts that map to one account keep one line
    assert.deepStrictEqual(summary(built(transaction("4408.00"), hotel)).slice(0, 2), [
      "Dr expense 601.84 3800.00 V1",
      "Dr iva_acreditable 118.01 608.00 V1"
    ])
  })

  it("refuses a CFDI whose SubTotal, taxes and Total disagree", () => {
    const wrongIva = cfdi({ subTotal: "1000.00", total: "1160.00" }, { ivaTransferred: "60.00" })
    const result = build(transaction("1160.00"), wrongIva)
    assert.strictEqual(Either.isLeft(result) ? result.left.code : "", "DOCUMENT_TOTALS_INCONSISTENT")
  })

  it("converts a USD CFDI paid in MXN with TipoCambio and books the FX difference", () => {
    const doc = built(
      transaction("2010.00"),
      cfdi({ subTotal: "100.00", total: "116.00", currency: "USD", exchangeRate: "17.25" }, { ivaTransferred: "16.00" })
    )
    assert.deepStrictEqual(summary(doc), [
      "Dr expense 601.84 1725.00 V1",
      "Dr iva_acreditable 118.01 276.00 V1",
      "Dr fx_diff 701.01 9.00 -",
      "Cr card_liability 205.06 2010.00 -"
    ])
    assert.strictEqual(doc.currency, "MXN")
    // the journal is in the company currency: no header rate (SAP KURSF blank, no NetSuite exchangeRate)
    assert.isUndefined(doc.exchangeRate)
  })

  it("refuses an FX difference above fxTolerancePercent of the card amount instead of booking it", () => {
    const usd = cfdi({ subTotal: "100.00", total: "116.00", currency: "USD", exchangeRate: "17.50" }, {
      ivaTransferred: "16.00"
    })
    // 116 x 17.50 = 2030.00: a charge of 20300.00 is not this CFDI at any plausible card spread
    const wrong = build(transaction("20300.00"), usd)
    assert.strictEqual(Either.isLeft(wrong) ? wrong.left.code : "", "FX_GAP_TOO_LARGE")
    if (Either.isLeft(wrong)) assert.include(wrong.left.message, "differ by 18270.00, above 4 % of the card amount")
    // 4 % of 2110.00 is 84.40 (+ 0.50): a spread of 80.00 is booked, one of 90.00 is not
    assert.isTrue(Either.isRight(build(transaction("2110.00"), usd)))
    assert.isTrue(Either.isLeft(build(transaction("2120.00"), usd)))
    // unless the card converted the CFDI's own amount (originalAmount 116.00 USD): that spread is the card's
    const converted = new CardTransaction({ ...transaction("2120.00"), originalAmount: money("116.00", "USD") })
    assert.isTrue(Either.isRight(build(converted, usd)))
  })

  it("converts with the card / total ratio when there is no TipoCambio", () => {
    const doc = built(
      transaction("2000.00"),
      cfdi({ subTotal: "100.00", total: "116.00", currency: "USD" }, { ivaTransferred: "16.00" })
    )
    assert.isUndefined(doc.exchangeRate)
    assert.deepStrictEqual(summary(doc), [
      "Dr expense 601.84 1724.14 V1",
      "Dr iva_acreditable 118.01 275.86 V1",
      "Cr card_liability 205.06 2000.00 -"
    ])
  })

  it("reverses the sides of a refund", () => {
    const doc = built(
      transaction("-1160.00", { type: "REFUND" }),
      iva16({ tipoDeComprobante: "E" })
    )
    assert.deepStrictEqual(summary(doc), [
      "Cr expense 601.84 1000.00 V1",
      "Cr iva_acreditable 118.01 160.00 V1",
      "Dr card_liability 205.06 1160.00 -"
    ])
  })

  it("applies ClaveProdServ, merchant category and card rules, and the posting date policy", () => {
    const mapping = new MappingConfig({
      ...defaultMapping,
      accounts: {
        ...defaultMapping.accounts,
        expenseByCategory: { "44": "601.50", "4412": "601.51", "RESTAURANTS": "601.32" },
        cardLiabilityByCard: { "1234": "205.07" }
      },
      postingDatePolicy: "cfdi_fecha"
    })
    const doc = built(
      transaction("1160.00"),
      iva16(),
      mapping
    )
    assert.strictEqual(doc.lines[0]?.account, "601.51")
    assert.strictEqual(doc.lines.at(-1)?.account, "205.07")
    assert.strictEqual(doc.postingDate, "2026-01-14")
    const byCategory = built(
      transaction("1160.00", { merchantCategory: "RESTAURANTS", cardLastFour: "9999" }),
      iva16({ claveProdServ: "90101500" }),
      mapping
    )
    assert.strictEqual(byCategory.lines[0]?.account, "601.32")
    assert.strictEqual(byCategory.lines.at(-1)?.account, "205.06")
    const inherited = built(
      transaction("1160.00", { merchantCategory: "constructor" }),
      iva16({ claveProdServ: "90101500" }),
      mapping
    )
    assert.strictEqual(inherited.lines[0]?.account, "601.84")
  })

  it("rejects a zero amount, an empty tenant and a bad version", () => {
    const doc = iva16()
    const code = (r: ReturnType<typeof build>) => (Either.isLeft(r) ? r.left.code : "none")
    assert.strictEqual(code(build(transaction("0"), doc)), "ZERO_CARD_AMOUNT")
    const base = { transaction: transaction("1160.00"), document: doc, mapping: defaultMapping }
    assert.strictEqual(code(buildPosting({ ...base, tenant: " " })), "INVALID_TENANT")
    assert.strictEqual(code(buildPosting({ ...base, tenant: "acme", version: 0 })), "INVALID_VERSION")
    const v2 = buildPosting({ ...base, tenant: "acme", version: 2 })
    assert.strictEqual(Either.isRight(v2) ? v2.right.externalKey : "", externalKey("acme", TX_UUID, 2))
  })

  it("always builds balanced postings for generated documents (property, seeded)", () => {
    const cents = (n: number) => BigDecimal.make(BigInt(n), 2)
    const rateText = (tenThousandths: number) => formatFixed(BigDecimal.make(BigInt(tenThousandths), 4), 4)
    const scenario = fc.record({
      subTotal: fc.integer({ min: 1, max: 50_000_000 }),
      discountPct: fc.integer({ min: 0, max: 50 }),
      iva: fc.constantFrom("16", "8", "0", "none"),
      ieps: fc.integer({ min: 0, max: 100_000 }),
      withhold: fc.boolean(),
      gap: fc.integer({ min: -5, max: 5 }),
      fx: fc.option(fc.integer({ min: 150_000, max: 250_000 }), { nil: undefined }),
      // the card's FX spread, per mille of the converted total: within the 4 % the builder accepts
      fxNoisePermille: fc.integer({ min: -30, max: 30 }),
      refund: fc.boolean()
    })
    fc.assert(
      fc.property(scenario, (s) => {
        const discount = Math.floor((s.subTotal * s.discountPct) / 100)
        const base = s.subTotal - discount
        const iva = s.iva === "none" ? undefined : Math.round((base * Number(s.iva)) / 100)
        const retIva = s.withhold && iva !== undefined ? Math.round((iva * 2) / 3) : 0
        const retIsr = s.withhold ? Math.round(base / 10) : 0
        const total = base + s.ieps + (iva ?? 0) - retIva - retIsr
        const doc = cfdi(
          {
            subTotal: formatFixed(cents(s.subTotal)),
            discount: formatFixed(cents(discount)),
            total: formatFixed(cents(total)),
            ...(s.fx === undefined ? {} : { currency: "USD", exchangeRate: rateText(s.fx) })
          },
          {
            ...(iva === undefined ? {} : { ivaTransferred: formatFixed(cents(iva)) }),
            iepsTransferred: formatFixed(cents(s.ieps)),
            ...(s.withhold ? { ivaWithheld: formatFixed(cents(retIva)), isrWithheld: formatFixed(cents(retIsr)) } : {})
          }
        )
        const converted = s.fx === undefined ? total : Math.round((total * s.fx) / 10_000)
        const cardCents = s.fx === undefined ?
          total + s.gap :
          converted + Math.round((converted * s.fxNoisePermille) / 1000)
        if (cardCents === 0) return
        const signed = s.refund ? -Math.abs(cardCents) : Math.abs(cardCents)
        const result = build(transaction(formatFixed(cents(signed))), doc)
        assert.isTrue(Either.isRight(result), Either.isLeft(result) ? result.left.message : "")
        if (Either.isRight(result)) {
          const posting = result.right
          const totals = postingTotals(posting)
          assert.isTrue(BigDecimal.equals(totals.debit, totals.credit))
          assert.isTrue(posting.lines.every((l) => BigDecimal.isPositive(l.amount) && l.amount.scale <= 2))
          const liability = posting.lines.find((l) => l.role === "card_liability")
          assert.strictEqual(liability?.side, s.refund ? "debit" : "credit")
          assert.strictEqual(formatFixed(liability!.amount), formatFixed(cents(Math.abs(cardCents))))
        }
      }),
      { seed: 20260115, numRuns: 300 }
    )
  })

  it("gives a journal outside the company currency the rate to it, when its documents tell it", () => {
    const mxnCompany = new MappingConfig({ ...defaultMapping, companyCurrency: "MXN" })
    const usdCard = transaction("100.00", { amount: money("100.00", "USD") })
    // a USD card paying a MXN CFDI: MXN per USD = the CFDI total / the card amount
    const paysMxn = built(usdCard, cfdi({ subTotal: "1500.00", total: "1740.00" }, { ivaTransferred: "240.00" }), mxnCompany)
    assert.strictEqual(paysMxn.currency, "USD")
    assert.strictEqual(BigDecimal.format(paysMxn.exchangeRate!), "17.4")
    // a USD card paying a USD CFDI: its TipoCambio is the rate to MXN
    const paysUsd = built(
      usdCard,
      cfdi({ subTotal: "86.21", total: "100.00", currency: "USD", exchangeRate: "17.25" }, { ivaTransferred: "13.79" }),
      mxnCompany
    )
    assert.strictEqual(BigDecimal.format(paysUsd.exchangeRate!), "17.25")
    // no company currency configured: the card's currency is the company's, no header rate
    assert.isUndefined(built(usdCard, cfdi({ subTotal: "1500.00", total: "1740.00" }, { ivaTransferred: "240.00" })).exchangeRate)
  })

  it("books a CFDI mixing IVA rates one expense line and one IVA line per rate, with its tax code", () => {
    const mixed = (subTotal: string, total: string, ivaByRate: ReadonlyArray<IvaAtRate>, iva: string) =>
      cfdi({ subTotal, total }, {}, { taxes: new TaxTotals({ ivaTransferred: d(iva), ivaByRate }) })
    // 500.00 at 16 %, 500.00 at 0 %: 80.00 of IVA, which 80 / 1000 would have called 8 %
    const halfAndHalf = built(transaction("1080.00"), mixed("1000.00", "1080.00", [
      new IvaAtRate({ rate: d("0.160000"), base: d("500.00"), amount: d("80.00") }),
      new IvaAtRate({ rate: d("0.000000"), base: d("500.00"), amount: d("0.00") })
    ], "80.00"))
    assert.deepStrictEqual(summary(halfAndHalf), [
      "Dr expense 601.84 500.00 V1",
      "Dr expense 601.84 500.00 V0",
      "Dr iva_acreditable 118.01 80.00 V1",
      "Cr card_liability 205.06 1080.00 -"
    ])
    // three rates, a discount and IEPS (in the expense, not in any base): the parts add up to the whole, to the cent
    const three = built(transaction("990.01"), cfdi({ subTotal: "901.00", discount: "0.99", total: "990.01" }, {}, {
      taxes: new TaxTotals({
        ivaTransferred: d("80.00"),
        iepsTransferred: d("10.00"),
        ivaByRate: [
          new IvaAtRate({ rate: d("0.160000"), base: d("333.33"), amount: d("53.33") }),
          new IvaAtRate({ rate: d("0.080000"), base: d("333.34"), amount: d("26.67") }),
          new IvaAtRate({ base: d("233.34"), amount: d("0") })
        ]
      })
    }))
    assert.deepStrictEqual(summary(three), [
      "Dr expense 601.84 337.03 V1",
      "Dr expense 601.84 337.05 V2",
      "Dr expense 601.84 235.93 VE",
      "Dr iva_acreditable 118.01 53.33 V1",
      "Dr iva_acreditable 118.01 26.67 V2",
      "Cr card_liability 205.06 990.01 -"
    ])
    assert.isTrue(isBalanced(three))
  })
})
