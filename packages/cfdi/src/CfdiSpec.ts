/**
 * Input of the CFDI 4.0 generator (`generateCfdi40`, `cfdiTotals`): the business content of a synthetic invoice or
 * credit note. Amounts are effect `BigDecimal` in units of `moneda`; quantities and unit values keep up to
 * 6 decimals (Anexo 20 limits), everything else the generator computes.
 */
import type * as BigDecimal from "effect/BigDecimal"

/** IVA treatment of one concept: rate 16 %, 8 % (border region), 0 %, or exempt (cfdi.md §1.4). */
export type IvaTreatment = "16" | "8" | "0" | "exento"

/** One `Concepto` to generate. */
export interface CfdiConceptoSpec {
  /** SAT product catalog key, 8 digits. */
  readonly claveProdServ: string
  /** SAT unit key; default `H87` (piece). */
  readonly claveUnidad?: string
  readonly descripcion: string
  readonly cantidad: BigDecimal.BigDecimal
  readonly valorUnitario: BigDecimal.BigDecimal
  /** Discount on this line (currency units, at most its Importe). */
  readonly descuento?: BigDecimal.BigDecimal
  readonly iva: IvaTreatment
}

/** A CFDI 4.0 I (ingreso) or E (egreso) document to generate, stamped with the given UUID. */
export interface CfdiSpec {
  /** TimbreFiscalDigital UUID (RFC 4122). */
  readonly uuid: string
  readonly serie?: string
  readonly folio?: string
  /** Issue local date-time `yyyy-MM-ddTHH:mm:ss` (no zone, local time of `lugarExpedicion`). */
  readonly fecha: string
  /** Stamp local date-time `yyyy-MM-ddTHH:mm:ss`; default `fecha`. */
  readonly fechaTimbrado?: string
  /** ISO 4217 code, e.g. `MXN`, `USD`. */
  readonly moneda: string
  /** MXN per unit of `moneda`; written only when `moneda` is not MXN. */
  readonly tipoCambio?: BigDecimal.BigDecimal
  /** c_FormaPago, e.g. `04` credit card. */
  readonly formaPago: string
  /** PUE or PPD. */
  readonly metodoPago: string
  readonly tipoDeComprobante: "I" | "E"
  /** Postal code of issue. */
  readonly lugarExpedicion: string
  readonly emisor: { readonly rfc: string; readonly nombre: string; readonly regimenFiscal: string }
  readonly receptor: {
    readonly rfc: string
    readonly nombre: string
    readonly usoCfdi: string
    readonly domicilioFiscalReceptor: string
    readonly regimenFiscalReceptor: string
  }
  readonly conceptos: ReadonlyArray<CfdiConceptoSpec>
  /** Related documents, e.g. `{ tipoRelacion: "01", uuids: [invoiceUuid] }` on a credit note. */
  readonly cfdiRelacionados?: { readonly tipoRelacion: string; readonly uuids: ReadonlyArray<string> }
}
