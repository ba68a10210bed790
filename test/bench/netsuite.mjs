// NetSuite posting throughput: `size` (default 10k) journal entries posted by the NetSuite adapter to the sandbox's
// NetSuite emulator over HTTPS (OAuth 2.0 M2M) at concurrency 1, 2 and 4, each create checked (204 + Location). The
// emulator runs in this process, so the figures include its work. Baselines measured in the same run: the pure `plan`
// of the same documents, and bare signed SuiteQL round trips (the transport floor) at concurrency 1. A second series
// posts 1,000 documents to an emulator that takes 20 ms per request, where concurrency pays off.
import { CfdiRef, JournalLine, PostingDocument } from "@clara-recon/domain"
import { NetSuiteAdapter, makeNetSuiteClient, suiteQlAll } from "@clara-recon/erp-netsuite"
import { makeTestPki, startNetSuiteEmulator, testPkiHttpClient } from "@clara-recon/sandbox"
import { BigDecimal, Effect, Layer } from "effect"
import { generateKeyPairSync } from "node:crypto"
import { performance } from "node:perf_hooks"
import { fmt, rssMb } from "./common.mjs"

const d = BigDecimal.unsafeFromString
const cents = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`

/** `n` balanced IVA 16 % postings keyed `rcn_b<prefix>_<i>` (deterministic amounts). */
const postings = (n, prefix) =>
  Array.from({ length: n }, (_, i) => {
    const base = (100 + (i % 97) * 13) * 100 + (i % 89)
    const iva = Math.round((base * 16) / 100)
    const uuid = "4A1B2C3D-0000-4E5F-8A9B-0C1D2E3F4A5B"
    return new PostingDocument({
      sourceId: `bench-${prefix}-${i}`,
      externalKey: `rcn_b${prefix}_${i}`,
      version: 1,
      documentDate: "2026-01-14",
      postingDate: "2026-01-15",
      currency: "MXN",
      memo: `Bench ${i} | CFDI ${uuid}`,
      companyCode: "MX01",
      cfdis: [new CfdiRef({ uuid, rfcEmisor: "ODE950101AB1", fecha: "2026-01-14" })],
      lines: [
        new JournalLine({ side: "debit", role: "expense", account: "601.84", amount: d(cents(base)), vendorRfc: "ODE950101AB1", cfdiUuid: uuid }),
        new JournalLine({ side: "debit", role: "iva_acreditable", account: "118.01", amount: d(cents(iva)), cfdiUuid: uuid }),
        new JournalLine({ side: "credit", role: "card_liability", account: "205.06", amount: d(cents(base + iva)) })
      ]
    })
  })

const mapping = {
  accounts: { "601.84": "601", "118.01": "118", "205.06": "245" },
  subsidiaries: { MX01: "3" },
  currencies: { MXN: "2" },
  vendors: { ODE950101AB1: "2001" },
  cfdiUuidBodyField: "custbody_mx_cfdi_uuid"
}

/** Prints postings/s at concurrency 1, 2 and 4 beside the plan and transport baselines. */
export const run = async ({ size }) => {
  const n = size
  const keys = generateKeyPairSync("rsa", {
    modulusLength: 3072,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" }
  })
  const m2m = { clientId: "bench-client", certificateId: "bench-cert", privateKey: keys.privateKey, publicKey: keys.publicKey }
  const program = Effect.gen(function*() {
    const pki = yield* makeTestPki()
    const context = yield* Layer.build(testPkiHttpClient(pki))
    const start = (latencyMs) => startNetSuiteEmulator({ pki, m2m: [m2m], concurrencyLimit: 10, latencyMs })
    const configFor = (emulator, concurrency) => {
      const decoded = NetSuiteAdapter.decodeConfig({
        accountId: emulator.accountId,
        baseUrl: emulator.baseUrl,
        auth: { method: "m2m", clientId: m2m.clientId, certificateId: m2m.certificateId, privateKey: m2m.privateKey },
        concurrency,
        mapping
      })
      if (decoded._tag === "Left") throw new Error(decoded.left.internalMessage)
      return decoded.right
    }
    const emulator = yield* start(0)

    const planDocs = postings(n, "p")
    const planner = yield* NetSuiteAdapter.make(configFor(emulator, 1)).pipe(Effect.provide(context))
    const p0 = performance.now()
    for (const doc of planDocs) planner.plan(doc)
    const planMs = performance.now() - p0
    console.log(`plan (baseline)     : ${n} documents in ${fmt(planMs / 1000, 2)} s = ${fmt(n / (planMs / 1000), 0)} plans/s`)

    const client = yield* makeNetSuiteClient(configFor(emulator, 1)).pipe(Effect.provide(context))
    const rounds = Math.min(1000, n)
    const ping = suiteQlAll(client, "SELECT id FROM subsidiary ORDER BY id", { pageSize: 1, maxRows: 1 })
    for (let i = 0; i < 50; i++) yield* ping // warm-up: token, TLS session, JIT
    const q0 = performance.now()
    for (let i = 0; i < rounds; i++) yield* ping
    const qMs = performance.now() - q0
    console.log(`transport (baseline): ${rounds} signed SuiteQL round trips, concurrency 1 = ` +
      `${fmt(rounds / (qMs / 1000), 0)} req/s`)

    const measure = (target, count, concurrency, label) =>
      Effect.gen(function*() {
        const adapter = yield* NetSuiteAdapter.make(configFor(target, concurrency)).pipe(Effect.provide(context))
        const plans = postings(count, `${label}${concurrency}`).map((doc) => adapter.plan(doc))
        const t0 = performance.now()
        const results = yield* adapter.postEach(plans)
        const ms = performance.now() - t0
        const posted = results.filter((r) => r.status === "posted").length
        console.log(`post ${label === "l" ? "(20 ms server)" : "journalEntry  "}, concurrency ${concurrency}: ${posted}/${count} ` +
          `posted in ${fmt(ms / 1000, 1)} s = ${fmt(posted / (ms / 1000), 0)} postings/s (RSS ${fmt(rssMb(), 0)} MB)`)
      })
    for (const concurrency of [1, 2, 4]) yield* measure(emulator, n, concurrency, "c")
    const counts = emulator.countByExternalId()
    console.log(`emulator: ${emulator.records().length} records, ${[...counts.values()].filter((c) => c > 1).length} ` +
      `duplicates, ${emulator.stats().rateLimited} 429s, peak ${emulator.peakInFlight()} requests in flight`)

    // with a simulated NetSuite processing time, concurrency pays off (the in-process emulator above is CPU-bound)
    const slow = yield* start(20)
    const m = Math.min(1000, n)
    for (const concurrency of [1, 2, 4]) yield* measure(slow, m, concurrency, "l")
  })
  await Effect.runPromise(Effect.scoped(program))
}
