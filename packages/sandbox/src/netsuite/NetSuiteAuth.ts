/**
 * The emulator's side of NetSuite authentication (erp.md §1.9, §4 item 1), written independently of any client:
 * it re-derives the OAuth 1.0a HMAC-SHA256 signature from the request as received (RFC 5849 §3.4.1: form-decoded
 * query parameters plus protocol parameters, realm and signature excluded, RFC 3986 encoding, sort by encoded name
 * then value) and checks the OAuth 2.0 M2M client assertion (signature with the registered certificate, `kid`, `iss`,
 * `aud`, `scope`, `exp - iat <= 3600`, `alg` PS* or ES*).
 */
import * as jose from "jose"
import { createHmac, createPublicKey, type KeyObject, timingSafeEqual } from "node:crypto"

/** TBA credentials registered in the emulator (an integration record plus one access token). */
export interface TbaRegistration {
  readonly consumerKey: string
  readonly consumerSecret: string
  readonly tokenId: string
  readonly tokenSecret: string
}

/** An M2M mapping: the integration's client id, the certificate id NetSuite issued, the public certificate or key. */
export interface M2mRegistration {
  readonly clientId: string
  readonly certificateId: string
  /** PEM: an X.509 certificate or an SPKI public key. */
  readonly publicKey: string
}

/** RFC 3986 §2.1 percent-encoding of UTF-8 bytes; only `A-Z a-z 0-9 - . _ ~` stay as they are (RFC 5849 §3.6). */
export const rfc3986 = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (byte) => {
    const c = String.fromCharCode(byte)
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }).join("")

/** Parses `OAuth k="v", ...` into decoded name/value pairs; `undefined` when the header is not an OAuth header. */
export const parseOAuthHeader = (header: string | undefined): Map<string, string> | undefined => {
  if (header === undefined || !/^OAuth\s/i.test(header)) return undefined
  const params = new Map<string, string>()
  const pattern = /([A-Za-z0-9_\-.~%]+)\s*=\s*"([^"]*)"/g
  for (const m of header.slice(6).matchAll(pattern)) params.set(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!))
  return params
}

/**
 * The signature base string of a request as the emulator sees it: `method`, the base URI (`https://host[:port]`
 * lower-case, path as received) and the parameters of `query` (raw query string, form-decoded) and `protocol`
 * (`realm` and `oauth_signature` excluded).
 */
export const signatureBaseString = (
  method: string,
  baseUri: string,
  query: string,
  protocol: ReadonlyMap<string, string>
): string => {
  const pairs: Array<[string, string]> = []
  for (const [name, value] of new URLSearchParams(query)) pairs.push([rfc3986(name), rfc3986(value)])
  for (const [name, value] of protocol) {
    if (name !== "realm" && name !== "oauth_signature") pairs.push([rfc3986(name), rfc3986(value)])
  }
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  const normalized = pairs.map(([n, v]) => `${n}=${v}`).join("&")
  return `${method.toUpperCase()}&${rfc3986(baseUri)}&${rfc3986(normalized)}`
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a, "utf8")
  const y = Buffer.from(b, "utf8")
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Why a TBA request was refused (emulator diagnostics; the client only ever sees 401 INVALID_LOGIN). */
export type TbaRefusal =
  | "no OAuth header"
  | "wrong realm"
  | "unsupported signature method"
  | "unknown consumer or token"
  | "nonce too short"
  | "stale timestamp"
  | "replayed nonce"
  | "bad signature"

/**
 * Checks one TBA request. `seen` holds the `(nonce, timestamp)` pairs already used; `nowSeconds` the emulator's clock
 * (timestamps more than 300 s away are refused). Returns `undefined` when the request is authentic.
 */
export const checkTba = (input: {
  readonly header: string | undefined
  readonly method: string
  readonly baseUri: string
  readonly query: string
  readonly realm: string
  readonly registrations: ReadonlyArray<TbaRegistration>
  readonly seen: Set<string>
  readonly nowSeconds: number
}): TbaRefusal | undefined => {
  const params = parseOAuthHeader(input.header)
  if (params === undefined) return "no OAuth header"
  if (params.get("realm") !== input.realm) return "wrong realm"
  if (params.get("oauth_signature_method") !== "HMAC-SHA256") return "unsupported signature method"
  const registration = input.registrations.find((r) =>
    r.consumerKey === params.get("oauth_consumer_key") && r.tokenId === params.get("oauth_token")
  )
  if (registration === undefined) return "unknown consumer or token"
  const nonce = params.get("oauth_nonce") ?? ""
  if (nonce.length < 6) return "nonce too short"
  const timestamp = Number(params.get("oauth_timestamp"))
  if (!Number.isInteger(timestamp) || Math.abs(timestamp - input.nowSeconds) > 300) return "stale timestamp"
  const base = signatureBaseString(input.method, input.baseUri, input.query, params)
  const key = `${rfc3986(registration.consumerSecret)}&${rfc3986(registration.tokenSecret)}`
  const expected = createHmac("sha256", key).update(base, "utf8").digest("base64")
  if (!sameText(expected, params.get("oauth_signature") ?? "")) return "bad signature"
  const once = `${nonce}:${timestamp}`
  if (input.seen.has(once)) return "replayed nonce"
  input.seen.add(once)
  return undefined
}

const ALGORITHMS = ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]

/** Loads the public key of an M2M registration (certificate or SPKI PEM). */
export const publicKeyOf = (registration: M2mRegistration): KeyObject => createPublicKey(registration.publicKey)

/**
 * Verifies a client assertion against the registrations: the `kid` names one, the signature verifies with its key,
 * `iss` is its client id, `aud` is `audience`, `exp` is in the future and at most 3600 s after `iat`, `scope` includes
 * `rest_webservices`. Resolves to the client id, or to an OAuth error code with a description.
 */
export const checkClientAssertion = async (input: {
  readonly assertion: string
  readonly audience: string
  readonly registrations: ReadonlyArray<M2mRegistration>
  readonly nowSeconds: number
}): Promise<{ readonly clientId: string } | { readonly error: string; readonly description: string }> => {
  let kid: string | undefined
  let alg: string | undefined
  try {
    const header = jose.decodeProtectedHeader(input.assertion)
    kid = header.kid
    alg = header.alg
  } catch {
    return { error: "invalid_request", description: "client_assertion is not a JWT" }
  }
  if (alg === undefined || !ALGORITHMS.includes(alg)) {
    return { error: "invalid_request", description: `algorithm ${alg ?? "(none)"} is not accepted` }
  }
  const registration = input.registrations.find((r) => r.certificateId === kid)
  if (registration === undefined) return { error: "invalid_client", description: "unknown certificate id (kid)" }
  try {
    const { payload } = await jose.jwtVerify(input.assertion, publicKeyOf(registration), {
      algorithms: ALGORITHMS,
      audience: input.audience,
      issuer: registration.clientId,
      currentDate: new Date(input.nowSeconds * 1000),
      requiredClaims: ["iat", "exp", "scope"]
    })
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600) {
      return { error: "invalid_grant", description: "exp is more than 3600 s after iat" }
    }
    const scopes = String(payload["scope"] ?? "").split(/[\s,]+/)
    if (!scopes.includes("rest_webservices")) {
      return { error: "invalid_scope", description: "scope must include rest_webservices" }
    }
    return { clientId: registration.clientId }
  } catch (cause) {
    return { error: "invalid_grant", description: cause instanceof Error ? cause.message : "invalid assertion" }
  }
}
