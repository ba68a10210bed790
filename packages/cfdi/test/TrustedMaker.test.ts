import { DocumentSource, FiscalDocument, Party, TaxTotals } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Schema } from "effect"
import { TRUSTED, trustedBuilder, trustedMaker } from "../src/internal/trustedMaker.js"

const ownEntries = (value: object) => Reflect.ownKeys(value).map((k) => [k, (value as Record<PropertyKey, unknown>)[k]])

describe("trustedMaker", () => {
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
    const make = trustedMaker(FiscalDocument, fields)
    const made = make(fields)
    const constructed = new FiscalDocument(fields, TRUSTED)
    assert.strictEqual(Object.getPrototypeOf(made), FiscalDocument.prototype)
    assert.instanceOf(made, FiscalDocument)
    assert.deepStrictEqual(ownEntries(made), ownEntries(constructed))
    assert.isTrue(Schema.is(FiscalDocument)(made))
    assert.strictEqual(made.folio, "77")
  })

  it("fills a record that is already the instance, field by field", () => {
    const builder = trustedBuilder(Party, {})
    const record = builder.start() as { taxId?: string; name?: string }
    record.taxId = "EKU9003173C9"
    const party = builder.finish(record)
    assert.strictEqual(party, record)
    assert.deepStrictEqual(ownEntries(party), ownEntries(new Party({ taxId: "EKU9003173C9" }, TRUSTED)))
    assert.isTrue(Schema.is(Party)(party))
  })

  it("falls back to the constructor when a field has a default", () => {
    class WithDefault extends Schema.Class<WithDefault>("WithDefault")({
      a: Schema.String,
      b: Schema.optionalWith(Schema.String, { default: () => "b" })
    }) {}
    const made = trustedMaker(WithDefault, { a: "x" })({ a: "y" })
    assert.instanceOf(made, WithDefault)
    assert.deepStrictEqual([made.a, made.b], ["y", "b"])
    const builder = trustedBuilder(WithDefault, { a: "x" })
    const record = builder.start() as { a?: string }
    record.a = "z"
    const built = builder.finish(record as { a: string })
    assert.instanceOf(built, WithDefault)
    assert.deepStrictEqual([built.a, built.b], ["z", "b"])
  })
})
