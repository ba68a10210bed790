/** Canonical model shared by all clara-recon packages. Pure data and Schema; no I/O. */
export * from "./CanonicalJson.js"
export * from "./CardTransaction.js"
export * from "./CivilDate.js"
export * from "./FiscalDocument.js"
export * from "./MatchLink.js"
export * from "./Money.js"
export * from "./PostingDocument.js"
export * from "./ReconciliationException.js"
