/** SAP-style CSV ERP adapter: layout engine, the generic-je-v1 preset, byte-exact export and manifest. */
export * from "./CsvExport.js"
export * from "./CsvLayout.js"
export * from "./DocumentRows.js"
export * from "./GenericJeV1.js"
export * from "./JournalCsv.js"
export * as SapCsvAdapter from "./SapCsvAdapter.js"
