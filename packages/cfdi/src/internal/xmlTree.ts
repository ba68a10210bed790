import { XMLParser } from "fast-xml-parser"

/** An element resolved to its namespace URI (`""` when none or undeclared) and local name. */
export interface XmlElement {
  readonly ns: string
  readonly name: string
  /** Attributes by qualified name, values exactly as written (only XML character references decoded). */
  readonly attributes: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<XmlElement>
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true
})

const ATTRIBUTES = ":@"
const TEXT = "#text"
const XML_NS = "http://www.w3.org/XML/1998/namespace"
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g

/** Decodes the five predefined entities and numeric character references; anything else is left as written. */
const decodeReferences = (text: string): string =>
  text.indexOf("&") === -1 ? text : text.replace(REFERENCE, (whole, hex?: string, dec?: string, named?: string) => {
    if (named !== undefined) return PREDEFINED[named] ?? whole
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec)
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })

type RawNode = Record<string, unknown>

const toElement = (
  raw: RawNode,
  qname: string,
  scope: ReadonlyMap<string, string>,
  skip: (ns: string, name: string) => boolean
): XmlElement | undefined => {
  const rawAttributes = (raw[ATTRIBUTES] ?? {}) as Record<string, string>
  const attributes: Record<string, string> = Object.create(null)
  let declared: Map<string, string> | undefined
  for (const key in rawAttributes) {
    const value = decodeReferences(rawAttributes[key]!)
    attributes[key] = value
    if (key === "xmlns" || key.startsWith("xmlns:")) {
      ;(declared ??= new Map(scope)).set(key === "xmlns" ? "" : key.slice(6), value.trim())
    }
  }
  const inner = declared ?? scope
  const colon = qname.indexOf(":")
  const ns = inner.get(colon === -1 ? "" : qname.slice(0, colon)) ?? ""
  const name = colon === -1 ? qname : qname.slice(colon + 1)
  if (skip(ns, name)) return undefined
  return { ns, name, attributes, children: toElements(raw[qname] as ReadonlyArray<RawNode>, inner, skip) }
}

const toElements = (
  nodes: ReadonlyArray<RawNode>,
  scope: ReadonlyMap<string, string>,
  skip: (ns: string, name: string) => boolean
): Array<XmlElement> => {
  const out: Array<XmlElement> = []
  for (const node of nodes) {
    for (const key in node) {
      if (key === ATTRIBUTES || key === TEXT) continue
      const element = toElement(node, key, scope, skip)
      if (element !== undefined) out.push(element)
    }
  }
  return out
}

/**
 * Parses well-formed XML text (no DOCTYPE: callers refuse it first) into namespace-resolved elements. Namespace
 * declarations are honoured on any element; subtrees for which `skip` is true are dropped. Returns the root
 * elements (one for a well-formed document) or the parser's error text.
 */
export const parseXmlTree = (
  text: string,
  skip: (ns: string, name: string) => boolean
): ReadonlyArray<XmlElement> | { readonly error: string } => {
  let raw: ReadonlyArray<RawNode>
  try {
    raw = parser.parse(text, true) as ReadonlyArray<RawNode>
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) }
  }
  return toElements(raw, new Map([["xml", XML_NS]]), skip)
}

/** The children of `element` with the given namespace URI and local name. */
export const childrenNamed = (element: XmlElement, ns: string, name: string): Array<XmlElement> =>
  element.children.filter((c) => c.ns === ns && c.name === name)

/** The first child of `element` with the given namespace URI and local name. */
export const childNamed = (element: XmlElement, ns: string, name: string): XmlElement | undefined =>
  element.children.find((c) => c.ns === ns && c.name === name)
