/**
 * Typed errors of the CFDI reader. A file is either read into a `Cfdi` or refused with one `CfdiReadError` whose
 * `reason` says why (cfdi.md §1, §1.6, §2.9).
 */
import * as Schema from "effect/Schema"

/**
 * `Base` whose instances are built without a stack trace (`stack` holds the message line alone): for errors that
 * describe an input, not a fault of the program, built by the thousand in a folder of refused files, where capturing
 * the trace cost 3 µs of a 4 µs construction. `Error.stackTraceLimit` is as it was afterwards.
 */
const withoutStackTrace = <C extends new(...args: Array<any>) => Error>(Base: C) =>
  class extends Base {
    constructor(...args: Array<any>) {
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = 0
      try {
        super(...args)
      } finally {
        Error.stackTraceLimit = limit
      }
    }
  }

/**
 * Why a file was refused:
 * - `TooLarge`: more bytes than the configured limit (default 5 MB).
 * - `NotXml`: not decodable in its declared encoding, or not well-formed XML.
 * - `Unsafe`: carries a DOCTYPE (entity expansion / external entities are never processed), or nests elements deeper
 *   than the depth limit (default 64).
 * - `NotCfdi`: well-formed XML whose root is not a SAT `Comprobante` (plain XML, CFDI de Retenciones, ...).
 * - `UnsupportedVersion`: a `Comprobante` other than 3.3 / 4.0 (e.g. 3.2 with lower-case `version`).
 * - `MissingTimbre`: no `TimbreFiscalDigital` complement, so not a stamped fiscal document (cfdi.md §1.6).
 * - `MissingField`: a required attribute or element is absent.
 * - `InvalidValue`: an attribute is present but malformed (amount, date).
 */
export const CfdiReadReason = Schema.Literal(
  "TooLarge",
  "NotXml",
  "Unsafe",
  "NotCfdi",
  "UnsupportedVersion",
  "MissingTimbre",
  "MissingField",
  "InvalidValue"
)
export type CfdiReadReason = typeof CfdiReadReason.Type

/** Longest `detail` a message shows: a parser's detail can quote a hostile file at length. */
const MAX_DETAIL = 300

/** `detail` cut to `MAX_DETAIL` characters, saying how long it was. */
const shortDetail = (detail: string): string =>
  detail.length <= MAX_DETAIL ? detail : `${detail.slice(0, MAX_DETAIL)}... (${detail.length} characters)`

/**
 * A file could not be read as a stamped CFDI 3.3 / 4.0. `path` is the file (or other source label) given to the
 * reader; `field` locates the offending attribute as `Element@Attribute` (e.g. `Concepto[2]@Importe`) when there is
 * one; `detail` says what was found. `message` is one line: `<path>: <field>: <detail>`, the detail cut to 300
 * characters.
 * A refusal describes a file, not a fault of the program: it is built without a stack trace (`withoutStackTrace`).
 */
export class CfdiReadError extends withoutStackTrace(Schema.TaggedError<CfdiReadError>()("CfdiReadError", {
  path: Schema.String,
  reason: CfdiReadReason,
  field: Schema.optional(Schema.String),
  detail: Schema.String
})) {
  override get message(): string {
    const detail = shortDetail(this.detail)
    return this.field === undefined ? `${this.path}: ${detail}` : `${this.path}: ${this.field}: ${detail}`
  }
}

/**
 * Why bytes or text could not be read as an XML element tree (`XmlDocument`); a subset of `CfdiReadReason` with the
 * same meaning: `TooLarge` (over the caller's byte limit), `NotXml` (undecodable in its encoding, not well-formed, or
 * not exactly one root element), `Unsafe` (carries a DOCTYPE, so entities are never expanded, or nests deeper than the
 * depth limit).
 */
export const XmlReadReason = Schema.Literal("TooLarge", "NotXml", "Unsafe")
export type XmlReadReason = typeof XmlReadReason.Type

/**
 * Generic XML input could not be read (`decodeXmlBytes`, `parseXmlTree`, `readXmlRoot`). It carries no file name:
 * format readers (CFDI, NF-e) map it to their own error with the path. `message` is `detail`, cut to 300 characters.
 * Built without a stack trace, as `CfdiReadError` is.
 */
export class XmlReadError extends withoutStackTrace(Schema.TaggedError<XmlReadError>()("XmlReadError", {
  reason: XmlReadReason,
  detail: Schema.String
})) {
  override get message(): string {
    return shortDetail(this.detail)
  }
}

/**
 * A worker thread of a `CfdiReaderPool` failed (it could not start, crashed or exited): the files it held were not
 * reported. `detail` is the worker's own error message.
 */
export class CfdiWorkerError extends Schema.TaggedError<CfdiWorkerError>()("CfdiWorkerError", {
  detail: Schema.String
}) {
  override get message(): string {
    return `CFDI reader worker failed: ${this.detail}`
  }
}

/** Every error the `@clara-recon/cfdi` package fails with. */
export const CfdiError = Schema.Union(CfdiReadError, XmlReadError, CfdiWorkerError)
export type CfdiError = typeof CfdiError.Type
