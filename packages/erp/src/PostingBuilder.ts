/**
 * The posting builder: one reconciled card transaction and its fiscal document -> one balanced journal
 * (erp.md §5.2 "Lines (JE strategy)"), independent of the target ERP.
 */
import type { CardTransaction, CivilDate, FiscalDocument, LineRole, Money } from "@clara-recon/domain"
import {
  CfdiRef,
  formatFixed,
  JournalLine,
  PostingDocument,
  roundHalfUp,
  sumAmounts,
  zeroAmount
} from "@clara-recon/domain"
import * as Arr from "effect/Array"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import { ErpError } from "./ErpError.js"
import { externalKey } from "./ExternalKey.js"
import { type ClosedPeriod, closedPeriodOf, firstOpenDay } from "./ClosedPeriods.js"
import { cumulativeBounds, cumulativeShare, splitByWeights } from "./internal/Allocation.js"
import {
  cardLiabilityAccountOf,
  costCenterOf,
  expenseAccountOf,
  genericRfcs,
  taxCodeOf,
  taxCodeOfRate,
  vendorRfcOf
} from "./internal/MappingRules.js"
import type { MappingConfig } from "./MappingConfig.js"
import { isBalanced } from "./PostingTotals.js"

/**
 * One card charge of a group of charges paying the same document(s) (matching.md §7.6 N charges : 1 CFDI), as
 * `BuildPostingInput.groupCharges` takes it; a `CardTransaction` fits. `amount` is signed as Clara sends it, in
 * decimal units of its currency (its absolute value is allocated); `operationDate` is a civil date in
 * America/Mexico_City.
 */
export interface GroupCharge {
  readonly uuid: string
  readonly amount: Money
  readonly operationDate: CivilDate
}

/** Input of {@link buildPosting}. `version` (default 1) is bumped only for a deliberate re-post. */
export interface BuildPostingInput {
  readonly tenant: string
  readonly transaction: CardTransaction
  readonly document: FiscalDocument
  /**
   * The other CFDIs of a charge backed by several (matching.md §7.6, split invoices: one charge, N CFDIs of one
   * issuer), each in the card currency. Each document gets its own expense, IVA and withholding lines, carrying its
   * UUID, vendor RFC and tax code; the card amount is compared with the sum of the Totals.
   */
  readonly moreDocuments?: ReadonlyArray<FiscalDocument>
  /**
   * Every charge known so far of a group of charges paying the same document(s) (matching.md §7.6 N charges : 1 CFDI:
   * MSI instalments, split tender, deposit + balance), this transaction included (added when missing; an entry with
   * its uuid is replaced by it). The journal then carries this charge's share of every document line, by cumulative
   * rounding over the charges in (operationDate, uuid) order (`internal/Allocation.ts`), and the card liability is
   * this charge's amount; the group's sum, not this charge, is checked against the documents' totals. A charge's
   * journal depends only on the charges ordered before it, so it never changes when later instalments arrive.
   * Not combined with `tip`.
   */
  readonly groupCharges?: ReadonlyArray<GroupCharge>
  readonly mapping: MappingConfig
  readonly version?: number
  /**
   * Tip paid with the card on top of the CFDI total (decimal units of the card currency), taken from a receipt in the
   * link's evidence cluster (matching.md §7.3 step 1). It is posted to the `tips` account, not to the rounding line.
   */
  readonly tip?: BigDecimal.BigDecimal
  /** The run's civil date (America/Mexico_City): the posting date under the `export_date` policy. */
  readonly exportDate?: CivilDate
  /** Closed accounting periods of the target ERP (from `discover` or the config), for the closed-period policy. */
  readonly closedPeriods?: ReadonlyArray<ClosedPeriod>
  /**
   * The company's RFC, the Receptor a CFDI must name for its IVA to be creditable; without it only the generic
   * receptors are told apart.
   */
  readonly companyRfc?: string
}

/**
 * Constructor option for the domain classes built here: their fields come from decoded domain values and checked
 * arithmetic, so the schema check is skipped (it dominated the builder's time, see `test/bench/erp.mjs`).
 */
const trusted = { disableValidation: true } as const

/** Scale of a computed exchange rate (the CFDI `TipoCambio` allows 6 decimals). */
const RATE_SCALE = 6

const { abs, isNegative, isZero, subtract, sum } = BigDecimal
const gt = BigDecimal.greaterThan

type ProblemKind = "VALIDATION" | "CONFIG" | "MAPPING"

const problem = (code: string, userMessage: string, fieldPath: string, kind: ProblemKind = "VALIDATION") =>
  ErpError.rejected(kind, code, userMessage, {
    fieldPath,
    remediation: { action: kind === "VALIDATION" ? "fix_document" : "fix_mapping" }
  })

interface LineSpec {
  readonly side: "debit" | "credit"
  readonly role: LineRole
  readonly account: string
  readonly amount: BigDecimal.BigDecimal
  readonly taxCode?: string
  readonly vendorRfc?: string
  readonly costCenter?: string
}

/** A document's CFDI UUID (its `fiscalUuid`, or the id of a CFDI), upper case; `undefined` for a plain receipt. */
const uuidOf = (d: FiscalDocument): string | undefined =>
  (d.fiscalUuid ?? (d.kind === "CFDI" ? d.id : undefined))?.toUpperCase()

/**
 * One document's amounts in its own currency, made positive for a credit note with a negative total: Total, IVA,
 * IVA, ISR and local taxes withheld, the base (SubTotal - Descuento, or Total - taxes + withheld without a SubTotal),
 * the expense (base + IEPS + local taxes charged) and `inner`, what Total misses of expense + IVA - withheld.
 */
const figuresOf = (document: FiscalDocument) => {
  const positive = (x: BigDecimal.BigDecimal) => isNegative(document.total) ? BigDecimal.negate(x) : x
  const { taxes } = document
  const total = positive(document.total)
  const iva = positive(taxes.ivaTransferred ?? zeroAmount)
  const retLocal = positive(taxes.localWithheld ?? zeroAmount)
  // local taxes charged = the implocal net + what was withheld
  const localCharged = sum(positive(taxes.localNet ?? zeroAmount), retLocal)
  const otherTaxes = sum(positive(taxes.iepsTransferred ?? zeroAmount), localCharged)
  const retIva = positive(taxes.ivaWithheld ?? zeroAmount)
  const retIsr = positive(taxes.isrWithheld ?? zeroAmount)
  const withheld = sum(sum(retIva, retIsr), retLocal)
  const base = document.subTotal === undefined ?
    sum(subtract(total, sum(iva, otherTaxes)), withheld) :
    positive(subtract(document.subTotal, document.discount ?? zeroAmount))
  const expense = sum(base, otherTaxes)
  const inner = subtract(total, subtract(sum(expense, iva), withheld))
  return {
    document,
    docId: `${document.kind} ${document.id}`,
    total,
    iva,
    retIva,
    retIsr,
    retLocal,
    base,
    expense,
    inner
  }
}

/**
 * Why the company cannot credit the IVA of `document` (cfdi.md §1.3, matching.md §7.8), or `undefined` when it can:
 * a CFDI to a generic receptor (`XAXX010101000` public in general, `XEXX010101000` foreign), or to another RFC than
 * `companyRfc`. A CFDI that names no receptor, or another kind of document, is taken as addressed to the company.
 */
const notAddressedToCompany = (document: FiscalDocument, companyRfc: string | undefined): string | undefined => {
  const receptor = document.kind === "CFDI" ? document.receiver.taxId?.trim().toUpperCase() : undefined
  if (receptor === undefined || receptor === "") return undefined
  if (genericRfcs.includes(receptor)) return `the generic receptor ${receptor}`
  const company = companyRfc?.trim().toUpperCase()
  return company !== undefined && company !== "" && receptor !== company ? `${receptor}, not the company ${company}` :
    undefined
}

/**
 * The expense accounts of a document's concepts (`conceptAmounts`, by `ClaveProdServ` rule), each with the weight of
 * its concepts' `Importe - Descuento`, in first-appearance order; empty for a document without concept amounts.
 */
const conceptAccounts = (
  mapping: MappingConfig,
  tx: CardTransaction,
  document: FiscalDocument
): ReadonlyArray<{ readonly account: string; readonly weight: BigDecimal.BigDecimal }> => {
  const weights = new Map<string, BigDecimal.BigDecimal>()
  for (const concept of document.conceptAmounts ?? []) {
    const account = expenseAccountOf(mapping, tx, document, concept.claveProdServ)
    weights.set(account, sum(weights.get(account) ?? zeroAmount, abs(concept.amount)))
  }
  return [...weights].map(([account, weight]) => ({ account, weight }))
}

/** A CFDI of type E (egreso: credit note, return, advance applied). */
const isCreditNote = (document: FiscalDocument): boolean => document.tipoDeComprobante?.trim().toUpperCase() === "E"

/** The figures of a credit note netted against its invoice in a purchase journal: every amount negative. */
const netted = (figure: ReturnType<typeof figuresOf>): ReturnType<typeof figuresOf> => ({
  ...figure,
  total: BigDecimal.negate(figure.total),
  iva: BigDecimal.negate(figure.iva),
  retIva: BigDecimal.negate(figure.retIva),
  retIsr: BigDecimal.negate(figure.retIsr),
  retLocal: BigDecimal.negate(figure.retLocal),
  base: BigDecimal.negate(figure.base),
  expense: BigDecimal.negate(figure.expense),
  inner: BigDecimal.negate(figure.inner)
})

/** The memo's reference to the documents: `CFDI <UUID>[, <UUID>...]`, `<kind> <id>` for one without a UUID. */
const memoOf = (documents: ReadonlyArray<FiscalDocument>): string => {
  const refs = documents.map((d) => uuidOf(d) ?? `${d.kind} ${d.id}`)
  return documents.length === 1 && uuidOf(documents[0]!) === undefined ? refs[0]! : `CFDI ${refs.join(", ")}`
}

/**
 * Builds the balanced journal of one card transaction backed by one fiscal document, or by several
 * (`moreDocuments`: then the expense, IVA and withholding lines repeat per document, in document order, each with that
 * document's UUID; the lines they share carry none, and every document must be in the card currency, else
 * VALIDATION `GROUP_CURRENCY_MISMATCH`). A credit note (type E) among the documents of an invoice (type I) is netted
 * against it (cfdi.md §2.7, matching.md §7.8: the charge paid I.Total - E.Total): its lines take the other side
 * (Cr expense, Cr IVA acreditable, Dr withheld taxes), so the journal books the invoice net of its credit notes.
 *
 * A CFDI not addressed to the company (a generic receptor, or another RFC than `companyRfc`) gives no creditable
 * IVA: its Total is one Dr line to `accounts.nonDeductible`, without tax code (MAPPING `NON_DEDUCTIBLE_ACCOUNT_MISSING`
 * while that account is not mapped).
 *
 * Lines, in this order (amounts in the card currency, each rounded half-up to 2 places):
 * - Dr expense = SubTotal - Descuento + IEPS + local taxes (net), with the IVA tax code of the document; a document
 *   of one IVA rate whose concepts map to several expense accounts (`conceptAmounts` by the ClaveProdServ rules: a
 *   hotel bill's lodging and meals) has one expense line per account, split in proportion to the concepts'
 *   Importe - Descuento by cumulative rounding;
 * - Dr IVA acreditable = transferred IVA;
 * - a document whose concepts mix IVA rates (`TaxTotals.ivaByRate`: 16 % and 0 %, taxed and exempt) has one expense
 *   line per rate, the expense split in proportion to the rates' bases, and one IVA line per rate, the IVA split in
 *   proportion to the rates' amounts (both by cumulative rounding, so the parts add up to the whole line), each with
 *   the rate's tax code (erp.md §5.2: one line per tax rate, as the DIOT reports them);
 * - Cr IVA withheld, Cr ISR withheld, Cr local taxes withheld (implocal, role `other`, `accounts.retLocal`; the
 *   local taxes charged are in the expense), when present;
 * - Dr tip (a receipt's tip paid on top of the CFDI total, same currency);
 * - Dr/Cr rounding (same currency) or FX difference (different currency): the card amount minus the lines above;
 * - Cr card liability = the card amount.
 *
 * A charge that is one of several paying the same document(s) (`groupCharges`: MSI instalments, split tender,
 * matching.md §7.6) gets the same lines (accounts, tax codes, UUIDs), each its share of the document line by
 * cumulative rounding (`internal/Allocation.ts`): with the group's charges ordered by operation date then uuid, cum_k
 * the sum of charges 1..k and T the sum of the documents' Totals, charge k's part of a line L is
 * round(L * cum_k / T) - round(L * cum_(k-1) / T). The card liability is this charge's amount and the rounding line
 * takes the cent difference; over a complete group the parts of every line add up to the line of the 1:1 posting.
 *
 * Without a SubTotal (extracted receipts) the expense is the Total minus taxes. A refund (negative card amount or
 * type REFUND) reverses every side; a zero line is left out. When the CFDI currency differs from the card currency
 * the journal is in the card currency, converted with `TipoCambio` when the card is in MXN, else with the ratio
 * card amount / CFDI total (6 places). The journal's `exchangeRate` is the header rate the ERP books it with (erp.md
 * §5.2, §5.3: SAP `KURSF`, NetSuite `exchangeRate`): units of the company currency (`mapping.companyCurrency`, by
 * default the card's) per unit of the journal currency, only for a journal in another currency and only when the
 * documents give it: the CFDI total in the company currency / the card amount, or the CFDI's `TipoCambio` (to MXN)
 * for a CFDI in the card currency. Absent otherwise: the ERP applies its own rate.
 *
 * The expense (and tip) lines carry the cost centre of the `dimensions` rules and the expense line the vendor RFC
 * per the `vendors` policy (generic RFCs `XAXX010101000` / `XEXX010101000` omitted, kept or refused). The posting
 * date follows `postingDatePolicy` (`export_date` needs `input.exportDate`); a date inside one of
 * `input.closedPeriods` is refused (`closedPeriodPolicy: fail`) or moved to the first open day after it.
 *
 * Fails with ONE `ErpError` (not applied) listing every problem found (`ErpError.combine`, codes in `problems`): CONFIG
 * `INVALID_TENANT`, `INVALID_VERSION`, `EXPORT_DATE_MISSING`; MAPPING `VENDOR_RFC_MISSING`, `VENDOR_GENERIC_RFC`,
 * `NON_DEDUCTIBLE_ACCOUNT_MISSING`; VALIDATION `VENDOR_RFC_INVALID`, `ZERO_CARD_AMOUNT`, `DOCUMENT_TOTALS_INCONSISTENT`
 * (SubTotal, taxes and Total disagree by more than the tolerance), `AMOUNT_GAP_TOO_LARGE` (|Total - card amount| above
 * `roundingTolerance`, same currency; not checked for a group charge), `FX_GAP_TOO_LARGE` (another currency: the FX
 * difference above `fxTolerancePercent` of the card amount + `roundingTolerance`, unless the charge's `originalAmount`
 * is the CFDI Total: then the card itself converted it), `GROUP_OVER_ALLOCATED` (the group's charges add up to more
 * than the documents' Totals + `roundingTolerance`), `GROUP_DOCUMENT_TOTAL_ZERO`, `GROUP_TIP_UNSUPPORTED` (a tip with
 * `groupCharges`), `GROUP_CURRENCY_MISMATCH` (a document or group charge outside the card currency),
 * `FX_RATE_UNAVAILABLE`, `POSTING_UNBALANCED` (an internal guard: debits must equal credits to the cent); PERIOD_CLOSED
 * `PERIOD_CLOSED`. A zero amount, a missing exchange rate or an unmapped local withholding account (MAPPING
 * `LOCAL_WITHHOLDING_ACCOUNT_MISSING`) stop the computation; every other check runs.
 */
export const buildPosting = (input: BuildPostingInput): Either.Either<PostingDocument, ErpError> =>
  Either.gen(function*() {
    const { document: doc, mapping, tenant, transaction: tx } = input
    const version = input.version ?? 1
    const problems: Array<ErpError> = []
    /** Refuses with every problem found so far, then `last`. */
    const refuse = (last: ErpError) => {
      const all = [...problems, last]
      return Either.left(Arr.isNonEmptyReadonlyArray(all) ? ErpError.combine(all) : last)
    }
    if (tenant.trim() === "") problems.push(problem("INVALID_TENANT", "The tenant id is empty", "tenant", "CONFIG"))
    if (!Number.isSafeInteger(version) || version < 1) {
      const message = `Posting version ${version} is not a positive integer`
      problems.push(problem("INVALID_VERSION", message, "version", "CONFIG"))
    }
    const card = tx.amount
    if (isZero(card.amount)) {
      return yield* refuse(problem("ZERO_CARD_AMOUNT", `Transaction ${tx.uuid} has a zero amount`, "transaction.amount"))
    }
    const cardAmount = roundHalfUp(abs(card.amount))
    const tolerance = mapping.roundingTolerance
    const grouped = input.groupCharges !== undefined
    const tipGiven = doc.currency === card.currency && input.tip !== undefined && BigDecimal.isPositive(input.tip)
    if (grouped && tipGiven) {
      problems.push(problem(
        "GROUP_TIP_UNSUPPORTED",
        `Transaction ${tx.uuid} is one of several charges of a group: a receipt tip cannot be allocated to it`,
        "tip"
      ))
    }
    const tip = tipGiven && !grouped ? roundHalfUp(input.tip!) : zeroAmount
    const documents = [doc, ...(input.moreDocuments ?? [])]
    const several = documents.length > 1
    const foreign = documents.filter((d) => d.currency !== card.currency)
    if ((several || grouped) && foreign.length > 0) {
      return yield* refuse(problem(
        "GROUP_CURRENCY_MISMATCH",
        `${foreign.map((d) => `${d.kind} ${d.id}`).join(", ")} in ${foreign[0]!.currency}: the documents of a ` +
          `${several ? "charge backed by several" : "group of charges"} must be in the card currency ${card.currency}`,
        "document.currency"
      ))
    }
    /** The group's charges, this one first, one per uuid; `allocated` holds their amounts positive and rounded. */
    const charges = grouped ?
      [tx, ...input.groupCharges!].filter((c, i, all) => all.findIndex((o) => o.uuid === c.uuid) === i) :
      []
    const foreignCharges = charges.filter((c) => c.amount.currency !== card.currency)
    if (foreignCharges.length > 0) {
      return yield* refuse(problem(
        "GROUP_CURRENCY_MISMATCH",
        `Charge(s) ${foreignCharges.map((c) => c.uuid).join(", ")} in ${foreignCharges[0]!.amount.currency}: the ` +
          `charges of a group must all be in the currency ${card.currency} of transaction ${tx.uuid}`,
        "groupCharges"
      ))
    }
    const allocated = charges.map((c) => ({
      uuid: c.uuid,
      amount: roundHalfUp(abs(c.amount.amount)),
      operationDate: c.operationDate
    }))
    const figures = documents.map((d) => {
      const figure = !isCreditNote(doc) && isCreditNote(d) ? netted(figuresOf(d)) : figuresOf(d)
      if (gt(abs(figure.inner), tolerance)) {
        problems.push(problem(
          "DOCUMENT_TOTALS_INCONSISTENT",
          `${figure.docId}: SubTotal - Descuento + taxes differs from Total ${formatFixed(figure.total)} by ` +
            formatFixed(figure.inner),
          "document.total"
        ))
      }
      return figure
    })
    const first = figures[0]!

    let rate: BigDecimal.BigDecimal | undefined
    /** Sum of the documents' Totals: the T of the group allocation (set for a group only). */
    let documentsTotal = zeroAmount
    if (doc.currency !== card.currency) {
      if (card.currency === "MXN" && doc.exchangeRate !== undefined && BigDecimal.isPositive(doc.exchangeRate)) {
        rate = doc.exchangeRate
      } else if (BigDecimal.isPositive(first.total)) {
        rate = roundHalfUp(BigDecimal.unsafeDivide(cardAmount, first.total), RATE_SCALE)
      } else {
        return yield* refuse(problem(
          "FX_RATE_UNAVAILABLE",
          `${first.docId} in ${doc.currency} has no TipoCambio and no total to convert to ${card.currency}`,
          "document.exchangeRate"
        ))
      }
    } else if (grouped) {
      documentsTotal = sumAmounts(figures.map((f) => roundHalfUp(f.total)))
      const groupSum = sumAmounts(allocated.map((c) => c.amount))
      const named = several ? `the ${figures.length} documents' totals` : `${first.docId} total`
      if (!BigDecimal.isPositive(documentsTotal)) {
        return yield* refuse(problem(
          "GROUP_DOCUMENT_TOTAL_ZERO",
          `${named} is zero: there is nothing to allocate over the ${allocated.length} charge(s) of the group`,
          "document.total"
        ))
      }
      const over = subtract(groupSum, documentsTotal)
      if (gt(over, tolerance)) {
        problems.push(problem(
          "GROUP_OVER_ALLOCATED",
          `The ${allocated.length} charges of the group (${allocated.map((c) => c.uuid).join(", ")}) add up to ` +
            `${formatFixed(groupSum)} ${doc.currency}, above ${named} ${formatFixed(documentsTotal)} by ` +
            `${formatFixed(over)}, beyond the tolerance ${formatFixed(tolerance)}`,
          "groupCharges"
        ))
      }
    } else {
      const totals = sumAmounts(figures.map((f) => roundHalfUp(f.total)))
      const gap = subtract(subtract(cardAmount, tip), totals)
      if (gt(abs(gap), tolerance)) {
        const named = several ? `the ${figures.length} documents' totals` : `${first.docId} total`
        problems.push(problem(
          "AMOUNT_GAP_TOO_LARGE",
          `Card amount ${formatFixed(cardAmount)} and ${named} ${formatFixed(totals)} ${doc.currency} differ ` +
            `by ${formatFixed(gap)}, above the tolerance ${formatFixed(tolerance)}`,
          "transaction.amount"
        ))
      }
    }
    const convert = (x: BigDecimal.BigDecimal) => roundHalfUp(rate === undefined ? x : BigDecimal.multiply(x, rate))
    /** A group charge's part of a document line (cumulative rounding); the whole line otherwise. */
    const bounds = grouped ? cumulativeBounds(allocated, tx.uuid) : undefined
    const line = (x: BigDecimal.BigDecimal) =>
      bounds === undefined ? convert(x) : cumulativeShare(convert(x), bounds, documentsTotal)

    const costCenter = costCenterOf(mapping, tx)
    const dims = costCenter === undefined ? {} : { costCenter }
    /** Lines of one document (its UUID on them), and the lines every document shares (the single one's UUID). */
    const own: Array<{ readonly spec: LineSpec; readonly uuid: string | undefined }> = []
    const withheld: Array<{ readonly spec: LineSpec; readonly uuid: string | undefined }> = []
    let posted = zeroAmount
    for (const figure of figures) {
      const d = figure.document
      const uuid = uuidOf(d)
      const vendor = vendorRfcOf(mapping, d)
      if ("problem" in vendor) {
        const kind = vendor.problem.code === "VENDOR_RFC_INVALID" ? "VALIDATION" : "MAPPING"
        problems.push(problem(vendor.problem.code, vendor.problem.message, "document.issuer.taxId", kind))
      }
      const vendorRfc = "rfc" in vendor ? vendor.rfc : undefined
      const addressedTo = notAddressedToCompany(d, input.companyRfc)
      if (addressedTo !== undefined) {
        // not the company's invoice: no creditable IVA, no withholding of its own; the Total is a non-deductible cost
        if (mapping.accounts.nonDeductible === undefined) {
          problems.push(problem(
            "NON_DEDUCTIBLE_ACCOUNT_MISSING",
            `${figure.docId} is addressed to ${addressedTo}: its IVA is not creditable and its Total is booked as a ` +
              "non-deductible expense, but accounts.nonDeductible is not mapped",
            "mapping.accounts.nonDeductible",
            "MAPPING"
          ))
        }
        const totalLine = line(figure.total)
        posted = sum(posted, totalLine)
        own.push({
          spec: {
            side: "debit",
            role: "expense",
            account: mapping.accounts.nonDeductible ?? expenseAccountOf(mapping, tx, d),
            amount: totalLine,
            ...dims,
            ...(vendorRfc === undefined ? {} : { vendorRfc })
          },
          uuid
        })
        continue
      }
      const expenseLine = line(figure.expense)
      const ivaLine = line(figure.iva)
      const retIvaLine = line(figure.retIva)
      const retIsrLine = line(figure.retIsr)
      const retLocalLine = line(figure.retLocal)
      posted = sum(posted, subtract(sum(expenseLine, ivaLine), sum(sum(retIvaLine, retIsrLine), retLocalLine)))
      if (!isZero(retLocalLine) && mapping.accounts.retLocal === undefined) {
        // no line can carry it: the journal stops here
        return yield* refuse(problem(
          "LOCAL_WITHHOLDING_ACCOUNT_MISSING",
          `${figure.docId} withholds ${formatFixed(figure.retLocal)} ${d.currency} of local taxes (implocal), ` +
            "owed to the state, but accounts.retLocal is not mapped",
          "mapping.accounts.retLocal",
          "MAPPING"
        ))
      }
      const taxCode = taxCodeOf(mapping, d, figure.base)
      const account = expenseAccountOf(mapping, tx, d)
      // a document mixing IVA rates: its expense and IVA lines split by rate, each part with its own tax code; one
      // of a single rate whose concepts map to several accounts: its expense split by account
      const byRate = d.taxes.ivaByRate
      const byAccount = byRate === undefined ? conceptAccounts(mapping, tx, d) : []
      const expenseParts = byRate !== undefined ?
        splitByWeights(expenseLine, byRate.map((r) => abs(r.base))).map((amount, i) => ({
          amount,
          taxCode: taxCodeOfRate(mapping, byRate[i]!.rate),
          account
        })) :
        byAccount.length > 1 ?
        splitByWeights(expenseLine, byAccount.map((a) => a.weight)).map((amount, i) => ({
          amount,
          taxCode,
          account: byAccount[i]!.account
        })) :
        [{ amount: expenseLine, taxCode, account }]
      const ivaParts = byRate === undefined ?
        [{ amount: ivaLine, taxCode }] :
        splitByWeights(ivaLine, byRate.map((r) => abs(r.amount))).map((amount, i) => ({
          amount,
          taxCode: taxCodeOfRate(mapping, byRate[i]!.rate)
        }))
      for (const part of expenseParts) {
        own.push({
          spec: {
            side: "debit",
            role: "expense",
            account: part.account,
            amount: part.amount,
            taxCode: part.taxCode,
            ...dims,
            ...(vendorRfc === undefined ? {} : { vendorRfc })
          },
          uuid
        })
      }
      for (const part of ivaParts) {
        own.push({
          spec: {
            side: "debit",
            role: "iva_acreditable",
            account: mapping.accounts.ivaAcreditable,
            amount: part.amount,
            taxCode: part.taxCode
          },
          uuid
        })
      }
      withheld.push(
        { spec: { side: "credit", role: "ret_iva", account: mapping.accounts.retIva, amount: retIvaLine }, uuid },
        { spec: { side: "credit", role: "ret_isr", account: mapping.accounts.retIsr, amount: retIsrLine }, uuid }
      )
      const retLocalAccount = mapping.accounts.retLocal
      if (retLocalAccount !== undefined) {
        withheld.push({
          spec: { side: "credit", role: "other", account: retLocalAccount, amount: retLocalLine },
          uuid
        })
      }
    }
    const residual = subtract(subtract(cardAmount, tip), posted)
    // the card's own conversion of the CFDI's amount (its originalAmount): the difference is the card's FX spread
    const original = tx.originalAmount
    const convertedByCard = original !== undefined && original.currency === doc.currency &&
      !gt(abs(subtract(abs(original.amount), first.total)), tolerance)
    if (rate !== undefined && !convertedByCard) {
      const percent = BigDecimal.multiply(cardAmount, mapping.fxTolerancePercent)
      const allowed = sum(tolerance, BigDecimal.unsafeDivide(percent, BigDecimal.fromBigInt(100n)))
      if (gt(abs(residual), allowed)) {
        problems.push(problem(
          "FX_GAP_TOO_LARGE",
          `Card amount ${formatFixed(cardAmount)} ${card.currency} and ${first.docId} converted at ` +
            `${BigDecimal.format(rate)} differ by ${formatFixed(residual)}, above ` +
            `${BigDecimal.format(mapping.fxTolerancePercent)} % of the card amount plus the tolerance ` +
            formatFixed(tolerance),
          "transaction.amount"
        ))
      }
    }
    const shared = several ? undefined : uuidOf(doc)
    const specs: ReadonlyArray<{ readonly spec: LineSpec; readonly uuid: string | undefined }> = [
      ...own,
      {
        spec: {
          side: "debit",
          role: "other",
          account: mapping.accounts.tips ?? expenseAccountOf(mapping, tx, doc),
          amount: tip,
          ...dims
        },
        uuid: shared
      },
      ...withheld,
      {
        spec: rate === undefined ?
          { side: "debit", role: "rounding", account: mapping.accounts.rounding, amount: residual } :
          { side: "debit", role: "fx_diff", account: mapping.accounts.fxDiff, amount: residual },
        uuid: shared
      },
      {
        spec: {
          side: "credit",
          role: "card_liability",
          account: cardLiabilityAccountOf(mapping, tx),
          amount: cardAmount
        },
        uuid: shared
      }
    ]

    const reversed = isNegative(card.amount) || tx.type === "REFUND"
    const text = tx.merchantName ?? tx.descriptor
    const lines = specs.filter(({ spec }) => !isZero(spec.amount)).map(({ spec, uuid }) => {
      const flip = isNegative(spec.amount) !== reversed
      return new JournalLine({
        ...spec,
        side: flip ? (spec.side === "debit" ? "credit" : "debit") : spec.side,
        amount: abs(spec.amount),
        ...(uuid === undefined ? {} : { cfdiUuid: uuid }),
        text
      }, trusted)
    })

    const policyDate = mapping.postingDatePolicy === "cfdi_fecha" ?
      doc.issueDate :
      mapping.postingDatePolicy === "card_posted" ?
      tx.accountingDate ?? tx.operationDate :
      mapping.postingDatePolicy === "export_date" ?
      input.exportDate :
      tx.operationDate
    if (policyDate === undefined) {
      problems.push(problem(
        "EXPORT_DATE_MISSING",
        "The posting date policy is export_date but no export date was given",
        "exportDate",
        "CONFIG"
      ))
    }
    const closedPeriods = input.closedPeriods ?? []
    const closed = policyDate === undefined ? undefined : closedPeriodOf(policyDate, closedPeriods)
    if (closed !== undefined && mapping.closedPeriodPolicy === "fail") {
      problems.push(ErpError.rejected(
        "PERIOD_CLOSED",
        "PERIOD_CLOSED",
        `Posting date ${policyDate} of transaction ${tx.uuid} falls in the closed period ${closed.start} to ` +
          `${closed.end}`,
        { fieldPath: "postingDate", remediation: { action: "shift_date", target: `${closed.start}..${closed.end}` } }
      ))
    }
    const postingDate = policyDate === undefined ? tx.operationDate : firstOpenDay(policyDate, closedPeriods)
    const companyCurrency = mapping.companyCurrency ?? card.currency
    const headerRate = card.currency === companyCurrency
      ? undefined
      : !several && !grouped && doc.currency === companyCurrency && BigDecimal.isPositive(first.total)
      ? roundHalfUp(BigDecimal.unsafeDivide(abs(first.total), cardAmount), RATE_SCALE)
      : doc.currency === card.currency && companyCurrency === "MXN" && doc.exchangeRate !== undefined &&
          BigDecimal.isPositive(doc.exchangeRate)
      ? doc.exchangeRate
      : undefined

    const posting = new PostingDocument({
      sourceId: tx.uuid,
      externalKey: externalKey(tenant, tx.uuid, version),
      version,
      documentDate: doc.issueDate,
      postingDate,
      currency: card.currency,
      ...(headerRate === undefined ? {} : { exchangeRate: headerRate }),
      memo: `${text} | ${memoOf(documents)}`,
      companyCode: mapping.companyCode,
      documentType: mapping.documentType,
      ...(tx.cardLastFour === undefined ? {} : { cardLastFour: tx.cardLastFour }),
      cfdis: documents.flatMap((d) => {
        const uuid = uuidOf(d)
        return uuid === undefined ? [] : [
          new CfdiRef({
            uuid,
            fecha: d.issuedAt ?? d.issueDate,
            ...(d.issuer.taxId === undefined ? {} : { rfcEmisor: d.issuer.taxId }),
            ...(d.serie === undefined ? {} : { serie: d.serie }),
            ...(d.folio === undefined ? {} : { folio: d.folio })
          }, trusted)
        ]
      }),
      lines
    }, trusted)
    if (!isBalanced(posting)) {
      problems.push(problem("POSTING_UNBALANCED", `Posting for transaction ${tx.uuid} does not balance`, "lines"))
    }
    if (Arr.isNonEmptyReadonlyArray(problems)) return yield* Either.left(ErpError.combine(problems))
    return posting
  })
