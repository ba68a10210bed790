import { type Cfdi, readCfdi } from "@clara-recon/cfdi"
import type { CurrencyAmount, WireAmount } from "@clara-recon/clara"
import { fromWireNumber } from "@clara-recon/domain"
import { BigDecimal, Either } from "effect"
import type { Scenario } from "../../src/Scenario.js"

/** Every CFDI reachable in a scenario (Clara invoices and folder files), by upper-case TFD UUID. */
export const scenarioCfdis = (scenario: Scenario): ReadonlyMap<string, Cfdi> => {
  const files = [...Object.values(scenario.invoices).flat().map((i) => i.xml), ...scenario.folderCfdis]
  const cfdis = new Map<string, Cfdi>()
  for (const file of files) {
    const result = readCfdi(file.bytes, { path: file.name })
    if (Either.isRight(result) && !cfdis.has(result.right.timbre.uuid)) {
      cfdis.set(result.right.timbre.uuid, result.right)
    }
  }
  return cfdis
}

const wireDecimal = (value: WireAmount | null | undefined) =>
  value === null || value === undefined ? undefined : fromWireNumber(value)

const decimal = (amount: CurrencyAmount | null | undefined) => wireDecimal(amount?.value)

/**
 * The ground-truth links whose transaction amount does not follow from the CFDI: MXN amount = Total, or Total + the
 * tip of the transaction's RECEIPT (whose total is the amount); foreign currency: originalAmount = Total in Moneda.
 */
export const groundTruthProblems = (scenario: Scenario): ReadonlyArray<string> => {
  const cfdis = scenarioCfdis(scenario)
  return scenario.groundTruth.links.flatMap(({ cfdiUuid, transactionUuid }) => {
    const transaction = scenario.transactions.find((t) => t.uuid === transactionUuid)
    const cfdi = cfdis.get(cfdiUuid)
    if (transaction === undefined || cfdi === undefined) return [`${transactionUuid} -> ${cfdiUuid}: not found`]
    if (cfdi.moneda !== "MXN") {
      const original = decimal(transaction.originalAmount)
      const ok = transaction.originalAmount?.currency === cfdi.moneda && original !== undefined &&
        BigDecimal.equals(original, cfdi.total)
      return ok ? [] : [`${transactionUuid}: originalAmount is not ${cfdi.moneda} ${BigDecimal.format(cfdi.total)}`]
    }
    const amount = decimal(transaction.amountValue)
    if (amount === undefined) return [`${transactionUuid}: no amount`]
    if (BigDecimal.equals(amount, cfdi.total)) return []
    const receipt = scenario.extractedDocuments[transactionUuid]?.find((d) => d.type === "RECEIPT")?.data?.amount
    const tip = wireDecimal(receipt?.tipAmount)
    const receiptTotal = wireDecimal(receipt?.total)
    const tipped = tip !== undefined && receiptTotal !== undefined && BigDecimal.equals(receiptTotal, amount) &&
      BigDecimal.equals(BigDecimal.sum(cfdi.total, tip), amount)
    return tipped ? [] : [`${transactionUuid}: ${BigDecimal.format(amount)} is neither Total nor Total + tip`]
  })
}
