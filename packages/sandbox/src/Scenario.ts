/**
 * A seeded scenario: what the Clara emulator serves (transactions, invoices with their CFDI XML, extracted documents),
 * the CFDI files meant to be handed to the job as a folder, and the ground truth a reconciliation should find.
 * Wire objects are the encoded JSON forms of the `@clara-recon/clara` wire schemas (clara-api.md §3.4, §3.5).
 */
import { CardV3, ExtractedDocument, InvoiceV3, TransactionResponseV3, UserV3 } from "@clara-recon/clara"
import { BillingStatementV3, DdaInvoice, DigitalAccountTransaction, Reimbursement } from "@clara-recon/clara"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { ScenarioError } from "./SandboxError.js"

/** A file by name (no folders) and its exact bytes; encodes the bytes as base64. */
export const ScenarioFile = Schema.Struct({
  name: Schema.String,
  bytes: Schema.Uint8ArrayFromBase64
})
export type ScenarioFile = typeof ScenarioFile.Type

/**
 * A CFDI Clara lists under a transaction: the `InvoiceV3` summary (no `download`: the emulator signs one per
 * request) and the XML file.
 */
export const ScenarioInvoice = Schema.Struct({
  /** TimbreFiscalDigital UUID, upper case. */
  cfdiUuid: Schema.String,
  invoice: InvoiceV3,
  xml: ScenarioFile
})
export type ScenarioInvoice = typeof ScenarioInvoice.Type

/**
 * A card of the directory: the `CardV3` Clara lists, plus the full PAN and CVV (synthetic, Luhn-valid) the emulator
 * sends on the one-card read, as Clara does, so clients can be tested for dropping them.
 */
export const ScenarioCard = Schema.Struct({
  card: CardV3,
  numberOnCard: Schema.String,
  cvv: Schema.String
})
export type ScenarioCard = typeof ScenarioCard.Type

/** A transaction-to-CFDI pair the reconciliation should link. */
export const GroundTruthLink = Schema.Struct({
  transactionUuid: Schema.String,
  /** Upper case. */
  cfdiUuid: Schema.String
})
export type GroundTruthLink = typeof GroundTruthLink.Type

/**
 * The expected outcome: `links`, purchases with no CFDI anywhere (`missingInvoice`), and transactions that need no
 * fiscal document (`notSubject`: FEE, PAYMENT, CREDIT).
 */
export const GroundTruth = Schema.Struct({
  links: Schema.Array(GroundTruthLink),
  missingInvoice: Schema.Array(Schema.String),
  notSubject: Schema.Array(Schema.String)
})
export type GroundTruth = typeof GroundTruth.Type

/** The company that holds the cards and receives the invoices (`Receptor`). */
export const ScenarioCompany = Schema.Struct({
  rfc: Schema.String,
  name: Schema.String,
  regimenFiscal: Schema.String,
  /** Postal code of the fiscal address (`DomicilioFiscalReceptor`). */
  zip: Schema.String
})
export type ScenarioCompany = typeof ScenarioCompany.Type

/**
 * A whole scenario. `period` is inclusive civil dates (`yyyy-MM-dd`, America/Mexico_City); `transactions` are
 * `TransactionResponseV3` JSON; `invoices` and `extractedDocuments` are keyed by transaction uuid; `users` and `cards`
 * are the company's directory (empty when absent from older scenario JSON).
 */
export const Scenario = Schema.Struct({
  seed: Schema.Number,
  company: ScenarioCompany,
  period: Schema.Struct({ from: Schema.String, to: Schema.String }),
  transactions: Schema.Array(TransactionResponseV3),
  invoices: Schema.Record({ key: Schema.String, value: Schema.Array(ScenarioInvoice) }),
  extractedDocuments: Schema.Record({ key: Schema.String, value: Schema.Array(ExtractedDocument) }),
  folderCfdis: Schema.Array(ScenarioFile),
  groundTruth: GroundTruth,
  users: Schema.optionalWith(Schema.Array(UserV3), { default: () => [] }),
  cards: Schema.optionalWith(Schema.Array(ScenarioCard), { default: () => [] }),
  /**
   * Billing statements (v3 shape; totals are sums of `transactions` by month), reimbursements and the Brazilian
   * records; absent in scenarios built from invoice folders (the emulator then serves none).
   */
  billingStatements: Schema.optional(Schema.Array(BillingStatementV3)),
  reimbursements: Schema.optional(Schema.Array(Reimbursement)),
  digitalAccountTransactions: Schema.optional(Schema.Array(DigitalAccountTransaction)),
  ddaInvoices: Schema.optional(Schema.Array(DdaInvoice))
})
export type Scenario = typeof Scenario.Type

/** The scenario as JSON text (bytes in base64), stable for a given scenario: same seed, byte-identical text. */
export const scenarioToJson = (scenario: Scenario): string =>
  JSON.stringify(Schema.encodeSync(Scenario)(scenario), null, 2)

/**
 * Writes the scenario's `folderCfdis` into `dir` (created if needed), one file per entry with its exact bytes, and
 * returns the absolute paths. Fails with `ScenarioError` naming the file that could not be written.
 */
export const writeScenarioInvoices = (
  scenario: Scenario,
  dir: string
): Effect.Effect<ReadonlyArray<string>, ScenarioError> =>
  Effect.gen(function*() {
    const root = path.resolve(dir)
    yield* Effect.tryPromise({
      try: () => fs.mkdir(root, { recursive: true }),
      catch: (cause) => new ScenarioError({ path: root, message: "could not create the invoices folder", cause })
    })
    return yield* Effect.forEach(scenario.folderCfdis, (file) => {
      const target = path.join(root, file.name)
      return Effect.tryPromise({
        try: () => fs.writeFile(target, file.bytes).then(() => target),
        catch: (cause) => new ScenarioError({ path: target, message: "could not write the CFDI file", cause })
      })
    })
  })
