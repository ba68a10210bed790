/**
 * Typed errors of the NF-e reader. A file is either read into an `Nfe` or refused with one `NfeReadError` whose
 * `reason` says why (cfdi.md §4).
 */
import * as Schema from "effect/Schema"

/**
 * Why a file was refused:
 * - `TooLarge`: more bytes than the configured limit (default 5 MB).
 * - `NotXml`: not decodable, or not well-formed XML.
 * - `Unsafe`: carries a DOCTYPE (entities are never expanded) or nests elements deeper than 64 levels.
 * - `NotNfe`: well-formed XML whose root is not `NFe` / `nfeProc` in namespace `http://www.portalfiscal.inf.br/nfe`.
 * - `MissingField`: a required element or attribute is absent.
 * - `InvalidValue`: present but malformed (amount, date, CNPJ/CPF).
 * - `InvalidChave`: the access key in `infNFe@Id` is not 44 digits or its mod-11 check digit does not verify.
 */
export const NfeReadReason = Schema.Literal(
  "TooLarge",
  "NotXml",
  "Unsafe",
  "NotNfe",
  "MissingField",
  "InvalidValue",
  "InvalidChave"
)
export type NfeReadReason = typeof NfeReadReason.Type

/**
 * A file could not be read as an NF-e. `path` is the file (or other source label) given to the reader; `field`
 * locates the offending element as a path such as `infNFe/emit/CNPJ` or `infNFe@Id`; `detail` says what was found.
 * `message` is one line: `<path>: <field>: <detail>`.
 */
export class NfeReadError extends Schema.TaggedError<NfeReadError>()("NfeReadError", {
  path: Schema.String,
  reason: NfeReadReason,
  field: Schema.optional(Schema.String),
  detail: Schema.String
}) {
  override get message(): string {
    return this.field === undefined ? `${this.path}: ${this.detail}` : `${this.path}: ${this.field}: ${this.detail}`
  }
}

/** Every error the `@clara-recon/nfe` package fails with. */
export const NfeError = Schema.Union(NfeReadError)
export type NfeError = typeof NfeError.Type
