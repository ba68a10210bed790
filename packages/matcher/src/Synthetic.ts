/**
 * A seeded synthetic world with ground truth, for tests, benchmarks and the evaluation command (matching.md §7.15).
 * Mexican merchants with legal names and card descriptors (rail prefixes, branch numbers, abbreviated and truncated
 * descriptors), and every case of §7.15: restaurant tips with receipts, MSI instalments, USD SaaS (with
 * `originalAmount`, and without it through the FX table), split invoices (1 charge : N CFDIs), split tender
 * (N charges : 1 CFDI), refunds with credit notes (E CFDIs) and full reversals without, cancelled and substituted
 * CFDIs, same-price recurring charges (subscriptions), late month-end CFDIs, receipt-only and undocumented charges,
 * fees, unrelated CFDIs and generic-word decoys (another issuer sharing only generic words, same amount and day).
 * The data is generated, never copied from real documents.
 */
import {
  addDays,
  CardTransaction,
  CfdiRelation,
  type CivilDate,
  endOfMonth,
  FiscalDocument,
  Money,
  Party,
  TaxTotals,
  toMinorUnits
} from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { FxRate } from "./Fx.js"
import { Prng } from "@clara-recon/domain"

/** Options of `generateScenario`. */
export interface ScenarioOptions {
  readonly seed: number
  /** Number of card transactions (exact). Documents are about 0.95 x this. */
  readonly transactions: number
  /** First civil date of the year of activity. Default `2025-01-01`. */
  readonly start?: CivilDate
}

/** The case a transaction was generated for (matching.md §7.15). */
export type ScenarioCase =
  | "PLAIN"
  | "PLAIN_WITH_DECOY"
  | "TIP"
  | "USD_SAAS"
  | "USD_FX_TABLE"
  | "MSI"
  | "MSI_INCOMPLETE"
  | "SPLIT_INVOICES"
  | "SPLIT_TENDER"
  | "REFUND_CREDIT_NOTE"
  | "CREDIT_NOTE_NETTED"
  | "REVERSAL"
  | "CANCELLED_SUBSTITUTED"
  | "CANCELLED"
  | "SUBSCRIPTION"
  | "LATE_MONTH_END"
  | "RECEIPT_ONLY"
  | "NOTHING"
  | "FEE"

/** One true link: the transactions and the documents (CFDIs, or the receipt when there is no CFDI) that belong. */
export interface TruthLink {
  readonly kind: ScenarioCase
  readonly transactions: ReadonlyArray<string>
  readonly documents: ReadonlyArray<string>
}

/** A generated world. */
export interface Scenario {
  readonly transactions: ReadonlyArray<CardTransaction>
  readonly documents: ReadonlyArray<FiscalDocument>
  /** A date after the last activity plus every grace period. */
  readonly asOf: CivilDate
  readonly companyRfc: string
  /** Transaction uuid -> the id of the document (the CFDI when there is one) it truly belongs with (1:1 view). */
  readonly truth: ReadonlyMap<string, string>
  /** Every true link, groups included. */
  readonly truthLinks: ReadonlyArray<TruthLink>
  /** The case of every transaction. */
  readonly cases: ReadonlyMap<string, ScenarioCase>
  /** Domestic purchases with no CFDI at all: the expected MISSING_INVOICE set. */
  readonly missingInvoice: ReadonlySet<string>
  /** The DOF FIX table (USD) the run should receive as `fxRates`. */
  readonly fxRates: ReadonlyArray<FxRate>
}

type DescriptorStyle = "BRAND" | "RAIL" | "BRANCH" | "PREFIXED" | "ABBREVIATED" | "TRUNCATED"

interface Merchant {
  readonly legalName: string
  readonly descriptor: string
  readonly rfc: string
  readonly mcc: string
  readonly prices: ReadonlyArray<bigint>
  readonly foreign: boolean
  readonly prefix: string
  readonly style: DescriptorStyle
}

const consonants = ["B", "C", "D", "F", "G", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "X", "Z", "CH", "BR"]
const vowels = ["A", "E", "I", "O", "U", "AI", "IA"]
const legalPrefixes = ["GRUPO", "OPERADORA", "COMERCIALIZADORA", "SERVICIOS", "DISTRIBUIDORA", ""]
const abbreviated: Readonly<Record<string, string>> = {
  GRUPO: "GPO",
  OPERADORA: "OPERAD",
  COMERCIALIZADORA: "COMERC",
  SERVICIOS: "SERVS",
  DISTRIBUIDORA: "DISTRIB"
}
const legalSuffixes = ["SA DE CV", "S.A. DE C.V.", "S. DE R.L. DE C.V.", "SAPI DE CV"]
const mccs = ["5411", "5541", "5812", "5734", "4121", "7011", "5999", "5812"]
const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

const decimal = (minor: bigint): BigDecimal.BigDecimal => BigDecimal.make(minor, 2)

const makeMerchant = (prng: Prng, index: number): Merchant => {
  const brand = Array.from({ length: prng.int(2, 3) }, () => prng.pick(consonants) + prng.pick(vowels)).join("") +
    letters[index % letters.length]! + letters[Math.floor(index / letters.length) % letters.length]!
  const prefix = prng.pick(legalPrefixes)
  const foreign = prng.next() < 0.05
  const style: DescriptorStyle = foreign
    ? "RAIL"
    : prng.pick(["BRAND", "RAIL", "BRANCH", "PREFIXED", "ABBREVIATED", "TRUNCATED"] as const)
  const descriptor = foreign
    ? `${prng.pick(["PAYPAL *", "GOOGLE *", ""])}${brand}.COM`
    : style === "BRAND"
    ? `${brand} MX`
    : style === "RAIL"
    ? `STR*${brand}`
    : style === "BRANCH"
    ? `${brand} SUC ${prng.int(1000, 9999)}`
    : style === "PREFIXED"
    ? `${prefix.slice(0, 4)} ${brand} MEX`
    : style === "ABBREVIATED"
    ? `${prefix === "" ? "" : `${abbreviated[prefix]} `}${brand} MX`
    : `${prefix} ${brand}`.trim().slice(0, (prefix.length > 0 ? prefix.length + 1 : 0) + Math.max(5, brand.length - 2))
  const rfc = `${letters[index % 23]}${letters[Math.floor(index / 23) % 23]}${letters[Math.floor(index / 529) % 23]}` +
    `${String(10 + (index % 15)).padStart(2, "0")}0101${letters[index % 7]}${index % 10}${letters[index % 11]}`
  return {
    legalName: foreign ? `${brand} INC` : `${prefix} ${brand} ${prng.pick(legalSuffixes)}`.trim(),
    descriptor,
    rfc,
    mcc: foreign ? "5734" : prng.pick(mccs),
    prices: Array.from({ length: 3 }, () => BigInt(prng.int(5_000, 500_000))),
    foreign,
    prefix,
    style
  }
}

interface CfdiExtra {
  readonly currency: string
  readonly exchangeRate: BigDecimal.BigDecimal
  readonly tipo: string
  readonly relations: ReadonlyArray<CfdiRelation>
  readonly satStatus: string
}

const cfdi = (
  id: string,
  merchant: Pick<Merchant, "rfc" | "legalName">,
  companyRfc: string,
  issueDate: CivilDate,
  totalMinor: bigint,
  extra: Partial<CfdiExtra> = {}
): FiscalDocument =>
  new FiscalDocument({
    id,
    kind: "CFDI",
    country: "MX",
    version: "4.0",
    fiscalUuid: id,
    tipoDeComprobante: extra.tipo ?? "I",
    issueDate,
    issuer: new Party({ taxId: merchant.rfc, name: merchant.legalName }, true),
    receiver: new Party({ taxId: companyRfc, name: "EMPRESA DEMO" }, true),
    currency: extra.currency ?? "MXN",
    total: decimal(totalMinor),
    ...(extra.exchangeRate ? { exchangeRate: extra.exchangeRate } : {}),
    taxes: new TaxTotals({}, true),
    metodoPago: "PUE",
    formaPago: "04",
    relations: extra.relations ?? [],
    satStatus: extra.satStatus ?? "Vigente",
    claraTransactionUuids: [],
    sources: []
  }, true)
const receipt = (
  id: string,
  merchant: Merchant,
  tx: string,
  issueDate: CivilDate,
  totalMinor: bigint,
  tipMinor: bigint,
  fiscalUuid: string | undefined
): FiscalDocument =>
  new FiscalDocument({
    id,
    kind: "EXTRACTED_DOCUMENT",
    country: "MX",
    ...(fiscalUuid ? { fiscalUuid } : {}),
    issueDate,
    issuer: new Party({ taxId: merchant.rfc, name: merchant.legalName }, true),
    receiver: new Party({}, true),
    currency: "MXN",
    total: decimal(totalMinor),
    taxes: new TaxTotals({}, true),
    relations: [],
    ...(tipMinor > 0n ? { tipAmount: decimal(tipMinor) } : {}),
    validationStatus: "VALIDATED_BY_CLARA",
    claraTransactionUuids: [tx],
    sources: []
  }, true)

const hex = (prng: Prng, length: number): string =>
  Array.from({ length }, () => "0123456789ABCDEF"[prng.int(0, 15)]!).join("")

const uuidOf = (prng: Prng): string =>
  `${hex(prng, 8)}-${hex(prng, 4)}-4${hex(prng, 3)}-A${hex(prng, 3)}-${hex(prng, 12)}`

const isoDay = (start: CivilDate, day: number): CivilDate => addDays(start, day)

/** Generates a deterministic world of exactly `transactions` charges (the same seed gives the same world). */
export const generateScenario = (options: ScenarioOptions): Scenario => {
  const prng = new Prng(options.seed)
  const start = options.start ?? "2025-01-01"
  const companyRfc = "EDE010101AB1"
  const merchantCount = Math.max(20, Math.floor(options.transactions / 8))
  const merchants = Array.from({ length: merchantCount }, (_, i) => makeMerchant(prng, i))
  const byPrefix = new Map<string, Array<Merchant>>()
  for (const m of merchants) {
    if (m.foreign || m.prefix === "") continue
    byPrefix.set(m.prefix, [...(byPrefix.get(m.prefix) ?? []), m])
  }
  const transactions: Array<CardTransaction> = []
  const documents: Array<FiscalDocument> = []
  const truth = new Map<string, string>()
  const truthLinks: Array<TruthLink> = []
  const cases = new Map<string, ScenarioCase>()
  const missingInvoice = new Set<string>()
  const fxDays = 430
  const usdRates = Array.from({ length: fxDays }, () => BigDecimal.make(BigInt(prng.int(165_000, 205_000)), 4))
  const fxRates: Array<FxRate> = usdRates.map((rate, day) => ({
    currency: "USD",
    date: isoDay(start, day),
    mxnPerUnit: rate
  }))
  const target = options.transactions
  const newDocId = () => uuidOf(prng)
  const link = (kind: ScenarioCase, txs: ReadonlyArray<string>, docs: ReadonlyArray<string>) => {
    truthLinks.push({ kind, transactions: txs, documents: docs })
    for (const t of txs) truth.set(t, docs[0]!)
  }
  const charge = (fields: {
    readonly i: number
    readonly merchant: Merchant
    readonly kind: ScenarioCase
    readonly date: CivilDate
    readonly minor: bigint
    readonly type?: "PURCHASE" | "REFUND" | "FEE"
    readonly original?: Money
    readonly hasInvoice?: boolean
    readonly hasReceipt?: boolean
    readonly installment?: readonly [number, number]
    readonly descriptor?: string
  }): string => {
    const uuid = uuidOf(prng)
    const user = fields.i % 50
    const type = fields.type ?? "PURCHASE"
    const signed = type === "REFUND" ? -fields.minor : fields.minor
    transactions.push(new CardTransaction({
      uuid,
      type,
      status: "AUTHORIZED",
      descriptor: fields.descriptor ?? fields.merchant.descriptor,
      mcc: fields.merchant.mcc,
      amount: new Money({ amount: decimal(signed), currency: "MXN" }, true),
      ...(fields.original ? { originalAmount: fields.original } : {}),
      operationDate: fields.date,
      authorizationNumber: String(prng.int(100_000, 999_999)),
      cardUuid: `card-${user}`,
      cardLastFour: String(1000 + user),
      userUuid: `user-${user}`,
      userName: `Cardholder ${user}`,
      hasInvoice: fields.hasInvoice ?? false,
      hasExtractedDocuments: fields.hasReceipt ?? false,
      ...(fields.installment
        ? { installment: String(fields.installment[1]), installmentNumber: String(fields.installment[0]) }
        : {})
    }, true))
    cases.set(uuid, fields.kind)
    return uuid
  }
  const domesticCase = (roll: number, merchant: Merchant, remaining: number): ScenarioCase => {
    if (roll < 0.02) return "FEE"
    if (roll < 0.45) {
      if (merchant.mcc === "5812" && prng.next() < 0.4) return "TIP"
      return prng.next() < 0.12 ? "PLAIN_WITH_DECOY" : "PLAIN"
    }
    if (roll < 0.5) return "LATE_MONTH_END"
    if (roll < 0.53) return "SPLIT_INVOICES"
    if (roll < 0.55 && remaining >= 6) return prng.next() < 0.85 ? "MSI" : "MSI_INCOMPLETE"
    if (roll < 0.57 && remaining >= 2) return "SPLIT_TENDER"
    if (roll < 0.6 && remaining >= 2) return "REFUND_CREDIT_NOTE"
    if (roll < 0.62 && remaining >= 2) return "REVERSAL"
    if (roll < 0.65) return "CANCELLED_SUBSTITUTED"
    if (roll < 0.66) return "CANCELLED"
    if (roll < 0.7 && remaining >= 6) return "SUBSCRIPTION"
    if (roll < 0.78) return "RECEIPT_ONLY"
    if (roll < 0.86) return "NOTHING"
    if (roll < 0.875) return "CREDIT_NOTE_NETTED"
    return "PLAIN"
  }
  while (transactions.length < target) {
    const i = transactions.length
    const remaining = target - i
    const merchant = prng.pick(merchants)
    const day = prng.int(0, 364)
    const date = isoDay(start, day)
    const recurring = prng.next() < 0.3
    const minor = recurring ? prng.pick(merchant.prices) : BigInt(prng.int(2_000, 2_000_000))
    const roll = prng.next()
    if (merchant.foreign) {
      const usd = minor / 17n + 100n
      const kind: ScenarioCase = roll < 0.02
        ? "FEE"
        : roll < 0.6
        ? "USD_SAAS"
        : roll < 0.75
        ? "USD_FX_TABLE"
        : roll < 0.85
        ? "RECEIPT_ONLY"
        : "NOTHING"
      if (kind === "FEE") {
        charge({ i, merchant, kind, date, minor, type: "FEE", descriptor: "COMISION ANUAL" })
        continue
      }
      const rate = kind === "USD_FX_TABLE" ? usdRates[day]! : BigDecimal.make(BigInt(prng.int(165_000, 205_000)), 4)
      const mxn = toMinorUnits(BigDecimal.multiply(BigDecimal.multiply(decimal(usd), rate), BigDecimal.make(1015n, 3)))
      const original = kind === "USD_FX_TABLE" ? undefined : new Money({ amount: decimal(usd), currency: "USD" }, true)
      if (kind === "USD_SAAS" || kind === "USD_FX_TABLE") {
        const id = newDocId()
        const issued = isoDay(start, day + (kind === "USD_SAAS" ? prng.int(0, 2) : 0))
        documents.push(cfdi(id, merchant, companyRfc, issued, usd, {
          currency: "USD",
          ...(kind === "USD_SAAS" ? { exchangeRate: rate } : {})
        }))
        const withOriginal = original ? { original } : {}
        const uuid = charge({ i, merchant, kind, date, minor: mxn, ...withOriginal, hasInvoice: true })
        link(kind, [uuid], [id])
      } else if (kind === "RECEIPT_ONLY") {
        const receiptId = `doc-${uuidOf(prng).toLowerCase()}`
        const withOriginal = original ? { original } : {}
        const uuid = charge({ i, merchant, kind, date, minor: mxn, ...withOriginal, hasReceipt: true })
        documents.push(receipt(receiptId, merchant, uuid, date, mxn, 0n, undefined))
        link(kind, [uuid], [receiptId])
      } else {
        charge({ i, merchant, kind, date, minor: mxn, ...(original ? { original } : {}) })
      }
      continue
    }
    const kind = domesticCase(roll, merchant, remaining)
    switch (kind) {
      case "FEE": {
        charge({ i, merchant, kind, date, minor, type: "FEE", descriptor: "COMISION ANUAL" })
        break
      }
      case "PLAIN":
      case "PLAIN_WITH_DECOY": {
        const id = newDocId()
        const issued = isoDay(start, day + prng.pick([0, 0, 1, 1, 2, 3, 5, 8, 12, 20]))
        documents.push(cfdi(id, merchant, companyRfc, issued, minor))
        const uuid = charge({ i, merchant, kind, date, minor, hasInvoice: true })
        link(kind, [uuid], [id])
        if (kind === "PLAIN_WITH_DECOY") {
          const twins = byPrefix.get(merchant.prefix)?.filter((m) => m !== merchant) ?? []
          const twin = twins.length > 0 ? prng.pick(twins) : prng.pick(merchants)
          documents.push(cfdi(newDocId(), twin, companyRfc, isoDay(start, day + prng.int(0, 1)), minor))
        }
        break
      }
      case "TIP": {
        const tip = (minor * BigInt(prng.int(5, 15))) / 100n
        const id = newDocId()
        const receiptId = `doc-${uuidOf(prng).toLowerCase()}`
        documents.push(cfdi(id, merchant, companyRfc, date, minor))
        const uuid = charge({ i, merchant, kind, date, minor: minor + tip, hasInvoice: true, hasReceipt: true })
        documents.push(receipt(receiptId, merchant, uuid, date, minor + tip, tip, prng.next() < 0.5 ? id : undefined))
        link(kind, [uuid], [id])
        break
      }
      case "LATE_MONTH_END": {
        const monthEnd = endOfMonth(date)
        const chargeDate = addDays(monthEnd, -prng.int(0, 4))
        const id = newDocId()
        documents.push(cfdi(id, merchant, companyRfc, addDays(chargeDate, prng.int(36, 45)), minor))
        const uuid = charge({ i, merchant, kind, date: chargeDate, minor, hasInvoice: true })
        link(kind, [uuid], [id])
        break
      }
      case "SPLIT_INVOICES": {
        const total = minor < 10_000n ? minor + 10_000n : minor
        const parts = prng.int(2, 3)
        const cuts = Array.from({ length: parts - 1 }, () => BigInt(prng.int(1, 99))).sort((a, b) => Number(a - b))
        const amounts: Array<bigint> = []
        let previous = 0n
        for (const cut of [...cuts, 100n]) {
          const upto = (total * cut) / 100n
          amounts.push(upto - previous)
          previous = upto
        }
        const ids = amounts.map((amount) => {
          const id = newDocId()
          documents.push(cfdi(id, merchant, companyRfc, isoDay(start, day + prng.int(0, 2)), amount))
          return id
        })
        const uuid = charge({ i, merchant, kind, date, minor: total, hasInvoice: true })
        link(kind, [uuid], ids)
        break
      }
      case "MSI":
      case "MSI_INCOMPLETE": {
        const n = prng.pick([3, 6])
        const planDay = prng.int(0, 364 - 31 * n)
        const instalment = minor < 30_000n ? minor + 30_000n : minor
        const total = instalment * BigInt(n) + BigInt(prng.int(0, n - 1))
        const id = newDocId()
        documents.push(cfdi(id, merchant, companyRfc, isoDay(start, planDay + prng.int(0, 2)), total))
        const count = kind === "MSI" ? n : prng.int(1, n - 1)
        const uuids: Array<string> = []
        for (let k = 1; k <= count; k++) {
          const amount = k === n ? total - instalment * BigInt(n - 1) : instalment
          uuids.push(charge({
            i,
            merchant,
            kind,
            date: isoDay(start, planDay + 30 * (k - 1)),
            minor: amount,
            hasInvoice: true,
            installment: [k, n]
          }))
        }
        link(kind, uuids, [id])
        break
      }
      case "SPLIT_TENDER": {
        const deposit = minor < 20_000n ? minor + 10_000n : minor
        const balance = BigInt(prng.int(10_000, 2_000_000))
        const second = day + prng.int(1, 7)
        const first = charge({ i, merchant, kind, date, minor: deposit, hasInvoice: true })
        const last = charge({ i, merchant, kind, date: isoDay(start, second), minor: balance, hasInvoice: true })
        const id = newDocId()
        documents.push(cfdi(id, merchant, companyRfc, isoDay(start, second + prng.int(0, 1)), deposit + balance))
        link(kind, [first, last], [id])
        break
      }
      case "REFUND_CREDIT_NOTE": {
        const invoice = newDocId()
        documents.push(cfdi(invoice, merchant, companyRfc, date, minor))
        const purchase = charge({ i, merchant, kind, date, minor, hasInvoice: true })
        link(kind, [purchase], [invoice])
        const refundDay = day + prng.int(5, 30)
        const refunded = prng.next() < 0.5 ? minor : (minor * BigInt(prng.int(20, 80))) / 100n
        const note = newDocId()
        documents.push(cfdi(note, merchant, companyRfc, isoDay(start, refundDay + prng.int(0, 2)), refunded, {
          tipo: "E",
          relations: [new CfdiRelation({ tipoRelacion: "01", uuids: [invoice] }, true)]
        }))
        const refund = charge({ i, merchant, kind, date: isoDay(start, refundDay), minor: refunded, type: "REFUND" })
        link(kind, [refund], [note])
        break
      }
      case "CREDIT_NOTE_NETTED": {
        // a discount (or an advance applied) granted on a type E CFDI related to the invoice: the card paid the net
        const invoice = newDocId()
        documents.push(cfdi(invoice, merchant, companyRfc, date, minor))
        const credited = (minor * BigInt(prng.int(5, 30))) / 100n
        const note = newDocId()
        const relation = prng.next() < 0.8 ? "01" : "07"
        documents.push(cfdi(note, merchant, companyRfc, isoDay(start, day + prng.int(0, 10)), credited, {
          tipo: "E",
          relations: [new CfdiRelation({ tipoRelacion: relation, uuids: [invoice] }, true)]
        }))
        const uuid = charge({ i, merchant, kind, date, minor: minor - credited, hasInvoice: true })
        link(kind, [uuid], [invoice, note])
        break
      }
      case "REVERSAL": {
        charge({ i, merchant, kind, date, minor })
        charge({ i, merchant, kind, date: isoDay(start, day + prng.int(1, 20)), minor, type: "REFUND" })
        break
      }
      case "CANCELLED_SUBSTITUTED":
      case "CANCELLED": {
        const cancelled = newDocId()
        documents.push(cfdi(cancelled, merchant, companyRfc, date, minor, { satStatus: "Cancelado" }))
        const uuid = charge({ i, merchant, kind, date, minor, hasInvoice: true })
        if (kind === "CANCELLED_SUBSTITUTED") {
          const substitute = newDocId()
          documents.push(cfdi(substitute, merchant, companyRfc, isoDay(start, day + prng.int(1, 5)), minor, {
            relations: [new CfdiRelation({ tipoRelacion: "04", uuids: [cancelled] }, true)]
          }))
          link(kind, [uuid], [substitute])
        } else missingInvoice.add(uuid)
        break
      }
      case "SUBSCRIPTION": {
        const months = prng.int(3, 6)
        const price = prng.pick(merchant.prices)
        const firstDay = prng.int(0, 364 - 31 * months)
        for (let k = 0; k < months; k++) {
          const d = firstDay + 30 * k
          const id = newDocId()
          documents.push(cfdi(id, merchant, companyRfc, isoDay(start, d + prng.int(0, 1)), price))
          const uuid = charge({ i: i + k, merchant, kind, date: isoDay(start, d), minor: price, hasInvoice: true })
          link(kind, [uuid], [id])
        }
        break
      }
      case "RECEIPT_ONLY": {
        const receiptId = `doc-${uuidOf(prng).toLowerCase()}`
        const uuid = charge({ i, merchant, kind, date, minor, hasReceipt: true })
        documents.push(receipt(receiptId, merchant, uuid, date, minor, 0n, undefined))
        link(kind, [uuid], [receiptId])
        missingInvoice.add(uuid)
        break
      }
      case "NOTHING": {
        missingInvoice.add(charge({ i, merchant, kind, date, minor }))
        break
      }
      default:
        break
    }
  }
  for (let j = 0; j < Math.floor(options.transactions / 10); j++) {
    const merchant = prng.pick(merchants)
    const issued = addDays(start, prng.int(0, 364))
    documents.push(cfdi(uuidOf(prng), merchant, companyRfc, issued, BigInt(prng.int(2_000, 2_000_000))))
  }
  const asOf = addDays(start, 420)
  return { transactions, documents, asOf, companyRfc, truth, truthLinks, cases, missingInvoice, fxRates }
}
