/**
 * Connection settings of the NetSuite adapter (erp.md §1.1 URLs and account ids, §1.9 authentication, §1.8
 * concurrency): the account, an optional base URL override (a sandbox host, the emulator), the authentication method
 * with its credentials as `Redacted`, the record strategy and the mapping to NetSuite internal ids.
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { NetSuiteMapping } from "./NetSuiteMapping.js"

/** The record a posting becomes (erp.md §0.1): `journalEntry` (default), `creditCardCharge` or `vendorBill`. */
export const PostingStrategy = Schema.Literal("journalEntry", "creditCardCharge", "vendorBill")
export type PostingStrategy = typeof PostingStrategy.Type

/**
 * OAuth 2.0 client credentials (M2M) with a certificate-signed JWT assertion (erp.md §1.9 b): the integration's
 * client id, the Certificate ID NetSuite returned for the uploaded public certificate (the JWT `kid`), and the
 * private key (PKCS#8 PEM) that signs the assertion with `algorithm` (default PS256).
 */
export const M2mAuth = Schema.Struct({
  method: Schema.Literal("m2m"),
  clientId: Schema.NonEmptyTrimmedString,
  certificateId: Schema.NonEmptyTrimmedString,
  privateKey: Schema.Redacted(Schema.String),
  algorithm: Schema.optional(Schema.Literal("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")),
  /** Comma-separated scopes, default `restlets,rest_webservices`. */
  scope: Schema.optional(Schema.String)
})
export type M2mAuth = typeof M2mAuth.Type

/**
 * Token-based authentication (OAuth 1.0a, HMAC-SHA256; erp.md §1.9 a): the integration record's consumer key and
 * secret and the access token id and secret, all four secret.
 */
export const TbaAuth = Schema.Struct({
  method: Schema.Literal("tba"),
  consumerKey: Schema.Redacted(Schema.String),
  consumerSecret: Schema.Redacted(Schema.String),
  tokenId: Schema.Redacted(Schema.String),
  tokenSecret: Schema.Redacted(Schema.String)
})
export type TbaAuth = typeof TbaAuth.Type

/** One of the two authentication methods. */
export const NetSuiteAuth = Schema.Union(M2mAuth, TbaAuth)
export type NetSuiteAuth = typeof NetSuiteAuth.Type

/**
 * The adapter configuration, decoded from the config file (secrets as plain strings there, `Redacted` once decoded).
 *
 * - `accountId`: `1234567` or `1234567_SB1` (any case, `-` or `_`); the TBA realm is its upper-case `_` form.
 * - `baseUrl`: default `https://<account id lower-case with ->.suitetalk.api.netsuite.com`, no trailing slash.
 * - `concurrency`: requests in flight per account (default 2; erp.md §5.2 step 6), at most the customer's limit.
 * - `requestTimeoutMs`: one HTTP exchange (default 30 000 ms); a create that times out has an unknown outcome.
 * - `maxAttempts`: attempts of one request on 429 / 503 (default 5); `backoffBaseMs` first backoff (default 500).
 * - `findVia`: how `find` looks a key up, `eid` (GET `.../eid:<key>`, default) or `suiteql`.
 */
export const NetSuiteConfig = Schema.Struct({
  accountId: Schema.String.pipe(Schema.pattern(/^[0-9A-Za-z]+(?:[_-][A-Za-z0-9]+)?$/)),
  baseUrl: Schema.optional(Schema.String.pipe(Schema.pattern(/^https?:\/\/[^/?#]+$/))),
  auth: NetSuiteAuth,
  strategy: Schema.optionalWith(PostingStrategy, { default: () => "journalEntry" as const }),
  concurrency: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100)), { default: () => 2 }),
  requestTimeoutMs: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 30_000 }),
  maxAttempts: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 20)), { default: () => 5 }),
  backoffBaseMs: Schema.optionalWith(Schema.Int.pipe(Schema.nonNegative()), { default: () => 500 }),
  findVia: Schema.optionalWith(Schema.Literal("eid", "suiteql"), { default: () => "eid" as const }),
  mapping: NetSuiteMapping
})
/** The decoded configuration (secrets `Redacted`, defaults applied). */
export type NetSuiteConfig = typeof NetSuiteConfig.Type
/** The configuration as written in a config file (secrets as strings, defaults optional). */
export type NetSuiteConfigInput = typeof NetSuiteConfig.Encoded

/** The TBA `realm` of an account id (erp.md §1.1): upper case with `_`, e.g. `1234567-sb1` -> `1234567_SB1`. */
export const realmOf = (accountId: string): string => accountId.toUpperCase().replace(/-/g, "_")

/** The account's REST host (erp.md §1.1): `https://1234567-sb1.suitetalk.api.netsuite.com` (lower case, `-`). */
export const defaultBaseUrl = (accountId: string): string =>
  `https://${accountId.toLowerCase().replace(/_/g, "-")}.suitetalk.api.netsuite.com`

/** The base URL requests go to: the override, else {@link defaultBaseUrl}. */
export const baseUrlOf = (config: Pick<NetSuiteConfig, "accountId" | "baseUrl">): string =>
  config.baseUrl ?? defaultBaseUrl(config.accountId)

/** The request timeout as a `Duration`. */
export const requestTimeoutOf = (config: Pick<NetSuiteConfig, "requestTimeoutMs">): Duration.Duration =>
  Duration.millis(config.requestTimeoutMs)
