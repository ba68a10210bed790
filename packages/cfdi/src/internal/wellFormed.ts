/**
 * Cheap checks, after a fast-xml-parser parse, that the text was well-formed XML: what fast-xml-parser's separate
 * `XMLValidator` pass would find, read instead from the parser's own output (names, attributes, the start / end index
 * of each element). They only ever answer "certainly fine" or "in doubt": a document in doubt is handed to
 * `XMLValidator`, which decides (and words the error). So an unusual but well-formed document (an end tag written
 * `</a >`, a processing instruction before the root, a tag name in Greek) is still read, only more slowly.
 *
 * Why the parse alone is not enough: fast-xml-parser pops the open element at any end tag, whatever its name, keeps a
 * file cut in the middle as if it were complete, lets a repeated attribute overwrite the first, reads `a="1"b="2"`
 * as two attributes, drops text outside the root element and accepts any tag name.
 */
import type { RawNode } from "./fxpParser.js"
import { POSITION, type RawPosition } from "./fxpParser.js"

/**
 * An XML Name made of ASCII and Latin letters (`Año`, `Antigüedad`), digits, `_`, `-`, `.` and at most one `:` (not
 * first): a strict subset of the names `XMLValidator` accepts. Other names are left to the validator.
 */
const NAME_START = "A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF"
const NAME_PART = `[${NAME_START}][\\w.${NAME_START.slice(6)}-]*`
const NAME = `${NAME_PART}(?::${NAME_PART})?`
const SPACE = "[ \\t\\r\\n]"

/**
 * A start tag as `XMLValidator` accepts it, matched where fast-xml-parser saw one begin: `<` and a name, then
 * attributes each preceded by whitespace (`name = "value"` or `'value'`), then `>` or `/>`. It rules out what the
 * parser's attribute regex reads past without a trace: a value directly followed by the next name (`a="1"b="2"`,
 * read as two attributes), a stray `=` (skipped), a name without a value, a name the validator would refuse.
 */
const START_TAG = new RegExp(
  `<${NAME}(?:${SPACE}+${NAME}${SPACE}*=${SPACE}*(?:"[^"]*"|'[^']*'))*${SPACE}*/?>`,
  "y"
)

/**
 * `START_TAG` whose values hold none of `<`, `&`, tab, CR, LF: every attribute value of such a tag is already what
 * XML 1.0 §3.3.3 normalisation and reference decoding would make of it (the usual case: one match instead of a test of
 * every value).
 */
const CLEAN_START_TAG = new RegExp(
  `<${NAME}(?:${SPACE}+${NAME}${SPACE}*=${SPACE}*(?:"[^"<&\t\r\n]*"|'[^'<&\t\r\n]*'))*${SPACE}*/?>`,
  "y"
)

const GT = 62
const SLASH = 47
const LT = 60

/** Verdicts of `startTagCheck`. */
export const StartTag = {
  /** Well-formed, closed as it should be, and no attribute value needs normalising or decoding. */
  Clean: 0,
  /** Well-formed and closed as it should be; attribute values must be checked one by one. */
  WellFormed: 1,
  /** Cannot be vouched for (the validator decides); attribute values must be checked one by one. */
  InDoubt: 2
} as const
export type StartTag = (typeof StartTag)[keyof typeof StartTag]

/**
 * Whether the element `qname` (raw node `node`, children `content`) certainly has a well-formed start tag and was
 * closed by its own `/>` or by the end tag `</qname>`, read from the positions fast-xml-parser recorded: it sets the
 * end index of the element it pops at any end tag (whatever its name), and never for an element a cut file left open.
 * `Clean` also says that no attribute value holds `<`, `&`, tab, CR or LF.
 */
export const startTagCheck = (
  text: string,
  node: RawNode,
  qname: string,
  content: ReadonlyArray<RawNode>
): StartTag => startTagVerdict(text, node[POSITION] as RawPosition | undefined, qname, content.length)

/**
 * `startTagCheck` of an element given the `RawPosition` fast-xml-parser recorded for it (`undefined` when none) and
 * the number of nodes in its content.
 */
export const startTagVerdict = (
  text: string,
  position: RawPosition | undefined,
  qname: string,
  contentLength: number
): StartTag => {
  const start = position?.startIndex
  const end = position?.endIndex
  if (start === undefined || end === undefined || text.charCodeAt(end - 1) !== GT) return StartTag.InDoubt
  let verdict: StartTag = StartTag.Clean
  let tagEnd: number
  CLEAN_START_TAG.lastIndex = start
  if (CLEAN_START_TAG.test(text)) {
    tagEnd = CLEAN_START_TAG.lastIndex
  } else {
    START_TAG.lastIndex = start
    if (!START_TAG.test(text)) return StartTag.InDoubt
    tagEnd = START_TAG.lastIndex
    verdict = StartTag.WellFormed
  }
  // `<qname .../>`: the element ends where its start tag does.
  if (end === tagEnd) {
    return contentLength === 0 && text.charCodeAt(end - 2) === SLASH ? verdict : StartTag.InDoubt
  }
  // `</qname>` right before the end, and its `<` is where the parser's end tag began: the markup before it was
  // closed by a `>` (otherwise the end tag the parser read began earlier, e.g. `</x</qname>`).
  const open = end - qname.length - 3
  return text.charCodeAt(open) === LT && text.charCodeAt(open + 1) === SLASH && text.startsWith(qname, open + 2) &&
      text.lastIndexOf(">", open - 1) > text.lastIndexOf("<", open - 1)
    ? verdict
    : StartTag.InDoubt
}

/** An XML declaration at the very start, then only XML whitespace and comments: a prolog that needs no check. */
const PLAIN_PROLOG = /^(?:<\?xml[ \t\r\n][^<>]*\?>)?(?:[ \t\r\n]|<!--[^]*?-->)*$/
const XML_WHITESPACE = /^[ \t\r\n]*$/
/** A reference as `XMLValidator` accepts it: a name of up to 20 word characters, or a decimal / hex code. */
const REFERENCE_AT = /&(?:\w{1,20}|#[0-9]+|#x[0-9a-fA-F]+);/y

const referencesWellFormed = (text: string): boolean => {
  for (let at = text.indexOf("&"); at !== -1; at = text.indexOf("&", at + 1)) {
    REFERENCE_AT.lastIndex = at
    if (!REFERENCE_AT.test(text)) return false
  }
  return true
}

/**
 * Document-level checks: exactly one top-level element and no top-level text, only an XML declaration, comments and
 * whitespace before it, only whitespace after it, no XML declaration inside, every `&` starting a reference. `root`
 * is the raw root node (the only top-level element).
 */
export const documentWellFormed = (text: string, nodes: ReadonlyArray<RawNode>, root: RawNode | undefined): boolean => {
  if (root === undefined || nodes.length !== 1) return false
  const position = root[POSITION] as RawPosition | undefined
  const start = position?.startIndex
  const end = position?.endIndex
  if (start === undefined || end === undefined) return false
  return (start === 0 || PLAIN_PROLOG.test(text.slice(0, start))) &&
    (end === text.length || XML_WHITESPACE.test(text.slice(end))) &&
    text.indexOf("<?xml", start) === -1 &&
    (text.indexOf("&") === -1 || referencesWellFormed(text))
}
