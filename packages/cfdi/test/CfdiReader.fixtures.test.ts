import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { CfdiReadReason } from "../src/CfdiError.js"
import { CfdiReadError } from "../src/CfdiError.js"
import { readCfdi } from "../src/CfdiReader.js"
import type { CfdiFindingCode } from "../src/CfdiValidator.js"
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

type Outcome =
  | { readonly uuid: string; readonly errors: ReadonlyArray<CfdiFindingCode> }
  | { readonly refused: CfdiReadReason }

const read = (uuid: string, ...errors: ReadonlyArray<CfdiFindingCode>): Outcome => ({ uuid, errors })
const refused = (reason: CfdiReadReason): Outcome => ({ refused: reason })

/**
 * The outcome of every file in fixtures/cfdi: read with its TFD UUID and the distinct validation error codes
 * (sorted), or refused with its reason. Most SAT / library samples carry no TimbreFiscalDigital (MissingTimbre).
 */
const expected: Readonly<Record<string, Outcome>> = {
  "001.xml": refused("MissingTimbre"),
  "003.xml": refused("MissingTimbre"),
  "004.xml": refused("MissingTimbre"),
  "005.xml": refused("MissingTimbre"),
  "006.xml": refused("MissingTimbre"),
  "007.xml": refused("MissingTimbre"),
  "cfdi33-real.xml": read("CEE4BE01-ADFA-4DEB-8421-ADD60F0BEDAC"),
  // Placeholder samples with empty Sello / Certificado: a stamped CFDI must carry both (Anexo 20).
  "cfdi40-nomina-compensacion-valid.xml": read("22222222-2222-2222-2222-222222222222", "SELLO_MISSING"),
  "cfdi40-nomina-valid.xml": read("00000000-0000-0000-0000-000000000000", "SELLO_MISSING"),
  "cfdi40-real.xml": read("C2832671-DA6D-11EF-A83D-00155D012007"),
  "cfdi40-valid.xml": read("6F35D3B5-3651-5370-BC2C-14CDBE384CD7"),
  "cfdi_addenda.xml": refused("MissingTimbre"),
  "cfdv-33-addenda.xml": refused("MissingTimbre"),
  "cfdv32-nomina.xml": refused("UnsupportedVersion"),
  "cfdv33-base.xml": refused("MissingTimbre"),
  "cfdv33-cce11-codigos-ivalidos.xml": refused("MissingTimbre"),
  "cfdv33-multiples-tasas.xml": read("1FBA4626-947B-49AC-BCD4-A4AF266B3DBF"),
  "cfdv33-nomina12.xml": refused("MissingTimbre"),
  "cfdv33-pagos10-minok.xml": refused("MissingTimbre"),
  "cfdv33-pagos10.xml": refused("MissingTimbre"),
  "cfdv33-signed-tfd.xml": read(
    "EA8152AF-B116-4812-817A-3B4F9617C99C",
    "CONCEPTO_IMPUESTO_IMPORTE",
    "RESIDENCIA_FISCAL_NOT_FOREIGN",
    "RETENCION_GROUP_SUM",
    "SUBTOTAL_SUM",
    "TOTAL_FORMULA",
    "TRASLADO_GROUP_SUM",
  ),
  "cfdv40-aerolineas.xml": refused("MissingTimbre"),
  "cfdv40-divisas.xml": refused("MissingTimbre"),
  "cfdv40-ecc12.xml": refused("MissingTimbre"),
  "cfdv40-ejemplo-signed-tfd.xml": read(
    "499E9A70-36AC-448A-BBD9-F3F52102E4BE",
    "CONCEPTO_IMPUESTO_IMPORTE",
    "INFORMACION_GLOBAL",
    "P_AMOUNTS_ZERO",
    "P_FORBIDDEN",
    "P_MONEDA_XXX",
    "P_PAGOS_MISSING",
    "RESIDENCIA_FISCAL_NOT_FOREIGN",
    "RETENCION_GROUP_SUM",
    "SUBTOTAL_SUM",
    "TOTAL_FORMULA",
    "TRASLADO_GROUP_SUM",
  ),
  "cfdv40-ejemplo.xml": refused("MissingTimbre"),
  "cfdv40-implocal.xml": refused("MissingTimbre"),
  "cfdv40-pagos20-all.xml": refused("MissingTimbre"),
  "cfdv40-pagos20-min.xml": refused("MissingTimbre"),
  "cfdv40-tpe.xml": refused("MissingTimbre"),
  "created-cfdi40-pago20-valid.xml": refused("MissingTimbre"),
  "created-pago-with-ns-at-root-33.xml": refused("MissingTimbre"),
  "created-with-discounts-40.xml": refused("MissingTimbre"),
  "h&e951128469_ingreso_ieps_exento.xml": refused("MissingTimbre"),
  "h&e951128469_ingreso_iva8_stamped.xml": read("6D7434A6-E3F2-47AD-9E4C-08849946AFA0"),
  "h&e951128469_ingreso_noobjeto_stamped.xml": read("6D7434A6-E3F2-47AD-9E4C-08849946AFA0"),
  "iva_concepto_suma_100.03.xml": refused("MissingTimbre"),
  "iva_concepto_suma_100.05.xml": refused("MissingTimbre"),
  "mpago2_xiqb891116qe4_ingreso_iva16.xml": refused("MissingTimbre"),
  "mpago_xiqb891116qe4_ingreso_iva16.xml": refused("MissingTimbre"),
  "pago_p_h&e951128469_ingreso_iva8.xml": refused("MissingTimbre"),
  "python-satcfdi-test_create_cfdi33-invoice_nomina.xml": refused("MissingTimbre"),
  "python-satcfdi-test_create_cfdi40-invoice_nomina.xml": refused("MissingTimbre"),
  "rentenciones_concepto_suma_100.07.xml": refused("MissingTimbre"),
  "retenciones20.xml": refused("NotCfdi"),
  "sample-errors.xml": refused("MissingTimbre"),
  "sample-factura123.xml": refused("MissingTimbre"),
  "sample-facturador01.xml": refused("MissingTimbre"),
  "sample-validacfd01.xml": refused("MissingTimbre"),
  "sample-validacfd04.xml": refused("MissingTimbre"),
  "sample-validacfd05.xml": refused("MissingTimbre"),
  "simple-xml.xml": refused("NotCfdi"),
  "test_finkok_stamp.xml": read("1E5A6E1B-9C1B-5319-BFED-123BD143A310"),
  "test_finkok_stamped.xml": read("F08A8B8C-26DB-5385-86AF-2A1D354C5CC3"),
  "test_mysuite_stamp.xml": read("96F342F4-A28A-487A-907F-7D00F388A8CE"),
  "v32-dirty-errors.xml": refused("UnsupportedVersion"),
  "xiqb891116qe4_ingreso_iva0.xml": refused("MissingTimbre"),
  "xiqb891116qe4_ingreso_noobjeto_stamped.xml": read("6D7434A6-E3F2-47AD-9E4C-08849946AFA0"),
}

const outcomeOf = (name: string): Outcome => {
  const result = readFixture(name)
  if (Either.isLeft(result)) return refused(result.left.reason)
  const codes = new Set(validateCfdi(result.right).errors.map((e) => e.code))
  return read(result.right.timbre.uuid, ...[...codes].sort())
}

describe("CFDI fixture corpus", () => {
  it.skipIf(!present)("reads or refuses every file exactly as the table says", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".xml")).sort()
    assert.deepStrictEqual(files, Object.keys(expected).sort(), "fixtures/cfdi changed: update the table")
    for (const name of files) assert.deepStrictEqual(outcomeOf(name), expected[name], name)
  })

  it.skipIf(!present)("names the file in every refusal", () => {
    for (const name of Object.keys(expected).filter((n) => "refused" in expected[n]!)) {
      const result = readFixture(name)
      assert.instanceOf(Either.isLeft(result) ? result.left : undefined, CfdiReadError, name)
      if (Either.isLeft(result)) assert.include(result.left.message, name)
    }
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
