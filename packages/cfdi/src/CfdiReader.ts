/**
 * Reads CFDI 3.3 / 4.0 XML files into `Cfdi` (cfdi.md §1, §2.9). Elements are matched by namespace URI and local
 * name (prefixes and where namespaces are declared do not matter); attribute values are kept as exact strings; the
 * Addenda is ignored; a DOCTYPE is refused, so no entity is ever expanded.
 */
import { TRUSTED } from "@clara-recon/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Cfdi } from "./Cfdi.js"
import { CfdiReadError } from "./CfdiError.js"
import { readCfdiRoot } from "./internal/cfdiTree.js"
import { readComprobante } from "./internal/readComprobante.js"
import { DEFAULT_MAX_XML_DEPTH } from "./XmlDocument.js"

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
  // `readXmlRoot` with the CFDI 3.3 / 4.0 Addenda skipped, as the tree the reader needs (internal/cfdiTree.ts)
  const root = readCfdiRoot(bytes, maxBytes, options.maxDepth ?? DEFAULT_MAX_XML_DEPTH)
  if (Either.isLeft(root)) {
    // Errors of the read path are built without the schema check of their constructor (`TRUSTED`): their fields are
    // typed strings and reason literals, so the check could not fail, and it cost a tenth of reading a refused file.
    return Either.left(new CfdiReadError({ path, reason: root.left.reason, detail: root.left.detail }, TRUSTED))
  }
  const cfdi = readComprobante(root.right, path)
  return cfdi instanceof CfdiReadError ? Either.left(cfdi) : Either.right(cfdi)
}

/** `readCfdi` as an Effect: succeeds with the `Cfdi`, fails with `CfdiReadError`. */
export const readCfdiEffect = (
  bytes: Uint8Array | string,
  options: ReadCfdiOptions
): Effect.Effect<Cfdi, CfdiReadError> => Effect.suspend(() => readCfdi(bytes, options))

