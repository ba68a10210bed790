/**
 * A small, safe XML reader shared by the fiscal-document readers (CFDI here, NF-e in `@clara-recon/nfe`): bytes are
 * decoded per their BOM or declared encoding, a DOCTYPE is refused (no entity is ever expanded), and the document
 * becomes a tree of elements resolved to namespace URI + local name (cfdi.md §1.1: match by URI, never by prefix).
 */
import * as Either from "effect/Either"
import type { XmlReadReason } from "./CfdiError.js"
import { XmlReadError } from "./CfdiError.js"
import { decodeXml } from "./internal/decodeXml.js"
import type { RawNode, RawParse } from "./internal/fxpParser.js"
import { parseRaw, validatorVerdict } from "./internal/fxpParser.js"
import { documentWellFormed, StartTag, startTagCheck } from "./internal/wellFormed.js"

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

const ATTRIBUTES = ":@"
const TEXT = "#text"
const XML_NS = "http://www.w3.org/XML/1998/namespace"
const XML_SCOPE: ReadonlyMap<string, string> = new Map([["xml", XML_NS]])
const DOCTYPE_AFTER_MARKUP = /DOCTYPE/iy

/** True when `text` has a `<!DOCTYPE` (any case): found by looking only after each `<!`, which is rare in a CFDI. */
const hasDoctype = (text: string): boolean => {
  for (let at = text.indexOf("<!"); at !== -1; at = text.indexOf("<!", at + 2)) {
    DOCTYPE_AFTER_MARKUP.lastIndex = at + 2
    if (DOCTYPE_AFTER_MARKUP.test(text)) return true
  }
  return false
}
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }
const REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g
/**
 * Characters that need a second look in an attribute value: `<` (refused), references, and tab / CR / LF to
 * normalise. Most values have none and are kept as written after this one test.
 */
const ATTRIBUTE_SPECIAL = /[<&\t\n\r]/

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

type Skip = (ns: string, name: string) => boolean

/**
 * The attribute record of an element: a plain, fast-property object whose prototype chain holds nothing (an empty
 * frozen object without prototype), so that `attributes["constructor"]` or `attributes["toString"]` read as absent
 * like any attribute the element does not carry. (`Object.create(null)` would give the same reads, but V8 keeps such
 * objects as hash tables, which made every attribute read of the CFDI reader slower.) An element whose values need no
 * decoding gets fast-xml-parser's own record, given this prototype, instead of a copy.
 */
const Attributes = function Attributes(this: Record<string, string>) {} as unknown as new() => Record<string, string>
Attributes.prototype = Object.freeze(Object.create(null))

/** Thrown inside the tree walk at markup fast-xml-parser lets through; caught in `parseXmlTree` as `NotXml`. */
class NotWellFormed {
  constructor(readonly detail: string) {}
}

/**
 * One walk over fast-xml-parser's raw nodes. `inDoubt` turns true at the first thing `wellFormed.ts` cannot vouch
 * for; the walk still builds the whole tree, and `parseXmlTree` then lets `XMLValidator` decide.
 */
interface Walk {
  readonly text: string
  readonly skip: Skip
  /** The text has a `&` somewhere, so some text or value may hold a reference to decode. */
  readonly references: boolean
  inDoubt: boolean
}

/** The qualified name of a raw element node (its one key besides the attributes), or `undefined` for text. */
const qnameOf = (node: RawNode): string | undefined => {
  for (const key in node) if (key !== ATTRIBUTES) return key === TEXT ? undefined : key
  return undefined
}

const textOf = (content: ReadonlyArray<RawNode>): string => {
  let text = ""
  for (const node of content) {
    const part = node[TEXT]
    if (part !== undefined) text += String(part)
  }
  return decodeReferences(text)
}

/** The children of an element that has none: one shared, frozen empty array instead of one per leaf element. */
const NO_CHILDREN: ReadonlyArray<XmlElement> = Object.freeze([])

/** Checks an element `walk.skip` dropped, and its subtree, for well-formedness only. */
const checkDropped = (raw: RawNode, qname: string, walk: Walk): void => {
  const content = raw[qname] as ReadonlyArray<RawNode>
  if (startTagCheck(walk.text, raw, qname, content) === StartTag.InDoubt) walk.inDoubt = true
  checkDroppedContent(content, walk)
}

const checkDroppedContent = (content: ReadonlyArray<RawNode>, walk: Walk): void => {
  for (let i = 0; i < content.length; i++) {
    const node = content[i]!
    const child = qnameOf(node)
    if (child !== undefined) checkDropped(node, child, walk)
  }
}

/**
 * The attribute record of an element, copied from fast-xml-parser's (whose prototype is `Object.prototype`). When
 * `clean` (the start tag was matched with no `<`, `&`, tab, CR or LF in any value) the values are kept as written
 * without looking at them again; otherwise each is checked, normalised and decoded. Declared namespace prefixes are
 * added to `scope` (copied on the first declaration); returns the scope of the element's content.
 */
const copyAttributes = (
  rawAttributes: Readonly<Record<string, unknown>>,
  attributes: Record<string, string>,
  clean: boolean,
  qname: string,
  scope: ReadonlyMap<string, string>,
  walk: Walk
): ReadonlyMap<string, string> => {
  let declared: Map<string, string> | undefined
  for (const key in rawAttributes) {
    const written = rawAttributes[key]
    if (typeof written !== "string") {
      // A name without a value (kept as `true` by allowBooleanAttributes): not well-formed XML.
      walk.inDoubt = true
      continue
    }
    let value = written
    if (!clean && ATTRIBUTE_SPECIAL.test(written)) {
      if (written.indexOf("<") !== -1) throw new NotWellFormed(`'<' in the value of attribute ${key} of <${qname}>`)
      value = decodeReferences(normaliseAttribute(written))
    }
    attributes[key] = value
    if (key.charCodeAt(0) === 120 && key.startsWith("xmlns") && (key.length === 5 || key.charCodeAt(5) === 58)) {
      ;(declared ??= new Map(scope)).set(key.length === 5 ? "" : key.slice(6), value.trim())
    }
  }
  return declared ?? scope
}

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
    if (key.charCodeAt(0) === 120 && key.startsWith("xmlns") && (key.length === 5 || key.charCodeAt(5) === 58)) {
      ;(declared ??= new Map(scope)).set(key.length === 5 ? "" : key.slice(6), attributes[key]!.trim())
    }
  }
  return declared ?? scope
}

const toElement = (
  raw: RawNode,
  qname: string,
  scope: ReadonlyMap<string, string>,
  walk: Walk
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
  if (walk.skip(ns, name)) {
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
    const element = toElement(node, child, inner, walk)
    if (element !== undefined) (children ??= []).push(element)
  }
  return { ns, name, attributes, text, children: children ?? NO_CHILDREN }
}

const toElements = (
  nodes: ReadonlyArray<RawNode>,
  scope: ReadonlyMap<string, string>,
  walk: Walk
): Array<XmlElement> => {
  const out: Array<XmlElement> = []
  for (const node of nodes) {
    const qname = qnameOf(node)
    if (qname === undefined) continue
    const element = toElement(node, qname, scope, walk)
    if (element !== undefined) out.push(element)
  }
  return out
}

/** The only top-level element node of a parse, `undefined` when there are none or several. */
const soleRoot = (nodes: ReadonlyArray<RawNode>): RawNode | undefined =>
  nodes.length === 1 && qnameOf(nodes[0]!) !== undefined ? nodes[0] : undefined

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
  if (hasDoctype(text)) return refuse("Unsafe", "DOCTYPE declarations are refused")
  let raw: RawParse
  try {
    raw = parseRaw(text, maxDepth)
  } catch (e) {
    const invalid = validatorVerdict(text)
    if (invalid !== undefined) return refuse("NotXml", invalid)
    const message = e instanceof Error ? e.message : String(e)
    return /Maximum nested tags/.test(message)
      ? refuse("Unsafe", `elements nested deeper than the limit of ${maxDepth}`)
      : refuse("NotXml", message)
  }
  const walk: Walk = { text, skip, references: text.indexOf("&") !== -1, inDoubt: raw.attributesLost }
  let roots: ReadonlyArray<XmlElement>
  try {
    roots = toElements(raw.nodes, XML_SCOPE, walk)
  } catch (e) {
    if (e instanceof NotWellFormed) return refuse("NotXml", validatorVerdict(text) ?? e.detail)
    throw e
  }
  if (walk.inDoubt || !documentWellFormed(text, raw.nodes, soleRoot(raw.nodes))) {
    const invalid = validatorVerdict(text)
    if (invalid !== undefined) return refuse("NotXml", invalid)
  }
  return Either.right(roots)
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
