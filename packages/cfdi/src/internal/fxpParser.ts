/**
 * The fast-xml-parser set-up of `XmlDocument`: one parser per nesting limit, in preserve-order mode (the raw tree
 * `parseXmlTree` walks), with the callbacks and metadata that let `wellFormed.ts` check well-formedness after the
 * parse instead of running fast-xml-parser's separate `XMLValidator` pass over every document.
 */
import type { MatcherView } from "fast-xml-parser"
import { XMLParser, XMLValidator } from "fast-xml-parser"

/** One raw node of fast-xml-parser's preserve-order output: `{ [qname]: content, ":@"?: attributes }` or text. */
export interface RawNode {
  readonly [key: string]: unknown
  readonly [key: symbol]: unknown
}

/** Where fast-xml-parser saw an element, in the text given to `parse` (`captureMetaData`). */
export interface RawPosition {
  /** Index of the `<` of the start tag. */
  readonly startIndex?: number
  /** Index just after the `>` that ended the element (its end tag, or `/>`); absent when never closed. */
  readonly endIndex?: number
}

/** The symbol under which fast-xml-parser stores a node's `RawPosition`. */
export const POSITION = XMLParser.getMetaDataSymbol() as unknown as symbol

/**
 * Per-parse bookkeeping of the callbacks (parsing is synchronous, so one module-level record is enough):
 * `pendingAttributes` counts the valued attributes fast-xml-parser read for the element being opened; `updateTag`
 * compares it with the attributes it kept, which differ only when a name was repeated (the later value silently
 * wins) or a name had no value (`allowBooleanAttributes` keeps it as `true`).
 */
const hooks = { pendingAttributes: 0, attributesLost: false }

const countAttribute = (_name: string, _value: string, matcher: string | MatcherView): undefined => {
  // Depth 0 is the XML declaration or another processing instruction before the root: not an element.
  if (typeof matcher === "string" || matcher.getDepth() > 0) hooks.pendingAttributes++
  return undefined // keep the value as written
}

const checkAttributes = (tagName: string, _matcher: unknown, attributes: Readonly<Record<string, unknown>>) => {
  let kept = 0
  if (attributes !== undefined && attributes !== null) for (const _ in attributes) kept++
  if (kept !== hooks.pendingAttributes) hooks.attributesLost = true
  hooks.pendingAttributes = 0
  return tagName
}

const keepText = (): undefined => undefined

const parsers = new Map<number, XMLParser>()

/** The parser for a nesting limit (fast-xml-parser enforces it as `maxNestedTags`). */
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
      // Entities are never expanded by the parser: `XmlDocument` decodes the five predefined ones and character
      // references itself, one character each, and refuses any DOCTYPE before parsing.
      processEntities: false,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      maxNestedTags: maxDepth,
      // Callbacks get the path matcher instead of a path string built for every element and attribute.
      jPath: false,
      // Start / end index of every element, for the end-tag checks of `wellFormed.ts`.
      captureMetaData: true,
      // A name without a value is kept (as `true`) so that it can be seen and refused, not silently dropped.
      allowBooleanAttributes: true,
      attributeValueProcessor: countAttribute,
      // Text as written (no trim-and-compare of every text node to decide whether to parse it as a value).
      tagValueProcessor: keepText,
      updateTag: checkAttributes
    })
    parsers.set(maxDepth, parser)
  }
  return parser
}

/** What one fast-xml-parser pass gave: the raw nodes, and whether an element lost an attribute (repeated name). */
export interface RawParse {
  readonly nodes: ReadonlyArray<RawNode>
  readonly attributesLost: boolean
}

/**
 * Parses `text` with fast-xml-parser, without its validator pass. Throws what fast-xml-parser throws (unclosed
 * markup, `Maximum nested tags exceeded`, ...).
 */
export const parseRaw = (text: string, maxDepth: number): RawParse => {
  hooks.pendingAttributes = 0
  hooks.attributesLost = false
  const nodes = parserFor(maxDepth).parse(text) as ReadonlyArray<RawNode>
  return { nodes, attributesLost: hooks.attributesLost }
}

/**
 * fast-xml-parser's own well-formedness verdict on `text` (`XMLValidator`, default options): `undefined` when it
 * finds nothing wrong, else its message as `parse(text, true)` words it (`<message>:<line>:<column>`).
 */
export const validatorVerdict = (text: string): string | undefined => {
  const result = XMLValidator.validate(text)
  return result === true ? undefined : `${result.err.msg}:${result.err.line}:${result.err.col}`
}
