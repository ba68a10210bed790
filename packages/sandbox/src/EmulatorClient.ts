/**
 * The real Clara client wired to a running emulator in memory (no files): mutual TLS with the test PKI's client
 * certificate, the emulator's OAuth credentials, and any client knob overridden. For benchmarks and integrators.
 */
import {
  ClaraClient,
  ClaraConfig,
  type ClaraSettingsInput,
  makeClaraSettings,
  mtlsDispatcher
} from "@clara-recon/clara"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { ClaraEmulator } from "./ClaraEmulator.js"
import type { TestPki } from "./TestPki.js"

/**
 * A `ClaraClient` layer reaching `emulator` over mutual TLS with `pki`'s client certificate (trusting its CA), with
 * `overrides` (e.g. `maxConcurrency`, `rateLimit`) applied to the default settings. The undici agent is closed with
 * the layer's scope.
 */
export const emulatorClientLayer = (
  emulator: ClaraEmulator,
  pki: TestPki,
  overrides: Partial<ClaraSettingsInput> = {}
): Layer.Layer<ClaraClient> => {
  const settings = makeClaraSettings({
    baseUrl: emulator.baseUrl,
    clientId: emulator.clientId,
    clientSecret: Redacted.make(emulator.clientSecret),
    certPath: "(in memory)",
    keyPath: "(in memory)",
    ...overrides
  })
  const http = NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(
      mtlsDispatcher({
        cert: pki.client.certificate,
        key: Redacted.make(pki.client.privateKey),
        ca: pki.caCertificate
      })
    )
  )
  return ClaraClient.layer.pipe(Layer.provide(http), Layer.provide(ClaraConfig.layer(settings)))
}
