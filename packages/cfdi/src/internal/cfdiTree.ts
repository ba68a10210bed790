/**
 * The element tree `readCfdi` reads a Comprobante from: the same walk, checks and verdicts as `readXmlRoot` with the
 * CFDI `Addenda` skipped (same elements, namespace URIs, local names and attribute values, same errors), minus what
 * the CFDI reader never looks at: element text is not collected (only decoded, for its well-formedness verdict, where a
 * `&` may be in it), and fast-xml-parser's attribute record is used as it is when nothing in it needs
 * decoding (its prototype stays `Object.prototype`: the reader reads fixed attribute names, none of them inherited;
 * a record handed out, such as an unknown complement's, is copied into an `Attributes` record first).
 */
import { TRUSTED } from "@clara-recon/domain"
import * as Either from "effect/Either"
import { CfdiNamespace } from "../Cfdi.js"
import { XmlReadError } from "../CfdiError.js"
import { decodeXml } from "./decodeXml.js"
import type { RawNode, RawPosition } from "./fxpParser.js"
import { POSITION } from "./fxpParser.js"
import type { Walk } from "./rawWalk.js"
import {
  ATTRIBUTES,
  Attributes,
  checkDroppedContent,
  copyAttributes,
  isNamespaceDeclaration,
  TEXT,
  textOf,
  walkChecked,
  XML_SCOPE
} from "./rawWalk.js"
import { StartTag, startTagVerdict } from "./wellFormed.js"

/** An element of a CFDI resolved to its namespace URI (`""` when none or undeclared) and local name. */
export interface CfdiNode {
  readonly ns: string
  readonly name: string
  /**
   * Attributes by qualified name, values as `XmlElement.attributes` holds them. Read only by name: the record's
   * prototype may be `Object.prototype` (see the module comment); `attributesOf` gives a record to hand out.
   */
  readonly attributes: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<CfdiNode>
}

/** The children of an element that has none: one shared, frozen empty array instead of one per leaf element. */
const NO_CHILDREN: ReadonlyArray<CfdiNode> = Object.freeze([])

/** The attributes of an element that has none. */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze(new Attributes())

/** A copy of `node`'s attributes as an `Attributes` record (same keys, order and values), to hand out. */
export const attributesOf = (node: CfdiNode): Readonly<Record<string, string>> => {
  const out = new Attributes()
  const attributes = node.attributes
  for (const key of Object.keys(attributes)) out[key] = attributes[key]!
  return out
}

/** A strict subset of the record's keys (its string values), for a record fast-xml-parser gave a valueless name. */
const stringsOf = (rawAttributes: Readonly<Record<string, unknown>>): Record<string, string> => {
  const out = new Attributes()
  for (const key in rawAttributes) {
    const value = rawAttributes[key]
    if (typeof value === "string") out[key] = value
  }
  return out
}

const EXCLAMATION = 33
const QUESTION = 63

/**
 * Whether some `&` of the document may be in element text, where fast-xml-parser keeps it in a text node: false only
 * when every `&` lies between a `<` that starts a tag (not `<!` or `<?`) and the next `>`, inside a start or end tag
 * (an attribute value), which fast-xml-parser reads to past that `>`. Any CDATA section counts as text with a `&`
 * (its content becomes a text node).
 */
const textMayHoldReference = (text: string): boolean => {
  if (text.indexOf("<![") !== -1) return true
  for (let at = text.indexOf("&"); at !== -1; at = text.indexOf("&", at + 1)) {
    const lt = text.lastIndexOf("<", at)
    if (lt === -1 || lt < text.lastIndexOf(">", at)) return true
    const next = text.charCodeAt(lt + 1)
    if (next === EXCLAMATION || next === QUESTION) return true
  }
  return false
}

/**
 * The element of raw node `raw` (qualified name `qname`, content `content`, attribute record `rawAttributes`), or
 * `undefined` for a skipped `Addenda`. The caller reads the name, content and attributes in one `for ... in` over the
 * node (fast-xml-parser gives each element node its name as first key and `":@"` as the other), instead of looking
 * each up by key on nodes of as many shapes as there are tag names.
 */
const toNode = (
  raw: RawNode,
  qname: string,
  content: ReadonlyArray<RawNode>,
  rawAttributes: Readonly<Record<string, unknown>> | undefined,
  scope: ReadonlyMap<string, string>,
  walk: Walk,
  textReferences: boolean
): CfdiNode | undefined => {
  const startTag = startTagVerdict(walk.text, raw[POSITION] as RawPosition | undefined, qname, content.length)
  if (startTag === StartTag.InDoubt) walk.inDoubt = true
  let attributes: Readonly<Record<string, string>>
  let inner = scope
  if (rawAttributes === undefined) {
    attributes = NO_ATTRIBUTES
  } else if (startTag === StartTag.Clean) {
    // Values are kept as written: one pass finds the namespace declarations and any name without a value (then
    // not well-formed: in doubt, and the record is copied without it, as `copyAttributes` would).
    let declared: Map<string, string> | undefined
    let valueless = false
    for (const key in rawAttributes) {
      const value = rawAttributes[key]
      if (typeof value !== "string") valueless = true
      else if (isNamespaceDeclaration(key)) {
        ;(declared ??= new Map(scope)).set(key.length === 5 ? "" : key.slice(6), value.trim())
      }
    }
    if (valueless) walk.inDoubt = true
    attributes = valueless ? stringsOf(rawAttributes) : rawAttributes as Record<string, string>
    if (declared !== undefined) inner = declared
  } else {
    const copy = new Attributes()
    inner = copyAttributes(rawAttributes, copy, false, qname, scope, walk)
    attributes = copy
  }
  const colon = qname.indexOf(":")
  const ns = inner.get(colon === -1 ? "" : qname.slice(0, colon)) ?? ""
  const name = colon === -1 ? qname : qname.slice(colon + 1)
  if (name === "Addenda" && (ns === CfdiNamespace.cfdi40 || ns === CfdiNamespace.cfdi33)) {
    checkDroppedContent(content, walk)
    return undefined
  }
  // Text is never read, but where it may hold a `&` it is decoded before the children are walked, so that an
  // undeclared entity is refused where the generic walk refuses it.
  if (textReferences) textOf(content)
  const children = toNodes(content, inner, walk, textReferences)
  return { ns, name, attributes, children: children ?? NO_CHILDREN }
}

/** The elements of `content` (text nodes and skipped elements left out), `undefined` when there are none. */
const toNodes = (
  content: ReadonlyArray<RawNode>,
  scope: ReadonlyMap<string, string>,
  walk: Walk,
  textReferences: boolean
): Array<CfdiNode> | undefined => {
  let out: Array<CfdiNode> | undefined
  for (let i = 0; i < content.length; i++) {
    const node = content[i]!
    let qname: string | undefined
    let inner: ReadonlyArray<RawNode> | undefined
    let rawAttributes: Readonly<Record<string, unknown>> | undefined
    for (const key in node) {
      if (key === ATTRIBUTES) rawAttributes = node[key] as Readonly<Record<string, unknown>>
      else if (qname === undefined) {
        qname = key
        inner = node[key] as ReadonlyArray<RawNode>
      }
    }
    // A text node (`#text`) is no element.
    if (qname === undefined || qname === TEXT) continue
    const element = toNode(node, qname, inner!, rawAttributes, scope, walk, textReferences)
    if (element !== undefined) (out ??= []).push(element)
  }
  return out
}

/**
 * `readXmlRoot(input, { maxBytes, maxDepth, skip: <the CFDI 3.3 / 4.0 Addenda> })` as a `CfdiNode` tree: the same
 * verdicts, errors (`XmlReadError` `TooLarge`, `Unsafe`, `NotXml`) and element values.
 */
export const readCfdiRoot = (
  input: Uint8Array | string,
  maxBytes: number,
  maxDepth: number
): Either.Either<CfdiNode, XmlReadError> => {
  const text = decodeXml(input, maxBytes)
  if (Either.isLeft(text)) return Either.left(text.left)
  const roots = walkChecked(
    text.right,
    maxDepth,
    (nodes, walk) => toNodes(nodes, XML_SCOPE, walk, walk.references && textMayHoldReference(walk.text)) ?? []
  )
  if (Either.isLeft(roots)) return Either.left(roots.left)
  return roots.right.length === 1
    ? Either.right(roots.right[0]!)
    : Either.left(
      new XmlReadError({ reason: "NotXml", detail: `expected one root element, found ${roots.right.length}` }, TRUSTED)
    )
}

/** The first child of `node` with the given namespace URI and local name. */
export const childNamed = (node: CfdiNode, ns: string, name: string): CfdiNode | undefined => {
  const children = node.children
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!
    if (child.name === name && child.ns === ns) return child
  }
  return undefined
}

/** The children of `node` with the given namespace URI and local name, in document order. */
export const childrenNamed = (node: CfdiNode, ns: string, name: string): Array<CfdiNode> => {
  const out: Array<CfdiNode> = []
  const children = node.children
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!
    if (child.name === name && child.ns === ns) out.push(child)
  }
  return out
}
