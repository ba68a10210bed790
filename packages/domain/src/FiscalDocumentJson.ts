/**
 * The stored JSON text of a `FiscalDocument` (the parse cache's entry): exactly
 * `JSON.stringify(Schema.encodeSync(FiscalDocument)(document))`, built without the schema machinery, which cost
 * about a third of reading the CFDI itself. Amounts are written as the schema writes them (`BigDecimal.format` of
 * the normalised value). The module checks itself once on load against the schema encoder (a field added to
 * `FiscalDocument` and not here fails that check at once), and `packages/cfdi/test/FiscalDocumentJson.test.ts`
 * compares both on generated documents of every kind.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Schema from "effect/Schema"
import { CfdiRelation, DocumentSource, FiscalDocument, Party, TaxTotals } from "./FiscalDocument.js"

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
  localNet: amount(t.localNet)
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
  relations: d.relations.map(relationOf),
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
    localNet: BigDecimal.unsafeFromString("2.5")
  }),
  metodoPago: "PUE",
  formaPago: "04",
  usoCfdi: "G03",
  claveProdServ: "90101501",
  relations: [new CfdiRelation({ tipoRelacion: "01", uuids: ["X", "Y"] })],
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
  if (fiscalDocumentJson(document) !== JSON.stringify(Schema.encodeSync(FiscalDocument)(document))) {
    throw new Error("fiscalDocumentJson no longer writes what the FiscalDocument schema encodes: update it")
  }
}
