/**
 * The ERP adapter contract (erp.md §5.1), reduced to what the pipeline uses today: a manifest, a pure dry-run `plan`
 * and `post`. Every adapter, ours or third-party, implements `ErpAdapter` and is provided under the `ErpAdapter` tag.
 */
import type { CivilDate, PostingDocument } from "@clara-recon/domain"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { ErpError } from "./ErpError.js"
import type { Fingerprint } from "./Fingerprint.js"

/** What an adapter can do (erp.md §5.1 `Capability`). */
export type Capability =
  | "post.journalEntry"
  | "post.creditCardCharge"
  | "post.vendorBill"
  | "export.file"
  | "lookup.vendorByTaxId"
  | "readBack"
  | "attach.link"
  | "attach.file"
  | "async"
  | "reverse"
  | "remoteDryRun"

/**
 * A JSON-Schema-like object (draft-07). A property holding a secret carries `"x-secret": true`; the pipeline never
 * logs or echoes such values. Nested `properties` values are themselves `JsonSchemaObject`s.
 */
export interface JsonSchemaObject {
  readonly type?: string
  readonly description?: string
  readonly properties?: { readonly [name: string]: unknown }
  readonly required?: ReadonlyArray<string>
  readonly "x-secret"?: boolean
  readonly [keyword: string]: unknown
}

/** Static description of an adapter: identity, capabilities and the shapes of its configuration and mapping. */
export interface AdapterManifest {
  /** Registry id, e.g. `sap-csv`, `netsuite`. */
  readonly id: string
  /** Adapter version (semver). */
  readonly version: string
  readonly displayName: string
  readonly capabilities: ReadonlyArray<Capability>
  /** Connection/config settings; secrets marked `x-secret`. */
  readonly configSchema: JsonSchemaObject
  /** The mapping the adapter reads (usually `mappingJsonSchema`). */
  readonly mappingSchema: JsonSchemaObject
  readonly limits?: { readonly maxLinesPerDocument?: number; readonly defaultConcurrency?: number }
}

/** A non-blocking remark on a plan (e.g. a text truncated to fit a column). `fieldPath` points into the document. */
export interface PlanWarning {
  readonly code: string
  readonly message: string
  readonly fieldPath?: string
}

/** A document the adapter accepted: `payload` is exactly what `post` will send or write. */
export interface Planned<P> {
  readonly ok: true
  readonly externalKey: string
  readonly document: PostingDocument
  readonly payload: P
  readonly fingerprint: Fingerprint
  readonly warnings: ReadonlyArray<PlanWarning>
}

/** A document the adapter refused, with every reason found (not only the first). */
export interface Rejected {
  readonly ok: false
  readonly externalKey: string
  readonly document: PostingDocument
  readonly errors: ReadonlyArray<ErpError>
  readonly warnings: ReadonlyArray<PlanWarning>
}

/** The dry-run result for one document. */
export type PlanResult<P> = Planned<P> | Rejected

/** A file produced by an export adapter; `sha256` is the lowercase hex digest of `bytes`. */
export interface Artifact {
  readonly name: string
  readonly bytes: Uint8Array
  readonly sha256: string
}

/** Where a posted document lives in the ERP. */
export interface ErpRef {
  readonly erp: string
  readonly recordType: string
  readonly externalId: string
  readonly internalId?: string
  readonly url?: string
}

/**
 * The outcome of `post`: records created in the ERP, files produced for import (the pipeline writes them), or a
 * refusal whose `error.outcome` says whether anything was applied.
 */
export type PostResult =
  | { readonly status: "posted"; readonly refs: ReadonlyArray<ErpRef> }
  | { readonly status: "exported"; readonly artifacts: ReadonlyArray<Artifact> }
  | { readonly status: "failed"; readonly error: ErpError }

/**
 * Options of one `post` call.
 * - `idempotencyKey`: deterministic for the batch; the same key must never apply a batch twice.
 * - `runDate`: the civil date of the run (America/Mexico_City), used by file exports in names; defaults to today.
 * - `sequence`: the run's number within `runDate` (1, 2, ...), used by file exports in names; defaults to 1.
 */
export interface PostOptions {
  readonly idempotencyKey: string
  readonly runDate?: CivilDate
  readonly sequence?: number
}

/** An ERP adapter with payload type `P`. */
export interface ErpAdapter<P = unknown> {
  readonly manifest: AdapterManifest
  /** Pure and deterministic dry-run of one document: same document, same payload and fingerprint. */
  plan(document: PostingDocument): PlanResult<P>
  /** Posts or exports planned documents; fails only when the call itself could not complete. */
  post(plans: ReadonlyArray<Planned<P>>, options: PostOptions): Effect.Effect<PostResult, ErpError>
}

/** The service tag under which the configured ERP adapter is provided. */
export const ErpAdapter = Context.GenericTag<ErpAdapter>("@clara-recon/erp/ErpAdapter")
