import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { ErpError, redactSecrets } from "../src/ErpError.js"
import { ErpPackageError } from "../src/ErpPackageError.js"

describe("ErpError", () => {
  it("builds a not-applied refusal with a redacted internal message", () => {
    const error = ErpError.rejected("MAPPING", "ACCOUNT_UNMAPPED", "Account for IVA 8 % is not mapped", {
      fieldPath: "taxCodes.IVA8",
      remediation: { action: "fix_mapping", target: "taxCodes.IVA8" },
      internalMessage: "GET /x token_secret=s3cr3t card 4111111111111111\nAuthorization: Bearer abc.def"
    })
    assert.strictEqual(error.outcome, "not_applied")
    assert.isFalse(error.retryable)
    assert.strictEqual(error.message, "MAPPING ACCOUNT_UNMAPPED: Account for IVA 8 % is not mapped")
    assert.notInclude(error.internalMessage, "abc.def")
    assert.notInclude(error.internalMessage, "s3cr3t")
    assert.notInclude(error.internalMessage, "4111111111111111")
    assert.include(error.internalMessage, "****1111")
  })

  it("redacts JSON secrets, OAuth headers and query parameters", () => {
    const text = redactSecrets(
      `{"client_secret":"xyz","ok":"1"} oauth_signature=abc%3D&limit=5\nAuthorization: OAuth realm="1", oauth_token="t"`
    )
    assert.strictEqual(
      text,
      `{"client_secret":"[REDACTED]","ok":"1"} oauth_signature=[REDACTED]&limit=5\nAuthorization: [REDACTED]`
    )
  })

  it("round-trips through the package error union schema", () => {
    const error = ErpError.rejected("VALIDATION", "AMOUNT_GAP_TOO_LARGE", "gap")
    const encoded = Schema.encodeSync(ErpPackageError)(error)
    const decoded = Schema.decodeUnknownSync(ErpPackageError)(JSON.parse(JSON.stringify(encoded)))
    assert.instanceOf(decoded, ErpError)
    assert.strictEqual(decoded._tag, "ErpError")
  })

  it("rejects a code that is not upper snake case", () => {
    assert.throws(() => ErpError.rejected("UNKNOWN", "lower-case", "x"))
  })

  it("combines several refusals into one error listing every problem", () => {
    const a = ErpError.rejected("MAPPING", "ACCOUNT_UNMAPPED", "No account for category travel", { fieldPath: "a" })
    const b = ErpError.rejected("PERIOD_CLOSED", "PERIOD_CLOSED", "January 2026 is closed")
    assert.strictEqual(ErpError.combine([a]), a)
    const both = ErpError.combine([a, b])
    assert.deepStrictEqual(
      [both.kind, both.code, both.outcome, both.retryable, both.fieldPath, both.remediation?.action],
      ["MAPPING", "MULTIPLE_PROBLEMS", "not_applied", false, "a", "fix_mapping"]
    )
    assert.strictEqual(both.userMessage, "2 problems: 1) No account for category travel; 2) January 2026 is closed")
    assert.deepStrictEqual(both.problems?.map((p) => p.code), ["ACCOUNT_UNMAPPED", "PERIOD_CLOSED"])
    const lost = ErpError.unknownOutcome("NS_TIMEOUT", "No answer", { internalMessage: "Authorization: Bearer x.y" })
    assert.strictEqual(ErpError.combine([both, lost]).outcome, "unknown")
    assert.deepStrictEqual([lost.kind, lost.outcome, lost.retryable], ["TRANSIENT", "unknown", true])
    assert.notInclude(lost.internalMessage, "x.y")
    assert.strictEqual(b.remediation?.action, "open_period")
  })
})
