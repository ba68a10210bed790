/**
 * A scenario built around real CFDI files (for the demo over a user's invoices and for tests over the shared
 * fixtures): each eligible invoice becomes at most one card charge, described the way the card network prints its
 * issuer (matching.md §4.5), plus purchases with no invoice, same-amount decoys, a FEE and a PAYMENT.
 */
import type { Cfdi } from "@clara-recon/cfdi"
import { readCfdi } from "@clara-recon/cfdi"
import { addDays, roundHalfUp } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import * as path from "node:path"
import { purchaseWithoutInvoice, systemTransaction } from "./internal/CommonTransactions.js"
import { descriptorOf } from "./internal/Descriptor.js"
import { categoryOf, mccForProduct } from "./internal/Issuers.js"
import { Prng } from "@clara-recon/domain"
import { ScenarioBuilder, type TransactionDraft } from "./internal/ScenarioBuilder.js"
import type { Scenario, ScenarioCompany } from "./Scenario.js"
import { sandboxCompany } from "./ScenarioGenerator.js"

/** One input file: where it was read from and its exact bytes. */
export interface InvoiceFile {
  readonly path: string
  readonly bytes: Uint8Array
}

/** Options of `scenarioFromInvoices`. */
export interface ScenarioFromInvoicesOptions {
  readonly seed: number
  readonly files: ReadonlyArray<InvoiceFile>
  /** The company's RFC; when given, only invoices it received become charges. */
  readonly companyRfc?: string
}

interface ReadFile {
  readonly file: InvoiceFile
  readonly cfdi: Cfdi
}

const positive = (value: BigDecimal.BigDecimal) => BigDecimal.greaterThan(value, BigDecimal.fromBigInt(0n))

/**
 * Whether a CFDI can stand behind one card charge: an ingreso (I), paid in one instalment (not PPD, which is settled
 * through a payment complement, cfdi.md §2.6), with a positive Total in a real currency (not `XXX`), and a
 * TipoCambio when it is not in MXN.
 */
const eligible = (cfdi: Cfdi, companyRfc: string | undefined) =>
  cfdi.tipoDeComprobante === "I" && cfdi.metodoPago !== "PPD" && positive(cfdi.total) && cfdi.moneda !== "XXX" &&
  (cfdi.moneda === "MXN" || cfdi.tipoCambio !== undefined) &&
  (companyRfc === undefined || cfdi.receptor.rfc === companyRfc)

/** The receptor the most invoices were addressed to (ties: the smallest RFC), or the sandbox company. */
const companyOf = (read: ReadonlyArray<ReadFile>, companyRfc: string | undefined): ScenarioCompany => {
  const counts = new Map<string, number>()
  for (const { cfdi } of read) counts.set(cfdi.receptor.rfc, (counts.get(cfdi.receptor.rfc) ?? 0) + 1)
  const rfc = companyRfc ??
    [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0] ??
    sandboxCompany.rfc
  const receptor = read.find((r) => r.cfdi.receptor.rfc === rfc)?.cfdi.receptor
  return {
    rfc,
    name: receptor?.nombre ?? (rfc === sandboxCompany.rfc ? sandboxCompany.name : rfc),
    regimenFiscal: receptor?.regimenFiscalReceptor ?? sandboxCompany.regimenFiscal,
    zip: receptor?.domicilioFiscalReceptor ?? sandboxCompany.zip
  }
}

/**
 * Builds a scenario from CFDI files, deterministic for the same seed and files (files are taken in path order).
 *
 * Every file `readCfdi` accepts is put in `folderCfdis` (by file name; a repeated name gets a `-2` suffix). Each
 * distinct TFD UUID of an eligible invoice (see `eligible`) yields at most one PURCHASE: about 10 % are left without a
 * charge (orphan invoices); the descriptor is derived from the issuer `Nombre` (upper case, no accents or legal form,
 * abbreviated, at most 22 characters, sometimes a processor prefix); the amount is `Total` in MXN, or for a foreign
 * currency `originalAmount` = `Total` in its `Moneda` and `amountValue` = `Total` x `TipoCambio` (half-up, 2 places);
 * the operation date is 0 to 3 days before `Fecha`. About 30 % are also listed by Clara (`hasInvoice`, same bytes).
 * Added: same-amount decoys at other merchants within a day (about 10 %, no invoice), purchases without invoice
 * (about 15 %), one FEE and one PAYMENT. With `companyRfc`, only invoices to that RFC count; otherwise the company is
 * the most frequent `Receptor`. Unreadable files are skipped. Pure; never fails.
 */
export const scenarioFromInvoices = (options: ScenarioFromInvoicesOptions): Scenario => {
  const companyRfc = options.companyRfc?.trim().toUpperCase()
  const files = [...options.files].sort((a, b) => a.path.localeCompare(b.path))
  const read = files.flatMap((file) => {
    const result = readCfdi(file.bytes, { path: file.path })
    return Either.isRight(result) ? [{ file, cfdi: result.right }] : []
  })
  const prng = new Prng(options.seed)
  const builder = new ScenarioBuilder(prng, options.seed, companyOf(read, companyRfc))
  for (const { file } of read) builder.folderFile({ name: path.basename(file.path), bytes: file.bytes })

  const seen = new Set<string>()
  const charges: Array<TransactionDraft> = []
  for (const { cfdi, file } of read) {
    const uuid = cfdi.timbre.uuid
    if (!eligible(cfdi, companyRfc) || seen.has(uuid)) continue
    seen.add(uuid)
    if (prng.chance(0.1)) continue
    const foreign = cfdi.moneda !== "MXN"
    const descriptor = descriptorOf(cfdi.emisor.nombre ?? cfdi.emisor.rfc, prng)
    const mcc = mccForProduct(cfdi.conceptos[0]?.claveProdServ)
    const amount = foreign ? roundHalfUp(BigDecimal.multiply(cfdi.total, cfdi.tipoCambio!)) : cfdi.total
    const transaction = builder.purchase({
      descriptor,
      merchant: { name: descriptor, category: categoryOf(mcc), mcc },
      amount,
      ...(foreign ? { original: { value: cfdi.total, currency: cfdi.moneda } } : {}),
      operationDate: addDays(cfdi.issueDate, -prng.int(0, 3))
    })
    builder.link(transaction.uuid, uuid)
    if (prng.chance(0.3)) {
      builder.claraInvoice(transaction.uuid, cfdi, { name: path.basename(file.path), bytes: file.bytes })
    }
    charges.push(transaction)
  }

  const decoys = charges.length >= 3 ? Math.max(1, Math.round(charges.length * 0.1)) : 0
  for (let i = 0; i < decoys; i++) {
    const charge = prng.pick(charges)
    const date = addDays(charge.operationDate, prng.int(-1, 1))
    purchaseWithoutInvoice(builder, date, { amount: charge.amount, excludeDescriptor: charge.descriptor })
  }
  const dates = charges.map((c) => c.operationDate).sort()
  const anyDate = () => prng.pick(dates.length > 0 ? dates : ["2025-01-15"])
  for (let i = 0; i < Math.max(1, Math.round(charges.length * 0.15)); i++) purchaseWithoutInvoice(builder, anyDate())
  systemTransaction(builder, "FEE", anyDate())
  systemTransaction(builder, "PAYMENT", anyDate())
  return builder.build()
}
