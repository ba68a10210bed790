/**
 * Errors of the reconciliation job. Record-level problems never fail the job: they become exceptions in the report.
 * These errors are for what stops the job (or one input) as a whole.
 */
import * as Schema from "effect/Schema"

/** An input the job was pointed at cannot be used: a transactions export that is not JSON, a missing folder. */
export class InputError extends Schema.TaggedError<InputError>()("InputError", {
  /** File or folder path. */
  path: Schema.String,
  message: Schema.String
}) {}

/** The durable store failed (SQLite file unreadable, migration failed). */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** Writing the run's outputs failed. */
export class OutputError extends Schema.TaggedError<OutputError>()("OutputError", {
  path: Schema.String,
  message: Schema.String
}) {}

/** A link decision named a link id that no run of the store holds (`clara-recon link confirm|reject`). */
export class UnknownLinkError extends Schema.TaggedError<UnknownLinkError>()("UnknownLinkError", {
  linkId: Schema.String,
  message: Schema.String
}) {}

/**
 * A person's change to the posting ledger cannot be made (`clara-recon ledger exclude`): no ledger row has the external
 * key.
 */
export class LedgerEntryError extends Schema.TaggedError<LedgerEntryError>()("LedgerEntryError", {
  externalKey: Schema.String,
  message: Schema.String
}) {}

/**
 * The store holds another company's runs: one store per company, so that no company's report, chase lists or
 * postings ever include another's transactions. `bound` is the company RFC the store's tenant was first run for.
 */
export class CompanyMismatchError extends Schema.TaggedError<CompanyMismatchError>()("CompanyMismatchError", {
  tenant: Schema.String,
  bound: Schema.String,
  companyRfc: Schema.String
}) {
  override get message(): string {
    return `this state store holds the runs of company ${this.bound} (tenant ${this.tenant}), ` +
      `not ${this.companyRfc}: ` +
      "give each company its own --state file or --database-url"
  }
}

/**
 * Another job runs on the store's tenant (a second process resuming the same run would post its batches twice):
 * `holder` names it (host and pid), `until` is when its lock lapses if it stops renewing it (ISO-8601, UTC).
 */
export class JobRunningError extends Schema.TaggedError<JobRunningError>()("JobRunningError", {
  tenant: Schema.String,
  holder: Schema.String,
  until: Schema.String
}) {
  override get message(): string {
    return `another clara-recon job runs on this state store (tenant ${this.tenant}): ${this.holder}; wait for it ` +
      `to end (its lock lapses at ${this.until} if it stopped without a trace)`
  }
}

/** The error union of `@clara-recon/pipeline`. */
export type PipelineError =
  | InputError
  | StoreError
  | OutputError
  | UnknownLinkError
  | LedgerEntryError
  | CompanyMismatchError
  | JobRunningError
