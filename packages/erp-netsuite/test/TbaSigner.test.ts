import { parseOAuthHeader, signatureBaseString } from "@clara-recon/sandbox"
import { assert, describe, it } from "@effect/vitest"
import { createHmac } from "node:crypto"
import { realmOf } from "../src/NetSuiteConfig.js"
import { tbaAuthorization, tbaBaseString, tbaProtocolParameters, tbaSignature } from "../src/TbaSigner.js"

/** The emulator's independent base string for the same request, for a cross-check. */
const emulatorBase = (method: string, url: string, protocol: Readonly<Record<string, string>>) => {
  const u = new URL(url)
  return signatureBaseString(method, `${u.protocol}//${u.host}${u.pathname}`, u.search.slice(1), new Map(Object.entries(protocol)))
}

describe("TBA signature base string (erp.md §1.9 a, RFC 5849 §3.4.1)", () => {
  it("reproduces the RFC 5849 §3.4.1.1 example (form-decoded query, repeated names, encoded names)", () => {
    // the example's form body parameters (c2, a3=2+q) are moved into the query: the parameter set is the same
    const url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b&c2=&a3=2+q"
    const protocol = {
      oauth_consumer_key: "9djdj82h48djs9d2",
      oauth_token: "kkk9d7dh3k39sjv7",
      oauth_signature_method: "HMAC-SHA1",
      oauth_timestamp: "137131201",
      oauth_nonce: "7d8f3e4a"
    }
    const expected = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D" +
      "%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method" +
      "%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
    assert.strictEqual(tbaBaseString({ method: "post", url }, protocol), expected)
    assert.strictEqual(emulatorBase("POST", url, protocol), expected)
  })

  it("reproduces NetSuite's published step-one base string (oauth_callback and role signed, no token)", () => {
    const key = "60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5"
    const protocol = {
      oauth_callback: "https://my.example.com/TBA/?callbackRequest",
      oauth_consumer_key: key,
      oauth_nonce: "bUvpxBX93OWo0FLswq5M",
      oauth_signature_method: "HMAC-SHA256",
      oauth_timestamp: "1575998103",
      oauth_version: "1.0",
      role: "45678"
    }
    const expected = "POST&https%3A%2F%2F1234567.restlets.api.netsuite.com%2Frest%2Frequesttoken&oauth_callback%3D" +
      "https%253A%252F%252Fmy.example.com%252FTBA%252F%253FcallbackRequest%26oauth_consumer_key%3D" + key +
      "%26oauth_nonce%3DbUvpxBX93OWo0FLswq5M%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1575998103" +
      "%26oauth_version%3D1.0%26role%3D45678"
    const url = "https://1234567.restlets.api.netsuite.com/rest/requesttoken"
    assert.strictEqual(tbaBaseString({ method: "POST", url }, protocol), expected)
    assert.strictEqual(emulatorBase("POST", url, protocol), expected)
  })

  it("signs a REST query by hand: query signed, + is a space, host lower-cased, default port and realm left out", () => {
    const credentials = { consumerKey: "ck", consumerSecret: "c&s", tokenId: "tk", tokenSecret: "t s" }
    const once = { nonce: "fjaLirsIcCGVZWzBX0pg", timestamp: 1_700_000_000 }
    const url = "https://1234567-SB1.SuiteTalk.api.netsuite.com:443/services/rest/record/v1/journalEntry" +
      "?q=externalId+IS+%22rcn_1%22&limit=10&offset=0"
    // computed by hand from RFC 5849 §3.4.1: parameters encoded, sorted by name (limit < oauth_* < offset < q)
    const normalized = "limit=10&oauth_consumer_key=ck&oauth_nonce=fjaLirsIcCGVZWzBX0pg&oauth_signature_method=" +
      "HMAC-SHA256&oauth_timestamp=1700000000&oauth_token=tk&oauth_version=1.0&offset=0&q=externalId%20IS%20%22rcn_1%22"
    const expected = "GET&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2F" +
      "journalEntry&" + normalized.replace(/%/g, "%25").replace(/=/g, "%3D").replace(/&/g, "%26")
    const protocol = tbaProtocolParameters(credentials, once)
    assert.strictEqual(tbaBaseString({ method: "GET", url }, protocol), expected)
    assert.strictEqual(emulatorBase("GET", url, protocol), expected)

    // key = enc(consumer secret) & enc(token secret): "c%26s&t%20s"
    const signature = createHmac("sha256", "c%26s&t%20s").update(expected).digest("base64")
    assert.strictEqual(tbaSignature(expected, credentials), signature)
    const header = tbaAuthorization({ method: "GET", url }, credentials, realmOf("1234567-sb1"), once)
    const params = parseOAuthHeader(header)!
    assert.strictEqual(params.get("realm"), "1234567_SB1")
    assert.strictEqual(params.get("oauth_signature"), signature)
    assert.strictEqual(params.get("oauth_signature_method"), "HMAC-SHA256")
    assert.isFalse(params.has("q") || params.has("limit"), "query parameters never go into the header")
    assert.isTrue(header.startsWith("OAuth realm=\"1234567_SB1\", "))
  })

  it("percent-encodes reserved path characters such as ! in /!transform/ once", () => {
    const url = "https://acct.suitetalk.api.netsuite.com/services/rest/record/v1/vendorBill/42/!transform/vendorPayment"
    const base = tbaBaseString({ method: "POST", url }, { oauth_nonce: "abcdef" })
    assert.strictEqual(
      base,
      "POST&https%3A%2F%2Facct.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2FvendorBill%2F42%2F%21" +
        "transform%2FvendorPayment&oauth_nonce%3Dabcdef"
    )
    assert.strictEqual(emulatorBase("POST", url, { oauth_nonce: "abcdef" }), base)
  })
})
