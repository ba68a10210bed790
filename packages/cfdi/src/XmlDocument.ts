/**
 * A small, safe XML reader shared by the fiscal-document readers (CFDI here, NF-e in `@clara-recon/nfe`): bytes are
 * decoded per their BOM or declared encoding, a DOCTYPE is refused (no entity is ever expanded), and the document
 * becomes a tree of elements resolved to namespace URI + local name (cfdi.md §1.1: match by URI, never by prefix).
 */
import { TRUSTED } from "@clara-recon/domain"
import * as Either from "effect/Either"
import type { XmlReadReason } from "./CfdiError.js"
import { XmlReadError } from "./CfdiError.js"
import { decodeXml } from "./internal/decodeXml.js"
import type { RawNode } from "./internal/fxpParser.js"
import type { Walk } from "./internal/rawWalk.js"
import {
  ATTRIBUTES,
  Attributes,
  checkDroppedContent,
  copyAttributes,
  isNamespaceDeclaration,
  qnameOf,
  TEXT,
  textOf,
  walkChecked,
  XML_SCOPE
} from "./internal/rawWalk.js"
import { StartTag, startTagCheck } from "./internal/wellFormed.js"

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

type Skip = (ns: string, name: string) => boolean

/** The children of an element that has none: one shared, frozen empty array instead of one per leaf element. */
const NO_CHILDREN: ReadonlyArray<XmlElement> = Object.freeze([])

/** True when every value of fast-xml-parser's attribute record is a string (no name without a value). */
const adoptable = (rawAttributes: Readonly<Record<string, unknown>>): boolean => {
  for (const key in rawAttributes) if (typeof rawAttributes[key] !== "string") return false
  return true
}

/** `scope` with the namespace prefixes `attributes` declare (copied on the first declaration). */
const declaredScope = (
  attributes: Readonly<Record<string, string>>,
  scope: ReadonlyMap<string, string>
): ReadonlyMap<string, string> => {
  let declared: Map<string, string> | undefined
  for (const key in attributes) {
    if (isNamespaceDeclaration(key)) {
      ;(declared ??= new Map(scope)).set(key.length === 5 ? "" : key.slice(6), attributes[key]!.trim())
    }
  }
  return declared ?? scope
}

const toElement = (
  raw: RawNode,
  qname: string,
  scope: ReadonlyMap<string, string>,
  walk: Walk,
  skip: Skip
): XmlElement | undefined => {
  const content = raw[qname] as ReadonlyArray<RawNode>
  const startTag = startTagCheck(walk.text, raw, qname, content)
  if (startTag === StartTag.InDoubt) walk.inDoubt = true
  const rawAttributes = raw[ATTRIBUTES] as Record<string, unknown> | undefined
  let attributes: Record<string, string>
  let inner = scope
  if (rawAttributes === undefined) {
    attributes = new Attributes()
  } else if (startTag === StartTag.Clean && adoptable(rawAttributes)) {
    // Every value is a string kept as written: fast-xml-parser's record itself becomes the element's, once its
    // prototype is that of `Attributes` (same keys, order and values as a copy, one object fewer per element).
    attributes = Object.setPrototypeOf(rawAttributes, Attributes.prototype) as Record<string, string>
    inner = declaredScope(attributes, scope)
  } else {
    attributes = new Attributes()
    inner = copyAttributes(rawAttributes, attributes, startTag === StartTag.Clean, qname, scope, walk)
  }
  const colon = qname.indexOf(":")
  const ns = inner.get(colon === -1 ? "" : qname.slice(0, colon)) ?? ""
  const name = colon === -1 ? qname : qname.slice(colon + 1)
  if (skip(ns, name)) {
    checkDroppedContent(content, walk)
    return undefined
  }
  // In a document with a `&`, the text is decoded (and an undeclared entity refused) before the children are read;
  // in one without, the text is as written (nothing to decode) and one pass collects it with the children.
  let text = walk.references ? textOf(content) : ""
  let children: Array<XmlElement> | undefined
  for (let i = 0; i < content.length; i++) {
    const node = content[i]!
    const child = qnameOf(node)
    if (child === undefined) {
      const part = node[TEXT]
      if (part !== undefined && !walk.references) text += String(part)
      continue
    }
    const element = toElement(node, child, inner, walk, skip)
    if (element !== undefined) (children ??= []).push(element)
  }
  return { ns, name, attributes, text, children: children ?? NO_CHILDREN }
}

const toElements = (
  nodes: ReadonlyArray<RawNode>,
  scope: ReadonlyMap<string, string>,
  walk: Walk,
  skip: Skip
): Array<XmlElement> => {
  const out: Array<XmlElement> = []
  for (const node of nodes) {
    const qname = qnameOf(node)
    if (qname === undefined) continue
    const element = toElement(node, qname, scope, walk, skip)
    if (element !== undefined) out.push(element)
  }
  return out
}

const refuse = (reason: XmlReadReason, detail: string) => Either.left(new XmlReadError({ reason, detail }, TRUSTED))

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
 * fast-xml-parser. Well-formedness is checked on the parser's own output (start tags and end tags at the positions it
 * records, attributes, text outside the root; `internal/wellFormed.ts`); only a document those checks cannot vouch
 * for goes through fast-xml-parser's `XMLValidator`, which then decides and words the error, so the verdicts are
 * those of `parse(text, true)` without its second pass over every document. Namespace declarations are honoured on
 * any element (`xml:` is predeclared); subtrees for which `skip` is true are dropped (but still checked). Only the
 * five predefined entities and character references are decoded, each to one character, so expansion is bounded by
 * the input. Fails with `XmlReadError` `Unsafe` when the text carries a DOCTYPE (checked before parsing, so entities
 * are never expanded) or nests deeper than `maxDepth` (default `DEFAULT_MAX_XML_DEPTH`), and `NotXml` with the
 * validator's message (`<message>:<line>:<column>`) or the parser's when the text is not well-formed.
 */
export const parseXmlTree = (
  text: string,
  skip: (ns: string, name: string) => boolean = keepAll,
  maxDepth: number = DEFAULT_MAX_XML_DEPTH
): Either.Either<ReadonlyArray<XmlElement>, XmlReadError> => {
  return walkChecked(text, maxDepth, (nodes, walk) => toElements(nodes, XML_SCOPE, walk, skip))
}

/**
 * `decodeXmlBytes` then `parseXmlTree`, requiring exactly one root element: the document element of one file.
 * Fails with `XmlReadError` `TooLarge`, `Unsafe` (DOCTYPE, too deep) or `NotXml` (also for several root elements).
 */
export const readXmlRoot = (
  input: Uint8Array | string,
  options: ReadXmlRootOptions
): Either.Either<XmlElement, XmlReadError> => {
  const text = decodeXmlBytes(input, options.maxBytes)
  if (Either.isLeft(text)) return Either.left(text.left)
  const roots = parseXmlTree(text.right, options.skip, options.maxDepth)
  if (Either.isLeft(roots)) return Either.left(roots.left)
  return roots.right.length === 1
    ? Either.right(roots.right[0]!)
    : refuse("NotXml", `expected one root element, found ${roots.right.length}`)
}

/** The children of `element` with the given namespace URI and local name. */
export const childrenNamed = (element: XmlElement, ns: string, name: string): Array<XmlElement> =>
  element.children.filter((c) => c.ns === ns && c.name === name)

/** The first child of `element` with the given namespace URI and local name. */
export const childNamed = (element: XmlElement, ns: string, name: string): XmlElement | undefined =>
  element.children.find((c) => c.ns === ns && c.name === name)
