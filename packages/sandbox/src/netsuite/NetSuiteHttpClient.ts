/**
 * An `HttpClient` for talking to the sandbox's HTTPS emulators without a client certificate (the NetSuite emulator):
 * an undici `Agent` trusting the test CA, provided as `NodeHttpClient.Dispatcher` under
 * `NodeHttpClient.layerUndiciWithoutDispatcher` (style.md §3(2)), destroyed with the layer's scope. For tests, the
 * demo and benchmarks only.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Agent } from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { TestPki } from "../TestPki.js"

/** An `HttpClient` whose TLS trusts only `pki.caCertificate`. */
export const testPkiHttpClient = (pki: Pick<TestPki, "caCertificate">): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(
      Layer.scoped(
        NodeHttpClient.Dispatcher,
        Effect.acquireRelease(
          Effect.sync(() => new Agent({ connect: { ca: pki.caCertificate } })),
          (agent) => Effect.promise(() => agent.destroy())
        )
      )
    )
  )
