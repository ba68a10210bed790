/**
 * Property test over seeded random documents (fast-check is not installed; a fixed seed range stands in for it):
 * every generated CFDI reads and validates with zero errors, and each single mutation is caught with its code.
 */
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Either } from "effect"
import { randomCfdi } from "../src/CfdiCorpus.js"
import type { CfdiReadReason } from "../src/CfdiError.js"
import { readCfdi } from "../src/CfdiReader.js"
import type { CfdiFindingCode } from "../src/CfdiValidator.js"
import { validateCfdi } from "../src/CfdiValidator.js"

const SEEDS = Array.from({ length: 300 }, (_, i) => 1_000 + i)

/** `value` + `delta`, with 2 decimals. */
const shifted = (value: string, delta: string): string => {
  const sum = BigDecimal.sum(BigDecimal.unsafeFromString(value), BigDecimal.unsafeFromString(delta))
  return BigDecimal.format(BigDecimal.round(sum, { scale: 2 }))
}

/** Replaces attribute `name` of the first match of `tag` at or after `from` (undefined when there is none). */
const bumpAttribute = (xml: string, tag: RegExp, name: string, delta: string, from = 0): string | undefined => {
  const rest = xml.slice(from)
  const match = tag.exec(rest)
  if (match === null) return undefined
  const attribute = new RegExp(` ${name}="([^"]*)"`)
  const value = attribute.exec(match[0])
  if (value === null) return undefined
  const element = match[0].replace(attribute, ` ${name}="${shifted(value[1]!, delta)}"`)
  const at = from + match.index
  return xml.slice(0, at) + element + xml.slice(at + match[0].length)
}

type Expected = { readonly error: CfdiFindingCode } | { readonly warning: CfdiFindingCode } | {
  readonly refused: CfdiReadReason
}

interface Mutation {
  readonly name: string
  readonly expected: Expected
  /** The mutated XML, or undefined when the mutation does not apply to this document. */
  readonly apply: (xml: string) => string | undefined
}

const ROOT = /<cfdi:Comprobante [^>]*>/
const afterConceptos = (xml: string) => xml.indexOf("</cfdi:Conceptos>")

const mutations: ReadonlyArray<Mutation> = [
  { name: "Total + 1.50", expected: { error: "TOTAL_FORMULA" }, apply: (x) => bumpAttribute(x, ROOT, "Total", "1.50") },
  {
    name: "TFD removed",
    expected: { refused: "MissingTimbre" },
    apply: (x) => x.replace(/<tfd:TimbreFiscalDigital [^>]*\/>/, "")
  },
  {
    name: "concept Importe + 5.00",
    expected: { error: "SUBTOTAL_SUM" },
    apply: (x) => bumpAttribute(x, /<cfdi:Concepto [^>]*>/, "Importe", "5.00")
  },
  {
    name: "TotalImpuestosTrasladados + 1.00",
    expected: { error: "TRASLADOS_SUM" },
    apply: (x) => bumpAttribute(x, /<cfdi:Impuestos [^>]*>/, "TotalImpuestosTrasladados", "1.00", afterConceptos(x))
  },
  {
    name: "TotalImpuestosRetenidos - 0.50",
    expected: { error: "RETENCIONES_SUM" },
    apply: (x) => bumpAttribute(x, /<cfdi:Impuestos [^>]*>/, "TotalImpuestosRetenidos", "-0.50", afterConceptos(x))
  },
  {
    name: "document Traslado Importe + 0.05",
    expected: { error: "TRASLADO_GROUP_SUM" },
    apply: (x) => bumpAttribute(x, /<cfdi:Traslado [^>]*>/, "Importe", "0.05", afterConceptos(x))
  },
  {
    name: "concept Traslado Importe + 2.00",
    expected: { error: "CONCEPTO_IMPUESTO_IMPORTE" },
    apply: (x) => bumpAttribute(x, /<cfdi:Traslado [^>]*>/, "Importe", "2.00")
  },
  {
    name: "Moneda MXN without TipoCambio becomes USD",
    expected: { error: "TIPOCAMBIO_REQUIRED" },
    apply: (x) =>
      / Moneda="MXN"/.test(x) && !/ TipoCambio=/.test(x) ? x.replace(` Moneda="MXN"`, ` Moneda="USD"`) : undefined
  },
  {
    name: "PUE with FormaPago 99",
    expected: { error: "FORMAPAGO_99_NOT_PPD" },
    apply: (x) => (/ MetodoPago="PUE"/.test(x) ? x.replace(/ FormaPago="\d\d"/, ` FormaPago="99"`) : undefined)
  },
  {
    name: "Receptor RFC truncated",
    expected: { error: "RECEPTOR_RFC_FORMAT" },
    apply: (x) => x.replace(/(<cfdi:Receptor Rfc="[^"]*)..."/, `$1"`)
  },
  {
    name: "UUID not RFC 4122",
    expected: { error: "TFD_UUID_FORMAT" },
    apply: (x) => x.replace(/(<tfd:TimbreFiscalDigital [^>]* UUID="[0-9a-f]{8})-/, "$1")
  },
  {
    name: "Pagos complement removed from a P",
    expected: { error: "P_PAGOS_MISSING" },
    apply: (x) =>
      x.includes(":Pagos ") ? x.replace(/<pago(?:10|20):Pagos [\s\S]*<\/pago(?:10|20):Pagos>/, "") : undefined
  },
  {
    name: "CfdiRelacionados removed from an E",
    expected: { warning: "E_RELACIONADOS_MISSING" },
    apply: (x) =>
      x.includes(`TipoDeComprobante="E"`)
        ? x.replace(/<cfdi:CfdiRelacionados [\s\S]*<\/cfdi:CfdiRelacionados>/, "")
        : undefined
  }
]

describe("generated CFDI corpus (property)", () => {
  it("is deterministic: same seed, same bytes; different seeds differ", () => {
    for (const seed of SEEDS.slice(0, 20)) {
      assert.strictEqual(randomCfdi(seed).xml, randomCfdi(seed).xml)
      assert.notStrictEqual(randomCfdi(seed).xml, randomCfdi(seed + 1).xml)
    }
  })

  it("covers 4.0 / 3.3 x I / E / P, withholdings, USD and PPD", () => {
    const docs = SEEDS.map(randomCfdi)
    const kinds = new Set(docs.map((d) => `${d.version} ${d.tipoDeComprobante}`))
    assert.deepStrictEqual([...kinds].sort(), ["3.3 E", "3.3 I", "3.3 P", "4.0 E", "4.0 I", "4.0 P"])
    const has = (pattern: RegExp) => docs.filter((d) => pattern.test(d.xml)).length
    assert.isAbove(has(/TotalImpuestosRetenidos=/), 10)
    assert.isAbove(has(/Impuesto="001"/), 10)
    assert.isAbove(has(/Moneda="USD" TipoCambio=/), 5)
    assert.isAbove(has(/MetodoPago="PPD"/), 10)
    assert.isAbove(has(/TasaOCuota="0.080000"/), 5)
    assert.isAbove(has(/TipoFactor="Exento"/), 5)
    assert.isAbove(has(/ Descuento="/), 5)
    assert.isAbove(has(/pago20:Pagos/), 10)
    assert.isAbove(has(/pago10:Pagos/), 5)
  })

  it("reads and validates every generated document with zero errors and no warnings", () => {
    for (const seed of SEEDS) {
      const doc = randomCfdi(seed)
      const read = readCfdi(doc.xml, { path: doc.name })
      if (Either.isLeft(read)) return assert.fail(read.left.message)
      assert.strictEqual(read.right.timbre.uuid, doc.uuid.toUpperCase())
      assert.strictEqual(read.right.version, doc.version)
      assert.strictEqual(read.right.tipoDeComprobante, doc.tipoDeComprobante)
      assert.deepStrictEqual(validateCfdi(read.right), { errors: [], warnings: [] }, doc.name)
    }
  })

  it("catches every single mutation with the right code", () => {
    const applied = new Map<string, number>()
    for (const seed of SEEDS) {
      const doc = randomCfdi(seed)
      for (const mutation of mutations) {
        const mutated = mutation.apply(doc.xml)
        if (mutated === undefined || mutated === doc.xml) continue
        applied.set(mutation.name, (applied.get(mutation.name) ?? 0) + 1)
        const label = `${doc.name}: ${mutation.name}`
        const read = readCfdi(mutated, { path: doc.name })
        const { expected } = mutation
        if ("refused" in expected) {
          assert.isTrue(Either.isLeft(read), label)
          if (Either.isLeft(read)) assert.strictEqual(read.left.reason, expected.refused, label)
          continue
        }
        if (Either.isLeft(read)) return assert.fail(`${label}: ${read.left.message}`)
        const { errors, warnings } = validateCfdi(read.right)
        if ("error" in expected) assert.include(errors.map((e) => e.code), expected.error, label)
        else assert.include(warnings.map((e) => e.code), expected.warning, label)
      }
    }
    // every mutation kind was exercised on a meaningful number of documents
    for (const mutation of mutations) assert.isAtLeast(applied.get(mutation.name) ?? 0, 10, mutation.name)
  }, 120_000)
})
