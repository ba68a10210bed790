import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { CsvLayout } from "../src/CsvLayout.js"
import { genericJeV1 } from "../src/GenericJeV1.js"

describe("CsvLayout", () => {
  it("is data: generic-je-v1 survives a JSON round trip through the schema", () => {
    const decoded = Schema.decodeUnknownSync(CsvLayout)(JSON.parse(JSON.stringify(genericJeV1)))
    assert.deepStrictEqual(decoded, genericJeV1)
    assert.deepStrictEqual(decoded.columns.map((c) => c.name), [
      "DOC_KEY", "BUKRS", "BLART", "BLDAT", "BUDAT", "WAERS", "KURSF", "XBLNR", "BKTXT", "LINE_NO", "BSCHL",
      "HKONT", "LIFNR", "WRBTR", "SHKZG", "MWSKZ", "KOSTL", "PRCTR", "ZUONR", "SGTXT", "CFDI_UUID", "RFC_EMISOR"
    ])
  })

  it("refuses an unknown source and an empty column list", () => {
    const bad = { ...genericJeV1, columns: [{ name: "X", source: "doc.secret", format: { kind: "text" } }] }
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(CsvLayout)(bad)))
    assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(CsvLayout)({ ...genericJeV1, columns: [] })))
  })
})
