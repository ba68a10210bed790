/**
 * The OAuth 2.0 client-credentials (M2M) client assertion of erp.md §1.9 b: a JWT with header
 * `{ typ: "JWT", alg: "PS256", kid: <Certificate ID> }` and claims `{ iss: <client id>, scope, aud: <token URL>,
 * iat, exp }`, signed with the certificate's private key through `jose`.
 */
import * as jose from "jose"

/** The token endpoint path under the account's base URL (erp.md §1.1). */
export const tokenPath = "/services/rest/auth/oauth2/v1/token"

/** Default scopes of the assertion (erp.md §1.9 b). */
export const defaultScope = "restlets,rest_webservices"

/** Lifetime of an assertion in seconds: NetSuite refuses `exp - iat` above 3600; ours is short-lived. */
export const assertionTtlSeconds = 300

/** Inputs of {@link signClientAssertion}; `privateKey` is PKCS#8 PEM, `nowSeconds` epoch seconds. */
export interface ClientAssertionInput {
  readonly clientId: string
  readonly certificateId: string
  readonly privateKey: string
  readonly algorithm: string
  readonly scope: string
  readonly audience: string
  readonly nowSeconds: number
}

/** Signs the client assertion; rejects (a `jose` error) when the key does not fit the algorithm. */
export const signClientAssertion = async (input: ClientAssertionInput): Promise<string> => {
  const key = await jose.importPKCS8(input.privateKey, input.algorithm)
  return new jose.SignJWT({ scope: input.scope })
    .setProtectedHeader({ typ: "JWT", alg: input.algorithm, kid: input.certificateId })
    .setIssuer(input.clientId)
    .setAudience(input.audience)
    .setIssuedAt(input.nowSeconds)
    .setExpirationTime(input.nowSeconds + assertionTtlSeconds)
    .sign(key)
}

/** The form body of the token request (erp.md §1.9 b). */
export const tokenRequestBody = (assertion: string): Record<string, string> => ({
  grant_type: "client_credentials",
  client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  client_assertion: assertion
})
