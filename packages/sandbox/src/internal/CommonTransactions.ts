/**
 * Transactions both scenario generators add: purchases with no invoice at a catalogue merchant, and the FEE, PAYMENT
 * and CREDIT lines that need no fiscal document (clara-api.md §4.2). Amounts in MXN units; PAYMENT and CREDIT are
 * negative.
 */
import * as BigDecimal from "effect/BigDecimal"
import { type Issuer, merchantOf, mxnIssuers } from "./Issuers.js"
import type { ScenarioBuilder } from "./ScenarioBuilder.js"

/** An amount from a whole number of cents. */
export const cents = (n: number): BigDecimal.BigDecimal => BigDecimal.make(BigInt(n), 2)

/**
 * A purchase at a random MXN merchant of `issuers` (default: the catalogue's) with no CFDI anywhere (ground truth:
 * missing invoice). `amount` defaults to a price of that merchant, IVA included; `excludeDescriptor` keeps a merchant
 * descriptor out (for decoys).
 */
export const purchaseWithoutInvoice = (
  builder: ScenarioBuilder,
  date: string,
  options: {
    readonly amount?: BigDecimal.BigDecimal
    readonly excludeDescriptor?: string
    readonly issuers?: ReadonlyArray<Issuer>
  } = {}
) => {
  const { prng } = builder
  const issuer = prng.pick((options.issuers ?? mxnIssuers).filter((i) => i.descriptor !== options.excludeDescriptor))
  const [min, max] = issuer.price
  const transaction = builder.purchase({
    descriptor: issuer.descriptor,
    merchant: merchantOf(issuer),
    amount: options.amount ?? cents(prng.int(Math.round(min * 116), Math.round(max * 116))),
    operationDate: date
  })
  builder.missingInvoice(transaction.uuid)
}

/** A transaction type that needs no fiscal document. */
export type SystemType = "FEE" | "PAYMENT" | "CREDIT"

/** The FEE, PAYMENT and CREDIT lines of a scenario of `size`: one payment, about 3 % fees, one credit from 20. */
export const systemTypes = (size: number): ReadonlyArray<SystemType> => {
  const types: Array<SystemType> = ["PAYMENT", ...Array<SystemType>(Math.max(1, Math.round(size * 0.03))).fill("FEE")]
  if (size >= 20) types.push("CREDIT")
  return types.slice(0, size)
}

/** Adds one FEE, PAYMENT or CREDIT on `date`. */
export const systemTransaction = (builder: ScenarioBuilder, type: SystemType, date: string) => {
  const { prng } = builder
  switch (type) {
    case "FEE": {
      const label = prng.pick(["CUOTA ANUAL TARJETA", "COMISION REPOSICION", "COMISION DISPOSICION"])
      return builder.system("FEE", label, cents(prng.int(15_000, 90_000)), date)
    }
    case "PAYMENT":
      return builder.system("PAYMENT", "PAGO RECIBIDO GRACIAS", cents(-prng.int(1_500_000, 8_000_000)), date)
    case "CREDIT":
      return builder.system("CREDIT", "BONIFICACION CASHBACK", cents(-prng.int(5_000, 90_000)), date)
  }
}
