import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { X509Certificate } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { makeTestPki, makeUntrustedClient, writeTestPki } from "../src/TestPki.js"
import { tempDirectory } from "./support/TempDirectory.js"

const tempDir = tempDirectory("test-pki-")

describe("TestPki", () => {
  it.effect("issues a server certificate for 127.0.0.1 and localhost, and a client certificate for the client id", () =>
    Effect.gen(function*() {
      const now = new Date("2026-03-01T00:00:00Z")
      const pki = yield* makeTestPki({ now, validDays: 10, clientId: "acme-client" })
      const ca = new X509Certificate(pki.caCertificate)
      const server = new X509Certificate(pki.server.certificate)
      const client = new X509Certificate(pki.client.certificate)
      assert.isTrue(ca.ca)
      assert.isFalse(server.ca)
      assert.include(server.subjectAltName ?? "", "IP Address:127.0.0.1")
      assert.include(server.subjectAltName ?? "", "DNS:localhost")
      assert.include(client.subject, "CN=acme-client")
      assert.strictEqual(pki.clientId, "acme-client")
      for (const leaf of [server, client]) {
        assert.isTrue(leaf.checkIssued(ca))
        assert.isTrue(leaf.verify(ca.publicKey))
        assert.strictEqual(new Date(leaf.validTo).getTime(), now.getTime() + 10 * 86_400_000)
      }
      assert.match(pki.client.privateKey, /^-----BEGIN PRIVATE KEY-----/)
    }))

  it.effect("makes an untrusted client certificate that the test CA did not sign", () =>
    Effect.gen(function*() {
      const pki = yield* makeTestPki()
      const stranger = yield* makeUntrustedClient({ clientId: pki.clientId })
      const client = new X509Certificate(stranger.client.certificate)
      assert.include(client.subject, `CN=${pki.clientId}`)
      assert.isFalse(client.checkIssued(new X509Certificate(pki.caCertificate)))
      assert.isTrue(client.checkIssued(new X509Certificate(stranger.caCertificate)))
    }))

  it.scoped("writes PEM files, keys readable by the owner only", () =>
    Effect.gen(function*() {
      const pki = yield* makeTestPki()
      const dir = path.join(yield* tempDir, "certs")
      const paths = yield* writeTestPki(pki, dir)
      assert.strictEqual(yield* Effect.promise(() => fs.readFile(paths.ca, "utf8")), pki.caCertificate)
      assert.strictEqual(yield* Effect.promise(() => fs.readFile(paths.key, "utf8")), pki.client.privateKey)
      for (const key of [paths.key, paths.serverKey]) {
        assert.strictEqual((yield* Effect.promise(() => fs.stat(key))).mode & 0o777, 0o600)
      }
      assert.sameMembers(
        yield* Effect.promise(() => fs.readdir(dir)),
        ["ca.pem", "server.pem", "server-key.pem", "client.pem", "client-key.pem"]
      )
    }))

  it.scoped("fails with PkiError naming the folder when it cannot write", () =>
    Effect.gen(function*() {
      const pki = yield* makeTestPki()
      const root = yield* tempDir
      const file = path.join(root, "a-file")
      yield* Effect.promise(() => fs.writeFile(file, ""))
      const error = yield* Effect.flip(writeTestPki(pki, path.join(file, "certs")))
      assert.strictEqual(error._tag, "PkiError")
      assert.strictEqual(error.reason, "Write")
      assert.include(error.message, path.join(file, "certs"))
    }))
})
