/**
 * The ERP adapter contract (erp.md §5.1): a manifest, `checkConnection`, `discover`, a pure dry-run `plan`, `post`
 * with an idempotency key, `find` + `verify` to settle an unknown outcome, and optional `attach` and `reverse`.
 * Every adapter, ours or third-party, implements `ErpAdapter` and is provided under the `ErpAdapter` tag.
 */
import type { CivilDate, PostingDocument } from "@clara-recon/domain"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
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
 * refusal of the whole batch whose `error.outcome` says whether anything was applied. `posted` lists the documents of
 * the batch the ERP refused one by one in `refused`, each with its own error (the others were posted).
 */
export type PostResult =
  | {
    readonly status: "posted"
    readonly refs: ReadonlyArray<ErpRef>
    readonly refused?: ReadonlyArray<{ readonly externalKey: string; readonly error: ErpError }>
  }
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

/**
 * The answer of `checkConnection`: `ok` when the adapter can post; `identity` names who we are connected as (an
 * account id, a role, an output folder); `warnings` are non-blocking (a certificate expiring soon, a missing read
 * permission).
 */
export interface ConnectionCheck {
  readonly ok: boolean
  readonly identity?: string
  readonly warnings: ReadonlyArray<PlanWarning>
  /** Why `ok` is false. */
  readonly error?: ErpError
}

/** One entry of an ERP catalog: an internal id, the number or code people know it by, a name. */
export interface CatalogEntry {
  readonly id: string
  readonly code?: string
  readonly name: string
  /** Free-form extra facts (account type, currency, subsidiary ids, a tax rate as a decimal string). */
  readonly attributes?: { readonly [key: string]: string }
}

/**
 * What `discover` learns from the ERP (erp.md §5.1 `ErpCatalog`), each list possibly empty when the ERP or the
 * adapter cannot tell (a file export knows nothing of the target): GL accounts, subsidiaries (company codes),
 * currencies, tax codes, vendors, dimensions (departments, classes, locations, cost centres) and accounting periods
 * (`attributes.start` / `end` ISO dates, `attributes.closed` `"true"` or `"false"`).
 */
export interface ErpCatalog {
  readonly accounts: ReadonlyArray<CatalogEntry>
  readonly subsidiaries: ReadonlyArray<CatalogEntry>
  readonly currencies: ReadonlyArray<CatalogEntry>
  readonly taxCodes: ReadonlyArray<CatalogEntry>
  readonly vendors: ReadonlyArray<CatalogEntry>
  readonly dimensions: { readonly [dimension: string]: ReadonlyArray<CatalogEntry> }
  readonly periods: ReadonlyArray<CatalogEntry>
}

/**
 * The answer of `verify`: `match` when the record in the ERP has the fingerprint we planned (same totals, lines,
 * date and currency); `mismatch` lists what differs (a person must look: never re-post over it); `missing` when the
 * reference no longer resolves.
 */
export type VerifyResult =
  | { readonly status: "match"; readonly ref: ErpRef }
  | { readonly status: "mismatch"; readonly ref: ErpRef; readonly differences: ReadonlyArray<string> }
  | { readonly status: "missing" }

/** A file to attach to a posted record (a CFDI XML or PDF, a receipt), by pre-signed URL and content digest. */
export interface Attachment {
  readonly kind: "cfdi_xml" | "cfdi_pdf" | "receipt"
  readonly url: string
  readonly sha256: string
}

/**
 * The per-document posting state (erp.md §5.1 status machine): `draft` (built, not planned) -> `planned` (dry-run
 * ok) -> `posting` (sent, outcome not yet known) -> `posted_unverified` -> `verified`. A write refused with nothing
 * applied goes back to `planned`. `failed` (the ERP holds a record that differs from the plan) and `excluded` (marked
 * as handled by a person) wait for a person, who may reopen them (back to `draft`).
 */
export type DocumentState =
  | "draft"
  | "planned"
  | "posting"
  | "posted_unverified"
  | "verified"
  | "failed"
  | "excluded"

/** An ERP adapter with payload type `P`. */
export interface ErpAdapter<P = unknown> {
  readonly manifest: AdapterManifest
  /** Checks the configuration and the connection (credentials, permissions, output folder) without writing. */
  checkConnection(): Effect.Effect<ConnectionCheck>
  /** Reads the ERP's catalog (accounts, subsidiaries, tax codes, vendors, dimensions, periods). */
  discover(): Effect.Effect<ErpCatalog, ErpError>
  /** Pure and deterministic dry-run of one document: same document, same payload and fingerprint. */
  plan(document: PostingDocument): PlanResult<P>
  /**
   * Posts or exports planned documents under `options.idempotencyKey`; fails only when the call itself could not
   * complete. An `ErpError` with outcome `unknown` means: `find` + `verify` before any retry.
   */
  post(plans: ReadonlyArray<Planned<P>>, options: PostOptions): Effect.Effect<PostResult, ErpError>
  /** The record posted under `externalKey`, if any (NetSuite `eid:` / SuiteQL; a file adapter its ledger of files). */
  find(externalKey: string): Effect.Effect<Option.Option<ErpRef>, ErpError>
  /** Reads the record behind `ref` back and compares it with the planned fingerprint. */
  verify(ref: ErpRef, expected: Fingerprint): Effect.Effect<VerifyResult, ErpError>
  /** Attaches a file to a posted record (capability `attach.link` or `attach.file`). */
  attach?(ref: ErpRef, attachment: Attachment): Effect.Effect<void, ErpError>
  /** Posts the reversing entry of `ref` dated `date` (capability `reverse`). */
  reverse?(ref: ErpRef, reason: string, date: CivilDate): Effect.Effect<PostResult, ErpError>
}

/** The service tag under which the configured ERP adapter is provided. */
export const ErpAdapter = Context.GenericTag<ErpAdapter>("@clara-recon/erp/ErpAdapter")
