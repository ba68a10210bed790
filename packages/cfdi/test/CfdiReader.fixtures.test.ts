import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { CfdiReadError } from "../src/CfdiError.js"
import { readCfdi } from "../src/CfdiReader.js"
import { validateCfdi } from "../src/CfdiValidator.js"

const fixtures = process.env["CLARA_RECON_FIXTURES"] ??
  fileURLToPath(new URL("../../../../shared/fixtures", import.meta.url))
const dir = join(fixtures, "cfdi")
const present = existsSync(dir)
if (!present) console.warn(`CFDI fixture tests skipped: ${dir} not found (set CLARA_RECON_FIXTURES)`)

const readFixture = (name: string) => readCfdi(readFileSync(join(dir, name)), { path: name })

const refusalOf = (name: string) => {
  const result = readFixture(name)
  if (Either.isRight(result)) assert.fail(`${name} read, expected a refusal`)
  return result.left
}

describe("CFDI fixture corpus", () => {
  it.skipIf(!present)("reads or refuses every file with a typed reason", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".xml"))
    assert.isAbove(files.length, 10)
    let read = 0
    for (const name of files) {
      const result = readFixture(name)
      if (Either.isRight(result)) {
        read++
        assert.match(result.right.timbre.uuid, /^[0-9A-F-]{36}$/, name)
        validateCfdi(result.right)
      } else {
        assert.instanceOf(result.left, CfdiReadError, name)
        assert.include(result.left.message, name)
      }
    }
    assert.isAbove(read, 5)
  })

  it.skipIf(!present)("reads the real CFDI 4.0 card invoice", () => {
    const result = readFixture("cfdi40-real.xml")
    if (Either.isLeft(result)) assert.fail(result.left.message)
    const cfdi = result.right
    assert.strictEqual(cfdi.timbre.uuid, "C2832671-DA6D-11EF-A83D-00155D012007")
    assert.strictEqual(BigDecimal.format(cfdi.total), "1000")
    assert.strictEqual(cfdi.total.scale, 2)
    assert.strictEqual(cfdi.formaPago, "04")
    assert.deepStrictEqual(validateCfdi(cfdi), { errors: [], warnings: [] })
  })

  it.skipIf(!present)("reads the real CFDI 3.3 with implocal and validates its Total", () => {
    const result = readFixture("cfdi33-real.xml")
    if (Either.isLeft(result)) assert.fail(result.left.message)
    assert.strictEqual(result.right.version, "3.3")
    assert.strictEqual(BigDecimal.format(result.right.impuestosLocales!.totalTraslados), "27.43")
    assert.deepStrictEqual(validateCfdi(result.right).errors, [])
  })

  it.skipIf(!present)("refuses legacy, unstamped and non-CFDI files with their reason", () => {
    assert.strictEqual(refusalOf("cfdv32-nomina.xml").reason, "UnsupportedVersion")
    assert.strictEqual(refusalOf("v32-dirty-errors.xml").reason, "UnsupportedVersion")
    assert.strictEqual(refusalOf("simple-xml.xml").reason, "NotCfdi")
    assert.strictEqual(refusalOf("retenciones20.xml").reason, "NotCfdi")
    assert.strictEqual(refusalOf("cfdv33-base.xml").reason, "MissingTimbre")
  })

  it.skipIf(!present)("reads a BOM-prefixed SAT sample and flags its placeholder amounts", () => {
    const result = readFixture("cfdv40-ejemplo-signed-tfd.xml")
    if (Either.isLeft(result)) assert.fail(result.left.message)
    assert.strictEqual(result.right.timbre.uuid, "499E9A70-36AC-448A-BBD9-F3F52102E4BE")
    assert.includeMembers(validateCfdi(result.right).errors.map((e) => e.code), ["SUBTOTAL_SUM", "TOTAL_FORMULA"])
  })
})
