/** The NetSuite REST emulator (erp.md §4): catalog, authentication checks, records, SuiteQL subset, chaos modes. */
export * from "./NetSuiteAuth.js"
export * from "./NetSuiteCatalog.js"
export * from "./NetSuiteEmulator.js"
export * from "./NetSuiteHttpClient.js"
export { nsError, type NsErrorDetail, type NsRecordType, type StoredRecord } from "./NetSuiteRecords.js"
export { parseSuiteQl, runSuiteQl, type SuiteQlQuery } from "./NetSuiteSuiteQl.js"
