/**
 * Links and suggestions produced by the matcher, each with its explanation (matching.md §7.11).
 */
import * as Schema from "effect/Schema"

/** One scored feature of a candidate pair: amount, identity, date or corroboration. */
export class Evidence extends Schema.Class<Evidence>("Evidence")({
  feature: Schema.Literal("amount", "identity", "date", "corroboration"),
  /** Class name, e.g. `A2_EXACT`, `RFC_EQUAL`, `NAME_SIM_HIGH`, `SAME_DAY`. */
  class: Schema.String,
  points: Schema.Number,
  /** Amounts as decimal strings, dates as civil dates. */
  detail: Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number, Schema.Boolean) })
}) {}

/** The best competing candidate and why it lost. */
export class RunnerUp extends Schema.Class<RunnerUp>("RunnerUp")({
  transaction: Schema.optional(Schema.String),
  document: Schema.optional(Schema.String),
  points: Schema.Number,
  lostBecause: Schema.Array(Schema.String)
}) {}

/** Decision on a pair: the engine's (AUTO_LINKED, SUGGESTED) or a person's, pinned on re-runs (CONFIRMED, MANUAL). */
export const Decision = Schema.Literal("AUTO_LINKED", "SUGGESTED", "CONFIRMED", "MANUAL")
export type Decision = typeof Decision.Type

/** The explanation record of §7.11; stored and written with its keys sorted (canonical JSON). */
export class Explanation extends Schema.Class<Explanation>("Explanation")({
  linkId: Schema.String,
  decision: Decision,
  points: Schema.Number,
  threshold: Schema.Struct({ auto: Schema.Number, suggest: Schema.Number }),
  margin: Schema.Number,
  /** p = 1 / (1 + 2^(9 - points)), as a decimal string with 3 places. */
  confidence: Schema.String,
  members: Schema.Struct({
    transactions: Schema.Array(Schema.String),
    cfdis: Schema.Array(Schema.String),
    documents: Schema.Array(Schema.String)
  }),
  evidence: Schema.Array(Evidence),
  runnerUp: Schema.optional(RunnerUp),
  /** Why an otherwise strong pair did not auto-link (gate names). */
  gatesFailed: Schema.Array(Schema.String),
  vetoesChecked: Schema.Array(Schema.String),
  engine: Schema.Struct({ version: Schema.String, configHash: Schema.String, inputsHash: Schema.String }),
  /** One-line text rendering of the same terms. */
  text: Schema.String
}) {}

/** A link (auto) or suggestion between one transaction and one document. */
export class MatchLink extends Schema.Class<MatchLink>("MatchLink")({
  /** Deterministic: hash of the sorted member ids. */
  linkId: Schema.String,
  decision: Decision,
  transactionUuid: Schema.String,
  documentId: Schema.String,
  points: Schema.Number,
  margin: Schema.Number,
  explanation: Explanation
}) {}
