/**
 * The merchants a generated scenario draws from. A small company's month fits the 40-merchant catalogue, but a month
 * of 100k charges does not come from 40 merchants (2,500 charges each): a company that large buys from thousands.
 * Past `chargesPerMerchant` charges per catalogue merchant, the pool grows with fictional merchants modelled on the
 * catalogue ones (same line of business, prices, IVA, currency and tips), each with its own brand, legal name,
 * descriptor and RFC. Deterministic: the n-th generated merchant depends on n only, never on the scenario's seed.
 */
import { Prng } from "@clara-recon/domain"
import { type Issuer, issuers } from "./Issuers.js"
import { withCheckDigit } from "./Rfc.js"

/** Average charges per merchant a scenario's pool is sized for (the catalogue alone serves up to 40 x this). */
export const chargesPerMerchant = 25

/** A scenario's merchants, with the subsets the generators pick from. */
export interface IssuerPool {
  readonly all: ReadonlyArray<Issuer>
  /** Merchants that invoice in pesos. */
  readonly mxn: ReadonlyArray<Issuer>
  /** Peso merchants where card amounts may include a tip (restaurants and bars). */
  readonly tipped: ReadonlyArray<Issuer>
  /** Merchants that invoice in US dollars. */
  readonly usd: ReadonlyArray<Issuer>
  /** Peso merchants charging 16 % IVA (decoy pairs). */
  readonly iva16: ReadonlyArray<Issuer>
}

// Business noun of a generated merchant's legal name and descriptor, by the catalogue merchant it is modelled on.
const NOUN_BY_MCC: Readonly<Record<string, readonly [legal: string, descriptor: string]>> = {
  "5812": ["Restaurante", "REST"], "5813": ["Bar", "BAR"], "5814": ["Cafetería", "CAFE"],
  "5541": ["Gasolinera", "GASOL"], "5542": ["Combustibles", "COMB"], "5734": ["Sistemas", "SIST"],
  "5817": ["Software", "SOFT"], "4121": ["Transportes", "TRANSP"], "4111": ["Autobuses", "AUTOBUS"],
  "4511": ["Aerolínea", "AERO"], "7523": ["Estacionamientos", "ESTAC"], "7011": ["Hotel", "HOTEL"],
  "5411": ["Abarrotes", "ABTS"], "5912": ["Farmacia", "FARM"], "5943": ["Papelería", "PAPELERIA"],
  "5045": ["Cómputo", "COMPUTO"], "4814": ["Telecomunicaciones", "TELCO"], "4215": ["Mensajería", "MENSAJ"],
  "7399": ["Espacios", "COWORK"], "8299": ["Capacitación", "CAPACIT"], "7216": ["Tintorería", "TINTORERIA"],
  "7338": ["Impresos", "IMPRESOS"], "5533": ["Refacciones", "REFACC"], "4784": ["Telepeaje", "TELEPEAJE"]
}

const SYLLABLES = [
  "ca", "lo", "mi", "xo", "te", "ra", "zu", "na", "pe", "li", "to", "ma", "qui", "ya", "co", "tla", "hue", "chi",
  "pa", "ri", "so", "ve", "ne", "ga", "du", "fe", "ba", "mo", "ti", "xa", "cu", "le", "sa", "ho", "ju", "ro"
]

const capitalise = (word: string) => word[0]!.toUpperCase() + word.slice(1)

const ascii = (text: string) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase()

/**
 * The n-th generated merchant (n >= 0), modelled on catalogue merchant n mod 40; `used` keeps brands and RFCs
 * unique.
 */
const generatedIssuer = (n: number, used: Set<string>): Issuer => {
  const template = issuers[n % issuers.length]!
  const prng = new Prng(0x5eed_0000 + n)
  let brand = ""
  while (brand.length === 0 || used.has(brand)) {
    brand = capitalise(Array.from({ length: prng.int(2, 3) }, () => prng.pick(SYLLABLES)).join(""))
    if (used.has(brand)) brand += prng.pick(SYLLABLES)
  }
  used.add(brand)
  const [noun, short] = NOUN_BY_MCC[template.mcc] ?? ["Comercializadora", "COMERC"]
  const name = `${noun} ${brand} S.A. de C.V.`
  let rfc = ""
  while (rfc.length === 0 || used.has(rfc)) {
    const two = (n: number) => String(n).padStart(2, "0")
    const date = `${prng.digits(2)}${two(prng.int(1, 12))}${two(prng.int(1, 28))}`
    const homoclave = `${prng.pick([..."ABCDEFGHJKLMNPRSTUVWXYZ"])}${prng.digits(1)}`
    rfc = withCheckDigit(`${ascii(noun)[0]}${ascii(brand).slice(0, 2)}${date}${homoclave}`)
  }
  used.add(rfc)
  return {
    ...template,
    rfc,
    name,
    descriptor: `${ascii(brand)} ${short}`.slice(0, 22)
  }
}

const byPoolSize = new Map<number, IssuerPool>()

/**
 * The pool for a scenario of `size` transactions: the catalogue up to 40 x `chargesPerMerchant` charges, then one
 * merchant per `chargesPerMerchant` charges (100k charges: 4,000 merchants). Cached per pool size.
 */
export const issuerPool = (size: number): IssuerPool => {
  const count = Math.max(issuers.length, Math.ceil(size / chargesPerMerchant))
  const cached = byPoolSize.get(count)
  if (cached !== undefined) return cached
  const used = new Set<string>(issuers.map((i) => i.rfc))
  const all = [...issuers]
  for (let n = 0; all.length < count; n++) all.push(generatedIssuer(n, used))
  const mxn = all.filter((i) => i.currency === "MXN")
  const pool: IssuerPool = {
    all,
    mxn,
    tipped: mxn.filter((i) => i.tips),
    usd: all.filter((i) => i.currency === "USD"),
    iva16: mxn.filter((i) => i.iva === "16")
  }
  byPoolSize.set(count, pool)
  return pool
}
