/**
 * SAP-style CSV ERP adapter: layout engine, presets (generic-je-v1, s4-f2548, b1-dtw-je, fi-bapi-flat), byte-exact
 * export and manifest.
 */
export * from "./B1DtwJe.js"
export * from "./CsvExport.js"
export * from "./CsvLayout.js"
export * from "./DocumentRows.js"
export * from "./ExportLedger.js"
export * from "./FiBapiFlat.js"
export * from "./GenericJeV1.js"
export * from "./JournalCsv.js"
export * from "./LayoutCheck.js"
export * from "./Layouts.js"
export * from "./S4F2548.js"
export * as SapCsvAdapter from "./SapCsvAdapter.js"
