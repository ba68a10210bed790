/**
 * A single-pass, namespace-resolving XML scanner for fiscal documents. It replaces fast-xml-parser's validator +
 * parser + a second walk over its output (three passes) on the read hot path, and enforces the safety rules itself:
 * no DOCTYPE (so no entity is ever declared or expanded), only the five predefined entities and character
 * references (each expands to one character: expansion is bounded by the input size), and a nesting-depth limit.
 *
 * Well-formedness checked (XML 1.0 §2-§4, what a fiscal document can break): one root element, matching start and
 * end tags, attribute syntax (`name="value"` or `'value'`, whitespace between attributes, no `<` in values, no
 * duplicate names), references (`&` must start a known reference), comments, processing instructions and CDATA
 * sections closed, no character data outside the root. Attribute values are normalised (literal tab / CR / LF become
 * spaces; character references are kept). Names are not checked against the full XML name grammar.
 */
import type { XmlReadReason } from "../CfdiError.js"

/** An element resolved to its namespace URI (`""` when none or undeclared) and local name. */
export interface ScannedElement {
  readonly ns: string
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly text: string
  readonly children: ReadonlyArray<ScannedElement>
}

/** Why scanning stopped. */
export interface ScanFailure {
  readonly reason: XmlReadReason
  readonly detail: string
}

interface Frame {
  readonly qname: string
  readonly scope: Scope
  /** `undefined` while inside a skipped subtree. */
  readonly element: MutableElement | undefined
}

interface MutableElement {
  ns: string
  name: string
  attributes: Record<string, string>
  text: string
  children: Array<MutableElement>
}

type Scope = ReadonlyMap<string, string>

const XML_NS = "http://www.w3.org/XML/1998/namespace"
const ROOT_SCOPE: Scope = new Map([["xml", XML_NS]])
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

class ScanError {
  constructor(readonly reason: XmlReadReason, readonly detail: string) {}
}

const fail = (detail: string): never => {
  throw new ScanError("NotXml", detail)
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d

/** End of a name: whitespace, `/`, `>`, `=`, or the end of the text. */
const nameEnd = (s: string, from: number): number => {
  let i = from
  const n = s.length
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x2f || c === 0x3e || c === 0x3d) break
    i++
  }
  return i
}

const checkName = (name: string, at: number): void => {
  if (name.length === 0) fail(`missing name at offset ${at}`)
  const c = name.charCodeAt(0)
  const start = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80
  if (!start) fail(`invalid name "${name}" at offset ${at}`)
}

const ATTRIBUTE_SPECIALS = /[&<\t\n\r]/
const TEXT_SPECIALS = /&/

/** Decodes the references of `raw` (text or attribute value); `attribute` also normalises tab / CR / LF to spaces. */
const decode = (raw: string, at: number, attribute: boolean): string => {
  // Most values carry nothing to decode; one native regex scan is much cheaper than a JS loop over long values.
  if (!(attribute ? ATTRIBUTE_SPECIALS : TEXT_SPECIALS).test(raw)) return raw
  let out = ""
  let last = 0
  const n = raw.length
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x26) {
      const end = raw.indexOf(";", i + 1)
      if (end === -1 || end - i > 12) fail(`"&" does not start a reference at offset ${at + i}`)
      const ref = raw.slice(i + 1, end)
      let value: string | undefined
      if (ref.charCodeAt(0) === 0x23) {
        const hex = ref.charCodeAt(1) === 0x78
        const digits = ref.slice(hex ? 2 : 1)
        const valid = digits.length > 0 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)
        const code = valid ? Number.parseInt(digits, hex ? 16 : 10) : -1
        const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
          (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
        value = allowed ? String.fromCodePoint(code) : undefined
      } else {
        value = PREDEFINED[ref]
      }
      if (value === undefined) fail(`unknown or invalid reference "&${ref};" at offset ${at + i}`)
      out += raw.slice(last, i) + value
      last = end + 1
      i = end
    } else if (attribute && (c === 0x09 || c === 0x0a || c === 0x0d)) {
      out += raw.slice(last, i) + " "
      last = i + 1
    } else if (c === 0x3c) {
      fail(`"<" inside an attribute value at offset ${at + i}`)
    }
  }
  return last === 0 ? raw : out + raw.slice(last)
}

/** Skips `<!--...-->`, `<?...?>` or `<![CDATA[...]]>` at `i`; returns the index after it, or -1 when `i` is none. */
const skipMarkup = (s: string, i: number): number => {
  if (s.startsWith("<!--", i)) {
    const end = s.indexOf("-->", i + 4)
    if (end === -1) fail(`unclosed comment at offset ${i}`)
    return end + 3
  }
  if (s.startsWith("<?", i)) {
    const end = s.indexOf("?>", i + 2)
    if (end === -1) fail(`unclosed processing instruction at offset ${i}`)
    return end + 2
  }
  return -1
}

/**
 * Scans `s` into its top-level elements (a well-formed document has exactly one; the caller checks that). Subtrees for
 * which `skip(ns, name)` is true are checked for well-formedness but not built. Returns a `ScanFailure` instead of
 * throwing: `Unsafe` for a DOCTYPE or nesting deeper than `maxDepth`, `NotXml` for any well-formedness error.
 */
export const scanXml = (
  s: string,
  skip: (ns: string, name: string) => boolean,
  maxDepth: number
): Array<ScannedElement> | ScanFailure => {
  try {
    return scan(s, skip, maxDepth)
  } catch (e) {
    if (e instanceof ScanError) return { reason: e.reason, detail: e.detail }
    throw e
  }
}

const scan = (s: string, skip: (ns: string, name: string) => boolean, maxDepth: number): Array<ScannedElement> => {
  const roots: Array<MutableElement> = []
  const stack: Array<Frame> = []
  const n = s.length
  let i = 0
  while (i < n) {
    const lt = s.indexOf("<", i)
    const textEnd = lt === -1 ? n : lt
    if (textEnd > i) {
      const top = stack.length === 0 ? undefined : stack[stack.length - 1]!
      if (top === undefined) {
        for (let k = i; k < textEnd; k++) {
          if (!isSpace(s.charCodeAt(k))) fail(`text outside the root element at offset ${k}`)
        }
      } else if (top.element !== undefined) {
        top.element.text += decode(s.slice(i, textEnd), i, false)
      } else {
        decode(s.slice(i, textEnd), i, false)
      }
    }
    if (lt === -1) break
    i = lt
    const next = s.charCodeAt(i + 1)
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      const after = skipMarkup(s, i)
      if (after !== -1) {
        i = after
        continue
      }
      if (s.startsWith("<![CDATA[", i)) {
        const top = stack.length === 0 ? undefined : stack[stack.length - 1]!
        if (top === undefined) fail(`CDATA section outside the root element at offset ${i}`)
        const end = s.indexOf("]]>", i + 9)
        if (end === -1) fail(`unclosed CDATA section at offset ${i}`)
        if (top!.element !== undefined) top!.element.text += s.slice(i + 9, end)
        i = end + 3
        continue
      }
      if (s.startsWith("<!DOCTYPE", i) || s.startsWith("<!doctype", i)) {
        throw new ScanError("Unsafe", "DOCTYPE declarations are refused")
      }
      fail(`unexpected markup at offset ${i}`)
    }
    if (next === 0x2f /* / */) {
      const end = nameEnd(s, i + 2)
      const qname = s.slice(i + 2, end)
      let k = end
      while (k < n && isSpace(s.charCodeAt(k))) k++
      if (s.charCodeAt(k) !== 0x3e) fail(`malformed end tag </${qname}> at offset ${i}`)
      const top = stack.pop()
      if (top === undefined) fail(`end tag </${qname}> without a start tag at offset ${i}`)
      if (top!.qname !== qname) fail(`end tag </${qname}> does not match <${top!.qname}> at offset ${i}`)
      i = k + 1
      continue
    }
    // Start tag.
    const parent = stack.length === 0 ? undefined : stack[stack.length - 1]!
    const nameStop = nameEnd(s, i + 1)
    const qname = s.slice(i + 1, nameStop)
    checkName(qname, i)
    const attributes: Record<string, string> = Object.create(null)
    let scope = parent?.scope ?? ROOT_SCOPE
    let declared: Map<string, string> | undefined
    let k = nameStop
    let selfClosing = false
    for (;;) {
      const before = k
      while (k < n && isSpace(s.charCodeAt(k))) k++
      const c = s.charCodeAt(k)
      if (c === 0x3e) {
        k++
        break
      }
      if (c === 0x2f) {
        if (s.charCodeAt(k + 1) !== 0x3e) fail(`malformed start tag <${qname}> at offset ${i}`)
        selfClosing = true
        k += 2
        break
      }
      if (k >= n) fail(`unclosed start tag <${qname}> at offset ${i}`)
      if (k === before) fail(`missing whitespace before an attribute of <${qname}> at offset ${k}`)
      const attrEnd = nameEnd(s, k)
      const attr = s.slice(k, attrEnd)
      checkName(attr, k)
      k = attrEnd
      while (k < n && isSpace(s.charCodeAt(k))) k++
      if (s.charCodeAt(k) !== 0x3d) fail(`attribute ${attr} of <${qname}> has no value at offset ${k}`)
      k++
      while (k < n && isSpace(s.charCodeAt(k))) k++
      const quote = s.charCodeAt(k)
      if (quote !== 0x22 && quote !== 0x27) fail(`attribute ${attr} of <${qname}> is not quoted at offset ${k}`)
      const close = s.indexOf(quote === 0x22 ? "\"" : "'", k + 1)
      if (close === -1) fail(`unclosed attribute value at offset ${k}`)
      if (attr in attributes) fail(`duplicate attribute ${attr} on <${qname}> at offset ${k}`)
      const value = decode(s.slice(k + 1, close), k + 1, true)
      attributes[attr] = value
      if (attr.charCodeAt(0) === 0x78 && (attr === "xmlns" || attr.startsWith("xmlns:"))) {
        ;(declared ??= new Map(scope)).set(attr === "xmlns" ? "" : attr.slice(6), value.trim())
      }
      k = close + 1
    }
    if (declared !== undefined) scope = declared
    let element: MutableElement | undefined
    if (parent === undefined || parent.element !== undefined) {
      const colon = qname.indexOf(":")
      const ns = scope.get(colon === -1 ? "" : qname.slice(0, colon)) ?? ""
      const name = colon === -1 ? qname : qname.slice(colon + 1)
      if (!skip(ns, name)) {
        element = { ns, name, attributes, text: "", children: [] }
        if (parent === undefined) roots.push(element)
        else parent.element!.children.push(element)
      }
    }
    if (parent === undefined && element === undefined) {
      roots.push({ ns: "", name: qname, attributes, text: "", children: [] })
    }
    if (stack.length >= maxDepth) {
      throw new ScanError("Unsafe", `elements nested deeper than the limit of ${maxDepth}`)
    }
    if (!selfClosing) stack.push({ qname, scope, element })
    i = k
  }
  if (stack.length > 0) fail(`unclosed element <${stack[stack.length - 1]!.qname}> at the end of the input`)
  if (roots.length === 0) fail("no root element")
  return roots
}
