import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { CsvLayout } from "../src/CsvLayout.js"
import { genericJeV1 } from "../src/GenericJeV1.js"
import { columnsOf } from "./support/Layouts.js"

describe("CsvLayout", () => {
  it("is data: generic-je-v1 survives a JSON round trip through the schema", () => {
    const decoded = Schema.decodeUnknownSync(CsvLayout)(JSON.parse(JSON.stringify(genericJeV1)))
    assert.deepStrictEqual(decoded, genericJeV1)
    assert.deepStrictEqual(columnsOf(decoded).map((c) => c.name), [
      "DOC_KEY", "BUKRS", "BLART", "BLDAT", "BUDAT", "WAERS", "KURSF", "XBLNR", "BKTXT", "LINE_NO", "BSCHL",
      "HKONT", "LIFNR", "WRBTR", "SHKZG", "MWSKZ", "KOSTL", "PRCTR", "ZUONR", "SGTXT", "CFDI_UUID", "RFC_EMISOR"
    ])
  })

  it("refuses an unknown source, an empty column list, no files and an unknown encoding", () => {
    const withColumns = (columns: ReadonlyArray<unknown>) => ({
      ...genericJeV1,
      files: [{ ...genericJeV1.files[0], sections: [{ ...genericJeV1.files[0].sections[0], columns }] }]
    })
    const decode = Schema.decodeUnknownEither(CsvLayout)
    assert.isTrue(Either.isRight(decode(withColumns(columnsOf(genericJeV1)))))
    assert.isTrue(Either.isLeft(decode(withColumns([{ name: "X", source: "doc.secret", format: { kind: "text" } }]))))
    assert.isTrue(Either.isLeft(decode(withColumns([]))))
    assert.isTrue(Either.isLeft(decode({ ...genericJeV1, files: [] })))
    assert.isTrue(Either.isLeft(decode({ ...genericJeV1, encoding: "latin1" })))
  })
})
