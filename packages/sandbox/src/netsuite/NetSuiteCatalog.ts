/**
 * The NetSuite emulator's seeded catalog (erp.md §4): currencies, two subsidiaries (a US parent and a Mexican
 * subsidiary), a chart of accounts holding the placeholder accounts of `defaultMapping` in `@clara-recon/erp`
 * (601.84, 118.01, 216.10, 216.04, 205.06, 703.21, 701.01, 613.01) plus a card account, an AP account, an account of
 * the parent only and an inactive one, vendors with RFCs (the fictional issuers of the scenario generator and the
 * generic RFCs), tax codes, and monthly accounting periods of 2025-2026 with 2025-12 closed. Invented data.
 */
import { issuers } from "../internal/Issuers.js"

/** A GL account: number (`acctnumber`), type (SuiteQL `accttype`), subsidiaries it may be used in. */
export interface NsAccount {
  readonly id: string
  readonly acctnumber: string
  readonly fullname: string
  readonly accttype: string
  readonly subsidiaries: ReadonlyArray<string>
  readonly isinactive: boolean
}

/** A subsidiary and its base currency id. */
export interface NsSubsidiary {
  readonly id: string
  readonly name: string
  readonly currency: string
  readonly country: string
}

/** A currency: internal id, ISO symbol, name. */
export interface NsCurrency {
  readonly id: string
  readonly symbol: string
  readonly name: string
}

/** A vendor with its RFC (in the custom entity field `custentity_mx_rfc`) and subsidiary. */
export interface NsVendor {
  readonly id: string
  readonly entityid: string
  readonly companyname: string
  readonly rfc: string
  readonly subsidiary: string
}

/** A monthly accounting period, `startdate`/`enddate` ISO dates; `closed` refuses postings dated inside it. */
export interface NsPeriod {
  readonly id: string
  readonly periodname: string
  readonly startdate: string
  readonly enddate: string
  readonly closed: boolean
}

/** A tax code (`salestaxitem`): name and rate as a decimal string in percent. */
export interface NsTaxCode {
  readonly id: string
  readonly itemid: string
  readonly rate: string
}

/** Everything the emulator validates references against. */
export interface NetSuiteCatalog {
  readonly currencies: ReadonlyArray<NsCurrency>
  readonly subsidiaries: ReadonlyArray<NsSubsidiary>
  readonly accounts: ReadonlyArray<NsAccount>
  readonly vendors: ReadonlyArray<NsVendor>
  readonly periods: ReadonlyArray<NsPeriod>
  readonly taxCodes: ReadonlyArray<NsTaxCode>
  /** Custom body and column fields the account has (accepted in record bodies), e.g. `custbody_mx_cfdi_uuid`. */
  readonly customFields: ReadonlyArray<string>
}

/** Id of the Mexican subsidiary of the default catalog. */
export const mexicanSubsidiaryId = "3"

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

const periods = (closed: ReadonlySet<string>): ReadonlyArray<NsPeriod> =>
  [2025, 2026].flatMap((year, y) =>
    MONTHS.map((name, m) => {
      const mm = String(m + 1).padStart(2, "0")
      return {
        id: String(100 + y * 12 + m),
        periodname: `${name} ${year}`,
        startdate: `${year}-${mm}-01`,
        enddate: `${year}-${mm}-${String(lastDay(year, m + 1)).padStart(2, "0")}`,
        closed: closed.has(`${year}-${mm}`)
      }
    })
  )

const MX = [mexicanSubsidiaryId]
const BOTH = ["1", mexicanSubsidiaryId]

/**
 * The default catalog. `closedPeriods` lists `YYYY-MM` months that are closed (default `["2025-12"]`).
 * Vendors: 2001 Oficinas Demo (ODE950101AB1), 2002 público en general (XAXX010101000), 2003 foreign (XEXX010101000),
 * then one per fictional issuer of the scenario generator from 2010 on, all in the Mexican subsidiary.
 */
export const defaultNetSuiteCatalog = (options: { readonly closedPeriods?: ReadonlyArray<string> } = {}): NetSuiteCatalog => ({
  currencies: [
    { id: "1", symbol: "USD", name: "US Dollar" },
    { id: "2", symbol: "MXN", name: "Mexican Peso" },
    { id: "3", symbol: "EUR", name: "Euro" },
    { id: "4", symbol: "BRL", name: "Brazilian Real" }
  ],
  subsidiaries: [
    { id: "1", name: "Honeycomb Holdings Inc.", currency: "1", country: "US" },
    { id: mexicanSubsidiaryId, name: "Honeycomb México S.A. de C.V.", currency: "2", country: "MX" }
  ],
  accounts: [
    { id: "601", acctnumber: "601.84", fullname: "Otros gastos generales", accttype: "Expense", subsidiaries: BOTH, isinactive: false },
    { id: "613", acctnumber: "613.01", fullname: "Gastos no deducibles", accttype: "Expense", subsidiaries: MX, isinactive: false },
    { id: "118", acctnumber: "118.01", fullname: "IVA acreditable pagado", accttype: "OthCurrAsset", subsidiaries: MX, isinactive: false },
    { id: "216", acctnumber: "216.10", fullname: "IVA retenido", accttype: "OthCurrLiab", subsidiaries: MX, isinactive: false },
    { id: "217", acctnumber: "216.04", fullname: "ISR retenido", accttype: "OthCurrLiab", subsidiaries: MX, isinactive: false },
    { id: "245", acctnumber: "205.06", fullname: "Tarjeta corporativa Clara", accttype: "CredCard", subsidiaries: MX, isinactive: false },
    { id: "703", acctnumber: "703.21", fullname: "Otros gastos (redondeo)", accttype: "OthExpense", subsidiaries: MX, isinactive: false },
    { id: "701", acctnumber: "701.01", fullname: "Pérdida cambiaria", accttype: "OthExpense", subsidiaries: MX, isinactive: false },
    { id: "201", acctnumber: "201.01", fullname: "Proveedores nacionales", accttype: "AcctPay", subsidiaries: MX, isinactive: false },
    { id: "910", acctnumber: "6100", fullname: "US office expenses", accttype: "Expense", subsidiaries: ["1"], isinactive: false },
    { id: "999", acctnumber: "699.99", fullname: "Cuenta dada de baja", accttype: "Expense", subsidiaries: MX, isinactive: true }
  ],
  vendors: [
    { id: "2001", entityid: "V-ODE", companyname: "Oficinas Demo S.A. de C.V.", rfc: "ODE950101AB1", subsidiary: mexicanSubsidiaryId },
    { id: "2002", entityid: "V-PUBLICO", companyname: "Público en general", rfc: "XAXX010101000", subsidiary: mexicanSubsidiaryId },
    { id: "2003", entityid: "V-EXTRANJERO", companyname: "Proveedor extranjero", rfc: "XEXX010101000", subsidiary: mexicanSubsidiaryId },
    ...issuers.map((issuer, i) => ({
      id: String(2010 + i),
      entityid: `V-${issuer.rfc}`,
      companyname: issuer.name,
      rfc: issuer.rfc,
      subsidiary: mexicanSubsidiaryId
    }))
  ],
  periods: periods(new Set(options.closedPeriods ?? ["2025-12"])),
  taxCodes: [
    { id: "11", itemid: "IVA 16%", rate: "16.00" },
    { id: "12", itemid: "IVA 8%", rate: "8.00" },
    { id: "13", itemid: "IVA 0%", rate: "0.00" },
    { id: "14", itemid: "IVA exento", rate: "0.00" }
  ],
  customFields: ["custbody_mx_cfdi_uuid", "custcol_mx_cfdi_uuid", "custbody_clara_transaction"]
})

/**
 * The mapping of the `netsuite` adapter's configuration (`@clara-recon/erp-netsuite` `NetSuiteMapping`) whose ids
 * are those of `defaultNetSuiteCatalog`: the default posting accounts by GL account number, both subsidiaries, USD
 * and MXN, the foreign generic vendor (2003), the payables account (201.01) and the CFDI UUID custom fields.
 * `vendors` is empty: vendors are found by RFC.
 */
export const defaultNetSuiteMapping = {
  accounts: {
    "601.84": "601",
    "613.01": "613",
    "118.01": "118",
    "216.10": "216",
    "216.04": "217",
    "205.06": "245",
    "703.21": "703",
    "701.01": "701",
    "6100": "910",
    "699.99": "999"
  },
  subsidiaries: { MX01: mexicanSubsidiaryId, US01: "1" },
  currencies: { USD: "1", MXN: "2" },
  vendors: {},
  genericVendor: "2003",
  payablesAccount: "201",
  cfdiUuidBodyField: "custbody_mx_cfdi_uuid",
  cfdiUuidLineField: "custcol_mx_cfdi_uuid"
} as const
