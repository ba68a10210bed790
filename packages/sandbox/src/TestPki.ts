/**
 * A throwaway PKI for the emulator's mutual TLS (clara-api.md §1.2): a test CA, a server certificate for
 * `127.0.0.1` / `localhost`, and a client certificate whose CN is the client id. Everything is generated in memory
 * (ECDSA P-256, SHA-256) when asked for; no private key of a real party is ever stored or committed.
 */
import "reflect-metadata"
import * as x509 from "@peculiar/x509"
import * as Effect from "effect/Effect"
import { webcrypto } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { PkiError } from "./SandboxError.js"

/** A certificate and its private key, both PEM (the key is unencrypted PKCS#8). */
export interface CertifiedKey {
  readonly certificate: string
  readonly privateKey: string
}

/** The test PKI: the CA certificate (PEM), the server's and the client's certificate and key. */
export interface TestPki {
  readonly clientId: string
  readonly caCertificate: string
  readonly server: CertifiedKey
  readonly client: CertifiedKey
}

/** Where `writeTestPki` put the files (absolute paths). */
export interface TestPkiPaths {
  readonly ca: string
  readonly serverCert: string
  readonly serverKey: string
  readonly cert: string
  readonly key: string
}

/** Options of the generators: validity start (default: the machine's wall clock), days valid, client id. */
export interface TestPkiOptions {
  /** Start of validity. TLS checks certificates against the real wall clock, so the default is the real "now". */
  readonly now?: Date
  /** Days of validity from `now` (default 360, the longest Clara issues: clara-api.md §1.2). */
  readonly validDays?: number
  /** The client certificate's CN, which is also the OAuth client id (default `clara-recon-sandbox`). */
  readonly clientId?: string
}

const crypto = webcrypto
const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" }
const DAY_MS = 86_400_000

/** The default OAuth client id of the sandbox, also the client certificate's CN. */
export const defaultClientId = "clara-recon-sandbox"

interface Authority {
  readonly certificate: x509.X509Certificate
  readonly keys: webcrypto.CryptoKeyPair
}

const generateKeys = () =>
  crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]) as Promise<webcrypto.CryptoKeyPair>

const validity = (options: TestPkiOptions) => {
  const now = options.now ?? new Date()
  // one hour of slack before "now" so that a clock a little behind still accepts the certificates
  return {
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + (options.validDays ?? 360) * DAY_MS)
  }
}

const makeAuthority = async (name: string, options: TestPkiOptions): Promise<Authority> => {
  const keys = await generateKeys()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}, O=clara-recon sandbox`,
    keys,
    signingAlgorithm: algorithm,
    ...validity(options),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto)
    ]
  }, crypto)
  return { certificate, keys }
}

const issue = async (
  authority: Authority,
  commonName: string,
  usage: x509.ExtendedKeyUsage,
  options: TestPkiOptions,
  extra: ReadonlyArray<x509.Extension> = []
): Promise<CertifiedKey> => {
  const keys = await generateKeys()
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${commonName}, O=clara-recon sandbox`,
    issuer: authority.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: authority.keys.privateKey,
    signingAlgorithm: algorithm,
    ...validity(options),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([usage], false),
      await x509.AuthorityKeyIdentifierExtension.create(authority.keys.publicKey, false, crypto),
      ...extra
    ]
  }, crypto)
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey)
  return { certificate: certificate.toString("pem"), privateKey: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") }
}

const generate = <A>(what: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (cause) => new PkiError({ reason: "Generate", message: `could not generate the ${what}`, cause })
  })

/**
 * Generates the test CA, a server certificate for `127.0.0.1` and `localhost` (SubjectAltName IP + DNS, serverAuth)
 * and a client certificate (CN = `clientId`, clientAuth), both signed by the CA. Fails with `PkiError` (`Generate`).
 */
export const makeTestPki = (options: TestPkiOptions = {}): Effect.Effect<TestPki, PkiError> =>
  generate("test PKI", async () => {
    const clientId = options.clientId ?? defaultClientId
    const authority = await makeAuthority("clara-recon Sandbox Test CA", options)
    const altNames = new x509.SubjectAlternativeNameExtension([
      { type: "ip", value: "127.0.0.1" },
      { type: "dns", value: "localhost" }
    ])
    const server = await issue(authority, "127.0.0.1", x509.ExtendedKeyUsage.serverAuth, options, [altNames])
    const client = await issue(authority, clientId, x509.ExtendedKeyUsage.clientAuth, options)
    return { clientId, caCertificate: authority.certificate.toString("pem"), server, client }
  })

/**
 * A second, unrelated CA and a client certificate it signed (CN = `clientId`): a certificate the emulator must refuse
 * ("wrong certificate" tests). Fails with `PkiError` (`Generate`).
 */
export const makeUntrustedClient = (
  options: TestPkiOptions = {}
): Effect.Effect<{ readonly caCertificate: string; readonly client: CertifiedKey }, PkiError> =>
  generate("untrusted client certificate", async () => {
    const authority = await makeAuthority("Untrusted Test CA", options)
    const clientId = options.clientId ?? defaultClientId
    const client = await issue(authority, clientId, x509.ExtendedKeyUsage.clientAuth, options)
    return { caCertificate: authority.certificate.toString("pem"), client }
  })

/**
 * Writes `ca.pem`, `server.pem`, `server-key.pem`, `client.pem` and `client-key.pem` into `dir` (created if needed;
 * keys with mode 0600) and returns their absolute paths. Fails with `PkiError` (`Write`) naming the folder.
 */
export const writeTestPki = (pki: TestPki, dir: string): Effect.Effect<TestPkiPaths, PkiError> =>
  Effect.tryPromise({
    try: async () => {
      const root = path.resolve(dir)
      await fs.mkdir(root, { recursive: true })
      const paths: TestPkiPaths = {
        ca: path.join(root, "ca.pem"),
        serverCert: path.join(root, "server.pem"),
        serverKey: path.join(root, "server-key.pem"),
        cert: path.join(root, "client.pem"),
        key: path.join(root, "client-key.pem")
      }
      const writeKey = async (file: string, pem: string) => {
        await fs.writeFile(file, pem, { mode: 0o600 })
        await fs.chmod(file, 0o600)
      }
      await fs.writeFile(paths.ca, pki.caCertificate)
      await fs.writeFile(paths.serverCert, pki.server.certificate)
      await writeKey(paths.serverKey, pki.server.privateKey)
      await fs.writeFile(paths.cert, pki.client.certificate)
      await writeKey(paths.key, pki.client.privateKey)
      return paths
    },
    catch: (cause) => new PkiError({ reason: "Write", message: `could not write the test PKI to ${dir}`, cause })
  })
