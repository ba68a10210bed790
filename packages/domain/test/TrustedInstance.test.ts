/** `trustedInstance` builds what the class constructor (validation off) builds, or uses the constructor. */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Schema } from "effect"
import { DocumentSource, FiscalDocument, Party, TaxTotals, TRUSTED, trustedInstance } from "../src/index.js"

const ownEntries = (value: object) => Reflect.ownKeys(value).map((k) => [k, (value as Record<PropertyKey, unknown>)[k]])

describe("trustedInstance", () => {
  it("builds the same instance as the constructor with validation disabled", () => {
    const party = new Party({ taxId: "EKU9003173C9" }, TRUSTED)
    const fields = {
      id: "9C8B7A6D-5E4F-4A3B-9C2D-1E0F9A8B7C6D",
      kind: "CFDI",
      country: "MX",
      issueDate: "2026-05-31",
      issuer: party,
      receiver: party,
      currency: "MXN",
      total: BigDecimal.unsafeFromString("116.00"),
      taxes: new TaxTotals({}, TRUSTED),
      relations: [],
      claraTransactionUuids: [],
      sources: [new DocumentSource({ kind: "file", location: "a.xml" })],
      folio: "77"
    } as const
    for (const props of [fields, { ...fields, folio: "78" }]) {
      const made = trustedInstance(FiscalDocument, props)
      const constructed = new FiscalDocument(props, TRUSTED)
      assert.strictEqual(Object.getPrototypeOf(made), FiscalDocument.prototype)
      assert.deepStrictEqual(ownEntries(made), ownEntries(constructed))
      assert.isTrue(Schema.is(FiscalDocument)(made))
      assert.strictEqual(made.folio, props.folio)
    }
  })

  it("uses the constructor for a class with a field default, even when the first fields give that field", () => {
    class WithDefault extends Schema.Class<WithDefault>("WithDefault")({
      a: Schema.String,
      b: Schema.optionalWith(Schema.String, { default: () => "b" })
    }) {}
    const first = trustedInstance(WithDefault, { a: "x", b: "given" })
    assert.deepStrictEqual([first.a, first.b], ["x", "given"])
    const later = trustedInstance(WithDefault, { a: "y" })
    assert.instanceOf(later, WithDefault)
    assert.deepStrictEqual([later.a, later.b], ["y", "b"])
  })
})
