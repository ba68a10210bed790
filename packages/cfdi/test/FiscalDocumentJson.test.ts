/**
 * The domain's `fiscalDocumentJson` (the parse cache's stored text, written without the schema encoder) against the
 * schema encoder itself, on the documents of 600 generated CFDIs (4.0 / 3.3; I, E with relations, P) with sources of
 * every kind, and on the same documents after a JSON round trip through the schema decoder.
 */
import { assert, describe, it } from "@effect/vitest"
import { DocumentSource, FiscalDocument, fiscalDocumentJson } from "@clara-recon/domain"
import { Schema } from "effect"
import { toFiscalDocument } from "../src/Cfdi.js"
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
      compared++
    }
    assert.strictEqual(compared, 600)
    assert.isAtLeast(kinds.size, 5)
  })
})
