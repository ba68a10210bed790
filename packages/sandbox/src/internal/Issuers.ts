/**
 * A catalogue of fictional but realistic Mexican merchants for generated scenarios: legal name and RFC (12 characters,
 * valid format and check digit), the descriptor the card network prints, MCC, IVA rate, and what they sell.
 * None of them is a real company; the RFCs are made up.
 */
import { withCheckDigit } from "./Rfc.js"

/** IVA treatment of a merchant's concepts (cfdi.md §1.4): 16 % general, 8 % northern border, 0 %, exempt. */
export type IvaRate = "16" | "8" | "0" | "exento"

/** One fictional merchant. Prices are pre-tax unit prices in `currency` units. */
export interface Issuer {
  readonly rfc: string
  readonly name: string
  /** As printed on the card statement (upper case, at most 22 characters). */
  readonly descriptor: string
  readonly mcc: string
  /** Clara merchant category. */
  readonly category: string
  /** Postal code of issue (`LugarExpedicion`). */
  readonly zip: string
  readonly iva: IvaRate
  readonly currency: "MXN" | "USD"
  /** SAT product keys and descriptions of what the merchant sells (one concept per line item). */
  readonly items: ReadonlyArray<readonly [claveProdServ: string, descripcion: string]>
  /** Pre-tax price range of one line item. */
  readonly price: readonly [min: number, max: number]
  /** Restaurants and bars (MCC 5812-5814), where card amounts may include a tip. */
  readonly tips: boolean
}

const ITEMS: Readonly<Record<string, Issuer["items"]>> = {
  food: [
    ["90101501", "Consumo de alimentos"],
    ["90101501", "Consumo de bebidas"],
    ["90101503", "Servicio de cafetería"]
  ],
  fuel: [["15101514", "Gasolina Magna"], ["15101515", "Gasolina Premium"], ["15101505", "Diésel"]],
  software: [
    ["81112501", "Suscripción mensual de software"],
    ["81112106", "Servicio de almacenamiento en la nube"],
    ["43232408", "Licencia de software de productividad"]
  ],
  lodging: [["90111501", "Hospedaje habitación sencilla"], ["90111501", "Hospedaje habitación doble"]],
  groceries: [["01010101", "Venta de abarrotes"], ["50202301", "Agua embotellada"]],
  office: [["44121600", "Artículos de oficina"], ["14111507", "Papel para impresora"]],
  chauffeur: [["78111804", "Servicio de traslado ejecutivo"]],
  bus: [["78111802", "Boleto de autobús"]],
  ride: [["78111804", "Viaje en plataforma digital"]],
  flight: [["78111502", "Boleto de avión nacional"]],
  parking: [["78181703", "Servicio de estacionamiento"]],
  medicine: [["51101500", "Medicamentos"]],
  computers: [["43211503", "Computadora portátil"], ["43211706", "Teclado inalámbrico"]],
  telecom: [["83111603", "Servicio de telefonía móvil"], ["81161700", "Servicio de internet"]],
  courier: [["78102203", "Envío de paquetería"]],
  cowork: [["80131502", "Membresía de espacio de trabajo"]],
  training: [["86101700", "Curso de capacitación"]],
  laundry: [["91111502", "Servicio de lavandería"]],
  printing: [["82121500", "Impresión de material publicitario"]],
  autoparts: [["25172504", "Llantas y refacciones"]],
  tolls: [["78111808", "Recarga de telepeaje"]]
}

const CATEGORY_BY_MCC: Readonly<Record<string, string>> = {
  "5812": "RESTAURANTS", "5813": "RESTAURANTS", "5814": "RESTAURANTS", "5541": "FUEL", "5542": "FUEL",
  "5734": "SOFTWARE", "5817": "SOFTWARE", "4111": "TRANSPORT", "4121": "TRANSPORT", "4784": "TRANSPORT",
  "7523": "TRANSPORT", "4511": "TRAVEL", "7011": "TRAVEL", "5411": "GROCERIES", "5912": "HEALTH", "5943": "OFFICE",
  "5045": "OFFICE", "4814": "TELECOM", "5533": "AUTOMOTIVE"
}

/** Clara's merchant category for an MCC (`SERVICES` when unknown). */
export const categoryOf = (mcc: string): string => CATEGORY_BY_MCC[mcc] ?? "SERVICES"

// SAT product-key prefixes to the MCC of merchants that typically sell them
const MCC_BY_PRODUCT: ReadonlyArray<readonly [prefix: string, mcc: string]> = [
  ["9010", "5812"], ["1510", "5541"], ["8111", "5734"], ["4323", "5734"], ["7811", "4111"], ["9011", "7011"],
  ["5110", "5912"], ["4412", "5943"], ["1411", "5943"], ["4321", "5045"], ["8311", "4814"], ["7810", "4215"],
  ["01010101", "5411"], ["50", "5411"]
]

/** A plausible MCC for what a CFDI sells (its first `ClaveProdServ`); `5999` (miscellaneous retail) otherwise. */
export const mccForProduct = (claveProdServ: string | undefined): string =>
  MCC_BY_PRODUCT.find(([prefix]) => claveProdServ?.startsWith(prefix))?.[1] ?? "5999"

// rfc without check digit | legal name | descriptor | MCC | LugarExpedicion | IVA | items | price range | currency
const TABLE = `
OGA1503126K|Operadora Gastronómica Los Arcos S.A. de C.V.|REST LOS ARCOS POLANCO|5812|11560|16|food|180-1400
TFN1708221B|Taquería El Fogón del Norte S.A. de C.V.|CLIP*TAQ EL FOGON|5814|64000|16|food|90-600
CAV120607PQ|Cafetería Altura Veracruzana S. de R.L. de C.V.|CAFE ALTURA VERACRUZ|5814|06700|16|food|60-380
MPP1411199T|Mariscos La Perla del Pacífico S.A. de C.V.|MERPAGO*MARISCOSPERLA|5812|44100|16|food|250-1800
GRS190404LM|Grupo Restaurantero Sazón Mexicano S.A.P.I. de C.V.|GPO REST SAZON MEX|5812|03100|16|food|200-1600
PFA160830E2|Pizzería Forno Antico S.A. de C.V.|FORNO ANTICO CONDESA|5812|06140|16|food|150-900
RFG180215KJ|Restaurante Frontera Grill Tijuana S.A. de C.V.|FRONTERA GRILL TIJ|5812|22000|8|food|180-1200
CBM2002147R|Cantina y Bar El Mezcalero S. de R.L. de C.V.|BAR EL MEZCALERO|5813|68000|16|food|150-1100
SGL0905118H|Servicio Gasolinero Las Palmas S.A. de C.V.|SERV GASOL LAS PALMAS|5541|76000|16|fuel|450-1500
GAB1102287X|Gasolinera Autopista del Bajío S.A. de C.V.|GASOL AUTOP BAJIO|5541|37000|16|fuel|500-1700
CNR130319PL|Combustibles del Noreste Regio S.A. de C.V.|COMB NORESTE REGIO MX|5542|64800|16|fuel|400-1400
ESF100722AQ|Estación de Servicio Frontera Norte S.A. de C.V.|EST SERV FRONTERA NTE|5541|32000|8|fuel|450-1500
SNA170901TR|Soluciones Nube Azteca S.A.P.I. de C.V.|STR*NUBEAZTECA|5734|03810|16|software|299-2999
FDK150413HW|Facturación Digital Kali S.A. de C.V.|STR*FACTKALI COM MX|5734|45050|16|software|199-1499
SCT110926M3|Sistemas Contables Tezca S.A. de C.V.|SIST CONTABLES TEZCA|5734|72000|16|software|450-3800
POM1806045D|Plataformas Digitales Orbitel México S. de R.L. de C.V.|ORBITEL CLOUD|5734|11000|16|software|20-480|USD
SSL1909133G|Servicios de Software Lumenio S. de R.L. de C.V.|LUMENIO IO SUBSCR|5817|11529|16|software|15-300|USD
DSM2101258N|Datanube Servicios México S. de R.L. de C.V.|DATANUBE* SAAS|5734|01219|16|software|30-900|USD
TEM080506RV|Transportes Ejecutivos Metropolitanos S.A. de C.V.|TRANSP EJEC METRO|4121|09000|16|chauffeur|180-1200
ARC950914UB|Autobuses Rápidos del Centro S.A. de C.V.|AUTOBUSES RAP CENTRO|4111|07760|exento|bus|250-1300
MUV2003162C|Movilidad Urbana Viaja S.A. de C.V.|VIAJA*TRIP|4121|06600|16|ride|70-450
ARG040127F6|Aerolíneas Regionales del Golfo S.A. de C.V.|AERO REG GOLFO|4511|91700|16|flight|1200-6500
EUP110308AA|Estacionamientos Urbanos Plaza S.A. de C.V.|ESTAC URBANOS PLAZA|7523|06500|16|parking|35-280
HPR9811241S|Hotelera Paseo Reforma S.A. de C.V.|HOTEL PASEO REFORMA|7011|06600|16|lodging|1600-5200
IHC0602079Z|Inmobiliaria Hotelera Cancún Mar S.A. de C.V.|HTL CANCUN MAR|7011|77500|16|lodging|2100-7800
HBO140620J8|Hoteles Boutique Oaxaca Centro S.A. de C.V.|HOTEL BOUTIQUE OAXACA|7011|68000|16|lodging|1500-4200
HMN1207176E|Hospedaje Monterrey Negocios S.A. de C.V.|MERPAGO*HOSP MTY NEG|7011|64000|16|lodging|1300-3600
AVE8704138T|Abarrotes y Víveres La Económica S.A. de C.V.|ABTS LA ECONOMICA|5411|14000|0|groceries|120-1800
SDV0010109H|Supermercados Del Valle Sur S.A. de C.V.|SUPER DEL VALLE SUR|5411|03100|0|groceries|150-2400
FSI0511300D|Farmacias Salud Integral S.A. de C.V.|FARM SALUD INTEGRAL|5912|44600|0|medicine|80-1200
PCO1009013X|Papelería Corporativa Omega S.A. de C.V.|PAPELERIA OMEGA|5943|03020|16|office|80-2200
DCH0704255K|Distribuidora de Cómputo Halcón S.A. de C.V.|DISTRIB COMPUTO HALCON|5045|44130|16|computers|450-24000
TET020815NB|Telecomunicaciones Enlace Total S.A.B. de C.V.|TELCO ENLACE TOTAL|4814|11529|16|telecom|299-1899
MET180522QS|Mensajería Express Tlaloc S.A. de C.V.|MENSAJERIA TLALOC|4215|02300|16|courier|95-750
ECP1911282V|Espacios Colaborativos Punto Medio S.A.P.I. de C.V.|PUNTO MEDIO COWORK|7399|06700|16|cowork|900-4500
CEP150201VS|Capacitación Empresarial Pirámide S.C.|CAPACIT EMP PIRAMIDE|8299|03900|16|training|1500-9000
LAR130710E4|Lavandería y Tintorería Aurora S.A. de C.V.|TINTORERIA AURORA|7216|03300|16|laundry|120-650
ISB120305D1|Impresos y Señalización del Bajío S.A. de C.V.|IMPRESOS SENAL BAJIO|7338|37160|16|printing|350-5200
RAC0909298L|Refacciones Automotrices Centro Norte S.A. de C.V.|REFACC AUTOM CTRO NTE|5533|20000|16|autoparts|300-6800
CTP2104302H|Casetas y Telepeaje Peninsular S.A. de C.V.|TELEPEAJE PENINSULAR|4784|97000|16|tolls|100-1500
`

const parse = (row: string): Issuer => {
  const [rfcBase, name, descriptor, mcc, zip, iva, items, range, currency] = row.split("|") as Array<string>
  const [min, max] = range!.split("-").map(Number)
  return {
    rfc: withCheckDigit(rfcBase!),
    name: name!,
    descriptor: descriptor!,
    mcc: mcc!,
    category: categoryOf(mcc!),
    zip: zip!,
    iva: iva as IvaRate,
    currency: currency === "USD" ? "USD" : "MXN",
    items: ITEMS[items!]!,
    price: [min!, max!],
    tips: mcc === "5812" || mcc === "5813" || mcc === "5814"
  }
}

/** The merchants generated scenarios draw from (40 of them; three invoice in USD). */
export const issuers: ReadonlyArray<Issuer> = TABLE.trim().split("\n").map(parse)

/** The catalogue merchants that invoice in pesos. */
export const mxnIssuers: ReadonlyArray<Issuer> = issuers.filter((i) => i.currency === "MXN")

/** The merchant block Clara shows on a transaction at `issuer`. */
export const merchantOf = (issuer: Issuer) => ({ name: issuer.descriptor, category: issuer.category, mcc: issuer.mcc })
