/**
 * A tiny third-party-style ERP adapter: an in-memory general ledger. It depends only on `@clara-recon/erp` and
 * `@clara-recon/domain`, exports a manifest, a `make` and a `layer`, as a third-party package would, and passes the
 * conformance kit: the proof that the contract can be implemented without our internals.
 */
import type { PostingDocument } from "@clara-recon/domain"
import type { AdapterManifest, ErpRef, Fingerprint, Planned, VerifyResult } from "../../src/index.js"
import { ErpAdapter, ErpError, externalKeyPattern, fingerprintOf, isBalanced } from "../../src/index.js"
import { BigDecimal, Effect, Layer, Option } from "effect"

/** Configuration: a ledger name, and an API token (a secret the adapter must never echo). */
export interface MemoryLedgerConfig {
  readonly ledger: string
  readonly auth: { readonly token: string }
}

/** The manifest: id `memory-ledger`, `auth.token` marked `x-secret`. */
export const manifest: AdapterManifest = {
  id: "memory-ledger",
  version: "1.0.0",
  displayName: "In-memory general ledger (example)",
  capabilities: ["post.journalEntry", "readBack"],
  configSchema: {
    type: "object",
    required: ["ledger", "auth"],
    properties: {
      ledger: { type: "string" },
      auth: { type: "object", properties: { token: { type: "string", "x-secret": true } } }
    }
  },
  mappingSchema: { type: "object" }
}

/** The payload: the journal as the ledger stores it (amounts as decimal strings). */
export type JournalPayload = {
  readonly externalId: string
  readonly date: string
  readonly currency: string
  readonly lines: ReadonlyArray<readonly [side: string, account: string, amount: string]>
}

const payloadOf = (doc: PostingDocument): JournalPayload => ({
  externalId: doc.externalKey,
  date: doc.postingDate,
  currency: doc.currency,
  lines: doc.lines.map((l) => [l.side, l.account, BigDecimal.format(l.amount)] as const)
})

/**
 * Builds the adapter over a fresh ledger. The token is only compared, never logged. Records are keyed by external
 * id: a second post of a key returns the existing record (the ledger's unique external id).
 */
export const make = (config: MemoryLedgerConfig): ErpAdapter<JournalPayload> => {
  const records = new Map<string, { readonly ref: ErpRef; readonly fingerprint: Fingerprint }>()
  const authorized = config.auth.token.length > 0
  return {
    manifest,
    checkConnection: () =>
      Effect.succeed(
        authorized ?
          { ok: true, identity: `ledger ${config.ledger}`, warnings: [] } :
          {
            ok: false,
            warnings: [],
            error: ErpError.rejected("AUTH", "TOKEN_MISSING", "The ledger token is empty", {
              remediation: { action: "reconnect" }
            })
          }
      ),
    discover: () =>
      Effect.succeed({
        accounts: [],
        subsidiaries: [{ id: "1", name: config.ledger }],
        currencies: [{ id: "MXN", name: "Peso mexicano" }],
        taxCodes: [],
        vendors: [],
        dimensions: {},
        periods: []
      }),
    plan: (document) => {
      const errors = [
        ...(externalKeyPattern.test(document.externalKey) ? [] : [
          ErpError.rejected("VALIDATION", "INVALID_EXTERNAL_KEY", `Bad external key ${document.externalKey}`)
        ]),
        ...(isBalanced(document) ? [] : [
          ErpError.rejected("VALIDATION", "POSTING_UNBALANCED", `${document.externalKey} does not balance`)
        ])
      ]
      if (errors.length > 0) return { ok: false, externalKey: document.externalKey, document, errors, warnings: [] }
      const payload = payloadOf(document)
      const fingerprint = fingerprintOf(document, payload)
      return { ok: true, externalKey: document.externalKey, document, payload, fingerprint, warnings: [] }
    },
    post: (plans: ReadonlyArray<Planned<JournalPayload>>) =>
      Effect.gen(function*() {
        yield* Effect.logDebug(`posting ${plans.length} journals to ledger ${config.ledger}`)
        if (!authorized) {
          return { status: "failed" as const, error: ErpError.rejected("AUTH", "TOKEN_MISSING", "No token") }
        }
        const refs = plans.map((plan) => {
          const existing = records.get(plan.externalKey)
          if (existing !== undefined) return existing.ref
          const ref: ErpRef = {
            erp: "memory-ledger",
            recordType: "journalEntry",
            externalId: plan.externalKey,
            internalId: String(records.size + 1)
          }
          records.set(plan.externalKey, { ref, fingerprint: plan.fingerprint })
          return ref
        })
        return { status: "posted" as const, refs }
      }),
    find: (externalKey) => Effect.sync(() => Option.map(Option.fromNullable(records.get(externalKey)), (r) => r.ref)),
    verify: (ref, expected) =>
      Effect.sync((): VerifyResult => {
        const record = records.get(ref.externalId)
        if (record === undefined) return { status: "missing" }
        const stored = record.fingerprint
        const differences = [
          ...(stored.hash === expected.hash ? [] : ["payload hash"]),
          ...(stored.totals.debit === expected.totals.debit && stored.totals.credit === expected.totals.credit ?
            [] :
            [`totals ${stored.totals.debit}/${stored.totals.credit}`]),
          ...(stored.lineCount === expected.lineCount ? [] : [`${stored.lineCount} lines`]),
          ...(stored.date === expected.date && stored.currency === expected.currency ? [] : ["date or currency"])
        ]
        return differences.length === 0 ?
          { status: "match", ref: record.ref } :
          { status: "mismatch", ref: record.ref, differences }
      })
  }
}

/** The layer a registry loads: the adapter under the generic `ErpAdapter` tag. */
export const layer = (config: MemoryLedgerConfig): Layer.Layer<ErpAdapter> => Layer.succeed(ErpAdapter, make(config))
