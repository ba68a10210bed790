/**
 * A read CFDI (`Cfdi`, cfdi.md §1.2-§1.8) as the domain `FiscalDocument` (kind `CFDI`, country `MX`).
 */
import type { DocumentSource } from "@clara-recon/domain"
import {
  CfdiRelation,
  ConceptAmount,
  FiscalDocument,
  IvaAtRate,
  Party,
  TaxTotals,
  trustedInstance
} from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { Cfdi, CfdiConcepto } from "./Cfdi.js"
import type { Mutable } from "./internal/defined.js"
import { groupConceptTaxes, type TaxGroup } from "./internal/taxGroups.js"

type FiscalDocumentFields = ConstructorParameters<typeof FiscalDocument>[0]
type TaxTotalsFields = Mutable<ConstructorParameters<typeof TaxTotals>[0]>

/**
 * `Party` instances by RFC and name: a corpus names the same few receivers (the company) and recurring merchants over
 * and over, and a `Party` is an immutable value, so one instance can stand in every document that names it. Bounded:
 * each level is cleared when full.
 */
const parties = new Map<string, Map<string | undefined, Party>>()
const MAX_CACHED_PARTIES = 4096

const partyOf = (taxId: string, name: string | undefined): Party => {
  let byName = parties.get(taxId)
  if (byName === undefined) {
    if (parties.size >= MAX_CACHED_PARTIES) parties.clear()
    byName = new Map()
    parties.set(taxId, byName)
  }
  let party = byName.get(name)
  if (party === undefined) {
    if (byName.size >= MAX_CACHED_PARTIES) byName.clear()
    party = trustedInstance(Party, name === undefined ? { taxId } : { taxId, name })
    byName.set(name, party)
  }
  return party
}

/**
 * The concepts' IVA traslados (Impuesto 002, `groupConceptTaxes`) by rate, highest first and `Exento` last, when they
 * carry more than one treatment; `undefined` for a single rate or none (the document totals tell it all). Concepts
 * with no IVA traslado (ObjetoImp 01 not subject, such as an airport fee; a 3.3 concept without taxes) are a
 * treatment of their own when other concepts carry IVA: their Importe - Descuento joins the exempt part (no rate, no
 * IVA), so the IVA rate of the taxed concepts is not diluted by them. A group whose `TasaOCuota` is not a number is
 * left out (the validator reports it).
 */
const ivaByRateOf = (conceptos: ReadonlyArray<CfdiConcepto>): ReadonlyArray<IvaAtRate> | undefined => {
  const iva = [...groupConceptTaxes(conceptos, "traslado").values()].filter((g) =>
    g.impuesto === "002" && (g.tipoFactor === "Exento" || (g.tipoFactor === "Tasa" && g.rate !== undefined))
  )
  let untaxed = ZERO
  for (const c of conceptos) {
    if (!c.traslados.some((line) => line.impuesto === "002")) {
      untaxed = BigDecimal.sum(untaxed, BigDecimal.subtract(c.importe, c.descuento ?? ZERO))
    }
  }
  const withUntaxed = iva.length > 0 && BigDecimal.isPositive(untaxed)
  if (iva.length + (withUntaxed && !iva.some((g) => g.tipoFactor === "Exento") ? 1 : 0) < 2) return undefined
  const rateOf = (g: TaxGroup) => (g.tipoFactor === "Exento" ? undefined : g.rate)
  const parts = iva
    .sort((a, b) => {
      const [x, y] = [rateOf(a), rateOf(b)]
      return x === undefined ? 1 : y === undefined ? -1 : BigDecimal.Order(y, x)
    })
    .map((g) => ({ rate: rateOf(g), base: g.base, amount: g.importe ?? ZERO }))
  if (withUntaxed) {
    const exempt = parts.find((p) => p.rate === undefined)
    if (exempt === undefined) parts.push({ rate: undefined, base: untaxed, amount: ZERO })
    else exempt.base = BigDecimal.sum(exempt.base, untaxed)
  }
  return parts.map(({ amount, base, rate }) =>
    trustedInstance(IvaAtRate, { ...(rate === undefined ? {} : { rate }), base, amount })
  )
}

const ZERO = BigDecimal.fromBigInt(0n)

/**
 * The concepts' `Importe - Descuento` summed by `ClaveProdServ`, in first-appearance order, when they carry two codes
 * or more; `undefined` otherwise (the first concept's code tells it all).
 */
const conceptAmountsOf = (conceptos: ReadonlyArray<CfdiConcepto>): ReadonlyArray<ConceptAmount> | undefined => {
  const first = conceptos[0]?.claveProdServ
  if (conceptos.every((c) => c.claveProdServ === first)) return undefined
  const sums = new Map<string, BigDecimal.BigDecimal>()
  for (const c of conceptos) {
    const net = BigDecimal.subtract(c.importe, c.descuento ?? ZERO)
    sums.set(c.claveProdServ, BigDecimal.sum(sums.get(c.claveProdServ) ?? ZERO, net))
  }
  if (sums.size < 2) return undefined
  return [...sums].map(([claveProdServ, amount]) => trustedInstance(ConceptAmount, { claveProdServ, amount }))
}

/**
 * Maps a read CFDI to the domain `FiscalDocument` (kind `CFDI`, country `MX`): id and fiscalUuid = TFD UUID (upper
 * case), issueDate = civil date of `Fecha`, taxes split IVA/IEPS transferred and IVA/ISR withheld plus the implocal
 * net, relations from `CfdiRelacionados`, `claveProdServ` of the first concept (and the amounts by code when the
 * concepts carry several), no Clara transactions, one source.
 * Pure; does not fail for a `Cfdi` produced by the reader (its `issueDate` is already a checked civil date). The
 * issuer / receiver `Party` values are shared between documents that name the same RFC and name.
 */
export const toFiscalDocument = (cfdi: Cfdi, source: DocumentSource): FiscalDocument => {
  const impuestos = cfdi.impuestos
  const local = cfdi.impuestosLocales
  // Optional fields are set only when present, in the order `defined` kept them (so the same own keys in the same
  // order as a record built with it).
  const taxes: TaxTotalsFields = {}
  if (impuestos !== undefined) {
    if (impuestos.ivaTrasladado !== undefined) taxes.ivaTransferred = impuestos.ivaTrasladado
    if (impuestos.iepsTrasladado !== undefined) taxes.iepsTransferred = impuestos.iepsTrasladado
    if (impuestos.ivaRetenido !== undefined) taxes.ivaWithheld = impuestos.ivaRetenido
    if (impuestos.isrRetenido !== undefined) taxes.isrWithheld = impuestos.isrRetenido
  }
  if (local !== undefined) {
    taxes.localNet = BigDecimal.subtract(local.totalTraslados, local.totalRetenciones)
    if (!BigDecimal.isZero(local.totalRetenciones)) taxes.localWithheld = local.totalRetenciones
  }
  const byRate = ivaByRateOf(cfdi.conceptos)
  if (byRate !== undefined) taxes.ivaByRate = byRate
  const relacionados = cfdi.cfdiRelacionados
  const relations: Array<CfdiRelation> = []
  for (let i = 0; i < relacionados.length; i++) {
    const r = relacionados[i]!
    relations.push(trustedInstance(CfdiRelation, { tipoRelacion: r.tipoRelacion, uuids: r.uuids }))
  }
  const fields = {} as Mutable<FiscalDocumentFields>
  fields.id = cfdi.timbre.uuid
  fields.kind = "CFDI"
  fields.country = "MX"
  fields.version = cfdi.version
  fields.fiscalUuid = cfdi.timbre.uuid
  fields.tipoDeComprobante = cfdi.tipoDeComprobante
  fields.issueDate = cfdi.issueDate
  fields.issuedAt = cfdi.fecha
  fields.issuer = partyOf(cfdi.emisor.rfc, cfdi.emisor.nombre)
  fields.receiver = partyOf(cfdi.receptor.rfc, cfdi.receptor.nombre)
  fields.currency = cfdi.moneda
  fields.total = cfdi.total
  fields.subTotal = cfdi.subTotal
  fields.taxes = trustedInstance(TaxTotals, taxes)
  fields.relations = relations
  fields.claraTransactionUuids = []
  fields.sources = [source]
  if (cfdi.serie !== undefined) fields.serie = cfdi.serie
  if (cfdi.folio !== undefined) fields.folio = cfdi.folio
  if (cfdi.descuento !== undefined) fields.discount = cfdi.descuento
  if (cfdi.tipoCambio !== undefined) fields.exchangeRate = cfdi.tipoCambio
  if (cfdi.metodoPago !== undefined) fields.metodoPago = cfdi.metodoPago
  if (cfdi.formaPago !== undefined) fields.formaPago = cfdi.formaPago
  if (cfdi.receptor.usoCfdi !== undefined) fields.usoCfdi = cfdi.receptor.usoCfdi
  const paid = cfdi.pagos?.pagos.flatMap((pago) =>
    pago.doctosRelacionados.map((d) => d.idDocumento.trim().toUpperCase())
  )
  if (paid !== undefined && paid.length > 0) fields.paidDocuments = [...new Set(paid)]
  const claveProdServ = cfdi.conceptos[0]?.claveProdServ
  if (claveProdServ !== undefined) fields.claveProdServ = claveProdServ
  const byClave = conceptAmountsOf(cfdi.conceptos)
  if (byClave !== undefined) fields.conceptAmounts = byClave
  // the reader already checked every field copied here (strings, `BigDecimal`s, the civil `issueDate`): no second
  // schema validation, which on the read + map hot path cost more than reading the XML (test/bench/cfdi.mjs)
  return trustedInstance(FiscalDocument, fields)
}
