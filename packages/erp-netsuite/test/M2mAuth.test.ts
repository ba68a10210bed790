import { checkClientAssertion } from "@clara-recon/sandbox"
import { assert, describe, it, vi } from "@effect/vitest"
import { Clock, Effect } from "effect"
import * as jose from "jose"
import { defaultScope, signClientAssertion, tokenPath } from "../src/M2mAssertion.js"
import { harness, rsaKeys } from "./support/Harness.js"

// real HTTPS, key generation and a busy shared machine: generous per-test time (no timing is asserted)
vi.setConfig({ testTimeout: 120_000 })

const AUD = `https://1234567-sb1.suitetalk.api.netsuite.com${tokenPath}`

const sign = (privateKey: string, overrides: Partial<Parameters<typeof signClientAssertion>[0]> = {}) =>
  Effect.promise(() =>
    signClientAssertion({
      clientId: "client-1",
      certificateId: "cert-1",
      privateKey,
      algorithm: "PS256",
      scope: defaultScope,
      audience: AUD,
      nowSeconds: 1_800_000_000,
      ...overrides
    })
  )

describe("OAuth 2.0 M2M client assertion (erp.md §1.9 b)", () => {
  it.effect("is a PS256 JWT with kid = certificate id and the iss, aud, scope, iat, exp claims", () =>
    Effect.gen(function*() {
      const keys = yield* rsaKeys()
      const jwt = yield* sign(keys.privateKey)
      assert.deepStrictEqual(jose.decodeProtectedHeader(jwt), { typ: "JWT", alg: "PS256", kid: "cert-1" })
      const claims = jose.decodeJwt(jwt)
      assert.deepStrictEqual(claims, {
        scope: "restlets,rest_webservices",
        iss: "client-1",
        aud: AUD,
        iat: 1_800_000_000,
        exp: 1_800_000_300
      })
      const key = yield* Effect.promise(() => jose.importSPKI(keys.publicKey, "PS256"))
      const verified = yield* Effect.promise(() =>
        jose.jwtVerify(jwt, key, { audience: AUD, issuer: "client-1", currentDate: new Date(1_800_000_100_000) })
      )
      assert.strictEqual(verified.protectedHeader.alg, "PS256")
    }))

  it.effect("the emulator accepts it and refuses a wrong kid, audience, expiry, lifetime or scope", () =>
    Effect.gen(function*() {
      const keys = yield* rsaKeys()
      const registrations = [{ clientId: "client-1", certificateId: "cert-1", publicKey: keys.publicKey }]
      const check = (jwt: string, nowSeconds = 1_800_000_010) =>
        Effect.promise(() => checkClientAssertion({ assertion: jwt, audience: AUD, registrations, nowSeconds }))
      assert.deepStrictEqual(yield* check(yield* sign(keys.privateKey)), { clientId: "client-1" })
      const refused = async (overrides: Partial<Parameters<typeof signClientAssertion>[0]>, nowSeconds = 1_800_000_010) => {
        const assertion = await signClientAssertion({
          clientId: "client-1",
          certificateId: "cert-1",
          privateKey: keys.privateKey,
          algorithm: "PS256",
          scope: defaultScope,
          audience: AUD,
          nowSeconds: 1_800_000_000,
          ...overrides
        })
        const result = await checkClientAssertion({ assertion, audience: AUD, registrations, nowSeconds })
        return "error" in result ? result.error : "accepted"
      }
      const tooLong = async () => {
        const key = await jose.importPKCS8(keys.privateKey, "PS256")
        const assertion = await new jose.SignJWT({ scope: defaultScope })
          .setProtectedHeader({ alg: "PS256", kid: "cert-1" })
          .setIssuer("client-1")
          .setAudience(AUD)
          .setIssuedAt(1_800_000_000)
          .setExpirationTime(1_800_007_200)
          .sign(key)
        const result = await checkClientAssertion({ assertion, audience: AUD, registrations, nowSeconds: 1_800_000_010 })
        return "error" in result ? result.error : "accepted"
      }
      const results = yield* Effect.promise(() =>
        Promise.all([
          refused({ certificateId: "cert-2" }),
          refused({ audience: "https://elsewhere/token" }),
          refused({}, 1_800_001_000),
          refused({ scope: "restlets" }),
          tooLong()
        ])
      )
      assert.deepStrictEqual(results, ["invalid_client", "invalid_grant", "invalid_grant", "invalid_scope", "invalid_grant"])
    }))

  it.live("the adapter obtains one token and reuses it; bad credentials are AUTH errors", () =>
    Effect.scoped(Effect.gen(function*() {
      const { adapter: build, emulator } = yield* harness()
      const adapter = yield* build("m2m")
      const check = yield* adapter.checkConnection()
      assert.isTrue(check.ok)
      assert.match(check.identity ?? "", /@ 1234567_SB1$/)
      yield* adapter.discover()
      assert.strictEqual(emulator.stats().tokensIssued, 1)

      const wrong = yield* build("m2m", { auth: { method: "m2m", clientId: "nobody", certificateId: "cert-x", privateKey: (yield* rsaKeys()).privateKey } })
      const refused = yield* wrong.checkConnection()
      assert.isFalse(refused.ok)
      assert.strictEqual(refused.error?.kind, "AUTH")
      assert.strictEqual(refused.error?.remediation?.action, "reconnect")

      const badTba = yield* build("tba", { auth: { method: "tba", consumerKey: "k", consumerSecret: "s", tokenId: "t", tokenSecret: "u" } })
      const tbaRefused = yield* badTba.checkConnection()
      assert.isFalse(tbaRefused.ok)
      assert.strictEqual(tbaRefused.error?.code, "NETSUITE_INVALID_LOGIN")
      assert.strictEqual(tbaRefused.error?.upstreamCode, "INVALID_LOGIN")
    })))
})

describe("M2M token cache", () => {
  it.live("a token is reused for 55 minutes and renewed 5 minutes before its 60-minute expiry", () =>
    Effect.scoped(Effect.gen(function*() {
      let offsetMs = 0
      const now = () => Date.now() + offsetMs
      const base = Clock.make()
      const shifted: Clock.Clock = {
        [Clock.ClockTypeId]: Clock.ClockTypeId,
        sleep: (duration) => base.sleep(duration),
        unsafeCurrentTimeMillis: now,
        currentTimeMillis: Effect.sync(now),
        unsafeCurrentTimeNanos: () => BigInt(now()) * 1_000_000n,
        currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n)
      }
      const { adapter: build, emulator } = yield* harness({ now })
      const adapter = yield* build("m2m")
      const discover = Effect.withClock(adapter.discover(), shifted)
      yield* discover
      offsetMs = 54 * 60_000
      yield* discover
      assert.strictEqual(emulator.stats().tokensIssued, 1)
      offsetMs = 56 * 60_000
      yield* discover
      assert.strictEqual(emulator.stats().tokensIssued, 2)
      assert.strictEqual(emulator.stats().authFailures, 0)
    })))
})
