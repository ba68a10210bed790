/**
 * A NetSuite SuiteTalk REST emulator on 127.0.0.1 over HTTPS (erp.md §4 "fakesuite"), speaking HTTP only: the
 * OAuth 2.0 M2M token endpoint (client assertion checked against registered certificates), TBA signatures recomputed
 * independently, the record routes of `journalEntry`, `creditCardCharge` and `vendorBill` (create -> 204 + `Location`,
 * get by id or `eid:`), validation with `o:errorDetails`, externalId uniqueness, closed periods, a concurrency limit
 * answered with 429, a SuiteQL subset with paging, and chaos modes for idempotency tests (commit then drop the
 * connection, 500 after commit, slow response) drawn from a seeded PRNG.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { IncomingMessage, ServerResponse } from "node:http"
import * as https from "node:https"
import { randomBytes } from "node:crypto"
import { Prng } from "@clara-recon/domain"
import { EmulatorError } from "../SandboxError.js"
import type { TestPki } from "../TestPki.js"
import { checkClientAssertion, checkTba, type M2mRegistration, type TbaRegistration } from "./NetSuiteAuth.js"
import { defaultNetSuiteCatalog, type NetSuiteCatalog } from "./NetSuiteCatalog.js"
import {
  idOf,
  nsError,
  type NsErrorDetail,
  type NsRecordType,
  readRepresentation,
  recordTypes,
  type StoredRecord,
  validateRecord
} from "./NetSuiteRecords.js"
import { parseSuiteQl, runSuiteQl } from "./NetSuiteSuiteQl.js"

/** Chaos applied to record creates, one seeded draw per create (probabilities in [0, 1], summed at most 1). */
export interface NetSuiteChaos {
  /** PRNG seed (default 1). */
  readonly seed?: number
  /** Commit the record, then destroy the connection without answering. */
  readonly dropAfterCommit?: number
  /** Commit the record, then answer 500 `UNEXPECTED_ERROR`. */
  readonly errorAfterCommit?: number
  /** Wait `slowMs` before processing the create (the client may time out first). */
  readonly slow?: number
  /** Delay of a slow create in ms (default 2000). */
  readonly slowMs?: number
}

/** Options of {@link startNetSuiteEmulator}. */
export interface NetSuiteEmulatorOptions {
  /** Only the server certificate and the CA are used (NetSuite needs no client certificate). */
  readonly pki: TestPki
  /** Account id (default `1234567_SB1`); the TBA realm is its upper-case `_` form. */
  readonly accountId?: string
  readonly port?: number
  readonly catalog?: NetSuiteCatalog
  readonly tba?: ReadonlyArray<TbaRegistration>
  readonly m2m?: ReadonlyArray<M2mRegistration>
  /** Requests in flight on the REST routes beyond which NetSuite answers 429 (default 5, a developer account). */
  readonly concurrencyLimit?: number
  /** `Retry-After` seconds on a 429 (NetSuite documents none; default none). */
  readonly retryAfterSeconds?: number
  /** Processing time of every REST request, in ms (default 0): makes requests overlap. */
  readonly latencyMs?: number
  /** Refuse a create whose externalId exists (default true, as NetSuite). */
  readonly uniqueExternalIds?: boolean
  readonly chaos?: NetSuiteChaos
  /** The emulator's clock in epoch ms (default `Date.now`): token expiry, TBA timestamps, JWT times. */
  readonly now?: () => number
}

/** Counters of what the emulator did. */
export interface NetSuiteEmulatorStats {
  readonly creates: number
  readonly committed: number
  readonly droppedAfterCommit: number
  readonly errorsAfterCommit: number
  readonly slowCreates: number
  readonly rateLimited: number
  readonly duplicatesRefused: number
  readonly authFailures: number
  readonly tokensIssued: number
}

/** A running emulator. */
export interface NetSuiteEmulator {
  /** `https://127.0.0.1:<port>`, no trailing slash: the adapter's `baseUrl`. */
  readonly baseUrl: string
  readonly port: number
  readonly accountId: string
  readonly realm: string
  readonly catalog: NetSuiteCatalog
  /** Every record created so far, in creation order. */
  readonly records: () => ReadonlyArray<StoredRecord>
  /** How many records carry each externalId (more than 1 only when `uniqueExternalIds` is false). */
  readonly countByExternalId: () => ReadonlyMap<string, number>
  readonly stats: () => NetSuiteEmulatorStats
  /** Highest number of REST requests in flight at once. */
  readonly peakInFlight: () => number
}

const TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
const RECORD_PREFIX = "/services/rest/record/v1/"
const SUITEQL_PATH = "/services/rest/query/v1/suiteql"
const TOKEN_TTL_SECONDS = 3600

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers
  })
  res.end(text)
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Starts the emulator in the current scope (stopped, connections included, when the scope closes).
 *
 * Routes: `POST /services/rest/auth/oauth2/v1/token` (form `grant_type=client_credentials`, JWT client assertion;
 * 3600 s opaque bearer tokens); `POST /services/rest/record/v1/{type}` (204 + `Location`), `GET .../{type}/{id}`
 * and `.../{type}/eid:{externalId}` (`expandSubResources=true` expands sublists); `POST /services/rest/query/v1/suiteql`
 * (`Prefer: transient` required, `limit` <= 1000, `offset` a multiple of `limit`). Errors are `nsError` bodies: 401
 * `INVALID_LOGIN`, 400 with `o:errorPath`, 404 `NONEXISTENT_ID`, 429 `CONCURRENCY_LIMIT_EXCEEDED`, 500
 * `UNEXPECTED_ERROR`. Fails with `EmulatorError` when it cannot listen.
 */
export const startNetSuiteEmulator = (
  options: NetSuiteEmulatorOptions
): Effect.Effect<NetSuiteEmulator, EmulatorError, Scope.Scope> =>
  Effect.gen(function*() {
    const accountId = options.accountId ?? "1234567_SB1"
    const realm = accountId.toUpperCase().replace(/-/g, "_")
    const catalog = options.catalog ?? defaultNetSuiteCatalog()
    const now = options.now ?? Date.now
    const limit = options.concurrencyLimit ?? 5
    const unique = options.uniqueExternalIds ?? true
    const chaos = options.chaos ?? {}
    const prng = new Prng(chaos.seed ?? 1)
    const tokens = new Map<string, number>()
    const nonces = new Set<string>()
    const records: Array<StoredRecord> = []
    const byId = new Map<number, StoredRecord>()
    const byExternalId = new Map<string, Array<StoredRecord>>()
    let nextId = 5000
    let inFlight = 0
    let peak = 0
    const stats = {
      creates: 0,
      committed: 0,
      droppedAfterCommit: 0,
      errorsAfterCommit: 0,
      slowCreates: 0,
      rateLimited: 0,
      duplicatesRefused: 0,
      authFailures: 0,
      tokensIssued: 0
    }
    let baseUrl = ""

    const invalidLogin = (res: ServerResponse) => {
      stats.authFailures++
      json(res, 401, nsError(401, "Unauthorized", [{
        detail: "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI.",
        "o:errorCode": "INVALID_LOGIN"
      }]))
    }

    const authenticated = (req: IncomingMessage, url: URL): boolean => {
      const header = req.headers.authorization
      if (header !== undefined && /^Bearer\s/i.test(header)) {
        const expiry = tokens.get(header.slice(7).trim())
        return expiry !== undefined && expiry > now()
      }
      return checkTba({
        header,
        method: req.method ?? "GET",
        baseUri: `https://${(req.headers.host ?? "").toLowerCase()}${url.pathname}`,
        query: url.search.startsWith("?") ? url.search.slice(1) : url.search,
        realm,
        registrations: options.tba ?? [],
        seen: nonces,
        nowSeconds: Math.floor(now() / 1000)
      }) === undefined
    }

    const token = async (req: IncomingMessage, res: ServerResponse) => {
      const form = new URLSearchParams(await readBody(req))
      const oauthError = (status: number, error: string, description: string) => {
        stats.authFailures++
        json(res, status, { error, error_description: description })
      }
      if (form.get("grant_type") !== "client_credentials") {
        return oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials")
      }
      if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        return oauthError(400, "invalid_request", "client_assertion_type must be jwt-bearer")
      }
      const checked = await checkClientAssertion({
        assertion: form.get("client_assertion") ?? "",
        audience: `${baseUrl}${TOKEN_PATH}`,
        registrations: options.m2m ?? [],
        nowSeconds: Math.floor(now() / 1000)
      })
      if ("error" in checked) return oauthError(checked.error === "invalid_client" ? 401 : 400, checked.error, checked.description)
      const accessToken = randomBytes(32).toString("base64url")
      tokens.set(accessToken, now() + TOKEN_TTL_SECONDS * 1000)
      stats.tokensIssued++
      json(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: TOKEN_TTL_SECONDS })
    }

    const commit = (recordType: NsRecordType, body: Record<string, unknown>): StoredRecord => {
      const externalId = typeof body["externalId"] === "string" ? body["externalId"] : undefined
      const record: StoredRecord = { id: nextId++, recordType, externalId, body }
      records.push(record)
      byId.set(record.id, record)
      if (externalId !== undefined) byExternalId.set(externalId, [...(byExternalId.get(externalId) ?? []), record])
      stats.committed++
      return record
    }

    const badRequest = (res: ServerResponse, details: ReadonlyArray<NsErrorDetail>) =>
      json(res, 400, nsError(400, "Bad Request", details))

    const create = async (req: IncomingMessage, res: ServerResponse, recordType: NsRecordType) => {
      stats.creates++
      const text = await readBody(req)
      const draw = prng.next()
      const drop = chaos.dropAfterCommit ?? 0
      const fail = drop + (chaos.errorAfterCommit ?? 0)
      const slow = fail + (chaos.slow ?? 0)
      if (draw >= fail && draw < slow) {
        stats.slowCreates++
        await sleep(chaos.slowMs ?? 2000)
      }
      let body: Record<string, unknown>
      try {
        const parsed: unknown = JSON.parse(text)
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object")
        body = parsed as Record<string, unknown>
      } catch {
        return badRequest(res, [{ detail: "The request body is not a JSON object.", "o:errorCode": "INVALID_CONTENT" }])
      }
      const strict = String(req.headers["x-netsuite-propertynamevalidation"] ?? "").toLowerCase() === "error"
      const details = validateRecord(recordType, body, catalog, strict)
      if (details.length > 0) return badRequest(res, details)
      const externalId = typeof body["externalId"] === "string" ? body["externalId"] : undefined
      if (unique && externalId !== undefined && byExternalId.has(externalId)) {
        stats.duplicatesRefused++
        return badRequest(res, [{
          detail: `This record already exists: a transaction with external ID ${externalId} exists.`,
          "o:errorCode": "USER_ERROR",
          "o:errorPath": "externalId"
        }])
      }
      // NetSuite's duplicate reference number check (set to an error): one vendor's bills never share a tranId
      const tranId = body["tranId"]
      const vendor = idOf(body["entity"])
      const sameReference = (r: StoredRecord) =>
        r.recordType === "vendorBill" && r.body["tranId"] === tranId && idOf(r.body["entity"]) === vendor
      if (recordType === "vendorBill" && tranId !== undefined && vendor !== undefined && records.some(sameReference)) {
        return badRequest(res, [{
          detail: "You have entered a duplicate reference number for this vendor.",
          "o:errorCode": "USER_ERROR",
          "o:errorPath": "tranId"
        }])
      }
      const record = commit(recordType, body)
      if (draw < drop) {
        stats.droppedAfterCommit++
        req.socket.destroy()
        return
      }
      if (draw < fail) {
        stats.errorsAfterCommit++
        return json(res, 500, nsError(500, "Internal Server Error", [{
          detail: "An unexpected error occurred. Error ID: emulator-chaos",
          "o:errorCode": "UNEXPECTED_ERROR"
        }]))
      }
      res.writeHead(204, { location: `${baseUrl}${RECORD_PREFIX}${recordType}/${record.id}` })
      res.end()
    }

    const read = (res: ServerResponse, url: URL, recordType: NsRecordType, key: string) => {
      const found = key.startsWith("eid:") ?
        byExternalId.get(key.slice(4))?.find((r) => r.recordType === recordType) :
        /^\d+$/.test(key) ? byId.get(Number(key)) : undefined
      if (found === undefined || found.recordType !== recordType) {
        return json(res, 404, nsError(404, "Record Not Found", [{
          detail: `The record instance does not exist. Provide a valid record instance ID.`,
          "o:errorCode": "NONEXISTENT_ID"
        }]))
      }
      const self = `${baseUrl}${RECORD_PREFIX}${recordType}/${found.id}`
      json(res, 200, readRepresentation(found, catalog, self, url.searchParams.get("expandSubResources") === "true"))
    }

    const suiteQl = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      const text = await readBody(req)
      const invalid = (detail: string) =>
        badRequest(res, [{ detail, "o:errorCode": "INVALID_PARAMETER" }])
      if (!/\btransient\b/i.test(String(req.headers["prefer"] ?? ""))) {
        return invalid("SuiteQL requests need the header Prefer: transient.")
      }
      const limit = Number(url.searchParams.get("limit") ?? "1000")
      const offset = Number(url.searchParams.get("offset") ?? "0")
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return invalid("The limit must be between 1 and 1000.")
      if (!Number.isInteger(offset) || offset < 0 || offset % limit !== 0) {
        return invalid("The offset must be a multiple of the limit.")
      }
      let q: unknown
      try {
        q = (JSON.parse(text) as { q?: unknown }).q
      } catch {
        q = undefined
      }
      if (typeof q !== "string") return invalid("The body must be a JSON object with the query in q.")
      const parsed = parseSuiteQl(q)
      if (typeof parsed === "string") return invalid(parsed)
      const rows = runSuiteQl(parsed, catalog, records)
      if (typeof rows === "string") return invalid(rows)
      const page = rows.slice(offset, offset + limit)
      json(res, 200, {
        links: [],
        count: page.length,
        hasMore: offset + limit < rows.length,
        items: page.map((row) => ({ links: [], ...row })),
        offset,
        totalResults: rows.length
      })
    }

    const rest = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      if (!authenticated(req, url)) return invalidLogin(res)
      if (inFlight >= limit) {
        stats.rateLimited++
        return json(res, 429, nsError(429, "Too Many Requests", [{
          detail: "Concurrent request limit exceeded. Request blocked.",
          "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED"
        }]), options.retryAfterSeconds === undefined ? {} : { "retry-after": String(options.retryAfterSeconds) })
      }
      inFlight++
      peak = Math.max(peak, inFlight)
      try {
        if ((options.latencyMs ?? 0) > 0) await sleep(options.latencyMs!)
        if (url.pathname === SUITEQL_PATH && req.method === "POST") return await suiteQl(req, res, url)
        const [type, key, ...more] = url.pathname.slice(RECORD_PREFIX.length).split("/")
        if (type === undefined || !recordTypes.has(type) || more.length > 0) {
          return json(res, 404, nsError(404, "Not Found", [{
            detail: `Record type or path ${url.pathname} is not served by the emulator.`,
            "o:errorCode": "INVALID_URL"
          }]))
        }
        if (req.method === "POST" && (key === undefined || key === "")) return await create(req, res, type as NsRecordType)
        if (req.method === "GET" && key !== undefined && key !== "") {
          return read(res, url, type as NsRecordType, decodeURIComponent(key))
        }
        json(res, 405, nsError(405, "Method Not Allowed", [{ detail: "Method not allowed.", "o:errorCode": "INVALID_METHOD" }]))
      } finally {
        inFlight--
      }
    }

    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", baseUrl)
      const routed = url.pathname === TOKEN_PATH && req.method === "POST" ?
        token(req, res) :
        url.pathname.startsWith(RECORD_PREFIX) || url.pathname === SUITEQL_PATH ?
        rest(req, res, url) :
        Promise.resolve(json(res, 404, nsError(404, "Not Found", [{ detail: "Not found.", "o:errorCode": "INVALID_URL" }])))
      routed.catch(() => {
        if (!res.headersSent) json(res, 500, nsError(500, "Internal Server Error", []))
      })
    }

    const server = https.createServer({ key: options.pki.server.privateKey, cert: options.pki.server.certificate }, handle)
    const port = yield* Effect.acquireRelease(
      Effect.async<number, EmulatorError>((resume) => {
        const onError = (cause: Error) =>
          resume(Effect.fail(new EmulatorError({ message: `could not listen on 127.0.0.1:${options.port ?? 0}`, cause })))
        server.once("error", onError)
        server.listen(options.port ?? 0, "127.0.0.1", () => {
          server.off("error", onError)
          const address = server.address()
          resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    baseUrl = `https://127.0.0.1:${port}`
    return {
      baseUrl,
      port,
      accountId,
      realm,
      catalog,
      records: () => [...records],
      countByExternalId: () => new Map([...byExternalId].map(([k, v]) => [k, v.length])),
      stats: () => ({ ...stats }),
      peakInFlight: () => peak
    }
  })
