/**
 * The stored JSON text of a `FiscalDocument` (the parse cache's entry): exactly
 * `JSON.stringify(Schema.encodeSync(FiscalDocument)(document))`, built without the schema machinery, which cost
 * about a third of reading the CFDI itself; and `fiscalDocumentFromJson`, its reverse, the schema decoder's value
 * without its machinery. Amounts are written as the schema writes them (`BigDecimal.format` of
 * the normalised value). The module checks itself once on load against the schema encoder (a field added to
 * `FiscalDocument` and not here fails that check at once), and `packages/cfdi/test/FiscalDocumentJson.test.ts`
 * compares both on generated documents of every kind.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Schema from "effect/Schema"
import {
  CfdiRelation,
  ConceptAmount,
  DocumentSource,
  FiscalDocument,
  IvaAtRate,
  Party,
  TaxTotals
} from "./FiscalDocument.js"
import { civilDatePattern } from "./CivilDate.js"
import { fastOrSchema, list, type Mutable, NOT_PLAIN, oneOf, record, text, texts } from "./internal/PlainJson.js"
import { trustedInstance } from "./TrustedInstance.js"

// Keys in the schema's order, as the encoder writes a struct; an absent optional field (undefined) is left out by
// JSON.stringify, as by the encoder.
const amount = (value: BigDecimal.BigDecimal | undefined): string | undefined =>
  value === undefined ? undefined : BigDecimal.format(BigDecimal.normalize(value))

const partyOf = (p: Party) => ({ taxId: p.taxId, name: p.name })

const sourceOf = (s: DocumentSource) => ({
  kind: s.kind,
  location: s.location,
  sha256: s.sha256,
  transactionUuid: s.transactionUuid
})

const taxesOf = (t: TaxTotals) => ({
  ivaTransferred: amount(t.ivaTransferred),
  iepsTransferred: amount(t.iepsTransferred),
  ivaWithheld: amount(t.ivaWithheld),
  isrWithheld: amount(t.isrWithheld),
  localNet: amount(t.localNet),
  localWithheld: amount(t.localWithheld),
  ivaByRate: t.ivaByRate?.map((r) => ({ rate: amount(r.rate), base: amount(r.base), amount: amount(r.amount) }))
})

const relationOf = (r: CfdiRelation) => ({ tipoRelacion: r.tipoRelacion, uuids: r.uuids })

const plainOf = (d: FiscalDocument) => ({
  id: d.id,
  kind: d.kind,
  country: d.country,
  version: d.version,
  fiscalUuid: d.fiscalUuid,
  tipoDeComprobante: d.tipoDeComprobante,
  issueDate: d.issueDate,
  issuedAt: d.issuedAt,
  serie: d.serie,
  folio: d.folio,
  issuer: partyOf(d.issuer),
  receiver: partyOf(d.receiver),
  currency: d.currency,
  subTotal: amount(d.subTotal),
  discount: amount(d.discount),
  total: amount(d.total),
  exchangeRate: amount(d.exchangeRate),
  taxes: taxesOf(d.taxes),
  metodoPago: d.metodoPago,
  formaPago: d.formaPago,
  usoCfdi: d.usoCfdi,
  claveProdServ: d.claveProdServ,
  conceptAmounts: d.conceptAmounts?.map((c) => ({ claveProdServ: c.claveProdServ, amount: amount(c.amount) })),
  relations: d.relations.map(relationOf),
  paidDocuments: d.paidDocuments,
  satStatus: d.satStatus,
  tipAmount: amount(d.tipAmount),
  validationStatus: d.validationStatus,
  uploadedByUserUuid: d.uploadedByUserUuid,
  claraTransactionUuids: d.claraTransactionUuids,
  sources: d.sources.map(sourceOf)
})

/**
 * `JSON.stringify` of the encoded document (schema key order; amounts as normalised decimal strings), the text the
 * pipeline's parse cache stores. Never fails.
 */
export const fiscalDocumentJson = (document: FiscalDocument): string => JSON.stringify(plainOf(document))

/** A decimal string as `Schema.BigDecimal` decodes it (parsed, then normalised). */
const decimal = (value: unknown): BigDecimal.BigDecimal => {
  const parsed = BigDecimal.fromString(text(value))
  if (parsed._tag === "None") throw NOT_PLAIN
  return BigDecimal.normalize(parsed.value)
}


// The records below are filled with literal property names, in the schema's order and leaving an absent optional field
// out, so that they keep V8's fast properties (a record filled through computed keys turns into a slow dictionary,
// which made `trustedInstance`'s copy cost more than the schema decoder saved).

const partyFrom = (value: unknown): Party => {
  const json = record(value)
  const fields: { taxId?: string; name?: string } = {}
  if (json["taxId"] !== undefined) fields.taxId = text(json["taxId"])
  if (json["name"] !== undefined) fields.name = text(json["name"])
  return trustedInstance(Party, fields)
}

const sourceFrom = (value: unknown): DocumentSource => {
  const json = record(value)
  const fields: Mutable<ConstructorParameters<typeof DocumentSource>[0]> = {
    kind: oneOf(json["kind"], ["file", "clara-invoice", "clara-extracted-document"] as const),
    location: text(json["location"])
  }
  if (json["sha256"] !== undefined) fields.sha256 = text(json["sha256"])
  if (json["transactionUuid"] !== undefined) fields.transactionUuid = text(json["transactionUuid"])
  return trustedInstance(DocumentSource, fields)
}

const ivaAtRateFrom = (value: unknown): IvaAtRate => {
  const json = record(value)
  return trustedInstance(IvaAtRate, {
    ...(json["rate"] === undefined ? {} : { rate: decimal(json["rate"]) }),
    base: decimal(json["base"]),
    amount: decimal(json["amount"])
  })
}

const taxesFrom = (value: unknown): TaxTotals => {
  const json = record(value)
  const fields: Mutable<ConstructorParameters<typeof TaxTotals>[0]> = {}
  if (json["ivaTransferred"] !== undefined) fields.ivaTransferred = decimal(json["ivaTransferred"])
  if (json["iepsTransferred"] !== undefined) fields.iepsTransferred = decimal(json["iepsTransferred"])
  if (json["ivaWithheld"] !== undefined) fields.ivaWithheld = decimal(json["ivaWithheld"])
  if (json["isrWithheld"] !== undefined) fields.isrWithheld = decimal(json["isrWithheld"])
  if (json["localNet"] !== undefined) fields.localNet = decimal(json["localNet"])
  if (json["localWithheld"] !== undefined) fields.localWithheld = decimal(json["localWithheld"])
  if (json["ivaByRate"] !== undefined) fields.ivaByRate = list(json["ivaByRate"], ivaAtRateFrom)
  return trustedInstance(TaxTotals, fields)
}

const conceptAmountFrom = (value: unknown): ConceptAmount => {
  const json = record(value)
  return trustedInstance(ConceptAmount, { claveProdServ: text(json["claveProdServ"]), amount: decimal(json["amount"]) })
}

const relationFrom = (value: unknown): CfdiRelation => {
  const json = record(value)
  return trustedInstance(CfdiRelation, { tipoRelacion: text(json["tipoRelacion"]), uuids: texts(json["uuids"]) })
}

/** The document, built field by field in the schema's order; throws `NOT_PLAIN` at the first unexpected field. */
const documentFrom = (value: unknown): FiscalDocument => {
  const json = record(value)
  const fields = {} as Mutable<ConstructorParameters<typeof FiscalDocument>[0]>
  fields.id = text(json["id"])
  fields.kind = oneOf(json["kind"], ["CFDI", "EXTRACTED_DOCUMENT", "NFE"] as const)
  fields.country = oneOf(json["country"], ["MX", "BR", "CO"] as const)
  if (json["version"] !== undefined) fields.version = text(json["version"])
  if (json["fiscalUuid"] !== undefined) fields.fiscalUuid = text(json["fiscalUuid"])
  if (json["tipoDeComprobante"] !== undefined) fields.tipoDeComprobante = text(json["tipoDeComprobante"])
  const issueDate = text(json["issueDate"])
  if (!civilDatePattern.test(issueDate)) throw NOT_PLAIN
  fields.issueDate = issueDate
  if (json["issuedAt"] !== undefined) fields.issuedAt = text(json["issuedAt"])
  if (json["serie"] !== undefined) fields.serie = text(json["serie"])
  if (json["folio"] !== undefined) fields.folio = text(json["folio"])
  fields.issuer = partyFrom(json["issuer"])
  fields.receiver = partyFrom(json["receiver"])
  fields.currency = text(json["currency"])
  if (json["subTotal"] !== undefined) fields.subTotal = decimal(json["subTotal"])
  if (json["discount"] !== undefined) fields.discount = decimal(json["discount"])
  fields.total = decimal(json["total"])
  if (json["exchangeRate"] !== undefined) fields.exchangeRate = decimal(json["exchangeRate"])
  fields.taxes = taxesFrom(json["taxes"])
  if (json["metodoPago"] !== undefined) fields.metodoPago = text(json["metodoPago"])
  if (json["formaPago"] !== undefined) fields.formaPago = text(json["formaPago"])
  if (json["usoCfdi"] !== undefined) fields.usoCfdi = text(json["usoCfdi"])
  if (json["claveProdServ"] !== undefined) fields.claveProdServ = text(json["claveProdServ"])
  if (json["conceptAmounts"] !== undefined) fields.conceptAmounts = list(json["conceptAmounts"], conceptAmountFrom)
  fields.relations = list(json["relations"], relationFrom)
  if (json["paidDocuments"] !== undefined) fields.paidDocuments = texts(json["paidDocuments"])
  if (json["satStatus"] !== undefined) fields.satStatus = text(json["satStatus"])
  if (json["tipAmount"] !== undefined) fields.tipAmount = decimal(json["tipAmount"])
  if (json["validationStatus"] !== undefined) fields.validationStatus = text(json["validationStatus"])
  if (json["uploadedByUserUuid"] !== undefined) fields.uploadedByUserUuid = text(json["uploadedByUserUuid"])
  fields.claraTransactionUuids = texts(json["claraTransactionUuids"])
  fields.sources = list(json["sources"], sourceFrom)
  return trustedInstance(FiscalDocument, fields)
}

const decodeWithSchema = Schema.decodeUnknownSync(FiscalDocument)

/**
 * The document of a stored JSON text (`fiscalDocumentJson`'s, from the parse cache or the document store): the same
 * value as `Schema.decodeUnknownSync(FiscalDocument)(JSON.parse(json))`, built without the schema machinery when every
 * field has the shape the encoder writes (strings, the kind and country literals, a `yyyy-MM-dd` issue date, decimal
 * strings for amounts, arrays). Any other text goes to the schema decoder, which throws its `ParseError` naming the
 * field; invalid JSON throws `SyntaxError`.
 */
export const fiscalDocumentFromJson = (json: string): FiscalDocument =>
  fastOrSchema(json, documentFrom, decodeWithSchema)

// The check on load: every field set, then only the required ones.
const full = new FiscalDocument({
  id: "ID",
  kind: "CFDI",
  country: "MX",
  version: "4.0",
  fiscalUuid: "U",
  tipoDeComprobante: "I",
  issueDate: "2025-01-02",
  issuedAt: "2025-01-02T10:00:00",
  serie: "A",
  folio: "1",
  issuer: new Party({ taxId: "AAA010101AAA", name: "E" }),
  receiver: new Party({ taxId: "BBB010101BBB" }),
  currency: "MXN",
  subTotal: BigDecimal.unsafeFromString("100.50"),
  discount: BigDecimal.unsafeFromString("0"),
  total: BigDecimal.unsafeFromString("116.58"),
  exchangeRate: BigDecimal.unsafeFromString("17.2500"),
  taxes: new TaxTotals({
    ivaTransferred: BigDecimal.unsafeFromString("16.08"),
    iepsTransferred: BigDecimal.unsafeFromString("1"),
    ivaWithheld: BigDecimal.unsafeFromString("-0.10"),
    isrWithheld: BigDecimal.unsafeFromString("0.000"),
    localNet: BigDecimal.unsafeFromString("2.5"),
    localWithheld: BigDecimal.unsafeFromString("1.50"),
    ivaByRate: [
      new IvaAtRate({
        rate: BigDecimal.unsafeFromString("0.160000"),
        base: BigDecimal.unsafeFromString("100.50"),
        amount: BigDecimal.unsafeFromString("16.08")
      }),
      new IvaAtRate({ base: BigDecimal.unsafeFromString("10"), amount: BigDecimal.unsafeFromString("0") })
    ]
  }),
  metodoPago: "PUE",
  formaPago: "04",
  usoCfdi: "G03",
  claveProdServ: "90101501",
  conceptAmounts: [
    new ConceptAmount({ claveProdServ: "90101501", amount: BigDecimal.unsafeFromString("90.50") }),
    new ConceptAmount({ claveProdServ: "90111800", amount: BigDecimal.unsafeFromString("10") })
  ],
  relations: [new CfdiRelation({ tipoRelacion: "01", uuids: ["X", "Y"] })],
  paidDocuments: ["P1"],
  satStatus: "Vigente",
  tipAmount: BigDecimal.unsafeFromString("10.00"),
  validationStatus: "VALID",
  uploadedByUserUuid: "u",
  claraTransactionUuids: ["t"],
  sources: [new DocumentSource({ kind: "clara-invoice", location: "l", sha256: "s", transactionUuid: "t" })]
})
const minimal = new FiscalDocument({
  id: "ID",
  kind: "NFE",
  country: "BR",
  issueDate: "2025-01-02",
  issuer: new Party({}),
  receiver: new Party({}),
  currency: "BRL",
  total: BigDecimal.unsafeFromString("1.10"),
  taxes: new TaxTotals({}),
  relations: [],
  claraTransactionUuids: [],
  sources: [new DocumentSource({ kind: "file", location: "f" })]
})
for (const document of [full, minimal]) {
  const json = fiscalDocumentJson(document)
  if (json !== JSON.stringify(Schema.encodeSync(FiscalDocument)(document))) {
    throw new Error("fiscalDocumentJson no longer writes what the FiscalDocument schema encodes: update it")
  }
  // and the fast decoder reads back every field the schema decoder does (the schema's own JSON of both agrees)
  const fast = documentFrom(JSON.parse(json))
  if (!(fast instanceof FiscalDocument) || JSON.stringify(Schema.encodeSync(FiscalDocument)(fast)) !== json) {
    throw new Error("fiscalDocumentFromJson no longer reads what the FiscalDocument schema decodes: update it")
  }
}
