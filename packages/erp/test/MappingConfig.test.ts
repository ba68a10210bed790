import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either, Schema } from "effect"
import { defaultMapping, MappingConfig, mappingJsonSchema } from "../src/MappingConfig.js"

describe("MappingConfig", () => {
  it("decodes JSON and fills the documented defaults", () => {
    const decoded = Schema.decodeUnknownSync(MappingConfig)({
      accounts: {
        expenseDefault: "6000",
        ivaAcreditable: "1180",
        retIva: "2161",
        retIsr: "2162",
        cardLiability: "2050",
        rounding: "7030",
        fxDiff: "7010"
      },
      companyCode: "1000",
      taxCodes: { IVA16: "V1", IVA8: "V2", IVA0: "V0", EXENTO: "VE" }
    })
    assert.strictEqual(decoded.documentType, "SA")
    assert.strictEqual(decoded.postingDatePolicy, "card_operation_date")
    assert.isTrue(BigDecimal.equals(decoded.roundingTolerance, BigDecimal.unsafeFromString("0.50")))
    assert.deepStrictEqual(decoded.accounts.expenseByCategory, {})
  })

  it("refuses an empty account and a company code over 4 characters", () => {
    const encoded = Schema.encodeSync(MappingConfig)(defaultMapping)
    const bad = { ...encoded, companyCode: "MX001", accounts: { ...encoded.accounts, retIva: " " } }
    const result = Schema.decodeUnknownEither(MappingConfig)(bad, { errors: "all" })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.include(result.left.message, "companyCode")
      assert.include(result.left.message, "retIva")
    }
  })

  it("publishes a JSON schema naming every account", () => {
    const text = JSON.stringify(mappingJsonSchema)
    for (const name of ["expenseDefault", "ivaAcreditable", "cardLiabilityByCard", "fxDiff", "postingDatePolicy"]) {
      assert.include(text, `"${name}"`)
    }
  })
})
