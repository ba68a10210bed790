/**
 * Reads CFDI 3.3 / 4.0 XML files into `Cfdi` (cfdi.md §1, §2.9). Elements are matched by namespace URI and local
 * name (prefixes and where namespaces are declared do not matter); attribute values are kept as exact strings; the
 * Addenda is ignored; a DOCTYPE is refused, so no entity is ever expanded.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Cfdi } from "./Cfdi.js"
import { CfdiNamespace } from "./Cfdi.js"
import { CfdiReadError } from "./CfdiError.js"
import { readComprobante } from "./internal/readComprobante.js"
import { readXmlRoot } from "./XmlDocument.js"

/** Default size limit of one CFDI file: 5 MB. */
export const DEFAULT_MAX_CFDI_BYTES = 5 * 1024 * 1024

/** Options of `readCfdi`. */
export interface ReadCfdiOptions {
  /** The file (or other source label) the bytes came from; named in every error. */
  readonly path: string
  /** Size limit in bytes (UTF-8 bytes for a string input); default `DEFAULT_MAX_CFDI_BYTES`. */
  readonly maxBytes?: number
  /** Element nesting limit (the root is depth 1); default `DEFAULT_MAX_XML_DEPTH` (64). */
  readonly maxDepth?: number
}

const isAddenda = (ns: string, name: string): boolean =>
  name === "Addenda" && (ns === CfdiNamespace.cfdi40 || ns === CfdiNamespace.cfdi33)

/**
 * Reads one stamped CFDI 3.3 / 4.0, synchronously. Bytes are decoded per their BOM or declared encoding
 * (UTF-8, ISO-8859-1, Windows-1252, ...); a string is taken as already decoded. Fails with `CfdiReadError` (naming
 * `options.path`) whose reason is `TooLarge`, `NotXml` (not well-formed, undeclared entity), `Unsafe` (DOCTYPE, or
 * nesting deeper than `maxDepth`), `NotCfdi` (plain XML, Retenciones), `UnsupportedVersion` (3.2 and others),
 * `MissingTimbre` (no TimbreFiscalDigital), `MissingField` or `InvalidValue`.
 */
export const readCfdi = (bytes: Uint8Array | string, options: ReadCfdiOptions): Either.Either<Cfdi, CfdiReadError> => {
  const { path } = options
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CFDI_BYTES
  const root = readXmlRoot(
    bytes,
    options.maxDepth === undefined
      ? { maxBytes, skip: isAddenda }
      : { maxBytes, skip: isAddenda, maxDepth: options.maxDepth }
  )
  if (Either.isLeft(root)) {
    return Either.left(new CfdiReadError({ path, reason: root.left.reason, detail: root.left.detail }))
  }
  const cfdi = readComprobante(root.right, path)
  return cfdi instanceof CfdiReadError ? Either.left(cfdi) : Either.right(cfdi)
}

/** `readCfdi` as an Effect: succeeds with the `Cfdi`, fails with `CfdiReadError`. */
export const readCfdiEffect = (
  bytes: Uint8Array | string,
  options: ReadCfdiOptions
): Effect.Effect<Cfdi, CfdiReadError> => Effect.suspend(() => readCfdi(bytes, options))

