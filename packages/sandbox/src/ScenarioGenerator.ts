/**
 * A synthetic, seeded scenario: a Mexican company's card month with realistic merchants (internal catalogue of 40
 * fictional issuers, joined by generated ones past 1,000 charges: one merchant per 25 charges), CFDI 4.0 invoices
 * from `@clara-recon/cfdi`'s generator, and the cases a reconciliation must get
 * right (matching.md §4.5, §4.6; cfdi.md §2.3, §2.4): restaurant tips with a receipt, USD SaaS invoices, purchases
 * with no invoice, same-amount decoys from different issuers, and FEE / PAYMENT / CREDIT lines.
 */
import type { CfdiConceptoSpec, CfdiSpec } from "@clara-recon/cfdi"
import { generateCfdi40, readCfdi } from "@clara-recon/cfdi"
import { addDays, daysBetween, roundHalfUp, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import { cents, purchaseWithoutInvoice, systemTransaction, systemTypes } from "./internal/CommonTransactions.js"
import { type IssuerPool, issuerPool } from "./internal/IssuerPool.js"
import { type Issuer, merchantOf } from "./internal/Issuers.js"
import { withMoneyFixtures } from "./internal/MoneyFixtures.js"
import { Prng } from "@clara-recon/domain"
import { withCheckDigit } from "./internal/Rfc.js"
import { ScenarioBuilder, type TransactionDraft } from "./internal/ScenarioBuilder.js"
import { fiscalInvoiceDocument, receiptDocument } from "./internal/WireJson.js"
import type { Scenario, ScenarioCompany } from "./Scenario.js"

/** Options of `generateScenario`. `period` is inclusive civil dates (`yyyy-MM-dd`). */
export interface GenerateScenarioOptions {
  readonly seed: number
  /** Number of transactions (default 60). */
  readonly size?: number
  /** Default 2025-01-01 to 2025-01-31. */
  readonly period?: { readonly from: string; readonly to: string }
}

/** The fictional company of generated scenarios: the `Receptor` of every invoice and the card holder's employer. */
export const sandboxCompany: ScenarioCompany = {
  rfc: withCheckDigit("GIT1803124Q"),
  name: "GRUPO INDUSTRIAL TLALOC",
  regimenFiscal: "601",
  zip: "06600"
}

const DEFAULT_PERIOD = { from: "2025-01-01", to: "2025-01-31" }

type Slot = "plain" | "tip" | "usd" | "decoy" | "missing"

const percentOf = (value: BigDecimal.BigDecimal, basisPoints: number) =>
  roundHalfUp(BigDecimal.multiply(value, BigDecimal.make(BigInt(basisPoints), 4)))

/** The purchase slots of a scenario, shuffled: every feature appears at least once from 12 purchases on. */
const planSlots = (purchases: number, prng: Prng): ReadonlyArray<Slot> => {
  const atLeastOne = (share: number, from: number) =>
    purchases >= from ? Math.max(1, Math.round(purchases * share)) : 0
  const counts: Array<[Slot, number]> = [
    ["missing", Math.round(purchases * 0.15)],
    ["usd", atLeastOne(0.05, 10)],
    ["decoy", atLeastOne(0.04, 12)],
    ["tip", atLeastOne(0.1, 8)]
  ]
  const slots: Array<Slot> = counts.flatMap(([slot, n]) => Array<Slot>(n).fill(slot))
  const used = slots.reduce((sum, slot) => sum + (slot === "decoy" ? 2 : 1), 0)
  slots.push(...Array<Slot>(Math.max(0, purchases - used)).fill("plain"))
  for (let i = slots.length - 1; i > 0; i--) {
    const j = prng.int(0, i)
    ;[slots[i], slots[j]] = [slots[j]!, slots[i]!]
  }
  return slots
}

const fiscalName = (legalName: string) =>
  legalName.replace(/\s+(S\.A\.P\.I\.|S\.A\.B\.|S\.A\.|S\. de R\.L\.|S\.C\.)( de C\.V\.)?$/, "").toUpperCase()

const conceptosFor = (issuer: Issuer, prng: Prng): ReadonlyArray<CfdiConceptoSpec> => {
  const lines = prng.int(1, Math.min(3, issuer.items.length))
  const [min, max] = issuer.price
  return Array.from({ length: lines }, (_, i) => {
    const [claveProdServ, descripcion] = issuer.items[i]!
    const nights = issuer.mcc === "7011" ? prng.int(1, 3) : 1
    return {
      claveProdServ,
      descripcion,
      cantidad: BigDecimal.fromBigInt(BigInt(nights)),
      valorUnitario: cents(prng.int(Math.round((min * 100) / lines), Math.round((max * 100) / lines))),
      iva: issuer.iva
    }
  })
}

/** Issues a CFDI from `issuer` to the company for a charge on `operationDate`; returns the read CFDI and its file. */
const issueCfdi = (
  builder: ScenarioBuilder,
  issuer: Issuer,
  operationDate: string,
  conceptos: ReadonlyArray<CfdiConceptoSpec>,
  sameDay: boolean
) => {
  const { prng } = builder
  const delay = sameDay || prng.chance(0.6) ? 0 : prng.int(1, 6)
  const time = [prng.int(8, 22), prng.int(0, 59), prng.int(0, 59)].map((n) => String(n).padStart(2, "0")).join(":")
  const company = builder.company
  const spec: CfdiSpec = {
    uuid: prng.uuid().toUpperCase(),
    serie: issuer.currency === "USD" ? "INV" : prng.pick(["A", "F", "FA"]),
    folio: String(prng.int(1000, 99_999)),
    fecha: `${addDays(operationDate, delay)}T${time}`,
    moneda: issuer.currency,
    ...(issuer.currency === "USD" ? { tipoCambio: BigDecimal.make(BigInt(prng.int(168_000, 205_000)), 4) } : {}),
    formaPago: "04",
    metodoPago: "PUE",
    tipoDeComprobante: "I",
    lugarExpedicion: issuer.zip,
    emisor: { rfc: issuer.rfc, nombre: fiscalName(issuer.name), regimenFiscal: "601" },
    receptor: {
      rfc: company.rfc,
      nombre: company.name,
      usoCfdi: "G03",
      domicilioFiscalReceptor: company.zip,
      regimenFiscalReceptor: company.regimenFiscal
    },
    conceptos
  }
  const bytes = new TextEncoder().encode(generateCfdi40(spec))
  const name = `${issuer.rfc}_${spec.uuid}.xml`
  // the generator's output always reads back; a failure here is a bug in one of the two, hence a defect
  const cfdi = Either.getOrThrowWith(readCfdi(bytes, { path: name }), (e) => new Error(e.message))
  return { cfdi, file: { name, bytes } }
}

/** Makes the CFDI reachable (through Clara, the folder, or both) and records the ground-truth link. */
const deliver = (builder: ScenarioBuilder, transaction: TransactionDraft, issued: ReturnType<typeof issueCfdi>) => {
  const { prng } = builder
  const roll = prng.next()
  if (roll < 0.55) {
    builder.claraInvoice(transaction.uuid, issued.cfdi, issued.file)
    if (prng.chance(0.35)) {
      builder.extractedDocument(
        transaction.uuid,
        fiscalInvoiceDocument(prng.uuid(), transaction.cardholder.user.uuid, issued.cfdi)
      )
    }
  }
  if (roll >= 0.45) builder.folderFile(issued.file)
  builder.link(transaction.uuid, issued.cfdi.timbre.uuid)
}

const invoicedPurchase = (
  builder: ScenarioBuilder,
  issuer: Issuer,
  date: string,
  conceptos = conceptosFor(issuer, builder.prng)
) => {
  const issued = issueCfdi(builder, issuer, date, conceptos, false)
  const transaction = builder.purchase({
    descriptor: issuer.descriptor,
    merchant: merchantOf(issuer),
    amount: issued.cfdi.total,
    operationDate: date
  })
  deliver(builder, transaction, issued)
  return conceptos
}

const tipPurchase = (builder: ScenarioBuilder, issuer: Issuer, date: string) => {
  const { prng } = builder
  const issued = issueCfdi(builder, issuer, date, conceptosFor(issuer, prng), true)
  const tipPercentage = prng.int(10, 15)
  const tip = percentOf(issued.cfdi.total, tipPercentage * 100)
  const amount = BigDecimal.sum(issued.cfdi.total, tip)
  const transaction = builder.purchase({
    descriptor: issuer.descriptor,
    merchant: merchantOf(issuer),
    amount,
    operationDate: date
  })
  builder.extractedDocument(transaction.uuid, receiptDocument({
    uuid: prng.uuid(),
    userUuid: transaction.cardholder.user.uuid,
    issuerName: issuer.name,
    issuerRfc: issuer.rfc,
    date,
    currency: "MXN",
    subTotal: issued.cfdi.subTotal,
    taxes: issued.cfdi.impuestos?.ivaTrasladado ?? zeroAmount,
    taxPercentage: Number(issuer.iva === "exento" ? 0 : issuer.iva),
    tip,
    tipPercentage,
    total: amount
  }))
  deliver(builder, transaction, issued)
}

const usdPurchase = (builder: ScenarioBuilder, issuer: Issuer, date: string) => {
  const { prng } = builder
  const issued = issueCfdi(builder, issuer, date, conceptosFor(issuer, prng), false)
  // the card network's rate: the invoice's TipoCambio plus a 0.5-2.5 % spread (cfdi.md §2.4)
  const rate = BigDecimal.multiply(issued.cfdi.tipoCambio!, BigDecimal.make(BigInt(10_000 + prng.int(50, 250)), 4))
  const transaction = builder.purchase({
    descriptor: issuer.descriptor,
    merchant: merchantOf(issuer),
    amount: roundHalfUp(BigDecimal.multiply(issued.cfdi.total, rate)),
    original: { value: issued.cfdi.total, currency: "USD" },
    operationDate: date
  })
  deliver(builder, transaction, issued)
}

/** Two charges of the same amount at different merchants, a day apart at most, each with its own CFDI. */
const decoyPair = (builder: ScenarioBuilder, pool: IssuerPool, date: string) => {
  const { prng } = builder
  const candidates = pool.iva16
  const first = prng.pick(candidates)
  const conceptos = invoicedPurchase(builder, first, date)
  // the second merchant is one whose prices plausibly reach the same amount
  const line = Number(BigDecimal.format(conceptos[0]!.valorUnitario))
  const plausible = candidates.filter((i) => i !== first && i.price[0] <= line && line <= i.price[1] * 1.5)
  const second = prng.pick(plausible.length > 0 ? plausible : candidates.filter((i) => i !== first))
  const mirrored = conceptos.map((c, i) => {
    const [claveProdServ, descripcion] = second.items[i % second.items.length]!
    return { ...c, claveProdServ, descripcion }
  })
  invoicedPurchase(builder, second, addDays(date, prng.int(0, 1)), mirrored)
}

/**
 * Generates a scenario of `size` transactions (default 60) in `period`, byte-identical for the same options.
 * About 15 % of purchases have no invoice; of the invoiced ones about half are listed by Clara (`hasInvoice`), the
 * rest are only in `folderCfdis`, a few in both. Amounts: MXN card amount = CFDI `Total`, or `Total` + a 10-15 % tip
 * with a RECEIPT extracted document; USD invoices have `originalAmount` = `Total` (USD) and `amountValue` in MXN at
 * the `TipoCambio` plus a card spread. PAYMENT and CREDIT amounts are negative. Pure; never fails.
 */
export const generateScenario = (options: GenerateScenarioOptions): Scenario => {
  const prng = new Prng(options.seed)
  const size = Math.max(0, Math.floor(options.size ?? 60))
  const period = options.period ?? DEFAULT_PERIOD
  const builder = new ScenarioBuilder(prng, options.seed, sandboxCompany)
  const days = Math.max(1, daysBetween(period.from, period.to) + 1)
  const date = () => addDays(period.from, prng.int(0, days - 1))
  const system = systemTypes(size)
  const pool = issuerPool(size)
  for (const slot of planSlots(size - system.length, prng)) {
    switch (slot) {
      case "plain":
        invoicedPurchase(builder, prng.pick(pool.mxn), date())
        break
      case "tip":
        tipPurchase(builder, prng.pick(pool.tipped), date())
        break
      case "usd":
        usdPurchase(builder, prng.pick(pool.usd), date())
        break
      case "decoy":
        decoyPair(builder, pool, addDays(period.from, prng.int(0, Math.max(0, days - 2))))
        break
      case "missing":
        purchaseWithoutInvoice(builder, date(), { issuers: pool.mxn })
    }
  }
  for (const type of system) systemTransaction(builder, type, date())
  return withMoneyFixtures(builder.build(period))
}
