/**
 * A registry of ERP adapters by manifest id, for deployments that offer several (style.md §3(3)).
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { ErpAdapter } from "./ErpAdapter.js"

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
