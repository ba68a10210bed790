/**
 * A fiscal document backing a card charge: a CFDI (Mexico), a document Clara extracted from a receipt or invoice,
 * or an NF-e (Brazil). Identity: a CFDI is its TimbreFiscalDigital UUID, upper-cased (design.md, "Identity").
 */
import * as Schema from "effect/Schema"
import { CivilDate } from "./CivilDate.js"

/** Where a document came from. */
export const DocumentKind = Schema.Literal("CFDI", "EXTRACTED_DOCUMENT", "NFE")
export type DocumentKind = typeof DocumentKind.Type

/** An issuer or receiver: tax id (RFC in MX, CNPJ/CPF in BR, NIT in CO) and name, as written in the document. */
export class Party extends Schema.Class<Party>("Party")({
  taxId: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String)
}) {}

/** One place a document was read from: a file path, a Clara invoice download, or a Clara extracted document. */
export class DocumentSource extends Schema.Class<DocumentSource>("DocumentSource")({
  kind: Schema.Literal("file", "clara-invoice", "clara-extracted-document"),
  /** File path, or the Clara resource path (e.g. `/api/v3/transactions/{uuid}/invoices`). */
  location: Schema.String,
  /** SHA-256 (hex) of the bytes read, for files and downloads. */
  sha256: Schema.optional(Schema.String),
  /** The Clara transaction this source was listed under, when it came through Clara. */
  transactionUuid: Schema.optional(Schema.String)
}) {}

/** Totals of taxes in the document, in document currency units. */
/**
 * The IVA a document transfers at one rate (CFDI `Traslado` lines with Impuesto 002 summed over the concepts, Anexo 20
 * `Concepto/Impuestos`): `rate` the `TasaOCuota` (0.16, 0.08, 0; absent for `Exento`), the `Base` and the `Importe`
 * (zero for `Exento`), currency units of the document.
 */
export class IvaAtRate extends Schema.Class<IvaAtRate>("IvaAtRate")({
  rate: Schema.optional(Schema.BigDecimal),
  base: Schema.BigDecimal,
  amount: Schema.BigDecimal
}) {}

export class TaxTotals extends Schema.Class<TaxTotals>("TaxTotals")({
  ivaTransferred: Schema.optional(Schema.BigDecimal),
  iepsTransferred: Schema.optional(Schema.BigDecimal),
  ivaWithheld: Schema.optional(Schema.BigDecimal),
  isrWithheld: Schema.optional(Schema.BigDecimal),
  /** Local taxes (implocal complement), transferred minus withheld. */
  localNet: Schema.optional(Schema.BigDecimal),
  /**
   * Local taxes withheld (implocal `TotaldeRetenciones`, e.g. a state's cedular tax on fees), when not zero: the
   * buyer owes them to the state, so they are a liability, not a smaller expense (`localNet` + this is what was
   * charged).
   */
  localWithheld: Schema.optional(Schema.BigDecimal),
  /**
   * The transferred IVA by rate, only for a document whose concepts carry IVA at more than one rate (16 % and 0 %,
   * taxed and exempt): its expense is booked one line per rate, each with its tax code. Highest rate first, exempt
   * last.
   */
  ivaByRate: Schema.optional(Schema.Array(IvaAtRate))
}) {}

/**
 * The concepts of one SAT product code (`Concepto@ClaveProdServ`): the sum of their `Importe - Descuento`, currency
 * units of the document. A CFDI whose concepts carry several codes (a hotel bill with lodging and meals) lists them,
 * so its expense can be booked to each code's account.
 */
export class ConceptAmount extends Schema.Class<ConceptAmount>("ConceptAmount")({
  claveProdServ: Schema.String,
  amount: Schema.BigDecimal
}) {}

/** A CFDI relation (`CfdiRelacionados`): the SAT `TipoRelacion` code and the related UUIDs (upper-cased). */
export class CfdiRelation extends Schema.Class<CfdiRelation>("CfdiRelation")({
  tipoRelacion: Schema.String,
  uuids: Schema.Array(Schema.String)
}) {}

/**
 * The canonical fiscal document. Amounts are decimal currency units in `currency`.
 * For a CFDI the field names follow Anexo 20 (Comprobante attributes); dates are civil dates of the issuer's locale.
 */
export class FiscalDocument extends Schema.Class<FiscalDocument>("FiscalDocument")({
  /** CFDI: TimbreFiscalDigital UUID (upper case). Extracted document: its Clara uuid. NF-e: the 44-digit chave. */
  id: Schema.String,
  kind: DocumentKind,
  country: Schema.Literal("MX", "BR", "CO"),
  /** CFDI `Version` (`3.3`, `4.0`). */
  version: Schema.optional(Schema.String),
  /** The fiscal UUID this document carries: the CFDI's own UUID, or an extracted document's `folioFiscalUuid`. */
  fiscalUuid: Schema.optional(Schema.String),
  /** `TipoDeComprobante`: I ingreso, E egreso, P pago, T traslado, N nómina. */
  tipoDeComprobante: Schema.optional(Schema.String),
  /** Issue date (civil date of `Fecha`, `receiptDate`/`issueDate`, or `dhEmi`). */
  issueDate: CivilDate,
  /** The full local date-time as written (`Fecha`), when there is one. */
  issuedAt: Schema.optional(Schema.String),
  serie: Schema.optional(Schema.String),
  folio: Schema.optional(Schema.String),
  issuer: Party,
  receiver: Party,
  currency: Schema.String,
  subTotal: Schema.optional(Schema.BigDecimal),
  discount: Schema.optional(Schema.BigDecimal),
  total: Schema.BigDecimal,
  /** `TipoCambio`: units of MXN per unit of `currency`. */
  exchangeRate: Schema.optional(Schema.BigDecimal),
  taxes: TaxTotals,
  /** `MetodoPago` (PUE / PPD). */
  metodoPago: Schema.optional(Schema.String),
  /** `FormaPago` (SAT c_FormaPago: 04 credit card, 28 debit card, ...). */
  formaPago: Schema.optional(Schema.String),
  usoCfdi: Schema.optional(Schema.String),
  /** First concept's `ClaveProdServ`, for MCC consistency checks. */
  claveProdServ: Schema.optional(Schema.String),
  /** The concepts' amounts by `ClaveProdServ`, in first-appearance order, only when they carry two codes or more. */
  conceptAmounts: Schema.optional(Schema.Array(ConceptAmount)),
  relations: Schema.Array(CfdiRelation),
  /**
   * A payment complement (TipoDeComprobante P): the UUIDs (upper case) of the documents its payments settle (Pagos 1.0
   * / 2.0 `DoctoRelacionado@IdDocumento`), for the PPD check (matching.md §7.8).
   */
  paidDocuments: Schema.optional(Schema.Array(Schema.String)),
  /** SAT status text (`Vigente`, `Cancelado`) when known (Clara `xmlStatus`). */
  satStatus: Schema.optional(Schema.String),
  /** Tip captured on a receipt (extracted documents). */
  tipAmount: Schema.optional(Schema.BigDecimal),
  /** Extracted document validation: VALIDATED_BY_CLARA | VALIDATED_BY_USER | NOT_VERIFIED. */
  validationStatus: Schema.optional(Schema.String),
  /** The cardholder who uploaded the document (extracted documents). */
  uploadedByUserUuid: Schema.optional(Schema.String),
  /** Transactions Clara itself lists this document under (pinned evidence, matching.md §7.3 step 0). */
  claraTransactionUuids: Schema.Array(Schema.String),
  sources: Schema.Array(DocumentSource)
}) {}
