/**
 * Accumulates a scenario (transactions, Clara invoices, extracted documents, folder files, ground truth) for the two
 * scenario generators, and renders the transactions as `TransactionResponseV3` JSON (clara-api.md §3.4) at the end,
 * when their `hasInvoice` / `hasExtractedDocuments` flags are known.
 */
import type { Cfdi } from "@clara-recon/cfdi"
import type { ExtractedDocument, TransactionResponseV3 } from "@clara-recon/clara"
import { addDays } from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"
import type { Scenario, ScenarioCompany, ScenarioFile, ScenarioInvoice } from "../Scenario.js"
import { type Cardholder, directoryOf } from "./Directory.js"
import type { Prng } from "@clara-recon/domain"
import { currencyAmount, invoiceJsonOf } from "./WireJson.js"

/** A merchant as Clara shows it on a transaction. */
export interface WireMerchant {
  readonly name: string
  readonly category: string
  readonly mcc: string
}

/** A card purchase before rendering. `amount` is MXN; `original` defaults to the same MXN amount. */
export interface PurchaseDraft {
  readonly descriptor: string
  readonly merchant: WireMerchant
  readonly amount: BigDecimal.BigDecimal
  readonly original?: { readonly value: BigDecimal.BigDecimal; readonly currency: string }
  readonly operationDate: string
}

/** A transaction before rendering, with its uuid and cardholder. */
export interface TransactionDraft extends PurchaseDraft {
  readonly uuid: string
  readonly type: "PURCHASE" | "FEE" | "PAYMENT" | "CREDIT"
  readonly cardholder: Cardholder
}

const NAMES = [
  "Ana Sofía Martínez Ruiz",
  "Luis Fernando Gómez Pérez",
  "María José Hernández Torres",
  "Carlos Alberto Ramírez Soto",
  "Daniela Flores Castillo",
  "Jorge Iván Morales Vega",
  "Valeria Jiménez Ortega",
  "Ricardo Navarro Salinas",
  "Fernanda Aguilar Medina",
  "Alejandro Domínguez Ríos"
]

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** Collects one scenario; every random choice comes from `prng`. */
export class ScenarioBuilder {
  readonly cardholders: ReadonlyArray<Cardholder>
  private readonly drafts: Array<TransactionDraft> = []
  private readonly invoices: Record<string, Array<ScenarioInvoice>> = {}
  private readonly extracted: Record<string, Array<ExtractedDocument>> = {}
  private readonly folder: Array<ScenarioFile> = []
  private readonly folderNames = new Set<string>()
  private readonly links: Array<{ transactionUuid: string; cfdiUuid: string }> = []
  private readonly missing: Array<string> = []
  private readonly notSubject: Array<string> = []

  constructor(readonly prng: Prng, readonly seed: number, readonly company: ScenarioCompany) {
    this.cardholders = NAMES.slice(0, prng.int(4, 7)).map((name) => {
      const lastFourDigits = prng.digits(4)
      return {
        user: { uuid: prng.uuid(), name },
        card: { uuid: prng.uuid(), lastFourDigits, maskedPan: `************${lastFourDigits}` }
      }
    })
  }

  /** Adds a PURCHASE and returns its uuid and cardholder. */
  purchase(draft: PurchaseDraft): TransactionDraft {
    return this.add({ ...draft, type: "PURCHASE" })
  }

  /** Adds a FEE, PAYMENT or CREDIT: recorded as "not subject" in the ground truth. */
  system(type: "FEE" | "PAYMENT" | "CREDIT", label: string, amount: BigDecimal.BigDecimal, operationDate: string) {
    const draft = this.add({
      type,
      descriptor: label,
      merchant: { name: "CLARA", category: "FEES_AND_PAYMENTS", mcc: "6012" },
      amount,
      operationDate
    })
    this.notSubject.push(draft.uuid)
  }

  /** Lists a CFDI under a transaction in Clara (`hasInvoice`), served with its exact bytes. */
  claraInvoice(transactionUuid: string, cfdi: Cfdi, xml: ScenarioFile) {
    const entry: ScenarioInvoice = { cfdiUuid: cfdi.timbre.uuid, invoice: invoiceJsonOf(cfdi), xml }
    ;(this.invoices[transactionUuid] ??= []).push(entry)
  }

  /** Adds an extracted document under a transaction (`hasExtractedDocuments`). */
  extractedDocument(transactionUuid: string, document: ExtractedDocument) {
    ;(this.extracted[transactionUuid] ??= []).push(document)
  }

  /** Adds a file to the folder of CFDIs given to the job; a name already used gets a `-2`, `-3`, ... suffix. */
  folderFile(file: ScenarioFile) {
    let name = file.name
    for (let i = 2; this.folderNames.has(name); i++) name = file.name.replace(/(\.[^.]*)?$/, (ext) => `-${i}${ext}`)
    this.folderNames.add(name)
    this.folder.push({ name, bytes: file.bytes })
  }

  /** Ground truth: the transaction belongs to the CFDI (UUID upper case). */
  link(transactionUuid: string, cfdiUuid: string) {
    this.links.push({ transactionUuid, cfdiUuid: cfdiUuid.toUpperCase() })
  }

  /** Ground truth: a purchase with no CFDI anywhere. */
  missingInvoice(transactionUuid: string) {
    this.missing.push(transactionUuid)
  }

  /**
   * The scenario; transactions in (operationDate, uuid) order, period = the given one or the span of dates, and the
   * directory of users and cards of the cardholders.
   */
  build(period?: { readonly from: string; readonly to: string }): Scenario {
    const drafts = [...this.drafts].sort((a, b) =>
      a.operationDate.localeCompare(b.operationDate) || a.uuid.localeCompare(b.uuid)
    )
    return {
      seed: this.seed,
      company: this.company,
      period: period ?? { from: drafts[0]?.operationDate ?? "", to: drafts.at(-1)?.operationDate ?? "" },
      transactions: drafts.map((d) => this.render(d)),
      invoices: this.invoices,
      extractedDocuments: this.extracted,
      folderCfdis: this.folder,
      groundTruth: {
        links: [...this.links].sort((a, b) => a.transactionUuid.localeCompare(b.transactionUuid)),
        missingInvoice: [...this.missing].sort(),
        notSubject: [...this.notSubject].sort()
      },
      ...directoryOf(this.cardholders, this.seed)
    }
  }

  private add(fields: Omit<TransactionDraft, "uuid" | "cardholder">): TransactionDraft {
    const draft: TransactionDraft = { ...fields, uuid: this.prng.uuid(), cardholder: this.prng.pick(this.cardholders) }
    this.drafts.push(draft)
    return draft
  }

  private render(d: TransactionDraft): TransactionResponseV3 {
    const prng = this.prng
    const system = d.type !== "PURCHASE"
    const accountingDate = system ? d.operationDate : addDays(d.operationDate, prng.int(0, 2))
    const time = `${pad(prng.int(12, 23))}:${pad(prng.int(0, 59))}:${pad(prng.int(0, 59))}.${pad(prng.int(0, 999), 3)}`
    const has = (value: boolean, rel: string) => ({
      value,
      links: value ? [{ rel, href: `/api/v3/transactions/${d.uuid}/${rel}` }] : []
    })
    const documents = this.extracted[d.uuid] ?? []
    return {
      uuid: d.uuid,
      type: d.type,
      transactionLabel: d.descriptor,
      labels: [],
      status: system
        ? { code: "EC", description: "SYSTEM_TRANSACTION" }
        : prng.chance(0.15)
        ? "AUTHORIZED"
        : { code: "OP", description: "AUTHORIZED" },
      comment: null,
      merchant: d.merchant,
      card: d.cardholder.card,
      user: d.cardholder.user,
      authorizationNumber: system ? null : prng.digits(6),
      amountValue: currencyAmount(d.amount, "MXN"),
      originalAmount: currencyAmount(d.original?.value ?? d.amount, d.original?.currency ?? "MXN"),
      operationDate: d.operationDate,
      accountingDate,
      lastUpdateDate: `${accountingDate}T${time}Z`,
      hasInvoice: has((this.invoices[d.uuid] ?? []).length > 0, "invoices"),
      hasAttachments: has(documents.some((doc) => doc.type === "RECEIPT"), "documents"),
      hasExtractedDocuments: has(documents.length > 0, "extracted-documents"),
      installment: null
    }
  }
}
