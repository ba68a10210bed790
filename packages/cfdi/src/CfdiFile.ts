/**
 * One CFDI file read from disk, as plain data (strings and arrays only) that can cross a worker thread boundary
 * unchanged (`CfdiReaderPool`): the report `clara-recon cfdi read` prints (identity, totals and validation findings,
 * or the typed reason it was refused), or the file's digest and `FiscalDocument` JSON for the reconciliation.
 */
import { DocumentSource, fiscalDocumentJson, formatFixed, sha256Hex, trustedInstance } from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import { readFileSync } from "node:fs"
import type { Cfdi } from "./Cfdi.js"
import { toFiscalDocument } from "./CfdiToDomain.js"
import type { CfdiReadReason } from "./CfdiError.js"
import { readCfdi, type ReadCfdiOptions } from "./CfdiReader.js"
import { type CfdiFinding, validateCfdi } from "./CfdiValidator.js"
import { type DigestSet, digestSetHas } from "./DigestSet.js"

/**
 * A read CFDI: identity (version, TipoDeComprobante, TimbreFiscalDigital UUID, Fecha as written, local time of the
 * issuer), Emisor / Receptor Rfc, Moneda and the amounts as written (decimal text in units of `moneda`; `tipoCambio`
 * in MXN per unit of `moneda`), with the validator's findings (`validateCfdi`, codes in the package README).
 */
export interface CfdiFileRead {
  readonly path: string
  readonly status: "read"
  readonly version: string
  readonly tipoDeComprobante: string
  readonly uuid: string
  readonly fecha: string
  readonly emisorRfc: string
  readonly receptorRfc: string
  readonly moneda: string
  readonly subTotal: string
  readonly descuento?: string
  readonly total: string
  readonly tipoCambio?: string
  readonly errors: ReadonlyArray<CfdiFinding>
  readonly warnings: ReadonlyArray<CfdiFinding>
}

/**
 * A refused file: `reason` is a `CfdiReadError` reason, or `Unreadable` when the file could not be read from disk;
 * `message` is one line naming the file.
 */
export interface CfdiFileRefused {
  readonly path: string
  readonly status: "refused"
  readonly reason: CfdiReadReason | "Unreadable"
  readonly message: string
}

/** The report of one file. */
export type CfdiFileReport = CfdiFileRead | CfdiFileRefused

const decimal = (value: BigDecimal.BigDecimal) => formatFixed(value, Math.max(0, value.scale))

const readReport = (path: string, cfdi: Cfdi): CfdiFileRead => {
  const { errors, warnings } = validateCfdi(cfdi)
  return {
    path,
    status: "read",
    version: cfdi.version,
    tipoDeComprobante: cfdi.tipoDeComprobante,
    uuid: cfdi.timbre.uuid,
    fecha: cfdi.fecha,
    emisorRfc: cfdi.emisor.rfc,
    receptorRfc: cfdi.receptor.rfc,
    moneda: cfdi.moneda,
    subTotal: decimal(cfdi.subTotal),
    ...(cfdi.descuento === undefined ? {} : { descuento: decimal(cfdi.descuento) }),
    total: decimal(cfdi.total),
    ...(cfdi.tipoCambio === undefined ? {} : { tipoCambio: decimal(cfdi.tipoCambio) }),
    errors,
    warnings
  }
}

/** Reads and validates one CFDI from its bytes (`path` names it in messages). Never fails: a refusal is a report. */
export const cfdiFileReport = (
  path: string,
  bytes: Uint8Array,
  options: Omit<ReadCfdiOptions, "path"> = {}
): CfdiFileReport => {
  const result = readCfdi(bytes, { ...options, path })
  return Either.isRight(result)
    ? readReport(path, result.right)
    : { path, status: "refused", reason: result.left.reason, message: result.left.message }
}

/**
 * Reads the file at `path` (synchronously) and reports it; a file that cannot be read (missing, a folder, no
 * permission) is refused with reason `Unreadable`.
 */
export const readCfdiFileReport = (path: string, options: Omit<ReadCfdiOptions, "path"> = {}): CfdiFileReport => {
  const bytes = readBytes(path)
  return bytes instanceof Uint8Array ? cfdiFileReport(path, bytes, options) : bytes
}

/** The bytes of the file at `path`, or its `Unreadable` refusal. */
const readBytes = (path: string): Uint8Array | CfdiFileRefused => {
  try {
    return readFileSync(path)
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    return { path, status: "refused", reason: "Unreadable", message: `${path}: cannot be read: ${detail}` }
  }
}

/**
 * A CFDI file read for the reconciliation: its SHA-256 (hex, of the bytes on disk) and the domain `FiscalDocument`
 * as `fiscalDocumentJson` encodes it (source: the file, with that digest), or the refusal. Plain data, like
 * `CfdiFileReport`: decode `json` with the `FiscalDocument` schema.
 */
export type CfdiFileDocument =
  | { readonly path: string; readonly status: "read"; readonly sha256: string; readonly json: string }
  /** The caller holds a document for the file's digest (`readCfdiFileDocument`'s `cached`): not parsed again. */
  | { readonly path: string; readonly status: "known"; readonly sha256: string }
  | {
    readonly path: string
    readonly status: "refused"
    /** Absent when the file could not be read. */
    readonly sha256?: string
    readonly reason: CfdiReadReason | "Unreadable"
    readonly message: string
  }

/**
 * Reads the file at `path` (synchronously), hashes it and maps it to its `FiscalDocument` JSON; a file that cannot be
 * read is refused with reason `Unreadable`, one that is not a readable CFDI with the reader's reason. A file whose
 * SHA-256 (hex) is in `cached` (the digests the caller holds a document for, e.g. its parse cache) is answered
 * `known`, without parsing.
 */
export const readCfdiFileDocument = (
  path: string,
  options: Omit<ReadCfdiOptions, "path"> = {},
  cached?: DigestSet
): CfdiFileDocument => {
  const bytes = readBytes(path)
  if (!(bytes instanceof Uint8Array)) return bytes
  const sha256 = sha256Hex(bytes)
  if (cached !== undefined && digestSetHas(cached, sha256)) return { path, status: "known", sha256 }
  const result = readCfdi(bytes, { ...options, path })
  if (Either.isLeft(result)) {
    return { path, status: "refused", sha256, reason: result.left.reason, message: result.left.message }
  }
  // the path and the digest make a valid DocumentSource: no re-validation needed
  const source = trustedInstance(DocumentSource, { kind: "file", location: path, sha256 })
  return { path, status: "read", sha256, json: fiscalDocumentJson(toFiscalDocument(result.right, source)) }
}
