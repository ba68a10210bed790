/**
 * A seeded synthetic world with ground truth, for tests, benchmarks and threshold sweeps (matching.md §7.15):
 * Mexican merchants with legal names and card descriptors (rail prefixes, abbreviations, branch numbers),
 * recurring price points, CFDIs issued 0-20 days after the charge, restaurant tips with receipts, USD SaaS with
 * `originalAmount`, receipt-only charges, charges without documents, fees, and unrelated CFDIs.
 * The data is generated, never copied from real documents.
 */
import {
  addDays,
  CardTransaction,
  type CivilDate,
  FiscalDocument,
  Money,
  Party,
  TaxTotals,
  toMinorUnits
} from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import { makePrng, type Prng } from "./internal/Prng.js"

/** Options of `generateScenario`. */
export interface ScenarioOptions {
  readonly seed: number
  /** Number of card transactions. Documents are about 0.95 x this. */
  readonly transactions: number
  /** First civil date of the year of activity. Default `2025-01-01`. */
  readonly start?: CivilDate
}

/** A generated world. */
export interface Scenario {
  readonly transactions: ReadonlyArray<CardTransaction>
  readonly documents: ReadonlyArray<FiscalDocument>
  /** A date after the last activity plus every grace period. */
  readonly asOf: CivilDate
  readonly companyRfc: string
  /** Transaction uuid -> the id of the document (the CFDI when there is one) it truly belongs with. */
  readonly truth: ReadonlyMap<string, string>
}

interface Merchant {
  readonly legalName: string
  readonly descriptor: string
  readonly rfc: string
  readonly mcc: string
  readonly prices: ReadonlyArray<bigint>
  readonly foreign: boolean
}

const consonants = ["B", "C", "D", "F", "G", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "X", "Z", "CH", "BR"]
const vowels = ["A", "E", "I", "O", "U", "AI", "IA"]
const legalPrefixes = ["GRUPO", "OPERADORA", "COMERCIALIZADORA", "SERVICIOS", "DISTRIBUIDORA", ""]
const legalSuffixes = ["SA DE CV", "S.A. DE C.V.", "S. DE R.L. DE C.V.", "SAPI DE CV"]
const mccs = ["5411", "5541", "5812", "5734", "4121", "7011", "5999", "5812"]
const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

const decimal = (minor: bigint): BigDecimal.BigDecimal => BigDecimal.make(minor, 2)

const makeMerchant = (prng: Prng, index: number): Merchant => {
  const brand = Array.from({ length: prng.int(2, 3) }, () => prng.pick(consonants) + prng.pick(vowels)).join("") +
    letters[index % letters.length]! + letters[Math.floor(index / letters.length) % letters.length]!
  const prefix = prng.pick(legalPrefixes)
  const foreign = prng.next() < 0.05
  const descriptor = foreign
    ? `${prng.pick(["PAYPAL *", "GOOGLE *", ""])}${brand}.COM`
    : prng.pick([
      `${brand} MX`,
      `STR*${brand}`,
      `${brand} SUC ${prng.int(1000, 9999)}`,
      `${prefix.slice(0, 4)} ${brand} MEX`
    ])
  const rfc = `${letters[index % 23]}${letters[Math.floor(index / 23) % 23]}${letters[Math.floor(index / 529) % 23]}` +
    `${String(10 + (index % 15)).padStart(2, "0")}0101${letters[index % 7]}${index % 10}${letters[index % 11]}`
  return {
    legalName: foreign ? `${brand} INC` : `${prefix} ${brand} ${prng.pick(legalSuffixes)}`.trim(),
    descriptor,
    rfc,
    mcc: foreign ? "5734" : prng.pick(mccs),
    prices: Array.from({ length: 3 }, () => BigInt(prng.int(5_000, 500_000))),
    foreign
  }
}

const cfdi = (
  id: string,
  merchant: Merchant,
  companyRfc: string,
  issueDate: CivilDate,
  totalMinor: bigint,
  extra: Partial<{ currency: string; exchangeRate: BigDecimal.BigDecimal }> = {}
): FiscalDocument =>
  new FiscalDocument({
    id,
    kind: "CFDI",
    country: "MX",
    version: "4.0",
    fiscalUuid: id,
    tipoDeComprobante: "I",
    issueDate,
    issuer: new Party({ taxId: merchant.rfc, name: merchant.legalName }, true),
    receiver: new Party({ taxId: companyRfc, name: "EMPRESA DEMO" }, true),
    currency: extra.currency ?? "MXN",
    total: decimal(totalMinor),
    ...(extra.exchangeRate ? { exchangeRate: extra.exchangeRate } : {}),
    taxes: new TaxTotals({}, true),
    metodoPago: "PUE",
    formaPago: "04",
    relations: [],
    satStatus: "Vigente",
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

/** Generates a deterministic world of `transactions` charges (the same seed gives the same world). */
export const generateScenario = (options: ScenarioOptions): Scenario => {
  const prng = makePrng(options.seed)
  const start = options.start ?? "2025-01-01"
  const companyRfc = "EDE010101AB1"
  const merchantCount = Math.max(20, Math.floor(options.transactions / 8))
  const merchants = Array.from({ length: merchantCount }, (_, i) => makeMerchant(prng, i))
  const transactions: Array<CardTransaction> = []
  const documents: Array<FiscalDocument> = []
  const truth = new Map<string, string>()
  for (let i = 0; i < options.transactions; i++) {
    const merchant = prng.pick(merchants)
    const uuid = uuidOf(prng)
    const date = addDays(start, prng.int(0, 364))
    const recurring = prng.next() < 0.3
    let minor = recurring ? prng.pick(merchant.prices) : BigInt(prng.int(2_000, 2_000_000))
    const roll = prng.next()
    const fee = roll < 0.02
    let original: Money | undefined
    let hasReceipt = false
    if (merchant.foreign && !fee) {
      const usd = minor / 17n + 100n
      const rate = BigDecimal.make(BigInt(prng.int(165_000, 205_000)), 4)
      minor = toMinorUnits(BigDecimal.multiply(BigDecimal.multiply(decimal(usd), rate), BigDecimal.make(1015n, 3)))
      original = new Money({ amount: decimal(usd), currency: "USD" }, true)
      if (roll < 0.85) {
        const id = uuidOf(prng)
        const issued = addDays(date, prng.int(0, 2))
        documents.push(cfdi(id, merchant, companyRfc, issued, usd, { currency: "USD", exchangeRate: rate }))
        truth.set(uuid, id)
      }
    } else if (!fee && merchant.mcc === "5812" && roll < 0.4) {
      const tip = (minor * BigInt(prng.int(5, 15))) / 100n
      const id = uuidOf(prng)
      const receiptId = `doc-${uuidOf(prng).toLowerCase()}`
      documents.push(cfdi(id, merchant, companyRfc, date, minor))
      documents.push(receipt(receiptId, merchant, uuid, date, minor + tip, tip, prng.next() < 0.5 ? id : undefined))
      minor += tip
      hasReceipt = true
      truth.set(uuid, id)
    } else if (!fee && roll < 0.75) {
      const id = uuidOf(prng)
      documents.push(cfdi(id, merchant, companyRfc, addDays(date, prng.pick([0, 0, 1, 1, 2, 3, 5, 8, 12, 20])), minor))
      truth.set(uuid, id)
    } else if (!fee && roll < 0.83) {
      const receiptId = `doc-${uuidOf(prng).toLowerCase()}`
      documents.push(receipt(receiptId, merchant, uuid, date, minor, 0n, undefined))
      hasReceipt = true
      truth.set(uuid, receiptId)
    }
    transactions.push(new CardTransaction({
      uuid,
      type: fee ? "FEE" : "PURCHASE",
      status: "AUTHORIZED",
      descriptor: fee ? "COMISION ANUAL" : merchant.descriptor,
      mcc: merchant.mcc,
      amount: new Money({ amount: decimal(minor), currency: "MXN" }, true),
      ...(original ? { originalAmount: original } : {}),
      operationDate: date,
      userUuid: `user-${i % 50}`,
      userName: `Cardholder ${i % 50}`,
      hasInvoice: truth.has(uuid),
      hasExtractedDocuments: hasReceipt
    }, true))
  }
  for (let j = 0; j < Math.floor(options.transactions / 10); j++) {
    const merchant = prng.pick(merchants)
    const issued = addDays(start, prng.int(0, 364))
    documents.push(cfdi(uuidOf(prng), merchant, companyRfc, issued, BigInt(prng.int(2_000, 2_000_000))))
  }
  return { transactions, documents, asOf: addDays(start, 420), companyRfc, truth }
}
