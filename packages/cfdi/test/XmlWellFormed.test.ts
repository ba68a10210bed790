/**
 * Well-formedness without fast-xml-parser's separate validator pass (`internal/wellFormed.ts`): every kind of damage
 * the parser alone reads past is refused as `NotXml`, unusual but well-formed XML is still read, and over seeded
 * damage of a generated CFDI the verdict is the validator's own (`XMLValidator`, the oracle the reader used before).
 */
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { XMLValidator } from "fast-xml-parser"
import { generateCfdi40 } from "../src/CfdiGenerator.js"
import { randomCfdiCorpus } from "../src/CfdiCorpus.js"
import type { XmlElement } from "../src/XmlDocument.js"
import { parseXmlTree } from "../src/XmlDocument.js"

const isAddenda = (_: string, name: string) => name === "Addenda"

const refusedAsNotXml = (text: string) => {
  const result = parseXmlTree(text, isAddenda)
  if (Either.isRight(result)) return assert.fail(`expected NotXml for ${JSON.stringify(text.slice(0, 120))}`)
  assert.strictEqual(result.left.reason, "NotXml", text)
  return result.left.detail
}

/** Element names, attributes and text of a tree, in document order (what the readers consume). */
const shape = (elements: ReadonlyArray<XmlElement>): unknown =>
  elements.map((e) => [e.ns, e.name, { ...e.attributes }, e.text, shape(e.children)])

const read = (text: string): unknown => {
  const result = parseXmlTree(text, isAddenda)
  if (Either.isLeft(result)) return assert.fail(`${result.left.detail} in ${JSON.stringify(text.slice(0, 120))}`)
  return shape(result.right)
}

const GOOD = `<?xml version="1.0" encoding="UTF-8"?>\n<r xmlns="urn:r" a="1" b='2'><c d="3"/><e>t</e></r>\n`

describe("XmlDocument well-formedness", () => {
  it("refuses what fast-xml-parser alone would read past", () => {
    refusedAsNotXml(GOOD.replace("</e>", "</x>")) // end tag of another element
    refusedAsNotXml(GOOD.replace("</r>", "")) // root never closed
    refusedAsNotXml(GOOD.slice(0, GOOD.indexOf("<e>") + 3)) // cut inside the text of an element
    refusedAsNotXml(GOOD.replace(`a="1"`, `a="1" a="9"`)) // repeated attribute
    refusedAsNotXml(GOOD.replace(`a="1" b=`, `a="1"b=`)) // no space before an attribute
    refusedAsNotXml(GOOD.replace(`a="1" b=`, `a="1" =b=`)) // stray '='
    refusedAsNotXml(GOOD.replace(`a="1"`, `a="1" flag`)) // name without a value
    refusedAsNotXml(GOOD.replace(`a="1"`, `a=1`)) // unquoted value
    refusedAsNotXml(GOOD.replace(`<c d`, `<1c d`)) // invalid element name
    refusedAsNotXml(GOOD.replace(`d="3"`, `3d="3"`)) // invalid attribute name
    refusedAsNotXml(GOOD.replace("<e>t</e>", "<e>t & u</e>")) // bare '&' in text
    refusedAsNotXml(`${GOOD}trailing`) // text after the root
    refusedAsNotXml(`leading${GOOD}`) // text before the XML declaration
    refusedAsNotXml(`${GOOD}<r2></r2>`) // a second root
    refusedAsNotXml(GOOD.replace("</e>", "</e></e>")) // one end tag too many
    refusedAsNotXml(GOOD.replace("</e>", "</x</e>")) // end tag that does not start where it seems to
    refusedAsNotXml(GOOD.replace("<c d", "<c d=\"1\" <d")) // '<' inside a start tag
  })

  it("words the refusal as fast-xml-parser's validator does", () => {
    const text = GOOD.replace("</e>", "</x>")
    const verdict = XMLValidator.validate(text)
    assert.notStrictEqual(verdict, true)
    if (verdict === true) return
    assert.strictEqual(refusedAsNotXml(text), `${verdict.err.msg}:${verdict.err.line}:${verdict.err.col}`)
  })

  it("still reads unusual but well-formed XML, the same tree as the plain form", () => {
    const plain = read(GOOD)
    assert.deepStrictEqual(read(GOOD.replace("</r>", "</r >")), plain) // space in an end tag
    assert.deepStrictEqual(read(GOOD.replace(`a="1"`, `a = "1"`)), plain) // spaces around '='
    assert.deepStrictEqual(read(GOOD.replace("\n<r", "\n<!-- a comment -->\n<r")), plain) // comment in the prolog
    assert.deepStrictEqual(read(GOOD.replace(`<c d="3"/>`, `<c d="3"></c>`)), plain) // empty element as two tags
    assert.deepStrictEqual(read(GOOD.replace(/\n/g, "\r\n")), plain) // CRLF line ends
    assert.deepStrictEqual(read(GOOD.replace("<e>", "<?pi data?><e>")), plain) // processing instruction inside
    const accented = read(`<r><Año Antigüedad="P1Y"/></r>`) as Array<[string, string, unknown, string, unknown]>
    assert.deepStrictEqual(accented[0]![4], [["", "Año", { "Antigüedad": "P1Y" }, "", []]])
  })

  it("agrees with fast-xml-parser's validator over seeded damage of a generated CFDI", () => {
    const base = randomCfdiCorpus(11, 3).map((d) => d.xml).concat(generateCfdi40({
      uuid: "11111111-2222-4333-8444-555555555555",
      fecha: "2026-01-15T13:45:00",
      moneda: "MXN",
      formaPago: "04",
      metodoPago: "PUE",
      tipoDeComprobante: "I",
      lugarExpedicion: "06600",
      emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA & KEMPER", regimenFiscal: "601" },
      receptor: {
        rfc: "XIQB891116QE4",
        nombre: "BERENICE",
        usoCfdi: "G03",
        domicilioFiscalReceptor: "06600",
        regimenFiscalReceptor: "612"
      },
      conceptos: []
    }))
    let seed = 7
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const damage = ["", "<", ">", "/", "\"", "'", "=", " ", "&", "</a>", "<a>", "x"]
    let refused = 0
    let read = 0
    for (let round = 0; round < 600; round++) {
      const text = base[next(base.length)]!
      const at = next(text.length)
      const cut = next(4)
      const damaged = text.slice(0, at) + damage[next(damage.length)]! + text.slice(at + cut)
      const result = parseXmlTree(damaged, isAddenda)
      const verdict = XMLValidator.validate(damaged)
      if (verdict !== true) {
        const where = JSON.stringify(damaged.slice(at - 40, at + 40))
        assert.isTrue(Either.isLeft(result), `validator refuses, reader read: ${where}`)
        if (Either.isLeft(result)) {
          assert.strictEqual(result.left.detail, `${verdict.err.msg}:${verdict.err.line}:${verdict.err.col}`)
        }
        refused++
      } else if (Either.isRight(result)) {
        read++
      }
    }
    // Both outcomes were exercised.
    assert.isAbove(refused, 100)
    assert.isAbove(read, 20)
  })
})
