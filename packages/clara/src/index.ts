/** Clara API client: wire schemas, client service, transport, errors and mappers to the domain. */
export * from "./wire/Common.js"
export * from "./wire/ExtractedDocument.js"
export * from "./wire/InvoiceV3.js"
export * from "./wire/OAuth.js"
export * from "./wire/Page.js"
export * from "./wire/TransactionV3.js"
