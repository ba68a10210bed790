/**
 * The posting builder: one reconciled card transaction and its fiscal document -> one balanced journal
 * (erp.md §5.2 "Lines (JE strategy)"), independent of the target ERP.
 */
import type { CardTransaction, FiscalDocument, LineRole } from "@clara-recon/domain"
import { CfdiRef, formatFixed, JournalLine, PostingDocument, roundHalfUp, zeroAmount } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import { ErpError } from "./ErpError.js"
import { externalKey } from "./ExternalKey.js"
import { cardLiabilityAccountOf, expenseAccountOf, taxCodeOf } from "./internal/MappingRules.js"
import type { MappingConfig } from "./MappingConfig.js"
import { isBalanced } from "./PostingTotals.js"

/** Input of {@link buildPosting}. `version` (default 1) is bumped only for a deliberate re-post. */
export interface BuildPostingInput {
  readonly tenant: string
  readonly transaction: CardTransaction
  readonly document: FiscalDocument
  readonly mapping: MappingConfig
  readonly version?: number
  /**
   * Tip paid with the card on top of the CFDI total (decimal units of the card currency), taken from a receipt in the
   * link's evidence cluster (matching.md §7.3 step 1). It is posted to the `tips` account, not to the rounding line.
   */
  readonly tip?: BigDecimal.BigDecimal
}

/** Scale of a computed exchange rate (the CFDI `TipoCambio` allows 6 decimals). */
const RATE_SCALE = 6

const { abs, isNegative, isZero, subtract, sum } = BigDecimal
const gt = BigDecimal.greaterThan

const rejected = (code: string, userMessage: string, fieldPath: string, kind: "VALIDATION" | "CONFIG" = "VALIDATION") =>
  Either.left(
    ErpError.rejected(kind, code, userMessage, {
      fieldPath,
      remediation: { action: kind === "CONFIG" ? "fix_mapping" : "fix_document" }
    })
  )

interface LineSpec {
  readonly side: "debit" | "credit"
  readonly role: LineRole
  readonly account: string
  readonly amount: BigDecimal.BigDecimal
  readonly taxCode?: string
  readonly vendorRfc?: string
}

/**
 * Builds the balanced journal of one card transaction backed by one fiscal document.
 *
 * Lines, in this order (amounts in the card currency, each rounded half-up to 2 places):
 * - Dr expense = SubTotal - Descuento + IEPS + local taxes (net), with the IVA tax code of the document;
 * - Dr IVA acreditable = transferred IVA;
 * - Cr IVA withheld, Cr ISR withheld, when present;
 * - Dr tip (a receipt's tip paid on top of the CFDI total, same currency);
 * - Dr/Cr rounding (same currency) or FX difference (different currency): the card amount minus the lines above;
 * - Cr card liability = the card amount.
 *
 * Without a SubTotal (extracted receipts) the expense is the Total minus taxes. A refund (negative card amount or
 * type REFUND) reverses every side; a zero line is left out. When the CFDI currency differs from the card currency
 * the journal is in the card currency, converted with `TipoCambio` when the card is in MXN, else with the ratio
 * card amount / CFDI total (6 places); the rate is recorded in `exchangeRate`.
 *
 * Fails with `ErpError` (not applied): CONFIG `INVALID_TENANT`, `INVALID_VERSION`; VALIDATION `ZERO_CARD_AMOUNT`,
 * `DOCUMENT_TOTALS_INCONSISTENT` (SubTotal, taxes and Total disagree by more than the tolerance),
 * `AMOUNT_GAP_TOO_LARGE` (|Total - card amount| above `roundingTolerance`, same currency), `FX_RATE_UNAVAILABLE`,
 * `POSTING_UNBALANCED` (an internal guard: debits must equal credits to the cent).
 */
export const buildPosting = (input: BuildPostingInput): Either.Either<PostingDocument, ErpError> =>
  Either.gen(function*() {
    const { document: doc, mapping, tenant, transaction: tx } = input
    const version = input.version ?? 1
    if (tenant.trim() === "") return yield* rejected("INVALID_TENANT", "The tenant id is empty", "tenant", "CONFIG")
    if (!Number.isSafeInteger(version) || version < 1) {
      const message = `Posting version ${version} is not a positive integer`
      return yield* rejected("INVALID_VERSION", message, "version", "CONFIG")
    }
    const card = tx.amount
    if (isZero(card.amount)) {
      return yield* rejected("ZERO_CARD_AMOUNT", `Transaction ${tx.uuid} has a zero amount`, "transaction.amount")
    }
    const cardAmount = roundHalfUp(abs(card.amount))
    const tolerance = mapping.roundingTolerance
    const tip = doc.currency === card.currency && input.tip !== undefined && BigDecimal.isPositive(input.tip)
      ? roundHalfUp(input.tip)
      : zeroAmount
    const docId = `${doc.kind} ${doc.id}`

    // Document amounts in the document currency, made positive for credit notes with a negative total.
    const positive = (x: BigDecimal.BigDecimal) => isNegative(doc.total) ? BigDecimal.negate(x) : x
    const total = positive(doc.total)
    const iva = positive(doc.taxes.ivaTransferred ?? zeroAmount)
    const otherTaxes = positive(sum(doc.taxes.iepsTransferred ?? zeroAmount, doc.taxes.localNet ?? zeroAmount))
    const retIva = positive(doc.taxes.ivaWithheld ?? zeroAmount)
    const retIsr = positive(doc.taxes.isrWithheld ?? zeroAmount)
    const withheld = sum(retIva, retIsr)
    const base = doc.subTotal === undefined ?
      sum(subtract(total, sum(iva, otherTaxes)), withheld) :
      positive(subtract(doc.subTotal, doc.discount ?? zeroAmount))
    const expense = sum(base, otherTaxes)
    const inner = subtract(total, subtract(sum(expense, iva), withheld))
    if (gt(abs(inner), tolerance)) {
      return yield* rejected(
        "DOCUMENT_TOTALS_INCONSISTENT",
        `${docId}: SubTotal - Descuento + taxes differs from Total ${formatFixed(total)} by ${formatFixed(inner)}`,
        "document.total"
      )
    }

    let rate: BigDecimal.BigDecimal | undefined
    if (doc.currency !== card.currency) {
      if (card.currency === "MXN" && doc.exchangeRate !== undefined && BigDecimal.isPositive(doc.exchangeRate)) {
        rate = doc.exchangeRate
      } else if (BigDecimal.isPositive(total)) {
        rate = roundHalfUp(BigDecimal.unsafeDivide(cardAmount, total), RATE_SCALE)
      } else {
        return yield* rejected(
          "FX_RATE_UNAVAILABLE",
          `${docId} in ${doc.currency} has no TipoCambio and no total to convert to ${card.currency}`,
          "document.exchangeRate"
        )
      }
    } else {
      const gap = subtract(subtract(cardAmount, tip), roundHalfUp(total))
      if (gt(abs(gap), tolerance)) {
        return yield* rejected(
          "AMOUNT_GAP_TOO_LARGE",
          `Card amount ${formatFixed(cardAmount)} and ${docId} total ${formatFixed(total)} ${doc.currency} differ ` +
            `by ${formatFixed(gap)}, above the tolerance ${formatFixed(tolerance)}`,
          "transaction.amount"
        )
      }
    }
    const convert = (x: BigDecimal.BigDecimal) => roundHalfUp(rate === undefined ? x : BigDecimal.multiply(x, rate))

    const expenseLine = convert(expense)
    const ivaLine = convert(iva)
    const retIvaLine = convert(retIva)
    const retIsrLine = convert(retIsr)
    const residual = subtract(
      subtract(cardAmount, tip),
      subtract(sum(expenseLine, ivaLine), sum(retIvaLine, retIsrLine))
    )
    const taxCode = taxCodeOf(mapping, doc, base)
    const specs: ReadonlyArray<LineSpec> = [
      {
        side: "debit",
        role: "expense",
        account: expenseAccountOf(mapping, tx, doc),
        amount: expenseLine,
        taxCode,
        ...(doc.issuer.taxId === undefined ? {} : { vendorRfc: doc.issuer.taxId })
      },
      { side: "debit", role: "iva_acreditable", account: mapping.accounts.ivaAcreditable, amount: ivaLine, taxCode },
      { side: "debit", role: "other", account: mapping.accounts.tips ?? expenseAccountOf(mapping, tx, doc), amount: tip },
      { side: "credit", role: "ret_iva", account: mapping.accounts.retIva, amount: retIvaLine },
      { side: "credit", role: "ret_isr", account: mapping.accounts.retIsr, amount: retIsrLine },
      rate === undefined ?
        { side: "debit", role: "rounding", account: mapping.accounts.rounding, amount: residual } :
        { side: "debit", role: "fx_diff", account: mapping.accounts.fxDiff, amount: residual },
      { side: "credit", role: "card_liability", account: cardLiabilityAccountOf(mapping, tx), amount: cardAmount }
    ]

    const reversed = isNegative(card.amount) || tx.type === "REFUND"
    const cfdiUuid = (doc.fiscalUuid ?? (doc.kind === "CFDI" ? doc.id : undefined))?.toUpperCase()
    const text = tx.merchantName ?? tx.descriptor
    const lines = specs.filter((spec) => !isZero(spec.amount)).map((spec) => {
      const flip = isNegative(spec.amount) !== reversed
      return new JournalLine({
        ...spec,
        side: flip ? (spec.side === "debit" ? "credit" : "debit") : spec.side,
        amount: abs(spec.amount),
        ...(cfdiUuid === undefined ? {} : { cfdiUuid }),
        text
      })
    })

    const posting = new PostingDocument({
      sourceId: tx.uuid,
      externalKey: externalKey(tenant, tx.uuid, version),
      version,
      documentDate: doc.issueDate,
      postingDate: mapping.postingDatePolicy === "cfdi_fecha" ? doc.issueDate : tx.operationDate,
      currency: card.currency,
      ...(rate === undefined ? {} : { exchangeRate: rate }),
      memo: `${text} | ${cfdiUuid === undefined ? docId : `CFDI ${cfdiUuid}`}`,
      companyCode: mapping.companyCode,
      documentType: mapping.documentType,
      ...(tx.cardLastFour === undefined ? {} : { cardLastFour: tx.cardLastFour }),
      cfdis: cfdiUuid === undefined ? [] : [
        new CfdiRef({
          uuid: cfdiUuid,
          fecha: doc.issuedAt ?? doc.issueDate,
          ...(doc.issuer.taxId === undefined ? {} : { rfcEmisor: doc.issuer.taxId }),
          ...(doc.serie === undefined ? {} : { serie: doc.serie }),
          ...(doc.folio === undefined ? {} : { folio: doc.folio })
        })
      ],
      lines
    })
    if (!isBalanced(posting)) {
      return yield* rejected("POSTING_UNBALANCED", `Posting for transaction ${tx.uuid} does not balance`, "lines")
    }
    return posting
  })
