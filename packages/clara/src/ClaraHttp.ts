/**
 * Mutual-TLS transport for Clara (clara-api.md §1.2): an undici `Agent` presenting the client certificate and key,
 * trusting the system roots plus the optional CA, provided as `NodeHttpClient.Dispatcher` under
 * `NodeHttpClient.layerUndiciWithoutDispatcher` (style.md §3(2)). Give it only to the Clara client.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Agent } from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Tls from "node:tls"
import { ClaraConfig, type ClaraSettings } from "./ClaraConfig.js"
import { ClaraConfigError } from "./ClaraError.js"

/** PEM texts of the client certificate, its private key (redacted) and the optional extra CA. */
export interface ClaraTlsMaterial {
  readonly cert: string
  readonly key: Redacted.Redacted<string>
  readonly ca?: string
}

const readPem = (fs: FileSystem.FileSystem, path: string, setting: string, marker: RegExp) =>
  fs.readFileString(path).pipe(
    Effect.mapError((cause) =>
      new ClaraConfigError({ setting, path, description: `cannot read the file: ${cause.message}`, cause })
    ),
    Effect.filterOrFail(
      (text) => marker.test(text),
      () => new ClaraConfigError({ setting, path, description: `not a PEM file (no ${marker.source} block)` })
    )
  )

const CERT = /-----BEGIN CERTIFICATE-----/
const KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/

/**
 * Reads the PEM files named by `certPath`, `keyPath` and `caPath` and checks that the certificate and key form a
 * pair. Fails with `ClaraConfigError` naming the setting and file when one is unreadable or invalid.
 */
export const readTlsMaterial = (
  settings: Pick<ClaraSettings, "certPath" | "keyPath" | "caPath">
): Effect.Effect<ClaraTlsMaterial, ClaraConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const cert = yield* readPem(fs, settings.certPath, "CLARA_CERT", CERT)
    const key = yield* readPem(fs, settings.keyPath, "CLARA_KEY", KEY)
    const ca = settings.caPath === undefined ? undefined : yield* readPem(fs, settings.caPath, "CLARA_CA", CERT)
    yield* Effect.try({
      try: () => Tls.createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) }),
      catch: (cause) =>
        new ClaraConfigError({
          setting: "CLARA_CERT",
          path: settings.certPath,
          description: `the certificate and the key ${settings.keyPath} are not a usable pair: ${
            cause instanceof Error ? cause.message : "unknown TLS error"
          }`
        })
    })
    return { cert, key: Redacted.make(key), ...(ca === undefined ? {} : { ca }) }
  })

/**
 * An undici dispatcher presenting the client certificate, destroyed when the layer's scope closes. A configured CA is
 * trusted in addition to the system roots, so pre-signed download hosts (S3) still verify over the same agent.
 */
export const mtlsDispatcher = (tls: ClaraTlsMaterial): Layer.Layer<NodeHttpClient.Dispatcher> =>
  Layer.scoped(
    NodeHttpClient.Dispatcher,
    Effect.acquireRelease(
      Effect.sync(() =>
        new Agent({
          connect: {
            // one secure context for every connection: parsing the key and ~140 root certificates per TLS
            // handshake cost the client more CPU than decoding a page of 100 transactions
            secureContext: Tls.createSecureContext({
              cert: tls.cert,
              key: Redacted.value(tls.key),
              ...(tls.ca === undefined ? {} : { ca: [...Tls.rootCertificates, tls.ca] })
            })
          }
        })
      ),
      (agent) => Effect.promise(() => agent.destroy())
    )
  )

/** An `HttpClient` over mutual TLS, from the `ClaraConfig` file paths. */
export const ClaraHttpLive: Layer.Layer<HttpClient.HttpClient, ClaraConfigError, ClaraConfig | FileSystem.FileSystem> =
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.unwrapEffect(Effect.map(Effect.flatMap(ClaraConfig, readTlsMaterial), mtlsDispatcher)))
  )
