/**
 * The SAP-style CSV adapter (erp.md §5.3): `plan` renders each document's rows, `post` assembles them into the CSV
 * file and its manifest and returns them as `exported` artifacts. It never touches the disk: the pipeline writes them.
 */
import type { CivilDate } from "@clara-recon/domain"
import type { AdapterManifest, Artifact, PostResult } from "@clara-recon/erp"
import { sha256Hex } from "@clara-recon/domain"
import { ErpAdapter, fingerprintOf, mappingJsonSchema } from "@clara-recon/erp"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { assembleCsvExport, encodeManifest } from "./CsvExport.js"
import type { CsvLayout } from "./CsvLayout.js"
import { type DocumentRows, renderDocumentRows } from "./DocumentRows.js"
import { genericJeV1 } from "./GenericJeV1.js"
import { layoutIds } from "./Layouts.js"

/**
 * Adapter settings: the tenant (`[A-Za-z0-9_-]{1,40}`, used in file names) and the layout (default generic-je-v1;
 * a preset comes from `layoutById`).
 */
export interface SapCsvAdapterOptions {
  readonly tenant: string
  readonly layout?: CsvLayout
}

/** The adapter's manifest: id `sap-csv`, capability `export.file`, no secrets. */
export const manifest: AdapterManifest = {
  id: "sap-csv",
  version: "0.1.0",
  displayName: "SAP-style journal CSV",
  capabilities: ["export.file"],
  configSchema: {
    type: "object",
    required: ["tenant"],
    properties: {
      tenant: { type: "string", pattern: "^[A-Za-z0-9_-]{1,40}$", description: "Tenant id, used in file names" },
      layout: { type: "string", enum: layoutIds, description: "CSV layout id" }
    }
  },
  mappingSchema: mappingJsonSchema,
  limits: { maxLinesPerDocument: 999 }
}

/** Today's civil date in America/Mexico_City, from the `Clock` (so `TestClock` controls it). */
const todayInMexicoCity: Effect.Effect<CivilDate> = Effect.map(
  Clock.currentTimeMillis,
  (millis) => DateTime.formatIsoDate(DateTime.unsafeMakeZoned(millis, { timeZone: "America/Mexico_City" }))
)

/**
 * Builds the adapter. `post` returns `exported` with the CSV file(s) then `<file base>.manifest.json`, or `failed`
 * (outcome `not_applied`) when the batch cannot be assembled; its error channel is never used. Without
 * `runDate`/`sequence` in the post options it uses today (America/Mexico_City) and 1.
 */
export const make = (options: SapCsvAdapterOptions): ErpAdapter<DocumentRows> => {
  const layout = options.layout ?? genericJeV1
  return {
    manifest,
    plan: (document) =>
      Either.match(renderDocumentRows(document, layout), {
        onLeft: (errors) => ({ ok: false, externalKey: document.externalKey, document, errors, warnings: [] }),
        onRight: (payload) => ({
          ok: true,
          externalKey: document.externalKey,
          document,
          payload,
          fingerprint: fingerprintOf(document, payload),
          warnings: []
        })
      }),
    post: (plans, postOptions) =>
      Effect.gen(function*() {
        const runDate = postOptions.runDate ?? (yield* todayInMexicoCity)
        const assembled = assembleCsvExport(plans.map((plan) => plan.payload), {
          tenant: options.tenant,
          runDate,
          sequence: postOptions.sequence ?? 1,
          layout
        })
        return Either.match(assembled, {
          onLeft: (error): PostResult => ({ status: "failed", error }),
          onRight: (exported): PostResult => {
            const manifestBytes = encodeManifest(exported.manifest)
            const artifacts: ReadonlyArray<Artifact> = [
              ...exported.files.map(({ bytes, name, sha256 }) => ({ name, bytes, sha256 })),
              { name: exported.manifestName, bytes: manifestBytes, sha256: sha256Hex(manifestBytes) }
            ]
            return { status: "exported", artifacts }
          }
        })
      })
  }
}

/** Provides the adapter under the generic `ErpAdapter` tag. */
export const layer = (options: SapCsvAdapterOptions): Layer.Layer<ErpAdapter> =>
  Layer.succeed(ErpAdapter, make(options))
