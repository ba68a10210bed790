/**
 * The domain's `fiscalDocumentJson` (the parse cache's stored text, written without the schema encoder) against the
 * schema encoder itself, on the documents of 600 generated CFDIs (4.0 / 3.3; I, E with relations, P) with sources of
 * every kind, and on the same documents after a JSON round trip through the schema decoder; and its reverse,
 * `fiscalDocumentFromJson`, against the schema decoder on the same texts, on every optional field, and on texts the
 * encoder never writes (which the schema decoder refuses, naming the field).
 */
import { assert, describe, it } from "@effect/vitest"
import {
  CfdiRelation,
  DocumentSource,
  FiscalDocument,
  fiscalDocumentFromJson,
  fiscalDocumentJson,
  Party,
  TaxTotals
} from "@clara-recon/domain"
import { BigDecimal, Either, Schema } from "effect"
import { toFiscalDocument } from "../src/CfdiToDomain.js"
import { randomCfdiCorpus } from "../src/CfdiCorpus.js"
import { readCfdi } from "../src/CfdiReader.js"

const schemaJson = (document: FiscalDocument) => JSON.stringify(Schema.encodeSync(FiscalDocument)(document))

const sources = [
  new DocumentSource({ kind: "file", location: "/in/a.xml", sha256: "ab".repeat(32) }),
  new DocumentSource({ kind: "clara-invoice", location: "/api/v3/transactions/t/invoices#1", transactionUuid: "t" }),
  new DocumentSource({ kind: "clara-extracted-document", location: "x" })
]

describe("fiscalDocumentJson", () => {
  it("writes exactly what the FiscalDocument schema encodes", () => {
    const kinds = new Set<string>()
    let compared = 0
    for (const [i, file] of randomCfdiCorpus(11, 600).entries()) {
      const read = readCfdi(file.xml, { path: file.name })
      assert.isTrue(read._tag === "Right", file.name)
      if (read._tag !== "Right") continue
      const document = toFiscalDocument(read.right, sources[i % sources.length]!)
      kinds.add(`${document.version} ${document.tipoDeComprobante} ${document.relations.length > 0}`)
      assert.strictEqual(fiscalDocumentJson(document), schemaJson(document), file.name)
      const decoded = Schema.decodeUnknownSync(FiscalDocument)(JSON.parse(fiscalDocumentJson(document)))
      assert.strictEqual(fiscalDocumentJson(decoded), schemaJson(decoded), file.name)
      assert.deepStrictEqual(fiscalDocumentFromJson(fiscalDocumentJson(document)), decoded, file.name)
      compared++
    }
    assert.strictEqual(compared, 600)
    assert.isAtLeast(kinds.size, 5)
  })
})

/** An extracted document with every optional field (the one with none is checked when the module loads). */
const extracted = new FiscalDocument({
  id: "E1",
  kind: "EXTRACTED_DOCUMENT",
  country: "CO",
  fiscalUuid: "F1",
  issueDate: "2025-02-03",
  issuedAt: "2025-02-03T10:00:00",
  serie: "S",
  folio: "9",
  issuer: new Party({ taxId: "900123456", name: "Café Ñandú" }),
  receiver: new Party({ name: "Acme" }),
  currency: "COP",
  subTotal: BigDecimal.unsafeFromString("100.500"),
  discount: BigDecimal.unsafeFromString("0.00"),
  total: BigDecimal.unsafeFromString("116.58"),
  exchangeRate: BigDecimal.unsafeFromString("0.0043"),
  taxes: new TaxTotals({
    ivaTransferred: BigDecimal.unsafeFromString("16.08"),
    localNet: BigDecimal.unsafeFromString("-2.5")
  }),
  metodoPago: "PUE",
  formaPago: "04",
  usoCfdi: "G03",
  claveProdServ: "90101501",
  relations: [new CfdiRelation({ tipoRelacion: "04", uuids: ["A", "B"] })],
  satStatus: "Vigente",
  tipAmount: BigDecimal.unsafeFromString("10"),
  validationStatus: "VALIDATED_BY_USER",
  uploadedByUserUuid: "u-1",
  claraTransactionUuids: ["t-1", "t-2"],
  sources: sources
})
describe("fiscalDocumentFromJson", () => {
  const schemaDecode = (json: string) => Schema.decodeUnknownSync(FiscalDocument)(JSON.parse(json))
  // what `f` throws as `<name>: <message>` (a Left), or what it returns (a Right)
  const outcome = (f: () => unknown) =>
    Either.try({ try: f, catch: (e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)) })

  it("reads every optional field as the schema decoder does", () => {
    const json = fiscalDocumentJson(extracted)
    const fast = fiscalDocumentFromJson(json)
    assert.deepStrictEqual(fast, schemaDecode(json))
    assert.strictEqual(fiscalDocumentJson(fast), json)
    assert.instanceOf(fast.issuer, Party)
    assert.instanceOf(fast.relations[0], CfdiRelation)
    assert.instanceOf(fast.sources[0], DocumentSource)
  })

  it("leaves a text the encoder never writes to the schema decoder: same value, or the same error", () => {
    const plain = JSON.parse(fiscalDocumentJson(extracted)) as Record<string, unknown>
    // an unknown member is dropped by both
    const extra = JSON.stringify({ ...plain, note: "kept nowhere" })
    assert.deepStrictEqual(fiscalDocumentFromJson(extra), schemaDecode(extra))
    // wrong shapes are refused by the schema decoder, naming the field
    for (const broken of [
      { ...plain, total: "a lot" },
      { ...plain, issueDate: "2025-2-3" },
      { ...plain, kind: "RECEIPT" },
      { ...plain, serie: null },
      { ...plain, sources: [{ kind: "file" }] },
      { ...plain, relations: {} }
    ]) {
      const json = JSON.stringify(broken)
      const fast = outcome(() => fiscalDocumentFromJson(json))
      assert.deepStrictEqual(fast, outcome(() => schemaDecode(json)))
      assert.match(Either.isLeft(fast) ? fast.left : "no error", /^ParseError/)
    }
    const syntax = outcome(() => fiscalDocumentFromJson("{"))
    assert.match(Either.isLeft(syntax) ? syntax.left : "no error", /^SyntaxError/)
  })
})
