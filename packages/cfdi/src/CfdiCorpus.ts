/**
 * Seeded random CFDI documents for property tests, benchmarks and the emulator: a mix of CFDI 4.0 and 3.3 ingreso
 * (I), egreso (E, related with TipoRelacion 01 to an invoice UUID) and pago (P, Pagos 2.0 / 1.0) documents with
 * realistic content: IVA 16 %, 8 % (border region), 0 % and exento, ISR / IVA withholdings on services billed by
 * individuals to companies, discounts, USD with TipoCambio, PUE with card / transfer / cash or PPD with FormaPago 99.
 * Every document is built by the generator (`generateCfdi`, `generatePago`), so its sums are exact and `validateCfdi`
 * reports no error. UNSIGNED TEST DATA; RFCs are SAT's published test RFCs (cfdi.md §2.2). Same seed, same bytes.
 */
import * as BigDecimal from "effect/BigDecimal"
import { generateCfdi, generatePago } from "./CfdiGenerator.js"
import type { CfdiConceptoSpec, CfdiPagoSpec, CfdiSpec, IvaTreatment, RetencionTreatment } from "./CfdiSpec.js"
import { Prng } from "@clara-recon/domain"

/** One generated document. */
export interface GeneratedCfdi {
  /** File name: `cfdi-<seed>-<version without dot>-<tipo>.xml`. */
  readonly name: string
  readonly seed: number
  readonly version: "4.0" | "3.3"
  readonly tipoDeComprobante: "I" | "E" | "P"
  /** TimbreFiscalDigital UUID as written (lower case). */
  readonly uuid: string
  /** UTF-8 XML text. */
  readonly xml: string
}

type Party = CfdiSpec["receptor"]
type Issuer = CfdiSpec["emisor"]

const COMPANIES: ReadonlyArray<{ readonly emisor: Issuer; readonly cp: string }> = [
  { emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscal: "601" }, cp: "42501" },
  { emisor: { rfc: "H&E951128469", nombre: "HERRERIA & ELECTRICOS", regimenFiscal: "601" }, cp: "06002" },
  { emisor: { rfc: "LAN7008173R5", nombre: "COMERCIALIZADORA DE PRUEBA", regimenFiscal: "601" }, cp: "64000" }
]

const INDIVIDUAL: Issuer = { rfc: "XIQB891116QE4", nombre: "BERENICE XIMO QUEZADA", regimenFiscal: "612" }

const CUSTOMERS: ReadonlyArray<Party> = [
  {
    rfc: "XIQB891116QE4",
    nombre: "BERENICE XIMO QUEZADA",
    usoCfdi: "G03",
    domicilioFiscalReceptor: "36257",
    regimenFiscalReceptor: "612"
  },
  {
    rfc: "EKU9003173C9",
    nombre: "ESCUELA KEMPER URGATE",
    usoCfdi: "G03",
    domicilioFiscalReceptor: "42501",
    regimenFiscalReceptor: "601"
  }
]

const COMPANY_CUSTOMER = CUSTOMERS[1]!

interface Product {
  readonly claveProdServ: string
  readonly claveUnidad: string
  readonly descripcion: string
  /** Unit price range in MXN (whole pesos); cents are drawn separately. */
  readonly min: number
  readonly max: number
}

const GOODS: ReadonlyArray<Product> = [
  { claveProdServ: "43211503", claveUnidad: "H87", descripcion: "Computadora portátil", min: 8000, max: 30000 },
  { claveProdServ: "43211708", claveUnidad: "H87", descripcion: "Mouse inalámbrico", min: 150, max: 900 },
  { claveProdServ: "44121618", claveUnidad: "H87", descripcion: "Tijeras de oficina", min: 20, max: 120 },
  { claveProdServ: "15101514", claveUnidad: "LTR", descripcion: "Gasolina magna", min: 21, max: 26 },
  { claveProdServ: "90101501", claveUnidad: "E48", descripcion: "Servicio de restaurante", min: 180, max: 2500 },
  { claveProdServ: "90111800", claveUnidad: "E48", descripcion: "Hospedaje en hotel", min: 900, max: 4500 },
  { claveProdServ: "50192100", claveUnidad: "H87", descripcion: "Botanas y alimentos", min: 15, max: 90 },
  { claveProdServ: "78111502", claveUnidad: "E48", descripcion: "Boleto de avión", min: 1200, max: 9000 }
]

const SERVICES: ReadonlyArray<Product> = [
  { claveProdServ: "80111600", claveUnidad: "E48", descripcion: "Honorarios por consultoría", min: 3000, max: 40000 },
  { claveProdServ: "84111500", claveUnidad: "E48", descripcion: "Servicios contables", min: 2000, max: 15000 },
  { claveProdServ: "80131502", claveUnidad: "E48", descripcion: "Arrendamiento de oficina", min: 8000, max: 60000 }
]

const pad = (n: number, width = 2): string => String(n).padStart(width, "0")

/** A local date-time `yyyy-MM-ddTHH:mm:ss` in the given year range. */
const fechaIn = (prng: Prng, fromYear: number, toYear: number): string =>
  `${prng.int(fromYear, toYear)}-${pad(prng.int(1, 12))}-${pad(prng.int(1, 28))}T${pad(prng.int(7, 21))}:` +
  `${pad(prng.int(0, 59))}:${pad(prng.int(0, 59))}`

const money = (prng: Prng, min: number, max: number): BigDecimal.BigDecimal =>
  BigDecimal.make(BigInt(prng.int(min, max) * 100 + prng.int(0, 99)), 2)

const concepto = (prng: Prng, product: Product, iva: IvaTreatment, retenciones?: ReadonlyArray<RetencionTreatment>) => {
  const fuel = product.claveUnidad === "LTR"
  const cantidad = fuel
    ? BigDecimal.make(BigInt(prng.int(10_000, 60_000)), 3)
    : BigDecimal.fromBigInt(BigInt(prng.chance(0.7) ? 1 : prng.int(2, 6)))
  const valorUnitario = fuel
    ? BigDecimal.make(BigInt(prng.int(21_000_000, 25_999_999)), 6)
    : money(prng, product.min, product.max)
  const spec: CfdiConceptoSpec = {
    claveProdServ: product.claveProdServ,
    claveUnidad: product.claveUnidad,
    descripcion: product.descripcion,
    cantidad,
    valorUnitario,
    iva,
    ...(retenciones === undefined ? {} : { retenciones })
  }
  if (!prng.chance(0.15)) return spec
  const importe = BigDecimal.multiply(cantidad, valorUnitario)
  const percent = BigInt(prng.int(5, 20))
  const descuento = BigDecimal.round(BigDecimal.multiply(importe, BigDecimal.make(percent, 2)), { scale: 2 })
  return { ...spec, descuento }
}

const goodsConceptos = (prng: Prng): Array<CfdiConceptoSpec> => {
  const border = prng.chance(0.15)
  return Array.from({ length: prng.int(1, 4) }, () => {
    const roll = prng.next()
    const iva: IvaTreatment = roll < 0.1 ? "exento" : roll < 0.2 ? "0" : border ? "8" : "16"
    return concepto(prng, prng.pick(GOODS), iva)
  })
}

interface Header {
  readonly version: "4.0" | "3.3"
  readonly uuid: string
  readonly serie: string
  readonly folio: string
  readonly fecha: string
  readonly lugarExpedicion: string
}

const header = (prng: Prng, version: "4.0" | "3.3", cp: string): Header => ({
  version,
  uuid: prng.uuid(),
  serie: prng.pick(["A", "F", "FAC", "NC", "P"]),
  folio: String(prng.int(1, 99_999)),
  fecha: version === "4.0" ? fechaIn(prng, 2024, 2026) : fechaIn(prng, 2020, 2022),
  lugarExpedicion: cp
})

const ingreso = (prng: Prng, version: "4.0" | "3.3"): CfdiSpec => {
  const services = prng.chance(0.25)
  const company = prng.pick(COMPANIES)
  const emisor = services ? (prng.chance(0.3) ? { ...INDIVIDUAL, regimenFiscal: "626" } : INDIVIDUAL) : company.emisor
  const resico = emisor.regimenFiscal === "626"
  const receptor = services ? COMPANY_CUSTOMER : prng.pick(CUSTOMERS)
  const conceptos = services
    ? Array.from({ length: prng.int(1, 2) }, () =>
      concepto(prng, prng.pick(SERVICES), "16", resico ? ["isr-1.25", "iva-10.6667"] : ["isr-10", "iva-10.6667"]))
    : goodsConceptos(prng)
  const usd = !services && prng.chance(0.12)
  const ppd = prng.chance(0.2)
  return {
    ...header(prng, version, services ? "36257" : company.cp),
    moneda: usd ? "USD" : "MXN",
    ...(usd ? { tipoCambio: BigDecimal.make(BigInt(prng.int(165_000, 205_000)), 4) } : {}),
    formaPago: ppd ? "99" : prng.pick(["04", "04", "28", "03", "01"]),
    metodoPago: ppd ? "PPD" : "PUE",
    tipoDeComprobante: "I",
    emisor,
    receptor,
    conceptos
  }
}

const egreso = (prng: Prng, version: "4.0" | "3.3"): CfdiSpec => {
  const company = prng.pick(COMPANIES)
  const product = prng.pick(GOODS)
  return {
    ...header(prng, version, company.cp),
    moneda: "MXN",
    formaPago: prng.pick(["04", "28", "03", "15"]),
    metodoPago: "PUE",
    tipoDeComprobante: "E",
    emisor: company.emisor,
    receptor: { ...prng.pick(CUSTOMERS), usoCfdi: "G02" },
    conceptos: [concepto(prng, { ...product, descripcion: `Devolución: ${product.descripcion}` }, "16")],
    cfdiRelacionados: { tipoRelacion: "01", uuids: [prng.uuid()] }
  }
}

const pago = (prng: Prng, version: "4.0" | "3.3") => {
  const company = prng.pick(COMPANIES)
  const h = header(prng, version, company.cp)
  const pagos = Array.from({ length: prng.int(1, 2) }, (): CfdiPagoSpec => {
    const usd = prng.chance(0.15)
    const crossCurrency = usd && prng.chance(0.5)
    const tipoCambioP = BigDecimal.make(BigInt(prng.int(165_000, 205_000)), 4)
    return {
      // received on the first of the month the receipt is issued in (never after it)
      fechaPago: `${h.fecha.slice(0, 8)}01T00:00:00`,
      formaDePagoP: prng.pick(["03", "04", "28", "02"]),
      monedaP: usd && !crossCurrency ? "USD" : "MXN",
      ...(usd && !crossCurrency ? { tipoCambioP } : {}),
      doctos: Array.from({ length: prng.int(1, 3) }, () => {
        const saldo = money(prng, 500, 50_000)
        const last = prng.chance(0.5)
        const half = BigDecimal.round(BigDecimal.multiply(saldo, BigDecimal.make(5n, 1)), { scale: 2 })
        const impPagado = last ? saldo : half
        return {
          idDocumento: prng.uuid(),
          serie: "F",
          folio: String(prng.int(1, 99_999)),
          monedaDR: usd ? "USD" : "MXN",
          // a USD invoice paid in MXN: USD per MXN, 6 decimals (1 / TipoCambio)
          ...(crossCurrency ? { equivalenciaDR: BigDecimal.make(BigInt(prng.int(48_000, 61_000)), 6) } : {}),
          numParcialidad: prng.int(1, 4),
          impSaldoAnt: saldo,
          impPagado
        }
      })
    }
  })
  return { ...h, emisor: company.emisor, receptor: prng.pick(CUSTOMERS), pagos }
}

/**
 * One random document for `seed` (any 32-bit integer): about 70 % CFDI 4.0 and 30 % 3.3; 60 % ingreso, 15 % egreso,
 * 25 % pago. Deterministic: the same seed always gives the same `GeneratedCfdi` (and bytes). Never fails.
 */
export const randomCfdi = (seed: number): GeneratedCfdi => {
  const prng = new Prng(seed)
  const version = prng.chance(0.7) ? "4.0" : "3.3"
  const roll = prng.next()
  const tipo = roll < 0.6 ? "I" : roll < 0.75 ? "E" : "P"
  let uuid: string
  let xml: string
  if (tipo === "P") {
    const spec = pago(prng, version)
    uuid = spec.uuid
    xml = generatePago(spec)
  } else {
    const spec = tipo === "I" ? ingreso(prng, version) : egreso(prng, version)
    uuid = spec.uuid
    xml = generateCfdi(spec)
  }
  const name = `cfdi-${seed}-${version.replace(".", "")}-${tipo}.xml`
  return { name, seed, version, tipoDeComprobante: tipo, uuid, xml }
}

/** `count` documents for seeds `firstSeed`, `firstSeed + 1`, ... (see `randomCfdi`). */
export const randomCfdiCorpus = (firstSeed: number, count: number): Array<GeneratedCfdi> =>
  Array.from({ length: count }, (_, i) => randomCfdi(firstSeed + i))
