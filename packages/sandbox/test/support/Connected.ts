/**
 * A running sandbox and the real Clara client connected to it over HTTPS + mutual TLS (test support).
 */
import {
  ClaraClient,
  ClaraConfig,
  type ClaraError,
  type ClaraItem,
  type ClaraSettings,
  partitionItems
} from "@clara-recon/clara"
import { NodeFileSystem } from "@effect/platform-node"
import { Chunk, Context, Effect, Layer, Stream } from "effect"
import { type SandboxOptions, sandboxClaraSettings, startSandbox } from "../../src/ClaraSandbox.js"
import { tempDirectory } from "./TempDirectory.js"

/** Starts a sandbox of `size` transactions in a temp dir and builds a client over mTLS (settings overridable). */
export const connected = (
  seed: number,
  options: Partial<Pick<SandboxOptions, "faults" | "size">> = {},
  overrides: Partial<ClaraSettings> = {}
) =>
  Effect.gen(function*() {
    const dir = yield* tempDirectory("clara-contract-")
    const sandbox = yield* startSandbox({ seed, size: options.size ?? 30, dir, ...(options.faults ? { faults: options.faults } : {}) })
    const settings = { ...sandboxClaraSettings(sandbox), ...overrides }
    const layer = ClaraClient.layerMtls.pipe(
      Layer.provide(Layer.succeed(ClaraConfig, settings)),
      Layer.provide(NodeFileSystem.layer)
    )
    return { sandbox, settings, client: Context.get(yield* Layer.build(layer), ClaraClient) }
  })

/** The decoded values of a list stream (asserting none failed to decode). */
export const values = <A>(stream: Stream.Stream<ClaraItem<A>, ClaraError>) =>
  Effect.flatMap(Stream.runCollect(stream), (items) => {
    const { errors, values } = partitionItems(Chunk.toReadonlyArray(items))
    return errors.length === 0
      ? Effect.succeed(values)
      : Effect.dieMessage(`decode errors: ${errors.map((e) => e.message).join("; ")}`)
  })
