/**
 * The CFDI reader's own element tree (`internal/cfdiTree.ts`) against the generic one it replaces on the read path:
 * `readCfdiRoot` must give exactly what `readXmlRoot` with the CFDI Addenda skipped gives (same elements, namespace
 * URIs, local names, attribute keys / order / values, same errors word for word), without the element text. Checked
 * over generated documents, seeded damage of them (cut files, mismatched tags, repeated or valueless attributes,
 * references, namespace tricks, Addenda in and out of the CFDI namespace) and the shared fixtures when present.
 */
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { CfdiNamespace } from "../src/Cfdi.js"
import { randomCfdiCorpus } from "../src/CfdiCorpus.js"
import type { CfdiNode } from "../src/internal/cfdiTree.js"
import { attributesOf, readCfdiRoot } from "../src/internal/cfdiTree.js"
import type { XmlElement } from "../src/XmlDocument.js"
import { readXmlRoot } from "../src/XmlDocument.js"

const fixtures = process.env["CLARA_RECON_FIXTURES"] ??
  fileURLToPath(new URL("../../../../shared/fixtures", import.meta.url))
const dir = join(fixtures, "cfdi")
const present = existsSync(dir)
if (!present) console.warn(`CFDI tree fixture tests skipped: ${dir} not found (set CLARA_RECON_FIXTURES)`)

const MAX_BYTES = 5 * 1024 * 1024
const isAddenda = (ns: string, name: string) =>
  name === "Addenda" && (ns === CfdiNamespace.cfdi40 || ns === CfdiNamespace.cfdi33)

/** Names, attributes (entries in order) and children of a tree: what the CFDI reader consumes. */
const shape = (e: CfdiNode | XmlElement): unknown => [
  e.ns,
  e.name,
  Object.entries(e.attributes),
  e.children.map(shape)
]

/** Both readers' outcome on `input` as comparable data, and whether the document was read. */
const outcomes = (input: Uint8Array | string, maxDepth = 64) => {
  const ours = readCfdiRoot(input, MAX_BYTES, maxDepth)
  const generic = readXmlRoot(input, { maxBytes: MAX_BYTES, maxDepth, skip: isAddenda })
  const data = (r: Either.Either<CfdiNode | XmlElement, { reason: string; detail: string }>) =>
    Either.isLeft(r) ? { error: [r.left.reason, r.left.detail] } : { tree: shape(r.right) }
  return { ours: data(ours), generic: data(generic), read: Either.isRight(generic) }
}

/** A tiny seeded generator (LCG), so the damage is the same on every run. */
const seeded = (seed: number) => {
  let s = seed
  return (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return s % n
  }
}

const endTags = (text: string) => [...text.matchAll(/<\/([\w:.-]+)>/g)]

/** Damage kinds that fast-xml-parser alone reads past, or that take the reader's slower paths. */
const damage: ReadonlyArray<(text: string, pick: (n: number) => number) => string> = [
  (t, pick) => t.slice(0, pick(t.length)),
  (t, pick) => {
    const ends = endTags(t)
    const m = ends[pick(ends.length)]!
    return `${t.slice(0, m.index)}</${m[1]}x>${t.slice(m.index + m[0].length)}`
  },
  (t) => t.replace(/ (Total|Rfc|UUID)="([^"]*)"/, (m) => m + m),
  (t) => t.replace(/" (\w+)=/, "\"$1="),
  (t) => t.replace(/ Moneda="/, " Valueless Moneda=\""),
  (t) => t.replace(/ Nombre="([^"]*)"/, " Nombre=\"$1 &amp; &#65;&#x42; &quot;\""),
  (t) => t.replace(/ Nombre="([^"]*)"/, " Nombre=\"$1 &undeclared;\""),
  (t) => t.replace(/ Nombre="([^"]*)"/, " Nombre=\"$1 <\""),
  (t) => t.replace(/ Descripcion="([^"]*)"/, " Descripcion=\"\t$1\r\n x \""),
  (t) => t.replace(/(<([\w]+:)?Conceptos>)/, "$1text &lt; &bogus; here"),
  (t) => t.replace(/(<([\w]+:)?Conceptos>)/, "$1<![CDATA[a &bogus; <b]]>"),
  (t) => t.replace(/(<([\w]+:)?Conceptos>)/, "$1<!-- <x &bogus; --><?pi <y &bogus; ?>"),
  (t) => t.replace(/(<([\w]+:)?Conceptos)>/, "$1 x=\"&bogus;\">"),
  (t) => t.replace(/cfdi:/g, "").replace(/xmlns:cfdi=/, "xmlns="),
  (t) =>
    t.replace(
      /(<([\w]+:)?Complemento>)/,
      "$1<n:Otro xmlns:n=\"urn:otro\" A=\"1\" xml:lang=\"es\"><n:Hijo C=\"2\"/></n:Otro><n:Addenda xmlns:n=\"urn:n\"/>"
    ),
  (t) =>
    t.replace(
      /<\/([\w]+:)?Comprobante>\s*$/,
      (m, p?: string) => `<${p ?? ""}Addenda><x:F xmlns:x="urn:x" a="&amp;"><B/>t&lt;</x:F></${p ?? ""}Addenda>${m}`
    ),
  (t) => t.replace(/(<([\w]+:)?Complemento>)/, `$1${"<a>".repeat(70)}${"</a>".repeat(70)}`),
  (t) => t.replace(/<\/([\w:]+)>/, "</$1 >"),
  (t) => `${t}<extra/>`
]

describe("CFDI element tree", () => {
  it("equals the generic tree with the Addenda skipped, on generated documents and seeded damage", () => {
    const pick = seeded(7)
    let read = 0
    let refused = 0
    for (const doc of randomCfdiCorpus(11, 120)) {
      const variants = [doc.xml, ...damage.map((d) => d(doc.xml, pick))]
      for (const text of variants) {
        const { generic, ours, read: ok } = outcomes(new TextEncoder().encode(text))
        assert.deepStrictEqual(ours, generic, text.slice(0, 200))
        if (ok) read++
        else refused++
      }
    }
    // both outcomes are exercised: the comparison is not vacuous
    assert.isAbove(read, 120)
    assert.isAbove(refused, 120)
  })

  it("gives the same errors for size and depth limits and for a string input", () => {
    const [doc] = randomCfdiCorpus(3, 1)
    assert.deepStrictEqual(outcomes(doc!.xml).ours, outcomes(doc!.xml).generic)
    const shallow = outcomes(doc!.xml, 3)
    assert.deepStrictEqual(shallow.ours, shallow.generic)
    assert.deepStrictEqual(shallow.ours, { error: ["Unsafe", "elements nested deeper than the limit of 3"] })
    const small = readCfdiRoot(doc!.xml, 10, 64)
    assert.isTrue(Either.isLeft(small) && small.left.reason === "TooLarge")
  })

  it("hands out attribute records that read inherited names as absent", () => {
    const root = readCfdiRoot(`<r xmlns="urn:r" a="1" b="2"><c/></r>`, MAX_BYTES, 64)
    if (Either.isLeft(root)) return assert.fail(root.left.detail)
    const attributes = attributesOf(root.right)
    assert.deepStrictEqual(Object.entries(attributes), [["xmlns", "urn:r"], ["a", "1"], ["b", "2"]])
    assert.isFalse("toString" in attributes)
    const none = attributesOf(root.right.children[0]!)
    assert.deepStrictEqual(Object.keys(none), [])
    assert.isFalse("constructor" in none)
    assert.isFalse("hasOwnProperty" in attributes)
  })

  it.skipIf(!present)("equals the generic tree on every shared fixture, whole and cut", () => {
    const pick = seeded(3)
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".xml")).sort()) {
      const bytes = readFileSync(join(dir, name))
      const whole = outcomes(bytes)
      assert.deepStrictEqual(whole.ours, whole.generic, name)
      for (let k = 0; k < 5; k++) {
        const cut = outcomes(bytes.subarray(0, pick(bytes.length)))
        assert.deepStrictEqual(cut.ours, cut.generic, `${name} cut`)
      }
    }
  })
})
