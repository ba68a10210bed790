/**
 * The mutable state of one running Clara emulator, shared by its route files (kept apart from the router so route
 * files can depend on it without an import cycle).
 */
import type { Scenario } from "../Scenario.js"
import type { Directory } from "./DirectoryApi.js"
import type { ExtendedState } from "./ExtendedState.js"
import type { Faults } from "./Faults.js"
import type { LegacyStore } from "./LegacyApi.js"
import type { TransactionEdits } from "./TransactionWritesApi.js"
import type { UrlSigner } from "./UrlSigner.js"

/** One request as the emulator saw it. `status` 599: connection reset by a fault; 598: body cut short by a fault. */
export interface RequestRecord {
  readonly method: string
  readonly path: string
  /** The query string without `?` (empty when none). */
  readonly query: string
  readonly status: number
}

/** Mutable state of one running emulator. */
export interface EmulatorState {
  readonly scenario: Scenario
  readonly clientId: string
  readonly clientSecret: string
  /** Fault injection (`rateLimitEvery` and per-route rules). */
  readonly faults: Faults
  readonly signer: UrlSigner
  /** Access token -> expiry (epoch ms, from `Clock`). */
  readonly tokens: Map<string, number>
  readonly log: Array<RequestRecord>
  apiRequests: number
  /** Users and cards, as the card writes left them. */
  readonly directory: Directory
  /** Comments and labels set through the API. */
  readonly edits: TransactionEdits
  /** Locations, groups and labels of the v2/v1 routes. */
  readonly legacy: LegacyStore
  /** Card requests, subscribers, payments and webhook deliveries of the extended routes. */
  readonly extended: ExtendedState
}
