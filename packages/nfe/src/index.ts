/** Brazilian NF-e reader; maps an NF-e to the domain `FiscalDocument`. */
export * from "./Nfe.js"
export * from "./NfeError.js"
export * from "./NfeReader.js"
