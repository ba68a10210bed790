/**
 * The SAP-style CSV adapter (erp.md §5.3): `plan` renders each document's rows, `post` assembles them into the CSV
 * file(s) and the manifest, delivers them through its {@link ExportLedger} and returns them as `exported` artifacts.
 * `find` and `verify` read that ledger: with `outputDirectory` the manifests in the folder, else an in-memory one.
 */
import type { CivilDate } from "@clara-recon/domain"
import type {
  AdapterManifest,
  AdapterModule,
  Artifact,
  ConnectionCheck,
  ErpCatalog,
  ErpRef,
  Fingerprint,
  Planned,
  PostResult,
  VerifyResult
} from "@clara-recon/erp"
import { mexicoCityDate, sha256Hex } from "@clara-recon/domain"
import { ErpAdapter, ErpError, fingerprintOf, mappingJsonSchema } from "@clara-recon/erp"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { assembleCsvExport, dayPrefix, encodeManifest } from "./CsvExport.js"
import type { CsvLayout } from "./CsvLayout.js"
import { type DocumentRows, renderDocumentRows } from "./DocumentRows.js"
import { directoryLedger, type ExportLedger, type LedgerEntry, memoryLedger } from "./ExportLedger.js"
import { genericJeV1 } from "./GenericJeV1.js"
import { layoutById, layoutIds } from "./Layouts.js"
import { layoutProblems } from "./LayoutCheck.js"

/**
 * Adapter settings: the tenant (`[A-Za-z0-9_-]{1,40}`, used in file names), the layout (default generic-je-v1; a
 * preset comes from `layoutById`), and where exports are delivered and remembered: `outputDirectory` (the import
 * folder; a {@link directoryLedger}) or an injected `ledger`; neither gives a {@link memoryLedger}.
 */
export interface SapCsvAdapterOptions {
  readonly tenant: string
  readonly layout?: CsvLayout
  readonly outputDirectory?: string
  readonly ledger?: ExportLedger
}

/** Most lines SAP accepts in one journal entry (erp.md §2.1 "Max 999 lines per journal entry"). */
const MAX_LINES = 999

/** The adapter's manifest: id `sap-csv`, capabilities `export.file` and `readBack` (its ledger), no secrets. */
export const manifest: AdapterManifest = {
  id: "sap-csv",
  version: "0.2.0",
  displayName: "SAP-style journal CSV",
  capabilities: ["export.file", "readBack"],
  configSchema: {
    type: "object",
    required: ["tenant"],
    properties: {
      tenant: { type: "string", pattern: "^[A-Za-z0-9_-]{1,40}$", description: "Tenant id, used in file names" },
      layout: { type: "string", enum: layoutIds, description: "CSV layout id (default generic-je-v1)" },
      outputDirectory: {
        type: "string",
        description: "Folder the CSV files and manifests are written to; its manifests are the export ledger"
      }
    }
  },
  mappingSchema: mappingJsonSchema,
  limits: { maxLinesPerDocument: MAX_LINES }
}

/** Today's civil date in America/Mexico_City, from the `Clock` (so `TestClock` controls it). */
const todayInMexicoCity: Effect.Effect<CivilDate> = Effect.map(Clock.currentTimeMillis, mexicoCityDate)

const emptyCatalog: ErpCatalog = {
  accounts: [],
  subsidiaries: [],
  currencies: [],
  taxCodes: [],
  vendors: [],
  dimensions: {},
  periods: []
}

const refOf = (ledger: ExportLedger, entry: LedgerEntry): ErpRef => ({
  erp: "sap-csv",
  recordType: "journalEntryFile",
  externalId: entry.externalKey,
  internalId: entry.manifestName,
  ...(ledger.identity.startsWith("/") ? { url: `file://${ledger.identity}/${entry.manifestName}` } : {})
})

/** Readable differences between a stored fingerprint and the expected one (empty when they agree). */
const fingerprintDifferences = (stored: Fingerprint, expected: Fingerprint): ReadonlyArray<string> => [
  ...(stored.hash === expected.hash ? [] : [`payload hash ${stored.hash} is not the planned ${expected.hash}`]),
  ...(stored.totals.debit === expected.totals.debit && stored.totals.credit === expected.totals.credit ?
    [] :
    [`totals ${stored.totals.debit}/${stored.totals.credit} are not ${expected.totals.debit}/${expected.totals.credit}`]),
  ...(stored.lineCount === expected.lineCount ? [] : [`${stored.lineCount} lines, not ${expected.lineCount}`]),
  ...(stored.date === expected.date ? [] : [`posting date ${stored.date}, not ${expected.date}`]),
  ...(stored.currency === expected.currency ? [] : [`currency ${stored.currency}, not ${expected.currency}`])
]

/**
 * Builds the adapter.
 * - `checkConnection`: `ok` when the layout is consistent (see `layoutProblems`) and the ledger can take a batch
 *   (the output directory exists and is writable); `identity` names the layout and the folder.
 * - `discover`: an empty catalog (a file export knows nothing of the target ERP).
 * - `post`: documents already in the ledger are not exported again. When every plan is already there from one batch
 *   posted under the same idempotency key, that batch's stored artifacts are returned (a replay); otherwise the
 *   others are assembled into `rcn_<tenant>_<YYYYMMDD>_<seq>` files and a manifest (with the idempotency key and the
 *   fingerprints), committed to the ledger and returned as `exported` (no artifacts when nothing is new). A batch
 *   that cannot be assembled is `failed` (outcome `not_applied`); the ledger's errors (CONFLICT
 *   `EXPORT_FILE_CONFLICT`, TRANSIENT `EXPORT_WRITE_FAILED` with outcome `unknown`) go to the error channel.
 *   Without `runDate`/`sequence` it uses today (America/Mexico_City) and 1.
 * - `find`: the ledger entry of the key as an `ErpRef` (`recordType` `journalEntryFile`, `internalId` the manifest).
 * - `verify`: `missing` when the key is not in the ledger; `mismatch` when its stored fingerprint differs from
 *   `expected` or a file of its batch is gone or changed; else `match`.
 */
export const make = (options: SapCsvAdapterOptions): ErpAdapter<DocumentRows> => {
  const layout = options.layout ?? genericJeV1
  const ledger = options.ledger ??
    (options.outputDirectory === undefined ? memoryLedger() : directoryLedger(options.outputDirectory))

  const exportBatch = (
    plans: ReadonlyArray<Planned<DocumentRows>>,
    runDate: CivilDate,
    sequence: number,
    idempotencyKey: string
  ) =>
    Either.map(
      assembleCsvExport(plans.map((plan) => plan.payload), { tenant: options.tenant, runDate, sequence, layout }),
      (exported) => {
        const fingerprints = Object.fromEntries(
          [...plans].sort((a, b) => (a.externalKey < b.externalKey ? -1 : a.externalKey > b.externalKey ? 1 : 0))
            .map((plan) => [plan.externalKey, plan.fingerprint])
        )
        const manifestBytes = encodeManifest({ ...exported.manifest, idempotencyKey, fingerprints })
        const files: ReadonlyArray<Artifact> = exported.files.map(({ bytes, name, sha256 }) => ({ name, bytes, sha256 }))
        return { files, manifest: { name: exported.manifestName, bytes: manifestBytes, sha256: sha256Hex(manifestBytes) } }
      }
    )

  return {
    manifest,
    checkConnection: () =>
      Effect.gen(function*() {
        const identity = `layout ${layout.id} v${layout.version} -> ${ledger.identity}`
        const problems = layoutProblems(layout)
        if (problems.length > 0) {
          const error = ErpError.rejected(
            "CONFIG",
            "CSV_LAYOUT_INVALID",
            `Layout ${layout.id} v${layout.version} cannot be used: ${problems.join("; ")}`,
            { fieldPath: "layout", remediation: { action: "fix_mapping", target: "layout" } }
          )
          return { ok: false, identity, warnings: [], error } satisfies ConnectionCheck
        }
        return yield* ledger.check.pipe(
          Effect.map((warnings): ConnectionCheck => ({ ok: true, identity, warnings })),
          Effect.catchAll((error) => Effect.succeed<ConnectionCheck>({ ok: false, identity, warnings: [], error }))
        )
      }),
    discover: () => Effect.succeed(emptyCatalog),
    plan: (document) => {
      const tooLong = document.lines.length > MAX_LINES ?
        [ErpError.rejected(
          "VALIDATION",
          "TOO_MANY_LINES",
          `Document ${document.externalKey} has ${document.lines.length} lines; SAP takes at most ${MAX_LINES} per ` +
            "journal entry: post it per transaction",
          { fieldPath: "lines", remediation: { action: "fix_mapping", target: "grouping" } }
        )] :
        []
      const rendered = renderDocumentRows(document, layout)
      if (Either.isLeft(rendered) || tooLong.length > 0) {
        const errors = [...(Either.isLeft(rendered) ? rendered.left : []), ...tooLong]
        return { ok: false, externalKey: document.externalKey, document, errors, warnings: [] }
      }
      const payload = rendered.right
      return {
        ok: true,
        externalKey: document.externalKey,
        document,
        payload,
        fingerprint: fingerprintOf(document, payload),
        warnings: []
      }
    },
    post: (plans, postOptions) =>
      Effect.gen(function*() {
        const known = yield* ledger.lookupMany(plans.map((plan) => plan.externalKey))
        const entries = plans.flatMap((plan) => {
          const entry = known.get(plan.externalKey)
          return entry === undefined ? [] : [entry]
        })
        const batches = new Set(entries.map((entry) => entry.manifestName))
        const [replayed] = batches
        if (
          plans.length > 0 && entries.length === plans.length && replayed !== undefined && batches.size === 1 &&
          entries.every((entry) => entry.idempotencyKey === postOptions.idempotencyKey)
        ) {
          const stored = yield* ledger.artifacts(replayed)
          if (Option.isSome(stored)) return { status: "exported", artifacts: stored.value } satisfies PostResult
        }
        const fresh = plans.filter((plan) => !known.has(plan.externalKey))
        if (fresh.length === 0) return { status: "exported", artifacts: [] } satisfies PostResult
        const runDate = postOptions.runDate ?? (yield* todayInMexicoCity)
        // a sequence number the ledger already holds for this day (a shared folder, an earlier run the same day) is
        // never reused: the batch takes the next free one
        const base = dayPrefix(options.tenant, runDate)
        let used = 0
        for (const entry of (yield* ledger.entries).values()) {
          if (!entry.manifestName.startsWith(base)) continue
          used = Math.max(used, Number(entry.manifestName.slice(base.length, base.length + 3)) || 0)
        }
        const sequence = Math.max(postOptions.sequence ?? 1, used + 1)
        const batch = exportBatch(fresh, runDate, sequence, postOptions.idempotencyKey)
        if (Either.isLeft(batch)) return { status: "failed", error: batch.left } satisfies PostResult
        yield* ledger.commit(batch.right)
        return { status: "exported", artifacts: [...batch.right.files, batch.right.manifest] } satisfies PostResult
      }),
    find: (externalKey) => Effect.map(ledger.lookup(externalKey), Option.map((entry) => refOf(ledger, entry))),
    verify: (ref, expected) =>
      Effect.gen(function*() {
        const entry = yield* ledger.lookup(ref.externalId)
        if (Option.isNone(entry)) return { status: "missing" } satisfies VerifyResult
        const differences = [
          ...fingerprintDifferences(entry.value.fingerprint, expected),
          ...(yield* ledger.changedFiles(entry.value))
        ]
        const found = refOf(ledger, entry.value)
        return differences.length === 0 ?
          { status: "match", ref: found } satisfies VerifyResult :
          { status: "mismatch", ref: found, differences } satisfies VerifyResult
      })
  }
}

/** Provides the adapter under the generic `ErpAdapter` tag. */
export const layer = (options: SapCsvAdapterOptions): Layer.Layer<ErpAdapter> =>
  Layer.succeed(ErpAdapter, make(options))

/**
 * The adapter's configuration as written in the config file (`manifest.configSchema`): `tenant`, a preset `layout`
 * id (default `generic-je-v1`), an optional `outputDirectory`.
 */
export const SapCsvConfig = Schema.Struct({
  tenant: Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,40}$/)),
  layout: Schema.optional(Schema.String),
  outputDirectory: Schema.optional(Schema.NonEmptyString)
})
export type SapCsvConfig = typeof SapCsvConfig.Type

/**
 * Adapter options from a config value: decodes {@link SapCsvConfig} and resolves the layout preset. Fails with
 * CONFIG `INVALID_CONFIG` (naming the field) or `UNKNOWN_CSV_LAYOUT`.
 */
export const optionsFromConfig = (config: unknown): Either.Either<SapCsvAdapterOptions, ErpError> =>
  Either.gen(function*() {
    const decoded = yield* Either.mapLeft(
      Schema.decodeUnknownEither(SapCsvConfig)(config, { onExcessProperty: "error" }),
      (error) =>
        ErpError.rejected(
          "CONFIG",
          "INVALID_CONFIG",
          `The sap-csv configuration is invalid: ${ParseResult.TreeFormatter.formatErrorSync(error)}`,
          { remediation: { action: "contact_admin", target: "erp.config" } }
        )
    )
    const layout = decoded.layout === undefined ? genericJeV1 : yield* layoutById(decoded.layout)
    return {
      tenant: decoded.tenant,
      layout,
      ...(decoded.outputDirectory === undefined ? {} : { outputDirectory: decoded.outputDirectory })
    }
  })

/** The adapter from a config value (see {@link optionsFromConfig}), under the `ErpAdapter` tag. */
export const layerFromConfig = (config: unknown): Layer.Layer<ErpAdapter, ErpError> =>
  Layer.effect(ErpAdapter, Effect.map(optionsFromConfig(config), make))

/** The registry entry of this adapter (`@clara-recon/erp` `AdapterModule`): the manifest and `layerFromConfig`. */
export const adapterModule: AdapterModule = { manifest, layer: layerFromConfig }
