/**
 * A registry of ERP adapters by manifest id, for deployments that offer several (style.md §3(3), erp.md §5.1).
 *
 * Two forms: {@link makeRegistry} over built adapter values, and {@link makeModuleRegistry} over adapter modules
 * (a manifest and a `layer(config)`), ours and third-party ones loaded by {@link loadAdapterModule} from a package
 * name or a file path. This package never imports our own adapters (no dependency cycle): the caller (the CLI)
 * passes them in.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { AdapterManifest, ErpAdapter } from "./ErpAdapter.js"
import type { ErpError } from "./ErpError.js"

/** No adapter is registered under `id`; `known` lists the ids that are. */
export class UnknownAdapter extends Schema.TaggedError<UnknownAdapter>("@clara-recon/erp/UnknownAdapter")(
  "UnknownAdapter",
  { id: Schema.String, known: Schema.Array(Schema.String) }
) {
  override get message(): string {
    return `Unknown ERP adapter "${this.id}"; registered: ${this.known.join(", ") || "none"}`
  }
}

/** Adapters by id. */
export interface AdapterRegistry {
  /** Registered ids, sorted. */
  readonly ids: ReadonlyArray<string>
  /** The adapter registered under `id`, or `UnknownAdapter`. */
  get(id: string): Effect.Effect<ErpAdapter, UnknownAdapter>
}

/** Builds a registry keyed by `manifest.id`; when two adapters share an id, the first one wins. */
export const makeRegistry = (adapters: Iterable<ErpAdapter>): AdapterRegistry => {
  const byId = new Map<string, ErpAdapter>()
  for (const adapter of adapters) {
    if (!byId.has(adapter.manifest.id)) byId.set(adapter.manifest.id, adapter)
  }
  const ids = [...byId.keys()].sort()
  return {
    ids,
    get: (id) => {
      const adapter = byId.get(id)
      return adapter === undefined ? Effect.fail(new UnknownAdapter({ id, known: ids })) : Effect.succeed(adapter)
    }
  }
}

/**
 * What an adapter package exports: its manifest and a layer providing the adapter under the `ErpAdapter` tag from
 * its configuration (the JSON value described by `manifest.configSchema`; the layer validates it and fails with a
 * CONFIG `ErpError` naming the field at fault).
 */
export interface AdapterModule {
  readonly manifest: AdapterManifest
  readonly layer: (config: unknown) => Layer.Layer<ErpAdapter, ErpError>
}

/** An adapter module could not be imported, or does not export a manifest and a layer. */
export class AdapterLoadError extends Schema.TaggedError<AdapterLoadError>("@clara-recon/erp/AdapterLoadError")(
  "AdapterLoadError",
  { specifier: Schema.String, reason: Schema.String }
) {
  override get message(): string {
    return `Cannot load the ERP adapter module "${this.specifier}": ${this.reason}`
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** The manifest/layer pair of an imported module: top-level `manifest` + `layer`, or an `adapterModule` export. */
const moduleOf = (exports: unknown): AdapterModule | string => {
  if (!isObject(exports)) return "the module has no exports"
  const candidate = isObject(exports.adapterModule) ? exports.adapterModule : exports
  const manifest = candidate.manifest
  if (!isObject(manifest)) return "it exports no `manifest` object"
  const missing = ["id", "version", "displayName"].filter((field) => typeof manifest[field] !== "string")
  if (missing.length > 0) return `its manifest lacks the string field(s) ${missing.join(", ")}`
  if (!Array.isArray(manifest.capabilities)) return "its manifest has no `capabilities` array"
  if (!isObject(manifest.configSchema) || !isObject(manifest.mappingSchema)) {
    return "its manifest lacks `configSchema` or `mappingSchema`"
  }
  if (typeof candidate.layer !== "function") return "it exports no `layer(config)` function"
  return candidate as unknown as AdapterModule
}

/**
 * Imports an adapter module by dynamic `import()`: a package name (`@acme/clara-recon-sage`, resolved from this
 * package's location, so it must be installed in the deployment) or a file path (absolute, or relative to
 * `baseDirectory`, default the working directory; `.js`/`.mjs` built code). Fails with {@link AdapterLoadError}
 * when the import fails or the module does not export a manifest (id, version, displayName, capabilities,
 * configSchema, mappingSchema) and a `layer` function, either at top level or as `adapterModule`.
 */
export const loadAdapterModule = (
  specifier: string,
  baseDirectory: string = process.cwd()
): Effect.Effect<AdapterModule, AdapterLoadError> => {
  const isPath = specifier.startsWith(".") || isAbsolute(specifier)
  const target = isPath ? pathToFileURL(resolve(baseDirectory, specifier)).href : specifier
  return Effect.tryPromise({
    try: () => import(target) as Promise<unknown>,
    catch: (cause) =>
      new AdapterLoadError({ specifier, reason: cause instanceof Error ? cause.message : String(cause) })
  }).pipe(
    Effect.flatMap((exports) => {
      const found = moduleOf(exports)
      return typeof found === "string" ?
        Effect.fail(new AdapterLoadError({ specifier, reason: found })) :
        Effect.succeed(found)
    })
  )
}

/** Adapter modules by manifest id. */
export interface AdapterModuleRegistry {
  /** Registered ids, sorted. */
  readonly ids: ReadonlyArray<string>
  /** The manifests, in id order (for `erp list`, config UIs). */
  readonly manifests: ReadonlyArray<AdapterManifest>
  /** The module registered under `id`, or `UnknownAdapter`. */
  module(id: string): Effect.Effect<AdapterModule, UnknownAdapter>
  /** The layer of adapter `id` built from `config`; `UnknownAdapter` for an unknown id. */
  layer(id: string, config: unknown): Effect.Effect<Layer.Layer<ErpAdapter, ErpError>, UnknownAdapter>
}

/** Builds a module registry keyed by `manifest.id`; when two modules share an id, the first one wins. */
export const makeModuleRegistry = (modules: Iterable<AdapterModule>): AdapterModuleRegistry => {
  const byId = new Map<string, AdapterModule>()
  for (const module of modules) if (!byId.has(module.manifest.id)) byId.set(module.manifest.id, module)
  const ids = [...byId.keys()].sort()
  const module = (id: string) => {
    const found = byId.get(id)
    return found === undefined ? Effect.fail(new UnknownAdapter({ id, known: ids })) : Effect.succeed(found)
  }
  return {
    ids,
    manifests: ids.flatMap((id) => {
      const found = byId.get(id)
      return found === undefined ? [] : [found.manifest]
    }),
    module,
    layer: (id, config) => Effect.map(module(id), (found) => found.layer(config))
  }
}

/**
 * A module registry of `builtIn` modules (ours, passed by the caller) followed by the third-party modules named
 * in `specifiers` (package names or file paths, see {@link loadAdapterModule}), loaded in order. Built-in ids win
 * over third-party ones. Fails with the first {@link AdapterLoadError}.
 */
export const loadModuleRegistry = (
  builtIn: Iterable<AdapterModule>,
  specifiers: ReadonlyArray<string>,
  baseDirectory?: string
): Effect.Effect<AdapterModuleRegistry, AdapterLoadError> =>
  Effect.map(
    Effect.forEach(specifiers, (specifier) => loadAdapterModule(specifier, baseDirectory)),
    (loaded) => makeModuleRegistry([...builtIn, ...loaded])
  )
