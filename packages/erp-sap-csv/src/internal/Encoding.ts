/**
 * Text to bytes in a layout's encoding (erp.md §2.4 "Encoding"); Windows-1252 goes through `iconv-lite`.
 */
import * as iconv from "iconv-lite"
import type { CsvLayout } from "../CsvLayout.js"

type Encoding = CsvLayout["encoding"]

const roundTrips = (text: string) => iconv.decode(iconv.encode(text, "cp1252"), "cp1252") === text

/**
 * The first character of `text` that `encoding` cannot hold, or `undefined`. Only `cp1252` is limited: iconv-lite
 * would write such a character as `?`, so it is detected by a round trip.
 */
export const unencodableChar = (text: string, encoding: Encoding): string | undefined =>
  encoding !== "cp1252" || roundTrips(text) ? undefined : Array.from(text).find((char) => !roundTrips(char))

/** `text` as bytes in `encoding`, with the byte order mark for `utf8bom` and `utf16le-bom` only. */
export const encodeText = (text: string, encoding: Encoding): Uint8Array => {
  switch (encoding) {
    case "utf8":
      return new TextEncoder().encode(text)
    case "utf8bom":
      return new TextEncoder().encode(`\uFEFF${text}`)
    case "utf16le":
      return new Uint8Array(Buffer.from(text, "utf16le"))
    case "utf16le-bom":
      return new Uint8Array(Buffer.from(`\uFEFF${text}`, "utf16le"))
    case "cp1252":
      return new Uint8Array(iconv.encode(text, "cp1252"))
  }
}

/** `U+2192` for `→`: how an unencodable character is named in messages. */
export const codePointName = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
