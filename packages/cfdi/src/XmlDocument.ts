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
  /** Attributes by qualified name, values exactly as written (only XML character references decoded). */
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
const DOCTYPE = /<!DOCTYPE/i
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
type Skip = (ns: string, name: string) => boolean

const textOf = (content: ReadonlyArray<RawNode>): string => {
  let text = ""
  for (const node of content) if (TEXT in node) text += String(node[TEXT])
  return decodeReferences(text)
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

const keepAll: Skip = () => false

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
 * Parses XML text into namespace-resolved elements (the root elements: one for a well-formed document). Namespace
 * declarations are honoured on any element (`xml:` is predeclared); subtrees for which `skip` is true are dropped.
 * Fails with `XmlReadError` `Unsafe` when the text carries a DOCTYPE (checked before parsing, so entities are never
 * expanded) and `NotXml` with the parser's message when the text is not well-formed.
 */
export const parseXmlTree = (
  text: string,
  skip: (ns: string, name: string) => boolean = keepAll
): Either.Either<ReadonlyArray<XmlElement>, XmlReadError> => {
  if (DOCTYPE.test(text)) return refuse("Unsafe", "DOCTYPE declarations are refused")
  let raw: ReadonlyArray<RawNode>
  try {
    raw = parser.parse(text, true) as ReadonlyArray<RawNode>
  } catch (e) {
    return refuse("NotXml", e instanceof Error ? e.message : String(e))
  }
  return Either.right(toElements(raw, new Map([["xml", XML_NS]]), skip))
}

/**
 * `decodeXmlBytes` then `parseXmlTree`, requiring exactly one root element: the document element of one file.
 * Fails with `XmlReadError` `TooLarge`, `Unsafe` or `NotXml` (also for zero or several root elements).
 */
export const readXmlRoot = (
  input: Uint8Array | string,
  options: ReadXmlRootOptions
): Either.Either<XmlElement, XmlReadError> =>
  Either.flatMap(decodeXmlBytes(input, options.maxBytes), (text) =>
    Either.flatMap(parseXmlTree(text, options.skip), (roots) =>
      roots.length === 1 ? Either.right(roots[0]!) : refuse("NotXml", `expected one root element, found ${roots.length}`)
    ))

/** The children of `element` with the given namespace URI and local name. */
export const childrenNamed = (element: XmlElement, ns: string, name: string): Array<XmlElement> =>
  element.children.filter((c) => c.ns === ns && c.name === name)

/** The first child of `element` with the given namespace URI and local name. */
export const childNamed = (element: XmlElement, ns: string, name: string): XmlElement | undefined =>
  element.children.find((c) => c.ns === ns && c.name === name)
