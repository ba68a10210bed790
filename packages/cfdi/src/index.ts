/**
 * CFDI 3.3 / 4.0 reader, validator, test generator (I / E / P, 4.0 and 3.3) and seeded random corpus; maps CFDI to
 * the domain `FiscalDocument`; per-file reports, on worker threads for folders (`CfdiReaderPool`). Also the
 * safe, namespace-resolving XML reader (`XmlDocument`) that the CFDI and NF-e readers share.
 */
export * from "./Cfdi.js"
export * from "./CfdiCorpus.js"
export * from "./CfdiError.js"
export * from "./CfdiFile.js"
export * from "./CfdiGenerator.js"
export * from "./CfdiReader.js"
export * from "./CfdiReaderPool.js"
export * from "./CfdiSpec.js"
export * from "./CfdiToDomain.js"
export * from "./CfdiValidator.js"
export * from "./DigestSet.js"
export * from "./Rfc.js"
export * from "./XmlDocument.js"
