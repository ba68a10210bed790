import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { Buffer } from "node:buffer"
import type { XmlReadReason } from "../src/CfdiError.js"
import type { XmlElement } from "../src/XmlDocument.js"
import { childNamed, childrenNamed, decodeXmlBytes, parseXmlTree, readXmlRoot } from "../src/XmlDocument.js"

const rootOf = (input: Uint8Array | string): XmlElement => {
  const result = readXmlRoot(input, { maxBytes: 10_000 })
  if (Either.isLeft(result)) return assert.fail(result.left.message)
  return result.right
}

const refusal = (input: Uint8Array | string, reason: XmlReadReason, maxBytes = 10_000) => {
  const result = readXmlRoot(input, { maxBytes })
  if (Either.isRight(result)) return assert.fail("expected a refusal")
  assert.strictEqual(result.left.reason, reason)
  return result.left
}

describe("XmlDocument", () => {
  it("resolves namespaces by URI, decodes references in text and attributes", () => {
    const root = rootOf(`<a:r xmlns:a="urn:a" xmlns="urn:d"><x k="1 &amp; 2">t&#233;&lt;<y/>xt</x><x/></a:r>`)
    assert.deepStrictEqual([root.ns, root.name], ["urn:a", "r"])
    const x = childNamed(root, "urn:d", "x")!
    assert.strictEqual(x.attributes["k"], "1 & 2")
    assert.strictEqual(x.text, "té<xt")
    assert.strictEqual(childrenNamed(root, "urn:d", "x").length, 2)
    assert.isUndefined(childNamed(root, "", "x"))
  })

  it("gives every element a prototype-free attribute record, whether its values needed decoding or not", () => {
    const root = rootOf(`<r xmlns="urn:x" k="v"><b xmlns:p="urn:p" p:q="1"/><c t="a\tb" e="&amp;"/></r>`)
    const [b, c] = root.children
    for (const element of [root, b!, c!]) {
      assert.isUndefined(element.attributes["constructor"])
      assert.isUndefined(element.attributes["toString"])
    }
    assert.deepStrictEqual(Object.entries(root.attributes), [["xmlns", "urn:x"], ["k", "v"]])
    assert.deepStrictEqual([b!.ns, Object.entries(b!.attributes)], ["urn:x", [["xmlns:p", "urn:p"], ["p:q", "1"]]])
    assert.deepStrictEqual(Object.entries(c!.attributes), [["t", "a b"], ["e", "&"]])
  })

  it("reads text around child elements the same with or without references in the document", () => {
    assert.strictEqual(rootOf(`<r>a<b/>c</r>`).text, "ac")
    assert.strictEqual(rootOf(`<r x="&amp;">a<b/>c</r>`).text, "ac")
    assert.strictEqual(rootOf(`<r>a&amp;<b/>c</r>`).text, "a&c")
    assert.strictEqual(rootOf(`<r><b/></r>`).children[0]!.children.length, 0)
    // An element's own text is decoded before its children's attributes: the first undeclared entity is reported.
    assert.strictEqual(refusal(`<r>&foo;<b x="&bar;"/></r>`, "NotXml").detail, "undeclared entity &foo;")
  })

  it("drops skipped subtrees", () => {
    const roots = parseXmlTree(`<r><Addenda><big/></Addenda><keep/></r>`, (_, name) => name === "Addenda")
    assert.deepStrictEqual(Either.map(roots, (r) => r[0]!.children.map((c) => c.name)), Either.right(["keep"]))
  })

  it("decodes declared Windows-1252 and falls back to it for invalid UTF-8", () => {
    const declared = Buffer.from(`<?xml version="1.0" encoding="windows-1252"?><r>\x80</r>`, "latin1")
    assert.strictEqual(rootOf(declared).text, "€")
    assert.deepStrictEqual(decodeXmlBytes(Buffer.from("<r>Añil</r>", "latin1"), 100), Either.right("<r>Añil</r>"))
  })

  it("refuses DOCTYPE, oversize, malformed and multi-root input with a typed reason", () => {
    const unsafe = refusal(`<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>`, "Unsafe")
    assert.strictEqual(unsafe.detail, "DOCTYPE declarations are refused")
    assert.include(refusal("<r/>", "TooLarge", 2).message, "exceeds the limit of 2")
    refusal("<r>", "NotXml")
    assert.strictEqual(refusal("<a/><b/>", "NotXml").detail, "expected one root element, found 2")
  })
})
