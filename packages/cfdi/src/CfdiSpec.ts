/**
 * Input of the CFDI generator (`generateCfdi`, `generateCfdi40`, `generateCfdi33`, `generatePago`, `cfdiTotals`): the
 * business content of a synthetic invoice, credit note or payment receipt. Amounts are effect `BigDecimal` in units
 * of `moneda`; quantities and unit values keep up to 6 decimals (Anexo 20 limits), everything else the generator
 * computes.
 */
import type * as BigDecimal from "effect/BigDecimal"

/** IVA treatment of one concept: rate 16 %, 8 % (border region), 0 %, or exempt (cfdi.md §1.4). */
export type IvaTreatment = "16" | "8" | "0" | "exento"

/**
 * A withholding on one concept (cfdi.md §1.4): ISR 10 % (professional fees, leases), ISR 1.25 % (RESICO), IVA
 * 10.6667 % (two thirds of 16 %, services an individual bills to a legal entity).
 */
export type RetencionTreatment = "isr-10" | "isr-1.25" | "iva-10.6667"

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
  /** Withholdings on this line (same base as the IVA: Importe - Descuento); default none. */
  readonly retenciones?: ReadonlyArray<RetencionTreatment>
}

/** A CFDI I (ingreso) or E (egreso) document to generate, stamped with the given UUID. */
export interface CfdiSpec {
  /** CFDI version; default `4.0`. 3.3 leaves out Exportacion, ObjetoImp, the 4.0 Receptor attributes and Base. */
  readonly version?: "4.0" | "3.3"
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

/**
 * One paid document of a payment (`DoctoRelacionado`). Amounts are in `monedaDR` units with 2 decimals;
 * `impSaldoInsoluto` is computed as `impSaldoAnt - impPagado`.
 */
export interface CfdiPagoDoctoSpec {
  /** UUID of the paid (PPD) invoice. */
  readonly idDocumento: string
  readonly serie?: string
  readonly folio?: string
  readonly monedaDR: string
  /** Pagos 2.0: units of `monedaDR` per unit of `monedaP`; default 1 (same currency). Pagos 1.0: `TipoCambioDR`. */
  readonly equivalenciaDR?: BigDecimal.BigDecimal
  readonly numParcialidad: number
  readonly impSaldoAnt: BigDecimal.BigDecimal
  readonly impPagado: BigDecimal.BigDecimal
}

/** One payment received (`Pago`); `Monto` is computed as Σ ImpPagado / EquivalenciaDR, rounded to 2 places. */
export interface CfdiPagoSpec {
  /** Local date-time `yyyy-MM-ddTHH:mm:ss`. */
  readonly fechaPago: string
  /** c_FormaPago of the payment (04 credit card, 03 transfer, ...). */
  readonly formaDePagoP: string
  readonly monedaP: string
  /** MXN per unit of `monedaP`; required when `monedaP` is not MXN. */
  readonly tipoCambioP?: BigDecimal.BigDecimal
  readonly doctos: ReadonlyArray<CfdiPagoDoctoSpec>
}

/**
 * A payment receipt (TipoDeComprobante P) to generate: CFDI 4.0 with Pagos 2.0 or CFDI 3.3 with Pagos 1.0
 * (cfdi.md §1.7). SubTotal and Total are 0, Moneda XXX, one concept `84111506` / `ACT`.
 */
export interface CfdiPaymentSpec {
  /** Default `4.0`. */
  readonly version?: "4.0" | "3.3"
  readonly uuid: string
  readonly serie?: string
  readonly folio?: string
  readonly fecha: string
  readonly fechaTimbrado?: string
  readonly lugarExpedicion: string
  readonly emisor: CfdiSpec["emisor"]
  /** `usoCfdi` is ignored: CP01 (4.0) / P01 (3.3) is written. */
  readonly receptor: CfdiSpec["receptor"]
  readonly pagos: ReadonlyArray<CfdiPagoSpec>
}
