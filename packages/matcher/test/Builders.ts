/** Small builders for hand-made matcher inputs (validated through the domain schemas). */
import {
  CardTransaction,
  CfdiRelation,
  DocumentSource,
  FiscalDocument,
  type FiscalDocument as FiscalDocumentType,
  money,
  Party,
  TaxTotals
} from "@clara-recon/domain"
import { BigDecimal } from "effect"

export const company = "EDE010101AB1"

export interface TxSpec {
  readonly uuid: string
  readonly amount: string
  readonly date: string
  readonly descriptor: string
  readonly type?: CardTransaction["type"]
  readonly status?: string
  readonly currency?: string
  readonly original?: readonly [string, string]
  readonly mcc?: string
  readonly merchantName?: string
  readonly userUuid?: string
  readonly userName?: string
  readonly hasExtractedDocuments?: boolean
  readonly card?: string
  readonly authorization?: string
  readonly installment?: readonly [number, number]
}

export const tx = (spec: TxSpec): CardTransaction =>
  new CardTransaction({
    uuid: spec.uuid,
    type: spec.type ?? "PURCHASE",
    status: spec.status ?? "AUTHORIZED",
    descriptor: spec.descriptor,
    ...(spec.merchantName ? { merchantName: spec.merchantName } : {}),
    ...(spec.mcc ? { mcc: spec.mcc } : {}),
    amount: money(spec.amount, spec.currency ?? "MXN"),
    ...(spec.original ? { originalAmount: money(spec.original[0], spec.original[1]) } : {}),
    operationDate: spec.date,
    ...(spec.userUuid ? { userUuid: spec.userUuid } : {}),
    userName: spec.userName ?? "Ana Pérez",
    hasInvoice: false,
    hasExtractedDocuments: spec.hasExtractedDocuments ?? false,
    ...(spec.card ? { cardUuid: spec.card } : {}),
    ...(spec.authorization ? { authorizationNumber: spec.authorization } : {}),
    ...(spec.installment
      ? { installmentNumber: String(spec.installment[0]), installment: String(spec.installment[1]) }
      : {})
  })

export interface CfdiSpec {
  readonly id: string
  readonly total: string
  readonly date: string
  readonly rfc: string
  readonly name: string
  readonly currency?: string
  readonly exchangeRate?: string
  readonly formaPago?: string
  readonly tipo?: string
  readonly satStatus?: string
  readonly receiver?: string
  readonly attachedTo?: ReadonlyArray<string>
  readonly substitutes?: string
  readonly claveProdServ?: string
  readonly metodoPago?: string
  readonly serie?: string
  readonly folio?: string
  readonly relatedTo?: readonly [string, string]
}

export const cfdi = (spec: CfdiSpec): FiscalDocumentType =>
  new FiscalDocument({
    id: spec.id,
    kind: "CFDI",
    country: "MX",
    version: "4.0",
    fiscalUuid: spec.id,
    tipoDeComprobante: spec.tipo ?? "I",
    issueDate: spec.date,
    issuer: new Party({ taxId: spec.rfc, name: spec.name }),
    receiver: new Party(spec.receiver === "" ? {} : { taxId: spec.receiver ?? company }),
    currency: spec.currency ?? "MXN",
    total: BigDecimal.unsafeFromString(spec.total),
    ...(spec.exchangeRate ? { exchangeRate: BigDecimal.unsafeFromString(spec.exchangeRate) } : {}),
    taxes: new TaxTotals({}),
    metodoPago: spec.metodoPago ?? "PUE",
    ...(spec.formaPago ? { formaPago: spec.formaPago } : {}),
    ...(spec.claveProdServ ? { claveProdServ: spec.claveProdServ } : {}),
    ...(spec.serie ? { serie: spec.serie } : {}),
    ...(spec.folio ? { folio: spec.folio } : {}),
    relations: [
      ...(spec.substitutes ? [new CfdiRelation({ tipoRelacion: "04", uuids: [spec.substitutes] })] : []),
      ...(spec.relatedTo ? [new CfdiRelation({ tipoRelacion: spec.relatedTo[0], uuids: [spec.relatedTo[1]] })] : [])
    ],
    ...(spec.satStatus ? { satStatus: spec.satStatus } : {}),
    claraTransactionUuids: spec.attachedTo ?? [],
    sources: []
  })

export interface ReceiptSpec {
  readonly id: string
  readonly total: string
  readonly date: string
  readonly name?: string
  readonly rfc?: string
  readonly tip?: string
  readonly fiscalUuid?: string
  readonly attachedTo?: ReadonlyArray<string>
  readonly uploadedBy?: string
  readonly validation?: string
  readonly currency?: string
  readonly sha256?: string
  readonly folio?: string
}

export const receipt = (spec: ReceiptSpec): FiscalDocumentType =>
  new FiscalDocument({
    id: spec.id,
    kind: "EXTRACTED_DOCUMENT",
    country: "MX",
    ...(spec.fiscalUuid ? { fiscalUuid: spec.fiscalUuid } : {}),
    issueDate: spec.date,
    issuer: new Party({ ...(spec.rfc ? { taxId: spec.rfc } : {}), ...(spec.name ? { name: spec.name } : {}) }),
    receiver: new Party({}),
    currency: spec.currency ?? "MXN",
    total: BigDecimal.unsafeFromString(spec.total),
    taxes: new TaxTotals({}),
    relations: [],
    ...(spec.tip ? { tipAmount: BigDecimal.unsafeFromString(spec.tip) } : {}),
    validationStatus: spec.validation ?? "VALIDATED_BY_CLARA",
    ...(spec.uploadedBy ? { uploadedByUserUuid: spec.uploadedBy } : {}),
    claraTransactionUuids: spec.attachedTo ?? [],
    ...(spec.folio ? { folio: spec.folio } : {}),
    sources: spec.sha256
      ? [new DocumentSource({ kind: "clara-extracted-document", location: `/docs/${spec.id}`, sha256: spec.sha256 })]
      : []
  })
