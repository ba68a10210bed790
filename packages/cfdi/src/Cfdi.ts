/**
 * The CFDI model produced by the reader: a plain, readonly snapshot of the attributes the reconciliation uses
 * (cfdi.md §1.2-§1.8); `CfdiToDomain.ts` maps it to the domain `FiscalDocument`.
 *
 * `Cfdi` is a plain interface rather than a `Schema.Class` on purpose: the reader is on the benchmark hot path and
 * already checks every field it fills, so a second schema decode would only cost time. Amounts are effect
 * `BigDecimal` parsed from the exact attribute text (scale kept, e.g. `1000.00` has scale 2), in units of `moneda`.
 * Texts are trimmed (an empty attribute counts as absent); RFCs and UUIDs are also upper-cased.
 */
import type * as BigDecimal from "effect/BigDecimal"

/** Namespace URIs the reader matches on (cfdi.md §1.1). Elements are matched by URI + local name, never by prefix. */
export const CfdiNamespace = {
  cfdi40: "http://www.sat.gob.mx/cfd/4",
  cfdi33: "http://www.sat.gob.mx/cfd/3",
  tfd: "http://www.sat.gob.mx/TimbreFiscalDigital",
  implocal: "http://www.sat.gob.mx/implocal",
  pagos10: "http://www.sat.gob.mx/Pagos",
  pagos20: "http://www.sat.gob.mx/Pagos20",
  xsi: "http://www.w3.org/2001/XMLSchema-instance"
} as const

/** `Emisor` (issuer, the merchant). */
export interface CfdiEmisor {
  readonly rfc: string
  readonly nombre?: string
  /** c_RegimenFiscal, e.g. `601`. */
  readonly regimenFiscal?: string
}

/** `Receptor` (the buyer; for a card expense, the company). 4.0 adds the last two attributes. */
export interface CfdiReceptor {
  readonly rfc: string
  readonly nombre?: string
  /** `UsoCFDI`, e.g. `G03`. */
  readonly usoCfdi?: string
  /** Postal code (4.0). */
  readonly domicilioFiscalReceptor?: string
  readonly regimenFiscalReceptor?: string
  /** Country of a foreign receptor (c_Pais, e.g. `USA`); only with the generic RFC `XEXX010101000` (cfdi.md §1.3). */
  readonly residenciaFiscal?: string
  /** Foreign tax id of a foreign receptor. */
  readonly numRegIdTrib?: string
}

/** `InformacionGlobal` (4.0): the period a global invoice to the public in general covers (cfdi.md §1.3). */
export interface CfdiInformacionGlobal {
  /** c_Periodicidad: 01 daily, 02 weekly, 03 fortnightly, 04 monthly, 05 bimonthly. */
  readonly periodicidad: string
  /** c_Meses: 01-12, or 13-18 for bimonthly periods. */
  readonly meses: string
  /** Four-digit year. */
  readonly anio: string
}

/** One `CfdiRelacionados` node: the SAT `TipoRelacion` code (any two-digit code, cfdi.md §1.5) and its UUIDs. */
export interface CfdiRelacionados {
  readonly tipoRelacion: string
  /** Related UUIDs, upper case. */
  readonly uuids: ReadonlyArray<string>
}

/**
 * One `Traslado` or `Retencion` line, at concept level (`Concepto/Impuestos`, every attribute as written) or at
 * document level (`Comprobante/Impuestos`, grouped per Impuesto + TipoFactor + TasaOCuota for traslados and per
 * Impuesto for retenciones; cfdi.md §1.4).
 */
export interface CfdiTaxLine {
  /** `001` ISR, `002` IVA, `003` IEPS. */
  readonly impuesto: string
  /** `Tasa`, `Cuota` or `Exento`; absent on 3.3/4.0 document-level `Retencion` lines. */
  readonly tipoFactor?: string
  /** Six-decimal rate text, e.g. `0.160000` (a fixed amount per unit for `Cuota`). */
  readonly tasaOCuota?: string
  /** Base (concept lines; 4.0 document-level traslados). Currency units, or units of goods for `Cuota`. */
  readonly base?: BigDecimal.BigDecimal
  /** Tax amount; absent for `Exento`. */
  readonly importe?: BigDecimal.BigDecimal
}

/** One `Concepto` line. `cantidad` is a quantity; the other amounts are currency units. */
export interface CfdiConcepto {
  /** SAT product catalog key (8 digits). */
  readonly claveProdServ: string
  readonly descripcion: string
  readonly cantidad: BigDecimal.BigDecimal
  readonly valorUnitario: BigDecimal.BigDecimal
  readonly importe: BigDecimal.BigDecimal
  readonly descuento?: BigDecimal.BigDecimal
  /** `ObjetoImp` (4.0): 01 not subject, 02 subject, 03 subject not itemised, 04 subject no tax due. */
  readonly objetoImp?: string
  /** `Concepto/Impuestos/Traslados/Traslado` lines, in document order. */
  readonly traslados: ReadonlyArray<CfdiTaxLine>
  /** `Concepto/Impuestos/Retenciones/Retencion` lines, in document order. */
  readonly retenciones: ReadonlyArray<CfdiTaxLine>
}

/** Document-level `Impuestos`, with per-tax sums computed from its lines. */
export interface CfdiImpuestos {
  readonly totalImpuestosTrasladados?: BigDecimal.BigDecimal
  readonly totalImpuestosRetenidos?: BigDecimal.BigDecimal
  readonly traslados: ReadonlyArray<CfdiTaxLine>
  readonly retenciones: ReadonlyArray<CfdiTaxLine>
  /** Sum of `Traslado@Importe` with Impuesto 002; absent when there is no such line with an amount. */
  readonly ivaTrasladado?: BigDecimal.BigDecimal
  /** Sum of `Traslado@Importe` with Impuesto 003. */
  readonly iepsTrasladado?: BigDecimal.BigDecimal
  /** Sum of `Retencion@Importe` with Impuesto 002. */
  readonly ivaRetenido?: BigDecimal.BigDecimal
  /** Sum of `Retencion@Importe` with Impuesto 001. */
  readonly isrRetenido?: BigDecimal.BigDecimal
}

/** One `implocal:TrasladosLocales` or `RetencionesLocales` line: a state or municipal tax. */
export interface CfdiImpuestoLocal {
  /** `ImpLocTrasladado` / `ImpLocRetenido`: free name of the local tax (e.g. `IH` lodging tax). */
  readonly impuesto: string
  /** `TasadeTraslado` / `TasadeRetencion`: the rate in percent as written (e.g. `2.50`). */
  readonly tasa?: string
  /** Tax amount, currency units. */
  readonly importe: BigDecimal.BigDecimal
}

/** `implocal:ImpuestosLocales` (state/municipal taxes; they change `Total`, cfdi.md §1.8). */
export interface CfdiImpuestosLocales {
  /** `TotaldeTraslados`. */
  readonly totalTraslados: BigDecimal.BigDecimal
  /** `TotaldeRetenciones`. */
  readonly totalRetenciones: BigDecimal.BigDecimal
  readonly traslados: ReadonlyArray<CfdiImpuestoLocal>
  readonly retenciones: ReadonlyArray<CfdiImpuestoLocal>
}

/**
 * A complement the reader does not model (nomina12, cce20, aerolineas, ecc12, ...), kept so callers can tell what a
 * document carries: its namespace URI, local name and attributes as written (children are not kept).
 */
export interface CfdiComplementoDesconocido {
  readonly ns: string
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
}

/**
 * One `DoctoRelacionado` of a payment: the invoice (usually PPD) the payment applies to (cfdi.md §1.7).
 * Amounts are in units of `monedaDR`.
 */
export interface CfdiDoctoRelacionado {
  /** UUID of the paid invoice, upper case. */
  readonly idDocumento: string
  readonly serie?: string
  readonly folio?: string
  /** ISO 4217 currency of the paid invoice. */
  readonly monedaDR: string
  /** Pagos 2.0: units of `monedaDR` per unit of the payment's `monedaP`. */
  readonly equivalenciaDR?: BigDecimal.BigDecimal
  /** Pagos 1.0: exchange rate between `monedaDR` and `monedaP` (replaced by `equivalenciaDR` in 2.0). */
  readonly tipoCambioDR?: BigDecimal.BigDecimal
  /** Instalment number, 1 for the first payment. */
  readonly numParcialidad?: number
  /** Balance before this payment. */
  readonly impSaldoAnt?: BigDecimal.BigDecimal
  /** Amount of this payment applied to the document. */
  readonly impPagado?: BigDecimal.BigDecimal
  /** Balance left: `impSaldoAnt - impPagado`. */
  readonly impSaldoInsoluto?: BigDecimal.BigDecimal
}

/** One `Pago` (one payment received); `monto` is in units of `monedaP`. */
export interface CfdiPago {
  /** Local date-time of the payment, `yyyy-MM-ddTHH:mm:ss`, no zone, as written. */
  readonly fechaPago: string
  /** c_FormaPago of this payment (04 credit card, 28 debit card, 03 transfer, ...). */
  readonly formaDePagoP: string
  readonly monedaP: string
  readonly monto: BigDecimal.BigDecimal
  /** MXN per unit of `monedaP`. */
  readonly tipoCambioP?: BigDecimal.BigDecimal
  readonly doctosRelacionados: ReadonlyArray<CfdiDoctoRelacionado>
}

/** The payment complement (`pago10:Pagos` 1.0 with CFDI 3.3, `pago20:Pagos` 2.0 with CFDI 4.0; cfdi.md §1.7). */
export interface CfdiPagos {
  readonly version: "1.0" | "2.0"
  readonly pagos: ReadonlyArray<CfdiPago>
}

/** `tfd:TimbreFiscalDigital` (the SAT stamp, cfdi.md §1.6). */
export interface CfdiTimbre {
  /** Folio fiscal, upper case: the identity of the CFDI. */
  readonly uuid: string
  /** TFD version: `1.1` (attribute `Version`, CFDI 3.3 / 4.0) or `1.0` (lower-case `version`, CFDI 3.2 era). */
  readonly version?: string
  /** Local date-time `yyyy-MM-ddTHH:mm:ss`, no zone (Mexico central time). */
  readonly fechaTimbrado?: string
  readonly rfcProvCertif?: string
}

/** A stamped CFDI 3.3 or 4.0 as read from one file. */
export interface Cfdi {
  /** Where it was read from (the `path` option of the reader). */
  readonly path: string
  readonly version: "3.3" | "4.0"
  readonly serie?: string
  readonly folio?: string
  /** `Fecha`: local date-time `yyyy-MM-ddTHH:mm:ss` of `lugarExpedicion`, no zone, as written. */
  readonly fecha: string
  /** Civil date (`yyyy-MM-dd`) of `fecha`. */
  readonly issueDate: string
  readonly subTotal: BigDecimal.BigDecimal
  readonly descuento?: BigDecimal.BigDecimal
  readonly total: BigDecimal.BigDecimal
  /** ISO 4217 code (`XXX` for P and T documents). */
  readonly moneda: string
  /** MXN per unit of `moneda`. */
  readonly tipoCambio?: BigDecimal.BigDecimal
  /** I, E, T, N or P. */
  readonly tipoDeComprobante: string
  /** PUE or PPD. */
  readonly metodoPago?: string
  /** c_FormaPago (04 credit card, 28 debit card, ...). */
  readonly formaPago?: string
  /** Postal code of issue. */
  readonly lugarExpedicion?: string
  /** 4.0 only; `01` = not an export. */
  readonly exportacion?: string
  /** `Sello`, `NoCertificado` and `Certificado` are all present (their content is not verified). */
  readonly sellado: boolean
  readonly informacionGlobal?: CfdiInformacionGlobal
  readonly emisor: CfdiEmisor
  readonly receptor: CfdiReceptor
  /** 0..1 nodes in 3.3, 0..n in 4.0 (one per TipoRelacion). */
  readonly cfdiRelacionados: ReadonlyArray<CfdiRelacionados>
  readonly conceptos: ReadonlyArray<CfdiConcepto>
  readonly impuestos?: CfdiImpuestos
  readonly impuestosLocales?: CfdiImpuestosLocales
  /** The payment complement, when present (normally on P documents). */
  readonly pagos?: CfdiPagos
  /** Every other complement, in document order (the Addenda is never read). */
  readonly otrosComplementos: ReadonlyArray<CfdiComplementoDesconocido>
  readonly timbre: CfdiTimbre
}
