/**
 * The NetSuite side of a tenant's mapping (erp.md §1.10 references by internal id, §1.11 Mexico fields): the GL
 * account codes, company codes, currencies, cost centres and vendor RFCs our postings carry, each to the NetSuite
 * internal id `plan` writes as `{ "id": ... }`, plus the custom field ids that receive the CFDI UUID.
 */
import * as Schema from "effect/Schema"

const InternalId = Schema.String.pipe(Schema.pattern(/^[0-9]+$/), Schema.annotations({ description: "internal id" }))
const IdMap = Schema.Record({ key: Schema.String, value: InternalId })
const CustomFieldId = Schema.String.pipe(Schema.pattern(/^cust(?:body|col|entity)[a-z0-9_]+$/))

/**
 * The mapping.
 * - `accounts`: GL account code (our `JournalLine.account`) -> account internal id.
 * - `subsidiaries`: company code (`PostingDocument.companyCode`) -> subsidiary id; `defaultSubsidiary` when a
 *   document has none, or when `subsidiaries` is empty (one legal entity); a company code missing from a non-empty
 *   `subsidiaries` is refused.
 * - `currencies`: ISO 4217 code -> currency id.
 * - `departments`: cost centre -> department id; when absent, cost centres are dropped with a warning.
 * - `vendors`: RFC -> vendor id (fill it from `vendorsByRfc`, SuiteQL); `genericVendor` for XAXX010101000 /
 *   XEXX010101000 (público en general, foreign) and RFCs with no vendor of their own.
 * - `payablesAccount`: AP account of vendor bills (NetSuite defaults it from the vendor when absent).
 * - `cfdiUuidBodyField` / `cfdiUuidLineField`: custom fields that receive the CFDI UUIDs (e.g.
 *   `custbody_mx_cfdi_uuid`); the UUID always goes into the memos as well.
 * - `vendorRfcField`: the vendor field searched by RFC (default `custentity_mx_rfc`; erp.md §1.11).
 */
export const NetSuiteMapping = Schema.Struct({
  accounts: IdMap,
  subsidiaries: Schema.optionalWith(IdMap, { default: () => ({}) }),
  defaultSubsidiary: Schema.optional(InternalId),
  currencies: IdMap,
  departments: Schema.optional(IdMap),
  vendors: Schema.optionalWith(IdMap, { default: () => ({}) }),
  genericVendor: Schema.optional(InternalId),
  payablesAccount: Schema.optional(InternalId),
  cfdiUuidBodyField: Schema.optional(CustomFieldId),
  cfdiUuidLineField: Schema.optional(CustomFieldId),
  vendorRfcField: Schema.optionalWith(Schema.String.pipe(Schema.pattern(/^[a-z][a-z0-9_]*$/)), {
    default: () => "custentity_mx_rfc"
  })
})
export type NetSuiteMapping = typeof NetSuiteMapping.Type

/** The generic RFCs of the SAT (público en general, foreign residents), which never identify one vendor. */
export const genericRfcs: ReadonlySet<string> = new Set(["XAXX010101000", "XEXX010101000"])
