/**
 * The NF-e model produced by the reader: the fields a card reconciliation uses (cfdi.md §4), plus the mapping to the
 * domain `FiscalDocument`. Values are trimmed element texts; `vNF` is an effect `BigDecimal` parsed from the exact
 * text (scale kept), in BRL.
 */
import type { DocumentSource } from "@clara-recon/domain"
import { FiscalDocument, Party, TaxTotals } from "@clara-recon/domain"
import type * as BigDecimal from "effect/BigDecimal"
import { defined } from "./internal/defined.js"

/** Namespace URI of NF-e layouts 3.10 and 4.00; elements are matched by URI + local name. */
export const NfeNamespace = "http://www.portalfiscal.inf.br/nfe"

/** `emit` or `dest`: one tax id (14-digit CNPJ, 11-digit CPF, or a foreign id for `dest`) and the name. */
export interface NfeParty {
  readonly cnpj?: string
  readonly cpf?: string
  /** `dest/idEstrangeiro`: foreign buyer's id. */
  readonly idEstrangeiro?: string
  readonly xNome?: string
}

/** `protNFe/infProt`: SEFAZ's authorisation (cStat 100 = authorised), the NF-e counterpart of a CFDI's TFD. */
export interface NfeProtocolo {
  readonly cStat: string
  readonly nProt?: string
  /** Receipt date-time with offset, as written. */
  readonly dhRecbto?: string
}

/** An NF-e as read from one file (root `NFe`, or `nfeProc` = `NFe` + `protNFe`). */
export interface Nfe {
  /** Where it was read from (the `path` option of the reader). */
  readonly path: string
  /** `infNFe@versao`, e.g. `4.00` or `3.10`. */
  readonly versao: string
  /** Chave de acesso: 44 digits, check digit verified (`infNFe@Id` without its `NFe` prefix). */
  readonly chave: string
  /** `ide/mod`: 55 NF-e, 65 NFC-e. */
  readonly modelo?: string
  readonly serie?: string
  /** `ide/nNF`: the invoice number. */
  readonly nNF?: string
  /** `ide/tpAmb`: 1 production, 2 test. */
  readonly tpAmb?: string
  /** `ide/dhEmi` (4.00: ISO-8601 date-time with offset) or `ide/dEmi` (3.10 and older: `yyyy-MM-dd`), as written. */
  readonly emittedAt: string
  /** Civil date (`yyyy-MM-dd`) of `emittedAt` in the issuer's own offset. */
  readonly issueDate: string
  /** Issuer: CNPJ or CPF always present. */
  readonly emit: NfeParty
  /** Buyer; absent on NFC-e sales to an unidentified consumer. */
  readonly dest?: NfeParty
  /** `total/ICMSTot/vNF`: invoice total, BRL. */
  readonly vNF: BigDecimal.BigDecimal
  /** Present when the file is an `nfeProc` with `protNFe`. */
  readonly protocolo?: NfeProtocolo
}

const partyOf = (party: NfeParty | undefined): Party =>
  new Party(defined({ taxId: party?.cnpj ?? party?.cpf ?? party?.idEstrangeiro, name: party?.xNome }))

/**
 * Maps a read NF-e to the domain `FiscalDocument`: kind `NFE`, country `BR`, currency `BRL`, id = chave,
 * version = `versao`, issueDate = civil date of dhEmi/dEmi, issuedAt = dhEmi/dEmi as written, serie, folio = nNF,
 * issuer/receiver tax id (CNPJ, else CPF, else foreign id) and name, total = vNF, no taxes itemised, no relations,
 * one source. Pure; does not fail for an `Nfe` produced by the reader. Source: cfdi.md §4.
 */
export const toFiscalDocument = (nfe: Nfe, source: DocumentSource): FiscalDocument =>
  new FiscalDocument({
    id: nfe.chave,
    kind: "NFE",
    country: "BR",
    version: nfe.versao,
    issueDate: nfe.issueDate,
    issuedAt: nfe.emittedAt,
    issuer: partyOf(nfe.emit),
    receiver: partyOf(nfe.dest),
    currency: "BRL",
    total: nfe.vNF,
    taxes: new TaxTotals({}),
    relations: [],
    claraTransactionUuids: [],
    sources: [source],
    ...defined({ serie: nfe.serie, folio: nfe.nNF })
  })
