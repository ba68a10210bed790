/**
 * A fake Clara server behind `HttpClient.make` (style.md §1A Tests): records every request and answers with a
 * handler. Shared by the client tests.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { ClaraClient } from "../src/ClaraClient.js"
import { ClaraConfig, type ClaraSettingsInput, makeClaraSettings } from "../src/ClaraConfig.js"

/** One request as the fake saw it. */
export interface Seen {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A connection-level failure with a Node error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...). */
export interface TransportFailure {
  readonly transportCode: string
}

/** Answers a request: a Web `Response`, a transport failure, or `"hang"` (never answers). */
export type Handler = (request: Seen) => Response | TransportFailure | "hang"

/** A JSON response. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/** Token endpoint answering `tok-1`, `tok-2`, ... (3600 s) and counting calls. */
export const tokenEndpoint = () => {
  let issued = 0
  return {
    get issued() {
      return issued
    },
    handle: (): Response => json({ access_token: `tok-${++issued}`, expires_in: 3600, token_type: "Bearer" })
  }
}

/** Settings for the fake host; retries fast so tests only need small clock adjustments. */
export const testSettings = (overrides: Partial<ClaraSettingsInput> = {}) =>
  makeClaraSettings({
    baseUrl: "https://clara.test",
    clientId: "client-id",
    clientSecret: Redacted.make("client-secret"),
    certPath: "unused.crt",
    keyPath: "unused.key",
    ...overrides
  })

/** The client over a fake transport, with the list of requests it made. */
export const fakeClara = (handler: Handler, overrides: Partial<ClaraSettingsInput> = {}) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      const entry: Seen = {
        method: request.method,
        url: url.toString(),
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body
      }
      seen.push(entry)
      const answer = handler(entry)
      if (answer === "hang") return Effect.never
      if (answer instanceof Response) return Effect.succeed(HttpClientResponse.fromWeb(request, answer))
      const cause = Object.assign(new Error("simulated"), { code: answer.transportCode })
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
    })
  )
  const layer = ClaraClient.layer.pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.provide(ClaraConfig.layer(testSettings(overrides)))
  )
  return { seen, layer, calls: (path: string) => seen.filter((s) => s.path === path).length }
}

/** A minimal valid `TransactionResponseV3`. */
export const wireTransaction = (uuid: string, extra: Record<string, unknown> = {}) => ({
  uuid,
  type: "PURCHASE",
  transactionLabel: "OPENAI SUBSCR",
  status: { code: "OP", description: "AUTHORIZED" },
  amountValue: { value: 3200.5, currency: "MXN" },
  operationDate: "2025-01-15",
  ...extra
})
