import { TextDecoder } from "node:util"

const DECLARED_ENCODING = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/
const LEADING_JUNK = /^[\uFEFF\s]+/

const decodeWith = (label: string, bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder(label.toLowerCase(), { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * Bytes to XML text: UTF-8 (BOM stripped) unless the XML declaration names another encoding known to
 * `TextDecoder`; invalid UTF-8 falls back to Windows-1252. Leading whitespace is dropped. Returns an error text
 * when the declared encoding is unknown or the bytes are not valid in it.
 */
export const decodeXml = (input: Uint8Array | string): string | { readonly error: string } => {
  if (typeof input === "string") return input.replace(LEADING_JUNK, "")
  const head = new TextDecoder("latin1").decode(input.subarray(0, 256))
  const declared = DECLARED_ENCODING.exec(head.replace(LEADING_JUNK, ""))?.[1] ?? "utf-8"
  const text = decodeWith(declared, input) ??
    (declared.toLowerCase().replace("_", "-") === "utf-8" ? decodeWith("windows-1252", input) : undefined)
  return text === undefined
    ? { error: `bytes are not valid ${declared}` }
    : text.replace(LEADING_JUNK, "")
}
