/**
 * A small, safe XML reader shared by the fiscal-document readers (CFDI here, NF-e in `@clara-recon/nfe`): bytes are
 * decoded per their BOM or declared encoding, a DOCTYPE is refused (no entity is ever expanded), and the document
 * becomes a tree of elements resolved to namespace URI + local name (cfdi.md §1.1: match by URI, never by prefix).
 */
import * as Either from "effect/Either"
import { XMLParser } from "fast-xml-parser"
import type { XmlReadReason } from "./CfdiError.js"
import { XmlReadError } from "./CfdiError.js"
import { decodeXml } from "./internal/decodeXml.js"

/** An element resolved to its namespace URI (`""` when none or undeclared) and local name. */
export interface XmlElement {
  readonly ns: string
  readonly name: string
  /**
   * Attributes by qualified name, values as written except that references are decoded and literal tab / CR / LF
   * read as spaces (XML 1.0 §3.3.3 attribute-value normalisation).
   */
  readonly attributes: Readonly<Record<string, string>>
  /** The element's direct text children concatenated, untrimmed, character references decoded. */
  readonly text: string
  readonly children: ReadonlyArray<XmlElement>
}

/** Options of `readXmlRoot`. */
export interface ReadXmlRootOptions {
  /** Size limit in bytes (UTF-8 bytes for a string input). */
  readonly maxBytes: number
  /** Subtrees for which this is true are dropped while building the tree (e.g. a CFDI `Addenda`). */
  readonly skip?: (ns: string, name: string) => boolean
  /** Nesting limit (the root is depth 1); default `DEFAULT_MAX_XML_DEPTH`. */
  readonly maxDepth?: number
}

/** Default nesting limit: CFDI and NF-e documents nest about 10 deep; a deeper document is refused as `Unsafe`. */
export const DEFAULT_MAX_XML_DEPTH = 64

const keepAll = (): boolean => false

/** One parser per nesting limit (fast-xml-parser enforces it as `maxNestedTags`). */
const parsers = new Map<number, XMLParser>()
const parserFor = (maxDepth: number): XMLParser => {
  let parser = parsers.get(maxDepth)
  if (parser === undefined) {
    parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: "",
      parseAttributeValue: false,
      parseTagValue: false,
      trimValues: false,
      processEntities: false,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      maxNestedTags: maxDepth
    })
    parsers.set(maxDepth, parser)
  }
  return parser
}

const ATTRIBUTES = ":@"
const TEXT = "#text"
const XML_NS = "http://www.w3.org/XML/1998/namespace"
const DOCTYPE = /<!DOCTYPE/i
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g

/**
 * Decodes the five predefined entities and numeric character references; any other named entity was never declared
 * (DOCTYPEs are refused), so it is a well-formedness error (`NotWellFormed`).
 */
const decodeReferences = (text: string): string =>
  text.indexOf("&") === -1 ? text : text.replace(REFERENCE, (whole, hex?: string, dec?: string, named?: string) => {
    if (named !== undefined) {
      const character = PREDEFINED[named]
      if (character === undefined) throw new NotWellFormed(`undeclared entity ${whole}`)
      return character
    }
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec)
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })

/** XML 1.0 §2.11 + §3.3.3: a literal CR LF, CR, LF or tab in an attribute value reads as one space. */
const normaliseAttribute = (value: string): string =>
  /[\t\n\r]/.test(value) ? value.replace(/\r\n|[\t\n\r]/g, " ") : value

type RawNode = Record<string, unknown>
type Skip = (ns: string, name: string) => boolean

const textOf = (content: ReadonlyArray<RawNode>): string => {
  let text = ""
  for (const node of content) if (TEXT in node) text += String(node[TEXT])
  return decodeReferences(text)
}

/** Thrown inside the tree walk at markup fast-xml-parser lets through; caught in `parseXmlTree` as `NotXml`. */
class NotWellFormed {
  constructor(readonly detail: string) {}
}

const toElement = (
  raw: RawNode,
  qname: string,
  scope: ReadonlyMap<string, string>,
  skip: Skip
): XmlElement | undefined => {
  const rawAttributes = (raw[ATTRIBUTES] ?? {}) as Record<string, string>
  const attributes: Record<string, string> = Object.create(null)
  let declared: Map<string, string> | undefined
  for (const key in rawAttributes) {
    const written = rawAttributes[key]!
    if (written.includes("<")) throw new NotWellFormed(`'<' in the value of attribute ${key} of <${qname}>`)
    const value = decodeReferences(normaliseAttribute(written))
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
  const content = raw[qname] as ReadonlyArray<RawNode>
  return { ns, name, attributes, text: textOf(content), children: toElements(content, inner, skip) }
}

const toElements = (nodes: ReadonlyArray<RawNode>, scope: ReadonlyMap<string, string>, skip: Skip): Array<XmlElement> => {
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



const refuse = (reason: XmlReadReason, detail: string) => Either.left(new XmlReadError({ reason, detail }))

/**
 * Turns raw input into XML text: refuses more than `maxBytes` bytes (UTF-8 bytes for a string) as `TooLarge`,
 * honours a byte-order mark (UTF-8, UTF-16LE/BE) or the declared encoding (any WHATWG `TextDecoder` label;
 * ISO-8859-1 and Windows-1252 both decode as Windows-1252), falls back to Windows-1252 when bytes declared or defaulted
 * as UTF-8 are not valid UTF-8 (mislabelled Latin-1 files), and strips a BOM and whitespace before `<?xml`. A string is
 * taken as already decoded. Fails with `XmlReadError` `TooLarge`, or `NotXml` for an unknown encoding label or bytes
 * invalid in a non-UTF-8 encoding.
 */
export const decodeXmlBytes: (input: Uint8Array | string, maxBytes: number) => Either.Either<string, XmlReadError> =
  decodeXml

/**
 * Parses XML text into namespace-resolved elements (the root elements: one for a well-formed document) with
 * fast-xml-parser, its well-formedness validation on. Namespace declarations are honoured on any element (`xml:` is
 * predeclared); subtrees for which `skip` is true are dropped. Only the five predefined entities and character
 * references are decoded, each to one character, so expansion is bounded by the input. Fails with `XmlReadError`
 * `Unsafe` when the text carries a DOCTYPE (checked before parsing, so entities are never expanded) or nests deeper
 * than `maxDepth` (default `DEFAULT_MAX_XML_DEPTH`), and `NotXml` with the parser's message when the text is not
 * well-formed.
 */
export const parseXmlTree = (
  text: string,
  skip: (ns: string, name: string) => boolean = keepAll,
  maxDepth: number = DEFAULT_MAX_XML_DEPTH
): Either.Either<ReadonlyArray<XmlElement>, XmlReadError> => {
  if (DOCTYPE.test(text)) return refuse("Unsafe", "DOCTYPE declarations are refused")
  let raw: ReadonlyArray<RawNode>
  try {
    raw = parserFor(maxDepth).parse(text, true) as ReadonlyArray<RawNode>
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    return /Maximum nested tags/.test(message)
      ? refuse("Unsafe", `elements nested deeper than the limit of ${maxDepth}`)
      : refuse("NotXml", message)
  }
  try {
    return Either.right(toElements(raw, new Map([["xml", XML_NS]]), skip))
  } catch (e) {
    if (e instanceof NotWellFormed) return refuse("NotXml", e.detail)
    throw e
  }
}

/**
 * `decodeXmlBytes` then `parseXmlTree`, requiring exactly one root element: the document element of one file.
 * Fails with `XmlReadError` `TooLarge`, `Unsafe` (DOCTYPE, too deep) or `NotXml` (also for several root elements).
 */
export const readXmlRoot = (
  input: Uint8Array | string,
  options: ReadXmlRootOptions
): Either.Either<XmlElement, XmlReadError> =>
  Either.flatMap(decodeXmlBytes(input, options.maxBytes), (text) =>
    Either.flatMap(parseXmlTree(text, options.skip, options.maxDepth), (roots) =>
      roots.length === 1
        ? Either.right(roots[0]!)
        : refuse("NotXml", `expected one root element, found ${roots.length}`)
    ))

/** The children of `element` with the given namespace URI and local name. */
export const childrenNamed = (element: XmlElement, ns: string, name: string): Array<XmlElement> =>
  element.children.filter((c) => c.ns === ns && c.name === name)

/** The first child of `element` with the given namespace URI and local name. */
export const childNamed = (element: XmlElement, ns: string, name: string): XmlElement | undefined =>
  element.children.find((c) => c.ns === ns && c.name === name)
