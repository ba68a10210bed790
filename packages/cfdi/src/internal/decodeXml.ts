import * as Either from "effect/Either"
import { TRUSTED } from "@clara-recon/domain"
import { Buffer } from "node:buffer"
import { TextDecoder } from "node:util"
import type { XmlReadReason } from "../CfdiError.js"
import { XmlReadError } from "../CfdiError.js"

const decoders = new Map<string, TextDecoder>()

const decoderFor = (label: string): TextDecoder | undefined => {
  const key = label.toLowerCase()
  let decoder = decoders.get(key)
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key, { fatal: true })
    } catch {
      return undefined
    }
    decoders.set(key, decoder)
  }
  return decoder
}

const latin1 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")

const tryDecode = (decoder: TextDecoder, bytes: Uint8Array): string | undefined => {
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}

/** Windows-1252 characters for bytes 0x80-0x9F (WHATWG index; the five unassigned bytes map to themselves). */
const CP1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178"

/** Node 20's `TextDecoder("windows-1252")` decodes as ISO-8859-1 (C1 controls for 0x80-0x9F); map them back. */
const fixCp1252 = (text: string): string =>
  text.replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!)

const DECLARED_ENCODING = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/

/** The usual first bytes of a CFDI: a declaration whose encoding `DECLARED_ENCODING` would read as `UTF-8`. */
const USUAL_DECLARATION = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>`, "latin1")

const startsWithUsualDeclaration = (bytes: Uint8Array): boolean => {
  if (bytes.length < USUAL_DECLARATION.length) return false
  for (let i = 0; i < USUAL_DECLARATION.length; i++) if (bytes[i] !== USUAL_DECLARATION[i]) return false
  return true
}

/** The encoding label of the byte-order mark or the XML declaration (read as Latin-1), default `utf-8`. */
const encodingOf = (bytes: Uint8Array): string => {
  if (startsWithUsualDeclaration(bytes)) return "UTF-8"
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8"
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le"
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be"
  const head = latin1(bytes.subarray(0, 256))
  return DECLARED_ENCODING.exec(head)?.[1] ?? "utf-8"
}

const LEADING_JUNK = /^[\uFEFF\s]+/

/** `text` without a leading BOM or whitespace (most texts start with `<`: nothing to look for). */
const stripLeading = (text: string): string => text.charCodeAt(0) === 60 ? text : text.replace(LEADING_JUNK, "")

const refuse = (reason: XmlReadReason, detail: string) => Either.left(new XmlReadError({ reason, detail }, TRUSTED))

/**
 * Turns the raw input into XML text: enforces the size limit, honours a byte-order mark or the declared encoding
 * (`TextDecoder` label; WHATWG maps ISO-8859-1 to Windows-1252), falls back to Windows-1252 when bytes declared
 * (or defaulted) as UTF-8 are not valid UTF-8 (mislabelled Latin-1 files), and strips a BOM and any whitespace before
 * `<?xml`. A string input is taken as already decoded.
 */
export const decodeXml = (input: Uint8Array | string, maxBytes: number): Either.Either<string, XmlReadError> => {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength
  if (size > maxBytes) return refuse("TooLarge", `${size} bytes exceeds the limit of ${maxBytes}`)
  if (typeof input === "string") return Either.right(stripLeading(input))
  const label = encodingOf(input)
  const decoder = decoderFor(label)
  if (decoder === undefined) return refuse("NotXml", `unsupported encoding "${label}"`)
  const decoded = tryDecode(decoder, input)
  if (decoded !== undefined) {
    const text = decoder.encoding === "windows-1252" ? fixCp1252(decoded) : decoded
    return Either.right(stripLeading(text))
  }
  if (decoder.encoding === "utf-8") return Either.right(stripLeading(fixCp1252(latin1(input))))
  return refuse("NotXml", `bytes are not valid ${decoder.encoding}`)
}
