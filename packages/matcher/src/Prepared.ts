/**
 * Input preparation: de-duplicated, id-sorted views of transactions and documents with their derived keys
 * (minor units, epoch days, normalised names), computed once per run (matching.md §7.2, §7.12, §7.14).
 */
import type { CardTransaction, FiscalDocument } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import { canonicalJson } from "@clara-recon/domain"
import { epochDay, monthEndDay } from "./internal/Dates.js"
import { absMinor } from "./internal/Minor.js"
import { identityRfc } from "./internal/Rfc.js"
import { sortById } from "./internal/SortById.js"
import type { FxLookup, FxSource } from "./Fx.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { NameProfile } from "./Similarity.js"

/** Which transactions a document can back: purchases (CFDI type I, receipts) or refunds (CFDI type E). */
export type Direction = "PURCHASE" | "REFUND"

/** A transaction with its derived keys. `index` is its position in uuid order. */
export interface TransactionView {
  readonly index: number
  readonly tx: CardTransaction
  /** Copies of hot fields of `tx` (one object shape for every view). */
  readonly uuid: string
  readonly type: CardTransaction["type"]
  readonly userUuid: string | undefined
  readonly mcc: string | undefined
  /** PURCHASE or REFUND, not REJECTED (matching.md §7.2). */
  readonly subject: boolean
  /** Epoch day of `operationDate`; undefined when the date is not a real date. */
  readonly day: number | undefined
  /** |amount| in minor units of `currency` (the account currency). */
  readonly amountMinor: bigint
  readonly currency: string
  /** The merchant-currency amount, only when its currency differs from the account currency. */
  readonly original: { readonly minor: bigint; readonly currency: string } | undefined
  /** Normalised descriptor and merchant name (non-empty only). */
  readonly names: ReadonlyArray<NameProfile>
  /** Alias-table key of the descriptor. */
  readonly descriptorKey: string
  /** At least 3 characters survive normalisation (§7.4 "Descriptor uninformative"). */
  readonly informative: boolean
  readonly distinctive: boolean
  readonly restaurant: boolean
  /** The charge is in the last `monthEndDays` days of its month (CFDI window +45). */
  readonly monthEnd: boolean
  /** Card identity (`cardUuid`, else the last four digits), for duplicates, reversals and split tender. */
  readonly cardKey: string | undefined
  /** MSI instalment `number` of `of` (Clara `installmentNumber` / `installment`, or `MSI`, `n/12` in the label). */
  readonly instalment: { readonly number: number; readonly of: number } | undefined
}

/** A usable fiscal or extracted document with its derived keys. */
export interface DocumentView {
  readonly doc: FiscalDocument
  /** CFDI or NF-e (a fiscal invoice), as opposed to an extracted document. */
  readonly fiscal: boolean
  readonly direction: Direction
  readonly day: number
  /** |total| in minor units of `currency`. */
  readonly totalMinor: bigint
  /** Receipt tip in minor units (0 when none). */
  readonly tipMinor: bigint
  readonly currency: string
  /** Total x rate in MXN minor units, for a foreign-currency CFDI: its `TipoCambio`, else the FX table (§7.7). */
  readonly convertedMinor: bigint | undefined
  /** The rate behind `convertedMinor` and its source. */
  readonly fx: { readonly rate: BigDecimal.BigDecimal; readonly source: FxSource; readonly date: string } | undefined
  /** A foreign-currency CFDI with neither a `TipoCambio` nor a table rate (NO_FX_RATE). */
  readonly noFxRate: boolean
  /** CFDI `MetodoPago` is PPD (a payment complement is expected, §7.8). */
  readonly ppd: boolean
  /** Issuer RFC when it counts as identity (well formed, not generic). */
  readonly issuerRfc: string | undefined
  readonly issuerName: ReadonlyArray<string>
  readonly notVerified: boolean
  /** Transactions Clara lists this document under. */
  readonly attachedTo: ReadonlyArray<string>
  /** Uploader of an extracted document. */
  readonly uploadedBy: string | undefined
  /** CFDI `FormaPago`, trimmed (CFDIs only). */
  readonly formaPago: string | undefined
  readonly claveProdServ: string | undefined
}

/** Why a document did not enter matching. `INVALID` documents are reported; the others are vetoes. */
export type DocumentRejection = "INVALID_DATE" | "NEGATIVE_AMOUNT" | "CANCELLED" | "SUBSTITUTED" | "NOT_MATCHABLE_TYPE"

/** The documents that enter matching, and those that do not with the reason. */
export interface PreparedDocuments {
  readonly views: ReadonlyArray<DocumentView>
  readonly rejected: ReadonlyArray<{ readonly doc: FiscalDocument; readonly reason: DocumentRejection }>
}

/** Memoised name normaliser. */
export type NameNormaliser = (text: string) => ReadonlyArray<string>

const uniqueById = <A>(items: ReadonlyArray<A>, key: (a: A) => string, presorted?: ReadonlyArray<A>): Array<A> => {
  const sorted = presorted ?? sortById(items, key)
  const keys = sorted.map(key)
  const out: Array<A> = []
  for (let i = 0; i < sorted.length;) {
    let j = i + 1
    while (j < sorted.length && keys[j] === keys[i]) j++
    if (j - i === 1) out.push(sorted[i]!)
    else {
      const group = sorted.slice(i, j).map((item) => ({ item, canonical: canonicalJson(item) }))
      group.sort((a, b) => (a.canonical < b.canonical ? -1 : a.canonical > b.canonical ? 1 : 0))
      out.push(group[0]!.item)
    }
    i = j
  }
  return out
}

const labelPlan = /(?:^|[^0-9])(\d{1,2})\s*\/\s*(\d{1,2})(?:[^0-9]|$)/
const msiWord = /\bMSI\b|MESES SIN INTERESES/

const positiveInt = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const match = /\d+/.exec(text)
  const value = match === null ? NaN : Number(match[0])
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/**
 * The MSI instalment of a charge (matching.md §7.6): Clara's `installmentNumber` of `installment` when both are
 * numbers (their semantics are still to be confirmed, §8 question 1), else a `k/n` pattern in a descriptor that also
 * says `MSI`. `undefined` for a single payment.
 */
export const instalmentOf = (tx: CardTransaction): { readonly number: number; readonly of: number } | undefined => {
  const of = positiveInt(tx.installment)
  const number = positiveInt(tx.installmentNumber)
  if (of !== undefined && number !== undefined && of > 1 && number <= of) return { number, of }
  const label = tx.descriptor.toUpperCase()
  const plan = labelPlan.exec(label)
  if (plan !== null && msiWord.test(label)) {
    const k = Number(plan[1])
    const n = Number(plan[2])
    if (n > 1 && k >= 1 && k <= n) return { number: k, of: n }
  }
  return undefined
}

const isSubject = (tx: CardTransaction): boolean => {
  const status = tx.status.trim().toUpperCase()
  return (tx.type === "PURCHASE" || tx.type === "REFUND") && status !== "REJECTED" && status !== "RJ"
}

/**
 * Builds transaction views in uuid order (duplicated uuids collapse to one record). `sorted`, when given, is
 * `transactions` already sorted by `sortById` on `uuid` (the engine sorts once for this and `inputsHash`).
 */
export const prepareTransactions = (
  transactions: ReadonlyArray<CardTransaction>,
  normalise: NameNormaliser,
  profile: (tokens: ReadonlyArray<string>) => NameProfile,
  config: MatcherConfig,
  sorted?: ReadonlyArray<CardTransaction>
): ReadonlyArray<TransactionView> => {
  // The name fields depend only on the normalised descriptor and merchant name (memoised token lists, so the same
  // list object for the same text): computed once per distinct pair, shared by the views (never mutated).
  const byDescriptor = new Map<ReadonlyArray<string>, Map<ReadonlyArray<string>, NameFields>>()
  const nameFields = (descriptor: ReadonlyArray<string>, merchant: ReadonlyArray<string>): NameFields => {
    let byMerchant = byDescriptor.get(descriptor)
    if (byMerchant === undefined) byDescriptor.set(descriptor, byMerchant = new Map())
    let fields = byMerchant.get(merchant)
    if (fields === undefined) {
      const names = [descriptor, merchant].filter((tokens) => tokens.length > 0).map(profile)
      fields = {
        names,
        descriptorKey: names[0] !== undefined && names[0].tokens === descriptor ? names[0].key : descriptor.join(" "),
        // Characters of the tokens without the separating spaces of the profile's key.
        informative: names.some((name) => name.key.length - (name.tokens.length - 1) >= 3),
        distinctive: names.some((name) => name.distinctive)
      }
      byMerchant.set(merchant, fields)
    }
    return fields
  }
  return uniqueById(transactions, (tx) => tx.uuid, sorted).map((tx, index) => {
    const day = epochDay(tx.operationDate)
    const { descriptorKey, distinctive, informative, names } = nameFields(
      normalise(tx.descriptor),
      normalise(tx.merchantName ?? "")
    )
    const original = tx.originalAmount && tx.originalAmount.currency !== tx.amount.currency
      ? { minor: absMinor(tx.originalAmount.amount), currency: tx.originalAmount.currency }
      : undefined
    const lastDay = monthEndDay(tx.operationDate)
    return {
      index,
      tx,
      uuid: tx.uuid,
      type: tx.type,
      userUuid: tx.userUuid,
      mcc: tx.mcc,
      subject: isSubject(tx),
      day,
      amountMinor: absMinor(tx.amount.amount),
      currency: tx.amount.currency,
      original,
      names,
      descriptorKey,
      informative,
      distinctive,
      restaurant: tx.mcc !== undefined && config.restaurantMccs.includes(tx.mcc),
      monthEnd: day !== undefined && lastDay !== undefined && lastDay - day < config.monthEndDays,
      cardKey: tx.cardUuid ?? tx.cardLastFour,
      instalment: instalmentOf(tx)
    }
  })
}

/** The name fields of a transaction view. */
interface NameFields {
  readonly names: ReadonlyArray<NameProfile>
  readonly descriptorKey: string
  readonly informative: boolean
  readonly distinctive: boolean
}

const fiscalKinds: ReadonlySet<string> = new Set(["CFDI", "NFE"])

const directionOf = (doc: FiscalDocument): Direction | undefined => {
  if (!fiscalKinds.has(doc.kind)) return "PURCHASE"
  const tipo = doc.tipoDeComprobante?.trim().toUpperCase()
  return tipo === undefined || tipo === "I" ? "PURCHASE" : tipo === "E" ? "REFUND" : undefined
}

const upper = (id: string): string => id.trim().toUpperCase()

/** The fiscal UUID a document carries (its `fiscalUuid`, else its id), trimmed and upper case: how CFDIs name it. */
export const fiscalUuidOf = (doc: FiscalDocument): string => upper(doc.fiscalUuid ?? doc.id)

const admit = (
  doc: FiscalDocument,
  fiscal: boolean,
  substituted: ReadonlySet<string>
): { readonly day: number; readonly direction: Direction } | DocumentRejection => {
  const day = epochDay(doc.issueDate)
  const direction = directionOf(doc)
  if (day === undefined) return "INVALID_DATE"
  // a fiscal document's amounts are never negative (Anexo 20 t_Importe; a credit note is type E with positive ones)
  const negative = BigDecimal.isNegative(doc.total) ||
    (doc.subTotal !== undefined && BigDecimal.isNegative(doc.subTotal))
  if (fiscal && negative) return "NEGATIVE_AMOUNT"
  if (fiscal && upper(doc.satStatus ?? "") === "CANCELADO") return "CANCELLED"
  if (fiscal && substituted.size > 0 && substituted.has(fiscalUuidOf(doc))) return "SUBSTITUTED"
  if (direction === undefined) return "NOT_MATCHABLE_TYPE"
  return { day, direction }
}

/**
 * Builds document views in id order. Vetoes (matching.md §7.8): cancelled CFDIs (`satStatus` Cancelado) and CFDIs
 * substituted by another input CFDI (`TipoRelacion 04`) never become candidates; neither do types P, T and N.
 * `sorted`, when given, is `documents` already sorted by `sortById` on `id`.
 */
export const prepareDocuments = (
  documents: ReadonlyArray<FiscalDocument>,
  normalise: NameNormaliser,
  fxTable?: FxLookup,
  sorted?: ReadonlyArray<FiscalDocument>
): PreparedDocuments => {
  const unique = uniqueById(documents, (doc) => doc.id, sorted)
  const substituted = new Set<string>()
  for (const doc of unique) {
    for (const relation of doc.relations) {
      if (relation.tipoRelacion.trim() === "04") for (const uuid of relation.uuids) substituted.add(upper(uuid))
    }
  }
  const views: Array<DocumentView> = []
  const rejected: Array<{ doc: FiscalDocument; reason: DocumentRejection }> = []
  for (const doc of unique) {
    const fiscal = fiscalKinds.has(doc.kind)
    const admitted = admit(doc, fiscal, substituted)
    if (typeof admitted === "string") {
      rejected.push({ doc, reason: admitted })
      continue
    }
    const { day, direction } = admitted
    const foreign = fiscal && doc.currency.trim().toUpperCase() !== "MXN"
    const fx = !foreign
      ? undefined
      : doc.exchangeRate !== undefined && BigDecimal.isPositive(doc.exchangeRate)
      ? { rate: doc.exchangeRate, source: "TIPO_CAMBIO" as const, date: doc.issueDate }
      : fxTable?.(doc.currency, day)
    const converted = fx === undefined ? undefined : absMinor(BigDecimal.multiply(doc.total, fx.rate))
    views.push({
      doc,
      fiscal,
      direction,
      day,
      totalMinor: absMinor(doc.total),
      tipMinor: doc.tipAmount === undefined ? 0n : absMinor(doc.tipAmount),
      currency: doc.currency,
      convertedMinor: converted,
      fx,
      noFxRate: foreign && fx === undefined,
      ppd: fiscal && doc.metodoPago?.trim().toUpperCase() === "PPD",
      issuerRfc: identityRfc(doc.issuer.taxId),
      issuerName: normalise(doc.issuer.name ?? ""),
      notVerified: doc.validationStatus?.trim().toUpperCase() === "NOT_VERIFIED",
      attachedTo: doc.claraTransactionUuids,
      uploadedBy: fiscal ? undefined : doc.uploadedByUserUuid,
      formaPago: doc.kind === "CFDI" ? doc.formaPago?.trim() : undefined,
      claveProdServ: doc.claveProdServ
    })
  }
  return { views, rejected }
}
