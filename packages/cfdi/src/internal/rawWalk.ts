/**
 * The parts of a walk over fast-xml-parser's raw preserve-order nodes that every tree built from them shares: the
 * parse with its DOCTYPE and error handling, reference decoding, attribute records, namespace scopes and the
 * well-formedness bookkeeping. `XmlDocument` builds the generic element tree with them, `cfdiTree.ts` the CFDI one.
 */
import { TRUSTED } from "@clara-recon/domain"
import * as Either from "effect/Either"
import type { XmlReadReason } from "../CfdiError.js"
import { XmlReadError } from "../CfdiError.js"
import type { RawNode, RawParse } from "./fxpParser.js"
import { parseRaw, validatorVerdict } from "./fxpParser.js"
import { documentWellFormed, StartTag, startTagCheck } from "./wellFormed.js"

export const ATTRIBUTES = ":@"
export const TEXT = "#text"
const XML_NS = "http://www.w3.org/XML/1998/namespace"
/** The namespace scope of a root element: only `xml:` is declared. */
export const XML_SCOPE: ReadonlyMap<string, string> = new Map([["xml", XML_NS]])
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

/** Thrown inside a tree walk at markup fast-xml-parser lets through; caught by `walkChecked` as `NotXml`. */
export class NotWellFormed {
  constructor(readonly detail: string) {}
}

/**
 * Decodes the five predefined entities and numeric character references; any other named entity was never declared
 * (DOCTYPEs are refused), so it is a well-formedness error (`NotWellFormed`).
 */
export const decodeReferences = (text: string): string =>
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

/**
 * The attribute record of an element: a plain, fast-property object whose prototype chain holds nothing (an empty
 * frozen object without prototype), so that `attributes["constructor"]` or `attributes["toString"]` read as absent
 * like any attribute the element does not carry. (`Object.create(null)` would give the same reads, but V8 keeps such
 * objects as hash tables, which made every attribute read of the CFDI reader slower.)
 */
type AttributesRecord = Record<string, string>
export const Attributes = function Attributes(this: AttributesRecord) {} as unknown as new() => AttributesRecord
Attributes.prototype = Object.freeze(Object.create(null))

/**
 * One walk over fast-xml-parser's raw nodes. `inDoubt` turns true at the first thing `wellFormed.ts` cannot vouch
 * for; the walk still goes over the whole document, and `walkChecked` then lets `XMLValidator` decide.
 */
export interface Walk {
  readonly text: string
  /** The text has a `&` somewhere, so some text or value may hold a reference to decode. */
  readonly references: boolean
  inDoubt: boolean
}

/** The qualified name of a raw element node (its one key besides the attributes), or `undefined` for text. */
export const qnameOf = (node: RawNode): string | undefined => {
  for (const key in node) if (key !== ATTRIBUTES) return key === TEXT ? undefined : key
  return undefined
}

/** The direct text children of an element concatenated, references decoded (may throw `NotWellFormed`). */
export const textOf = (content: ReadonlyArray<RawNode>): string => {
  let text = ""
  for (const node of content) {
    const part = node[TEXT]
    if (part !== undefined) text += String(part)
  }
  return decodeReferences(text)
}

/** Checks an element a walk drops, and its subtree, for well-formedness only. */
const checkDropped = (raw: RawNode, qname: string, walk: Walk): void => {
  const content = raw[qname] as ReadonlyArray<RawNode>
  if (startTagCheck(walk.text, raw, qname, content) === StartTag.InDoubt) walk.inDoubt = true
  checkDroppedContent(content, walk)
}

/** Checks the elements of a dropped element's content, and their subtrees, for well-formedness only. */
export const checkDroppedContent = (content: ReadonlyArray<RawNode>, walk: Walk): void => {
  for (let i = 0; i < content.length; i++) {
    const node = content[i]!
    const child = qnameOf(node)
    if (child !== undefined) checkDropped(node, child, walk)
  }
}

/** True when `key` is `xmlns` or `xmlns:<prefix>`. */
export const isNamespaceDeclaration = (key: string): boolean =>
  key.charCodeAt(0) === 120 && key.startsWith("xmlns") && (key.length === 5 || key.charCodeAt(5) === 58)

/**
 * The attribute record of an element, copied from fast-xml-parser's (whose prototype is `Object.prototype`). When
 * `clean` (the start tag was matched with no `<`, `&`, tab, CR or LF in any value) the values are kept as written
 * without looking at them again; otherwise each is checked, normalised and decoded. Declared namespace prefixes are
 * added to `scope` (copied on the first declaration); returns the scope of the element's content.
 */
export const copyAttributes = (
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
    if (isNamespaceDeclaration(key)) {
      ;(declared ??= new Map(scope)).set(key.length === 5 ? "" : key.slice(6), value.trim())
    }
  }
  return declared ?? scope
}

const refuse = (reason: XmlReadReason, detail: string) => Either.left(new XmlReadError({ reason, detail }, TRUSTED))

/**
 * Parses `text` with fast-xml-parser and hands the raw nodes to `walk`, which builds a tree from them and records
 * on the `Walk` what it cannot vouch for (or throws `NotWellFormed`); then checks the document as a whole. Only a
 * document those checks cannot vouch for goes through fast-xml-parser's `XMLValidator`, which then decides and words
 * the error. Fails with `XmlReadError` `Unsafe` when the text carries a DOCTYPE (checked before parsing, so entities
 * are never expanded) or nests deeper than `maxDepth`, and `NotXml` with the validator's message
 * (`<message>:<line>:<column>`) or the parser's when the text is not well-formed.
 */
export const walkChecked = <A>(
  text: string,
  maxDepth: number,
  walk: (nodes: ReadonlyArray<RawNode>, state: Walk) => A
): Either.Either<A, XmlReadError> => {
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
  const state: Walk = { text, references: text.indexOf("&") !== -1, inDoubt: raw.attributesLost }
  let result: A
  try {
    result = walk(raw.nodes, state)
  } catch (e) {
    if (e instanceof NotWellFormed) return refuse("NotXml", validatorVerdict(text) ?? e.detail)
    throw e
  }
  if (state.inDoubt || !documentWellFormed(text, raw.nodes, soleRoot(raw.nodes))) {
    const invalid = validatorVerdict(text)
    if (invalid !== undefined) return refuse("NotXml", invalid)
  }
  return Either.right(result)
}

/** The only top-level element node of a parse, `undefined` when there are none or several. */
const soleRoot = (nodes: ReadonlyArray<RawNode>): RawNode | undefined =>
  nodes.length === 1 && qnameOf(nodes[0]!) !== undefined ? nodes[0] : undefined
