/**
 * The merchants a generated scenario draws from. A small company's month fits the 40-merchant catalogue, but a month
 * of 100k charges does not come from 40 merchants (2,500 charges each): a company that large buys from thousands.
 * Past `chargesPerMerchant` charges per catalogue merchant, the pool grows with fictional merchants modelled on the
 * catalogue ones (same line of business, prices, IVA, currency and tips), each with its own brand, legal name,
 * descriptor and RFC. Deterministic: the n-th generated merchant depends on n only, never on the scenario's seed.
 */
import { Prng } from "@clara-recon/domain"
import { descriptorOf, plainName } from "./Descriptor.js"
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

// The business noun of a generated merchant's legal name, by the MCC of the catalogue merchant it is modelled on.
const NOUN_BY_MCC: Readonly<Record<string, string>> = {
  "5812": "Restaurante", "5813": "Bar", "5814": "Cafetería", "5541": "Gasolinera", "5542": "Combustibles",
  "5734": "Sistemas", "5817": "Software", "4121": "Transportes", "4111": "Autobuses", "4511": "Aerolínea",
  "7523": "Estacionamiento", "7011": "Hotel", "5411": "Abarrotes", "5912": "Farmacia", "5943": "Papelería",
  "5045": "Cómputo", "4814": "Telefonía", "4215": "Mensajería", "7399": "Espacios", "8299": "Capacitación",
  "7216": "Tintorería", "7338": "Impresos", "5533": "Refacciones", "4784": "Telepeaje"
}

const SYLLABLES = [
  "ca", "lo", "mi", "xo", "te", "ra", "zu", "na", "pe", "li", "to", "ma", "qui", "ya", "co", "tla", "hue", "chi",
  "pa", "ri", "so", "ve", "ne", "ga", "du", "fe", "ba", "mo", "ti", "xa", "cu", "le", "sa", "ho", "ju", "ro"
]

const capitalise = (word: string) => word[0]!.toUpperCase() + word.slice(1)

/**
 * The n-th generated merchant (n >= 0), modelled on catalogue merchant n mod 40; `used` keeps brands and RFCs
 * unique.
 */
const generatedIssuer = (n: number, used: Set<string>): Issuer => {
  const template = issuers[n % issuers.length]!
  const prng = new Prng(0x5eed_0000 + n)
  const noun = NOUN_BY_MCC[template.mcc] ?? "Comercializadora"
  // A brand not used yet, whose legal name prints a descriptor not used yet either (a long brand can be cut short).
  let brand = ""
  let name = ""
  let descriptor = ""
  while (brand.length === 0 || used.has(brand) || used.has(descriptor)) {
    brand = capitalise(Array.from({ length: prng.int(2, 3) }, () => prng.pick(SYLLABLES)).join(""))
    if (used.has(brand)) brand += prng.pick(SYLLABLES)
    name = `${noun} ${brand} S.A. de C.V.`
    // as a card network prints the legal name (abbreviated, sometimes a processor prefix), like the catalogue's
    descriptor = descriptorOf(name, prng)
  }
  used.add(brand)
  used.add(descriptor)
  let rfc = ""
  while (rfc.length === 0 || used.has(rfc)) {
    const two = (n: number) => String(n).padStart(2, "0")
    const date = `${prng.digits(2)}${two(prng.int(1, 12))}${two(prng.int(1, 28))}`
    const homoclave = `${prng.pick([..."ABCDEFGHJKLMNPRSTUVWXYZ"])}${prng.digits(1)}`
    rfc = withCheckDigit(`${plainName(noun)[0]}${plainName(brand).slice(0, 2)}${date}${homoclave}`)
  }
  used.add(rfc)
  return { ...template, rfc, name, descriptor }
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
  const used = new Set<string>(issuers.flatMap((i) => [i.rfc, i.descriptor]))
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
