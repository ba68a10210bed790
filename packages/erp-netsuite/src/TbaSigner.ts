/**
 * Token-based authentication signatures (OAuth 1.0a, HMAC-SHA256) with the exact base-string rules of erp.md §1.9 a
 * and RFC 5849 §3.4: every URL query parameter is signed (form-decoded, then RFC 3986 re-encoded), `realm` and
 * `oauth_signature` are not, a JSON body is not, names and values are encoded before sorting, the base string URI is
 * the lower-case scheme and host (default port dropped) and the path without the query.
 *
 * The base string and header come from the `oauth-1.0a` library, fed with the query parameters already
 * form-decoded: its own URL parsing keeps `+` as a plus (form encoding means a space) and leaves names undecoded, so
 * the URL it receives carries no query (see the vectors in test/TbaSigner.test.ts).
 */
import { createHmac, randomBytes } from "node:crypto"
import OAuth from "oauth-1.0a"

/** The four TBA secrets, unwrapped (only at signing time). */
export interface TbaCredentials {
  readonly consumerKey: string
  readonly consumerSecret: string
  readonly tokenId: string
  readonly tokenSecret: string
}

/** What is signed: the HTTP method and the full URL as sent (query included). */
export interface TbaRequest {
  readonly method: string
  readonly url: string
}

/** The protocol parameters of one signature: nonce (6-64 alphanumerics) and timestamp (epoch seconds). */
export interface TbaNonce {
  readonly nonce: string
  readonly timestamp: number
}

const hmacSha256 = (baseString: string, key: string): string =>
  createHmac("sha256", key).update(baseString, "utf8").digest("base64")

const oauthFor = (credentials: Pick<TbaCredentials, "consumerKey" | "consumerSecret">, realm?: string) =>
  new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: "HMAC-SHA256",
    hash_function: hmacSha256,
    ...(realm === undefined ? {} : { realm })
  })

/** Query parameters of `url`, form-decoded (`+` is a space), repeated names as arrays. */
const queryParameters = (url: URL): Record<string, string | Array<string>> => {
  const params: Record<string, string | Array<string>> = {}
  for (const [name, value] of url.searchParams) {
    const seen = params[name]
    params[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return params
}

const prepare = (request: TbaRequest) => {
  const url = new URL(request.url)
  return {
    url: `${url.protocol.toLowerCase()}//${url.host.toLowerCase()}${url.pathname}`,
    method: request.method.toUpperCase(),
    data: queryParameters(url)
  }
}

/** The protocol parameters of a NetSuite TBA request (the token included; `realm` is never part of them). */
export const tbaProtocolParameters = (
  credentials: Pick<TbaCredentials, "consumerKey" | "tokenId">,
  once: TbaNonce
): Readonly<Record<string, string>> => ({
  oauth_consumer_key: credentials.consumerKey,
  oauth_nonce: once.nonce,
  oauth_signature_method: "HMAC-SHA256",
  oauth_timestamp: String(once.timestamp),
  oauth_token: credentials.tokenId,
  oauth_version: "1.0"
})

/**
 * The signature base string `METHOD&enc(base URI)&enc(normalized parameters)` of `request` with the protocol
 * parameters `protocol` (e.g. {@link tbaProtocolParameters}, or those of NetSuite's three-step flow with
 * `oauth_callback` and `role`); `realm` and `oauth_signature` must not be among them.
 */
export const tbaBaseString = (request: TbaRequest, protocol: Readonly<Record<string, string>>): string =>
  oauthFor({ consumerKey: "", consumerSecret: "" }).getBaseString(
    prepare(request),
    { ...protocol } as unknown as OAuth.Data
  )

/** Base64 HMAC-SHA256 of `baseString` under `enc(consumerSecret)&enc(tokenSecret)`. */
export const tbaSignature = (
  baseString: string,
  credentials: Pick<TbaCredentials, "consumerSecret" | "tokenSecret">
): string => {
  const key = oauthFor({ consumerKey: "", consumerSecret: credentials.consumerSecret }).getSigningKey(
    credentials.tokenSecret
  )
  return hmacSha256(baseString, key)
}

/**
 * The `Authorization` header value of `request`: `OAuth realm="<realm>", oauth_consumer_key="…", …,
 * oauth_signature="…"`, protocol parameters only (query parameters are signed but never put in the header).
 */
export const tbaAuthorization = (
  request: TbaRequest,
  credentials: TbaCredentials,
  realm: string,
  once: TbaNonce
): string => {
  const protocol = tbaProtocolParameters(credentials, once)
  const signature = tbaSignature(tbaBaseString(request, protocol), credentials)
  const data = { ...protocol, oauth_signature: signature } as unknown as OAuth.Authorization
  return oauthFor(credentials, realm).toHeader(data).Authorization
}

const NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A fresh 20-character alphanumeric nonce from `crypto.randomBytes` (erp.md §1.9: at least 6, ideally 20). */
export const makeNonce = (): string =>
  Array.from(randomBytes(20), (byte) => NONCE_ALPHABET[byte % NONCE_ALPHABET.length]).join("")
