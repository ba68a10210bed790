/**
 * CFDI 3.3 / 4.0 reader, validator and CFDI 4.0 test generator; maps CFDI to the domain `FiscalDocument`. Also the
 * safe, namespace-resolving XML reader (`XmlDocument`) that the CFDI and NF-e readers share.
 */
export * from "./Cfdi.js"
export * from "./CfdiError.js"
export * from "./CfdiGenerator.js"
export * from "./CfdiReader.js"
export * from "./CfdiSpec.js"
export * from "./CfdiValidator.js"
export * from "./XmlDocument.js"
