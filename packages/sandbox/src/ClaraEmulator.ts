/**
 * A Clara API emulator on 127.0.0.1 over HTTPS with mutual TLS (clara-api.md §1.2): only clients presenting a
 * certificate signed by the test CA can connect. It serves one `Scenario` through the OAuth token endpoint and the v3
 * transaction endpoints, cards and users (§2.0, §2.1), with Clara's error bodies (§3.12, §5.7) and optional 429
 * faults. Writes (comments, labels, card lock and threshold) change what later reads return.
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { randomBytes } from "node:crypto"
import * as https from "node:https"
import { claraApi } from "./internal/ClaraApi.js"
import type { EmulatorState, RequestRecord } from "./internal/EmulatorState.js"
import { type FaultOptions, makeFaults } from "./internal/Faults.js"
import { makeLegacyStore } from "./internal/LegacyApi.js"
import { type ExtendedOptions, makeExtendedState, type WebhookDelivery } from "./internal/ExtendedState.js"
import { makeUrlSigner } from "./internal/UrlSigner.js"
import { EmulatorError } from "./SandboxError.js"
import type { Scenario } from "./Scenario.js"
import type { TestPki } from "./TestPki.js"

export type { RequestRecord } from "./internal/EmulatorState.js"
export type { ExtendedOptions, WebhookDelivery } from "./internal/ExtendedState.js"
export type { Fault, FaultOptions, FaultRule } from "./internal/Faults.js"

/** Options of `startClaraEmulator`. */
export interface ClaraEmulatorOptions {
  readonly scenario: Scenario
  readonly pki: TestPki
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number
  /** OAuth client id; default the PKI's client id. */
  readonly clientId?: string
  /** OAuth client secret; default a random one. */
  readonly clientSecret?: string
  /**
   * Fault injection: `rateLimitEvery` (every Nth `/api` request answers 429 with `Retry-After: 1`) and per-route
   * `rules` (429 with `Retry-After`, 5xx, added latency, connection reset, truncated body, token expiry), each hitting
   * a share `rate` of its matching requests drawn from `seed`.
   */
  readonly faults?: FaultOptions
  /**
   * Bulk card operations (`bulkDelay` before they complete, default 200 ms), webhook signing (`webhookSecret`: the
   * non-Clara HMAC `t=,v1=` scheme, off by default) and the digital-account answer shape (`digitalAccountsShape`).
   */
  readonly extended?: ExtendedOptions
}

/** A running emulator. `baseUrl` is `https://127.0.0.1:<port>` with no trailing slash and no `/api`. */
export interface ClaraEmulator {
  readonly baseUrl: string
  readonly port: number
  readonly clientId: string
  readonly clientSecret: string
  /** Every request served so far, in order: method, path without query, status. */
  readonly requests: () => ReadonlyArray<RequestRecord>
  /** Every webhook POST made to the subscribers so far, in order (event, target, body, answer status or error). */
  readonly webhookDeliveries: () => ReadonlyArray<WebhookDelivery>
}

/**
 * Starts the emulator in the current scope; it stops (open connections included) when the scope closes.
 *
 * Routes: `POST /oauth/token` (Basic client id/secret, form `grant_type=client_credentials`, 3600 s bearer tokens
 * whose expiry follows the effect `Clock`); `GET /api/v3/transactions` (Spring page, `page`, `size` 1-100, date range
 * filters), `/api/v3/transactions/{uuid}`, `.../invoices` (with pre-signed `download` links valid 12 h),
 * `.../extracted-documents`, `.../documents`; `POST .../{uuid}/comment` (201), `DELETE .../{uuid}/comment` (204),
 * `POST /api/v3/transactions/comments/bulk` and `.../labels/bulk` (reflected by the transaction reads);
 * `GET /api/v3/cards` (filters of §2.1, 20 a page), `/api/v3/cards/{uuid}` (with `numberOnCard` and `cvv`, as Clara),
 * `PATCH .../{uuid}/lock` (`lockCode` 16, 202) and `.../threshold` (422 `B013` over the credit line; cancelled cards
 * 422); `GET /api/v3/users` (50 a page) and `/api/v3/users/{uuid}`; and `/files/...` downloads (no token, signature
 * checked, 403 otherwise).
 * Errors: 400 `VALIDATION_ERROR`, 401 `UNAUTHORIZED`, 403 `FORBIDDEN` (foreign `X-Tax-Identifier`), 404 `NOT_FOUND`,
 * 429 when `faults.rateLimitEvery` is set, and whatever `faults.rules` inject per route. Also the synchronous v3 card
 * writes (create 201, cancel 204, cancel many, configurations) and user writes (create 201, PATCH, DELETE 204), and the
 * v2 / v1 directory, card and transaction routes (`internal/DirectoryWritesApi.ts`, `internal/LegacyApi.ts`). Fails with `EmulatorError` when it cannot listen (port taken).
 * Transaction list pages are kept as the bytes sent (`internal/PageCache.ts`, up to 256 MB), so a list read again is
 * not serialised again; a page holding a record changed by a write is rebuilt on every read.
 */
export const startClaraEmulator = (
  options: ClaraEmulatorOptions
): Effect.Effect<ClaraEmulator, EmulatorError, Scope.Scope> =>
  Effect.gen(function*() {
    // bulk operations complete in fibers of the emulator's scope, interrupted when it stops
    const runBackground = yield* FiberSet.makeRuntime<never, void, never>()
    const state: EmulatorState = {
      scenario: options.scenario,
      clientId: options.clientId ?? options.pki.clientId,
      clientSecret: options.clientSecret ?? randomBytes(24).toString("base64url"),
      faults: makeFaults(options.faults),
      signer: makeUrlSigner(),
      tokens: new Map(),
      log: [],
      apiRequests: 0,
      directory: {
        cards: new Map(options.scenario.cards.map((c) => [c.card.uuid, c])),
        users: new Map(options.scenario.users.map((u) => [u.uuid, u])),
        configurations: new Map()
      },
      legacy: makeLegacyStore(),
      edits: { comments: new Map(), labels: new Map() },
      extended: makeExtendedState((effect) => void runBackground(effect), options.extended ?? {})
    }
    const server = https.createServer({
      key: options.pki.server.privateKey,
      cert: options.pki.server.certificate,
      ca: options.pki.caCertificate,
      requestCert: true,
      rejectUnauthorized: true
    })
    const serverLayer = NodeHttpServer.layer(() => server, { port: options.port ?? 0, host: "127.0.0.1" })
    const listening = HttpServer.serve(claraApi(state)).pipe(Layer.provideMerge(serverLayer))
    const context = yield* Layer.build(listening).pipe(
      Effect.mapError((cause) =>
        new EmulatorError({ message: `could not listen on 127.0.0.1:${options.port ?? 0}`, cause })
      )
    )
    // keep-alive connections would hold the server's close open: drop them first (finalizers run last-in first-out)
    yield* Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
    const address = Context.get(context, HttpServer.HttpServer).address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return {
      baseUrl: `https://127.0.0.1:${port}`,
      port,
      clientId: state.clientId,
      clientSecret: state.clientSecret,
      requests: () => [...state.log],
      webhookDeliveries: () => [...state.extended.deliveries]
    }
  })
