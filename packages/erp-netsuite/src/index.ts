/**
 * NetSuite ERP adapter: SuiteTalk REST record service (journalEntry, creditCardCharge, vendorBill) with OAuth 2.0 M2M
 * (PS256 JWT assertion) or TBA (OAuth 1.0a HMAC-SHA256), externalId idempotency, find + verify, SuiteQL discovery.
 */
export * from "./M2mAssertion.js"
export * as NetSuiteAdapter from "./NetSuiteAdapter.js"
export { netsuiteAdapterModule } from "./NetSuiteAdapter.js"
export type { DocumentPostResult, NetSuiteAdapter as NetSuiteErpAdapter, Resolution } from "./NetSuiteAdapter.js"
export * from "./NetSuiteClient.js"
export * from "./NetSuiteConfig.js"
export * from "./NetSuiteErrors.js"
export * from "./NetSuiteMapping.js"
export * from "./NetSuitePlan.js"
export * from "./SuiteQl.js"
export * from "./TbaSigner.js"
