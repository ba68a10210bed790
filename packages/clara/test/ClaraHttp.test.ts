/**
 * Mutual TLS against a local HTTPS server that requires client certificates, with a throwaway PKI made by `openssl`
 * in a temp dir. Live clock: real sockets.
 */
import { NodeFileSystem, NodeHttpClient } from "@effect/platform-node"
import { Agent } from "@effect/platform-node/Undici"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Https from "node:https"
import type { AddressInfo } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import type * as Tls from "node:tls"
import { ClaraClient } from "../src/ClaraClient.js"
import { ClaraConfig } from "../src/ClaraConfig.js"
import { testSettings, wireTransaction } from "./FakeClara.js"

const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

/** CA, server certificate for 127.0.0.1, a client certificate it signed, and an unrelated self-signed one. */
const makePki = (dir: string) => {
  const ssl = (...args: Array<string>) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" })
  const newKey = (name: string, subject: string) =>
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject)
  const selfSigned = (name: string, subject: string) =>
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "1",
      "-subj", subject)
  selfSigned("ca", "/CN=Test CA")
  Fs.writeFileSync(Path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1")
  newKey("server", "/CN=127.0.0.1")
  ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
    "-days", "1", "-extfile", "san.ext")
  newKey("client", "/CN=recon-client")
  ssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt",
    "-days", "1")
  selfSigned("wrong", "/CN=intruder")
}

let dir = ""
let server: Https.Server | undefined
let baseUrl = ""
const file = (name: string) => Path.join(dir, name)

beforeAll(async () => {
  if (!hasOpenssl) return
  dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "clara-mtls-"))
  makePki(dir)
  server = Https.createServer({
    key: Fs.readFileSync(file("server.key")),
    cert: Fs.readFileSync(file("server.crt")),
    ca: Fs.readFileSync(file("ca.crt")),
    requestCert: true,
    rejectUnauthorized: true
  }, (request, response) => {
    const peer = (request.socket as Tls.TLSSocket).getPeerCertificate().subject.CN
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" })
      response.end(JSON.stringify(body))
    }
    if (request.method === "POST" && request.url === "/oauth/token") return send(200, { access_token: "mtls-token" })
    if (request.headers.authorization !== "Bearer mtls-token" && request.url?.startsWith("/api/")) {
      return send(401, { message: "no token" })
    }
    if (request.url === "/api/v3/transactions/tx-1") {
      return send(200, wireTransaction("tx-1", { transactionLabel: peer }))
    }
    return send(200, { peer })
  })
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 60_000)

afterAll(async () => {
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve))
  if (dir !== "") Fs.rmSync(dir, { recursive: true, force: true })
})

const settings = (cert: string, key: string) =>
  testSettings({
    baseUrl,
    certPath: file(cert),
    keyPath: file(key),
    caPath: file("ca.crt"),
    retryTimes: 1,
    retryBaseDelay: Duration.millis(1),
    requestTimeout: Duration.seconds(10)
  })

const mtlsClient = (cert: string, key: string) =>
  ClaraClient.layerMtls.pipe(Layer.provide(Layer.merge(ClaraConfig.layer(settings(cert, key)), NodeFileSystem.layer)))

describe.skipIf(!hasOpenssl)("ClaraHttp mutual TLS (needs openssl)", () => {
  it.live("with the client certificate: token, API call and download succeed", () =>
    Effect.gen(function*() {
      const client = yield* ClaraClient
      const tx = yield* client.transactions.get("tx-1")
      assert.strictEqual(tx.transactionLabel, "recon-client")
      const bytes = yield* client.download(`${baseUrl}/files/a.xml?X-Amz-Signature=abc`)
      assert.deepStrictEqual(JSON.parse(new TextDecoder().decode(bytes)), { peer: "recon-client" })
    }).pipe(Effect.provide(mtlsClient("client.crt", "client.key"))))

  it.live("without a client certificate the call fails with a Transport error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).download(`${baseUrl}/files/a.xml`))
      assert.strictEqual(error._tag, "ClaraTransportError")
      assert.strictEqual(error._tag === "ClaraTransportError" ? error.kind : "", "ConnectionClosed")
      assert.include(error.message, `GET ${baseUrl}/files/a.xml`)
    }).pipe(Effect.provide(ClaraClient.layer.pipe(
      Layer.provide(NodeHttpClient.layerUndiciWithoutDispatcher),
      Layer.provide(Layer.scoped(
        NodeHttpClient.Dispatcher,
        Effect.acquireRelease(
          Effect.sync(() => new Agent({ connect: { ca: Fs.readFileSync(file("ca.crt"), "utf8") } })),
          (agent) => Effect.promise(() => agent.destroy())
        )
      )),
      Layer.provide(ClaraConfig.layer(settings("client.crt", "client.key")))
    ))))

  it.live("with a certificate the server does not trust the call fails with a Transport error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ClaraClient).transactions.get("tx-1"))
      assert.strictEqual(error._tag, "ClaraTransportError")
      assert.include(error.message, "POST /oauth/token")
    }).pipe(Effect.provide(mtlsClient("wrong.crt", "wrong.key"))))

  it.live("an unreadable certificate file or a mismatched key is a Config error naming the file", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(Effect.provide(ClaraClient, mtlsClient("absent.crt", "client.key")))
      assert.strictEqual(missing._tag, "ClaraConfigError")
      assert.strictEqual(missing.path, file("absent.crt"))
      const mismatched = yield* Effect.flip(Effect.provide(ClaraClient, mtlsClient("client.crt", "wrong.key")))
      assert.strictEqual(mismatched._tag, "ClaraConfigError")
      assert.include(mismatched.message, "not a usable pair")
      const notPem = yield* Effect.flip(Effect.provide(ClaraClient, mtlsClient("san.ext", "client.key")))
      assert.include(notPem.message, "not a PEM file")
    }))
})
