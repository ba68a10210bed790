import { XMLParser } from "fast-xml-parser"

/** An element resolved to its namespace URI (`""` when none) and local name, with its own text content. */
export interface XmlElement {
  readonly ns: string
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  /** Concatenated direct text children, character references decoded. */
  readonly text: string
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
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g

const decode = (text: string): string =>
  text.indexOf("&") === -1 ? text : text.replace(REFERENCE, (whole, hex?: string, dec?: string, named?: string) => {
    if (named !== undefined) return PREDEFINED[named] ?? whole
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec)
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })

type RawNode = Record<string, unknown>

const toElements = (nodes: ReadonlyArray<RawNode>, scope: ReadonlyMap<string, string>): Array<XmlElement> =>
  nodes.flatMap((node) =>
    Object.keys(node).filter((k) => k !== ATTRIBUTES && k !== TEXT).map((qname) => {
      const raw = (node[ATTRIBUTES] ?? {}) as Record<string, string>
      const attributes: Record<string, string> = Object.create(null)
      let inner = scope
      for (const key in raw) {
        const value = decode(raw[key]!)
        attributes[key] = value
        if (key === "xmlns" || key.startsWith("xmlns:")) {
          inner = new Map(inner).set(key === "xmlns" ? "" : key.slice(6), value.trim())
        }
      }
      const colon = qname.indexOf(":")
      const content = node[qname] as ReadonlyArray<RawNode>
      return {
        ns: inner.get(colon === -1 ? "" : qname.slice(0, colon)) ?? "",
        name: colon === -1 ? qname : qname.slice(colon + 1),
        attributes,
        text: decode(content.flatMap((c) => (TEXT in c ? [String(c[TEXT])] : [])).join("")),
        children: toElements(content, inner)
      }
    })
  )

/**
 * Parses well-formed XML text (no DOCTYPE: callers refuse it first) into namespace-resolved elements, honouring
 * `xmlns` / `xmlns:p` declarations on any element. Returns the root elements or the parser's error text.
 */
export const parseXmlTree = (text: string): ReadonlyArray<XmlElement> | { readonly error: string } => {
  try {
    return toElements(parser.parse(text, true) as ReadonlyArray<RawNode>, new Map())
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) }
  }
}

/** The first child of `element` with the given namespace URI and local name. */
export const childNamed = (element: XmlElement, ns: string, name: string): XmlElement | undefined =>
  element.children.find((c) => c.ns === ns && c.name === name)
