/**
 * How a card network prints a merchant (matching.md §4.5, §7.2 read backwards): upper case, accents stripped, legal
 * form dropped, long words abbreviated, at most 22 characters, sometimes behind a processor prefix.
 */
import type { Prng } from "@clara-recon/domain"

/** The maximum descriptor length printed by the card networks. */
const DESCRIPTOR_LENGTH = 22

// legal forms with spaces and dots removed (S.A. DE C.V. -> SADECV), dropped from the end of a name
const LEGAL_FORMS = new Set([
  "SADECV", "SAPIDECV", "SABDECV", "SDERLDECV", "SDERL", "SDERLMI", "SRLDECV", "SRL", "SA", "SAPI", "SAB", "SC",
  "AC", "SAS", "SENC", "SOFOMENR", "ENR", "IAP", "DECV"
])

const dropLegalForm = (words: ReadonlyArray<string>): ReadonlyArray<string> => {
  for (let k = Math.min(8, words.length - 1); k >= 1; k--) {
    if (LEGAL_FORMS.has(words.slice(words.length - k).join(""))) return dropLegalForm(words.slice(0, words.length - k))
  }
  return words
}

const ABBREVIATIONS: Readonly<Record<string, string>> = {
  ADMINISTRADORA: "ADMON",
  AUTOSERVICIO: "AUTOSERV",
  COMERCIALIZADORA: "COMERC",
  COMERCIAL: "COMERC",
  COMPANIA: "CIA",
  CORPORATIVO: "CORP",
  DISTRIBUIDORA: "DISTRIB",
  FARMACIAS: "FARM",
  FARMACIA: "FARM",
  GASOLINERA: "GASOL",
  GASOLINERO: "GASOL",
  GRUPO: "GPO",
  INMOBILIARIA: "INMOB",
  INTERNACIONAL: "INTL",
  OPERADORA: "OPERAD",
  RESTAURANTE: "REST",
  RESTAURANTES: "REST",
  SERVICIO: "SERV",
  SERVICIOS: "SERVS",
  TELEFONOS: "TELEF",
  TIENDA: "TDA",
  TIENDAS: "TDAS",
  TRANSPORTES: "TRANSP"
}

const STOPWORDS = new Set(["DE", "DEL", "LA", "EL", "LOS", "LAS", "Y"])

/** Upper case, no accents or punctuation, legal form dropped: `"Café Altura, S.A. de C.V."` -> `"CAFE ALTURA"`. */
export const plainName = (name: string): string => {
  const text = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase()
  const words = text.replace(/[^A-Z0-9&* ]/g, (ch) => (ch === "." ? "" : " ")).split(" ").filter((w) => w !== "")
  return dropLegalForm(words).join(" ")
}

// networks cut hard at the limit; a cut leaving a stub of one or two letters drops the stub
const fit = (words: ReadonlyArray<string>, limit: number): string => {
  const full = words.join(" ")
  const cut = full.slice(0, limit)
  const stub = / \S{1,2}$/.exec(cut)
  const midWord = full.length > limit && full[limit] !== " "
  return (stub && midWord ? cut.slice(0, stub.index) : cut).trim()
}

/**
 * The descriptor a card network would print for an issuer's legal name: abbreviated, stopwords dropped when too long,
 * cut to 22 characters. About one in five gets a processor prefix (`CLIP*`, `MERPAGO*`, `STR*`) and some others a
 * ` MX` suffix, as `prng` decides (so the same seed gives the same descriptor).
 */
export const descriptorOf = (legalName: string, prng: Prng): string => {
  const words = plainName(legalName).split(" ").filter((w) => w !== "")
  let abbreviated = words.map((w) => ABBREVIATIONS[w] ?? w)
  if (abbreviated.join(" ").length > DESCRIPTOR_LENGTH) abbreviated = abbreviated.filter((w) => !STOPWORDS.has(w))
  const roll = prng.next()
  const prefix = roll < 0.08 ? "CLIP*" : roll < 0.16 ? "MERPAGO*" : roll < 0.22 ? "STR*" : ""
  const body = fit(abbreviated, DESCRIPTOR_LENGTH - prefix.length)
  const withSuffix = prefix === "" && roll < 0.4 && body.length + 3 <= DESCRIPTOR_LENGTH ? `${body} MX` : body
  return `${prefix}${withSuffix}`
}
