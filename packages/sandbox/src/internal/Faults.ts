/**
 * Fault injection of the Clara emulator (clara-api.md §5.7): per route pattern, for a seeded share of the matching
 * requests, answer 429 with `Retry-After`, a 5xx, add latency, reset the connection, cut the body short, or treat the
 * bearer token as expired (401, token forgotten). Deterministic for a seed and a request order.
 */
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import { Prng } from "@clara-recon/domain"
import { failure } from "./Replies.js"

/** What happens to a request hit by a fault. */
export type Fault =
  /** Answer with this status (429, 500, 502, 503, 504, ...) and Clara's error body; 429 gets `Retry-After`. */
  | { readonly kind: "status"; readonly status: number; readonly retryAfterSeconds?: number }
  /** Wait this long (effect `Clock`) before handling the request normally. */
  | { readonly kind: "latency"; readonly millis: number }
  /** Destroy the connection without answering. */
  | { readonly kind: "reset" }
  /** Send the status, headers (full `content-length`) and half of the body, then destroy the connection. */
  | { readonly kind: "truncate" }
  /** Forget the request's bearer token and answer 401, as if it had just expired. */
  | { readonly kind: "expireToken" }

/** One fault rule. */
export interface FaultRule {
  /**
   * Which requests: `"METHOD /path"` or `"/path"`, where `*` matches any run of characters
   * (`GET /api/v3/transactions*`). Default every `/api` request.
   */
  readonly route?: string
  readonly fault: Fault
  /** Share of the matching requests hit, drawn from the seeded PRNG; default 1 (every one). */
  readonly rate?: number
  /** Matching requests let through before the rule applies; default 0. */
  readonly after?: number
  /** Most requests hit; default unlimited. */
  readonly times?: number
}

/** The faults of an emulator. */
export interface FaultOptions {
  /** Answer every Nth `/api` request (counted across all `/api` routes) with 429 and `Retry-After: 1`. */
  readonly rateLimitEvery?: number
  readonly rules?: ReadonlyArray<FaultRule>
  /** Seed of the PRNG behind `rate`; default 1. */
  readonly seed?: number
}

/** A compiled rule and its counters. */
interface LiveRule {
  readonly rule: FaultRule
  readonly method: string | undefined
  readonly path: RegExp
  seen: number
  hits: number
}

/** The fault state of one emulator. */
export interface Faults {
  /** The fault for this request, if one applies (counters advance). */
  readonly pick: (method: string, path: string, apiRequestNumber: number) => Fault | undefined
}

const compile = (rule: FaultRule): LiveRule => {
  const pattern = rule.route ?? "/api/*"
  const space = pattern.indexOf(" ")
  const method = space > 0 ? pattern.slice(0, space).toUpperCase() : undefined
  const glob = space > 0 ? pattern.slice(space + 1) : pattern
  const source = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")
  return { rule, method, path: new RegExp(`^${source}$`), seen: 0, hits: 0 }
}

/** Builds the fault state from the options (none: never a fault). */
export const makeFaults = (options: FaultOptions | undefined): Faults => {
  const rules = (options?.rules ?? []).map(compile)
  const prng = new Prng(options?.seed ?? 1)
  const every = options?.rateLimitEvery
  return {
    pick: (method, path, n) => {
      if (every !== undefined && n % every === 0) return { kind: "status", status: 429, retryAfterSeconds: 1 }
      for (const live of rules) {
        if (live.method !== undefined && live.method !== method.toUpperCase()) continue
        if (!live.path.test(path)) continue
        live.seen += 1
        if (live.seen <= (live.rule.after ?? 0)) continue
        if (live.rule.times !== undefined && live.hits >= live.rule.times) continue
        if (live.rule.rate !== undefined && live.rule.rate < 1 && !prng.chance(live.rule.rate)) continue
        live.hits += 1
        return live.rule.fault
      }
      return undefined
    }
  }
}

/** The answer of a status fault. */
export const statusFault = (fault: { readonly status: number; readonly retryAfterSeconds?: number }) => {
  const response = failure(
    fault.status,
    fault.status === 429 ? "TOO_MANY_REQUESTS" : "SERVER_ERROR",
    fault.status === 429 ? "Too many requests" : "Injected server error"
  )
  return fault.status === 429
    ? HttpServerResponse.setHeader(response, "retry-after", String(fault.retryAfterSeconds ?? 1))
    : response
}

/** Destroys the request's connection; the returned response is never written (the node response is ended). */
export const resetConnection = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.sync(() => {
    const response = NodeHttpServerRequest.toServerResponse(request)
    NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()
    response.end()
    return HttpServerResponse.empty({ status: 599 })
  })

/**
 * Writes the status, headers (with the full `content-length`) and the first half of `response`'s body, then destroys
 * the connection, so the client sees the body cut short.
 */
export const truncateResponse = (
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
) =>
  Effect.sync(() => {
    const body = response.body._tag === "Uint8Array" ? response.body.body : new TextEncoder().encode("{}")
    const node = NodeHttpServerRequest.toServerResponse(request)
    node.writeHead(response.status, {
      ...response.headers,
      "content-type": "application/json",
      "content-length": String(body.length)
    })
    node.write(body.subarray(0, Math.floor(body.length / 2)), () => {
      node.socket?.destroy()
    })
    node.end()
    return HttpServerResponse.empty({ status: 598 })
  })
