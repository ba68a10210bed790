/** A NetSuite emulator (HTTPS, test PKI) and adapters configured against it, for the erp-netsuite tests. */
import { CfdiRef, JournalLine, PostingDocument } from "@clara-recon/domain"
import {
  defaultNetSuiteMapping,
  makeTestPki,
  type NetSuiteEmulator,
  type NetSuiteEmulatorOptions,
  startNetSuiteEmulator,
  testPkiHttpClient,
  type TestPki
} from "@clara-recon/sandbox"
import { BigDecimal, Effect, Layer, Redacted } from "effect"
import * as jose from "jose"
import { randomBytes } from "node:crypto"
import * as NetSuiteAdapter from "../../src/NetSuiteAdapter.js"
import { makeNetSuiteClient, type NetSuiteClient } from "../../src/NetSuiteClient.js"
import type { NetSuiteConfig, NetSuiteConfigInput } from "../../src/NetSuiteConfig.js"

const d = BigDecimal.unsafeFromString

/** The test's secrets (random per run) in config-file form. */
export interface Secrets {
  readonly tba: { consumerKey: string; consumerSecret: string; tokenId: string; tokenSecret: string }
  readonly m2m: { clientId: string; certificateId: string; privateKey: string; publicKey: string }
}

const hex = (n: number) => randomBytes(n).toString("hex")

let cachedKeys: Promise<{ privateKey: string; publicKey: string }> | undefined

/** An RSA 3072 key pair (PKCS#8 / SPKI PEM) for PS256, generated once per test file. */
export const rsaKeys = () => {
  cachedKeys ??= jose.generateKeyPair("PS256", { modulusLength: 3072, extractable: true }).then(async (pair) => ({
    privateKey: await jose.exportPKCS8(pair.privateKey),
    publicKey: await jose.exportSPKI(pair.publicKey)
  }))
  return Effect.promise(() => cachedKeys!)
}

/** Fresh random TBA and M2M credentials. */
export const makeSecrets = Effect.map(rsaKeys(), (keys): Secrets => ({
  tba: { consumerKey: hex(32), consumerSecret: hex(32), tokenId: hex(32), tokenSecret: hex(32) },
  m2m: { clientId: hex(16), certificateId: `cert-${hex(8)}`, ...keys }
}))

/** The mapping of the default emulator catalog, with vendor 2001 mapped by its RFC. */
export const catalogMapping = { ...defaultNetSuiteMapping, vendors: { ODE950101AB1: "2001" } }

/** The config-file form of an adapter configuration against `emulator` with `method`. */
export const configInput = (
  emulator: NetSuiteEmulator,
  secrets: Secrets,
  method: "tba" | "m2m",
  extra: Partial<NetSuiteConfigInput> = {}
): NetSuiteConfigInput => ({
  accountId: emulator.accountId,
  baseUrl: emulator.baseUrl,
  auth: method === "tba" ?
    { method: "tba", ...secrets.tba } :
    { method: "m2m", clientId: secrets.m2m.clientId, certificateId: secrets.m2m.certificateId, privateKey: secrets.m2m.privateKey },
  backoffBaseMs: 20,
  mapping: catalogMapping,
  ...extra
})

/** Decodes a config input (the test's own inputs are valid). */
export const decoded = (input: NetSuiteConfigInput): NetSuiteConfig => {
  const result = NetSuiteAdapter.decodeConfig(input)
  if (result._tag === "Left") throw new Error(result.left.internalMessage)
  return result.right
}

/** A running emulator with both credential kinds registered, plus the test PKI and secrets. */
export interface Harness {
  readonly emulator: NetSuiteEmulator
  readonly pki: TestPki
  readonly secrets: Secrets
  /** Builds an adapter against the emulator (its HTTP agent lives in the current scope). */
  readonly adapter: (
    method: "tba" | "m2m",
    extra?: Partial<NetSuiteConfigInput>
  ) => Effect.Effect<NetSuiteAdapter.NetSuiteAdapter, never, import("effect/Scope").Scope>
  /** Builds a bare client against the emulator. */
  readonly client: (
    method: "tba" | "m2m",
    extra?: Partial<NetSuiteConfigInput>
  ) => Effect.Effect<NetSuiteClient, never, import("effect/Scope").Scope>
}

/** Starts the emulator with `options` in the current scope. */
export const harness = (options: Omit<NetSuiteEmulatorOptions, "pki" | "tba" | "m2m"> = {}) =>
  Effect.gen(function*() {
    const pki = yield* makeTestPki()
    const secrets = yield* makeSecrets
    const emulator = yield* startNetSuiteEmulator({
      pki,
      tba: [secrets.tba],
      m2m: [{ clientId: secrets.m2m.clientId, certificateId: secrets.m2m.certificateId, publicKey: secrets.m2m.publicKey }],
      ...options
    })
    const adapter: Harness["adapter"] = (method, extra = {}) =>
      Effect.flatMap(Layer.build(testPkiHttpClient(pki)), (context) =>
        Effect.provide(NetSuiteAdapter.make(decoded(configInput(emulator, secrets, method, extra))), context))
    const client: Harness["client"] = (method, extra = {}) =>
      Effect.flatMap(Layer.build(testPkiHttpClient(pki)), (context) =>
        Effect.provide(makeNetSuiteClient(decoded(configInput(emulator, secrets, method, extra))), context))
    return { emulator, pki, secrets, adapter, client } satisfies Harness
  })

const line = (
  side: "debit" | "credit",
  role: JournalLine["role"],
  account: string,
  amount: string,
  extra: { text: string; cfdiUuid?: string; vendorRfc?: string; costCenter?: string }
) => new JournalLine({ side, role, account, amount: d(amount), ...extra })

/** An IVA 16 % purchase of 1160.00 MXN on card ****1234 (CFDI A-1001 from ODE950101AB1) keyed `key`. */
export const mxnPosting = (key = "rcn_ns_0001", overrides: Partial<ConstructorParameters<typeof PostingDocument>[0]> = {}) => {
  const uuid = "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"
  const text = { text: "Office Depot", cfdiUuid: uuid }
  return new PostingDocument({
    sourceId: "7f3c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
    externalKey: key,
    version: 1,
    documentDate: "2026-01-14",
    postingDate: "2026-01-15",
    currency: "MXN",
    memo: "Office Depot | CFDI 4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B",
    companyCode: "MX01",
    cardLastFour: "1234",
    cfdis: [new CfdiRef({ uuid, rfcEmisor: "ODE950101AB1", serie: "A", folio: "1001", fecha: "2026-01-14T12:30:00" })],
    lines: [
      line("debit", "expense", "601.84", "1000.00", { ...text, vendorRfc: "ODE950101AB1" }),
      line("debit", "iva_acreditable", "118.01", "160.00", text),
      line("credit", "card_liability", "205.06", "1160.00", text)
    ],
    ...overrides
  })
}

/** A foreign-vendor purchase (generic RFC XEXX010101000) at TipoCambio 17.25 with an FX difference line. */
export const fxPosting = (key = "rcn_ns_0002") => {
  const uuid = "9C8B7A65-4321-4DCB-A987-6543210FEDCB"
  const text = { text: "Cloud \"SaaS\", Inc", cfdiUuid: uuid }
  return new PostingDocument({
    sourceId: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    externalKey: key,
    version: 1,
    documentDate: "2026-02-01",
    postingDate: "2026-02-03",
    currency: "MXN",
    exchangeRate: d("17.25"),
    memo: "fx",
    companyCode: "MX01",
    cfdis: [new CfdiRef({ uuid, rfcEmisor: "XEXX010101000", folio: "77", fecha: "2026-02-01T09:00:00" })],
    lines: [
      line("debit", "expense", "601.84", "1725.00", { ...text, vendorRfc: "XEXX010101000" }),
      line("debit", "iva_acreditable", "118.01", "276.00", text),
      line("debit", "fx_diff", "701.01", "9.00", text),
      line("credit", "card_liability", "205.06", "2010.00", text)
    ]
  })
}

/** `n` distinct balanced postings keyed `rcn_<prefix>_<i>`, amounts varying with `i` (deterministic). */
export const manyPostings = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => {
    const baseCents = (100 + (i % 97) * 13) * 100 + (i % 89)
    const ivaCents = Math.round((baseCents * 16) / 100)
    const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`
    const amounts = [cents(baseCents), cents(ivaCents), cents(baseCents + ivaCents)]
    return mxnPosting(`rcn_${prefix}_${i}`, {
      sourceId: `src-${prefix}-${i}`,
      lines: [
        line("debit", "expense", "601.84", amounts[0]!, { text: `Item ${i}`, vendorRfc: "ODE950101AB1" }),
        line("debit", "iva_acreditable", "118.01", amounts[1]!, { text: `IVA ${i}` }),
        line("credit", "card_liability", "205.06", amounts[2]!, { text: "Tarjeta ****1234" })
      ]
    })
  })

/** Unwraps a decoded secret for assertions. */
export const reveal = (r: Redacted.Redacted<string>) => Redacted.value(r)
