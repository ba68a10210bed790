/**
 * A small, safe XML reader shared by the fiscal-document readers (CFDI here, NF-e in `@clara-recon/nfe`): bytes are
 * decoded per their BOM or declared encoding, a DOCTYPE is refused (no entity is ever expanded), and the document
 * becomes a tree of elements resolved to namespace URI + local name (cfdi.md §1.1: match by URI, never by prefix).
 */
import * as Either from "effect/Either"
import type { XmlReadReason } from "./CfdiError.js"
import { XmlReadError } from "./CfdiError.js"
import { decodeXml } from "./internal/decodeXml.js"
import { scanXml } from "./internal/scanXml.js"

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
 * Parses XML text into namespace-resolved elements (the root elements: one for a well-formed document) in one pass
 * (internal/scanXml.ts). Namespace declarations are honoured on any element (`xml:` is predeclared); subtrees for
 * which `skip` is true are checked but not built. Only the five predefined entities and character references are
 * decoded, each to one character, so expansion is bounded by the input. Fails with `XmlReadError` `Unsafe` for a
 * DOCTYPE (never processed) or nesting deeper than `maxDepth` (default `DEFAULT_MAX_XML_DEPTH`), and `NotXml` with
 * the offset of the first well-formedness error (unmatched tag, bad attribute syntax, unknown entity, ...).
 */
export const parseXmlTree = (
  text: string,
  skip: (ns: string, name: string) => boolean = keepAll,
  maxDepth: number = DEFAULT_MAX_XML_DEPTH
): Either.Either<ReadonlyArray<XmlElement>, XmlReadError> => {
  const scanned = scanXml(text, skip, maxDepth)
  return Array.isArray(scanned) ? Either.right(scanned) : refuse(scanned.reason, scanned.detail)
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
