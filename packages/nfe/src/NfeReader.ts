/**
 * Reads Brazilian NF-e XML (layouts 4.00 and 3.10) into `Nfe` (cfdi.md §4). Elements are matched by namespace URI
 * `http://www.portalfiscal.inf.br/nfe` and local name; a DOCTYPE is refused, so no entity is ever expanded.
 */
import type { XmlElement } from "@clara-recon/cfdi"
import { childNamed, readXmlRoot } from "@clara-recon/cfdi"
import { civilDateOf } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import * as Either from "effect/Either"
import type { Nfe, NfeParty, NfeProtocolo } from "./Nfe.js"
import { NfeNamespace } from "./Nfe.js"
import type { NfeReadReason } from "./NfeError.js"
import { NfeReadError } from "./NfeError.js"
import { isValidChave } from "./internal/chave.js"
import { defined } from "./internal/defined.js"

export { isValidChave } from "./internal/chave.js"

/** Default size limit of one NF-e file: 5 MB. */
export const DEFAULT_MAX_NFE_BYTES = 5 * 1024 * 1024

/** Options of `readNfe`. */
export interface ReadNfeOptions {
  /** The file (or other source label) the bytes came from; named in every error. */
  readonly path: string
  /** Size limit in bytes (UTF-8 bytes for a string input); default `DEFAULT_MAX_NFE_BYTES`. */
  readonly maxBytes?: number
}

const DECIMAL = /^\d+(?:\.\d+)?$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const CNPJ = /^\d{14}$/
const CPF = /^\d{11}$/

/** Remembers the first problem instead of throwing: fields are read straight through, then `error` is checked. */
class Reader {
  error: NfeReadError | undefined = undefined

  constructor(readonly path: string) {}

  fail(reason: NfeReadReason, field: string, detail: string): void {
    this.error ??= new NfeReadError({ path: this.path, reason, detail, ...(field === "" ? {} : { field }) })
  }

  text(parent: XmlElement | undefined, name: string): string | undefined {
    const value = parent === undefined ? undefined : childNamed(parent, NfeNamespace, name)?.text.trim()
    return value === undefined || value === "" ? undefined : value
  }

  required(parent: XmlElement | undefined, path: string, name: string): string {
    const value = this.text(parent, name)
    if (value === undefined) this.fail("MissingField", `${path}/${name}`, "required element is missing")
    return value ?? ""
  }

  /** `value` when absent or matching `pattern`; otherwise records `InvalidValue` and returns undefined. */
  checked(value: string | undefined, pattern: RegExp, field: string, what: string): string | undefined {
    if (value === undefined || pattern.test(value)) return value
    this.fail("InvalidValue", field, `"${value}" is not ${what}`)
    return undefined
  }
}

const readParty = (r: Reader, element: XmlElement, path: string): NfeParty =>
  defined({
    cnpj: r.checked(r.text(element, "CNPJ"), CNPJ, `${path}/CNPJ`, "a 14-digit CNPJ"),
    cpf: r.checked(r.text(element, "CPF"), CPF, `${path}/CPF`, "an 11-digit CPF"),
    idEstrangeiro: r.text(element, "idEstrangeiro"),
    xNome: r.text(element, "xNome")
  })

const readChave = (r: Reader, infNFe: XmlElement): string => {
  const id = infNFe.attributes["Id"]?.trim() ?? ""
  const chave = id.startsWith("NFe") ? id.slice(3) : id
  if (id === "") r.fail("MissingField", "infNFe@Id", "required attribute is missing")
  else if (!isValidChave(chave)) {
    r.fail("InvalidChave", "infNFe@Id", `"${id}" is not NFe + 44 digits with a valid mod-11 check digit`)
  }
  return chave
}

const readEmission = (r: Reader, ide: XmlElement): { readonly emittedAt: string; readonly issueDate: string } => {
  const dhEmi = r.text(ide, "dhEmi")
  const emittedAt = dhEmi ?? r.required(ide, "infNFe/ide", "dEmi")
  const issueDate = (dhEmi === undefined ? DATE : DATE_TIME).test(emittedAt) ? civilDateOf(emittedAt) : undefined
  if (issueDate === undefined && emittedAt !== "") {
    const field = dhEmi === undefined ? "infNFe/ide/dEmi" : "infNFe/ide/dhEmi"
    r.fail("InvalidValue", field, `"${emittedAt}" is not an ISO-8601 date`)
  }
  return { emittedAt, issueDate: issueDate ?? "" }
}

const readProtocolo = (r: Reader, root: XmlElement): NfeProtocolo | undefined => {
  const protNFe = root.name === "nfeProc" ? childNamed(root, NfeNamespace, "protNFe") : undefined
  const infProt = protNFe === undefined ? undefined : childNamed(protNFe, NfeNamespace, "infProt")
  if (infProt === undefined) return undefined
  return {
    cStat: r.required(infProt, "protNFe/infProt", "cStat"),
    ...defined({ nProt: r.text(infProt, "nProt"), dhRecbto: r.text(infProt, "dhRecbto") })
  }
}

const EMPTY: XmlElement = { ns: NfeNamespace, name: "", attributes: {}, text: "", children: [] }
const ZERO = BigDecimal.fromBigInt(0n)

const readRoot = (root: XmlElement, path: string): Nfe | NfeReadError => {
  const r = new Reader(path)
  const nfe = root.name === "NFe" ? root : childNamed(root, NfeNamespace, "NFe")
  const infNFe = nfe === undefined ? undefined : childNamed(nfe, NfeNamespace, "infNFe")
  if (root.ns !== NfeNamespace || (root.name !== "NFe" && root.name !== "nfeProc")) {
    r.fail("NotNfe", "", `root <${root.name}> in namespace "${root.ns}" is not an NF-e (NFe or nfeProc)`)
  } else if (infNFe === undefined) {
    r.fail("MissingField", "NFe/infNFe", "required element is missing")
  }
  if (infNFe === undefined || r.error !== undefined) return r.error!
  const child = (name: string): XmlElement => childNamed(infNFe, NfeNamespace, name) ?? EMPTY
  const ide = child("ide")
  const emit = readParty(r, child("emit"), "infNFe/emit")
  if (emit.cnpj === undefined && emit.cpf === undefined) {
    r.fail("MissingField", "infNFe/emit/CNPJ", "the issuer has neither CNPJ nor CPF")
  }
  const dest = childNamed(infNFe, NfeNamespace, "dest")
  const icmsTot = childNamed(child("total"), NfeNamespace, "ICMSTot")
  const vNFText = r.required(icmsTot, "infNFe/total/ICMSTot", "vNF")
  const vNF = r.checked(vNFText, DECIMAL, "infNFe/total/ICMSTot/vNF", "a decimal")
  const result: Nfe = {
    path,
    versao: infNFe.attributes["versao"]?.trim() ?? "",
    chave: readChave(r, infNFe),
    ...readEmission(r, ide),
    emit,
    vNF: vNF === undefined || vNF === "" ? ZERO : BigDecimal.unsafeFromString(vNF),
    ...defined({
      modelo: r.text(ide, "mod"),
      serie: r.text(ide, "serie"),
      nNF: r.text(ide, "nNF"),
      tpAmb: r.text(ide, "tpAmb"),
      dest: dest === undefined ? undefined : readParty(r, dest, "infNFe/dest"),
      protocolo: readProtocolo(r, root)
    })
  }
  return r.error ?? result
}

/**
 * Reads one NF-e (root `NFe`, or `nfeProc` with `NFe` + `protNFe`) synchronously. Bytes are decoded per their BOM or
 * declared encoding (invalid UTF-8 falls back to Windows-1252; see `decodeXmlBytes` of `@clara-recon/cfdi`); a string
 * is taken as already decoded. The access key is `infNFe@Id` without its `NFe`
 * prefix (a bare 44-digit Id is accepted), and must pass the mod-11 check. Fails with `NfeReadError` whose reason is
 * `TooLarge`, `NotXml`, `Unsafe` (DOCTYPE, too deep), `NotNfe`, `MissingField` (Id, ide, dhEmi/dEmi, emit CNPJ/CPF, vNF),
 * `InvalidValue` or `InvalidChave`. Source: cfdi.md §4.
 */
export const readNfe = (bytes: Uint8Array | string, options: ReadNfeOptions): Either.Either<Nfe, NfeReadError> => {
  const { path } = options
  const root = readXmlRoot(bytes, { maxBytes: options.maxBytes ?? DEFAULT_MAX_NFE_BYTES })
  if (Either.isLeft(root)) {
    return Either.left(new NfeReadError({ path, reason: root.left.reason, detail: root.left.detail }))
  }
  const nfe = readRoot(root.right, path)
  return nfe instanceof NfeReadError ? Either.left(nfe) : Either.right(nfe)
}
