// ERP section: SAP-style CSV export of 100k journal lines per layout preset (rows/s), beside a naive join of the same
// cells (no quoting, no encoding, no checks); and the posting builder over 50k (transaction, CFDI) pairs (docs/s),
// per transaction and grouped per day, beside the bare BigDecimal sums the builder performs.
// Synthetic, seeded data: invented RFCs and amounts, no real taxpayer.
import { CardTransaction, FiscalDocument, JournalLine, money, Party, PostingDocument, TaxTotals } from "@clara-recon/domain"
import { buildPosting, buildPostings, defaultMapping, MappingConfig } from "@clara-recon/erp"
import { layoutPresets, renderJournalCsv } from "@clara-recon/erp-sap-csv"
import { BigDecimal, Either, Schema } from "effect"
import { arg, fmt, rssMb, timeIt } from "./common.mjs"

/** A small deterministic PRNG (mulberry32). */
const prng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const d = (s) => BigDecimal.unsafeFromString(s)
const cents = (n) => (n / 100).toFixed(2)
const hex = (random, n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("")
const uuid = (random) => `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-8${hex(random, 3)}-${hex(random, 12)}`

/** `count` balanced 4-line postings (expense, IVA, rounding, card liability) = 4 x count journal lines. */
const postings = (random, count) =>
  Array.from({ length: count }, (_, i) => {
    const base = 1000 + Math.floor(random() * 900_000)
    const iva = Math.round(base * 0.16)
    const rounding = 1 + Math.floor(random() * 3)
    const cfdiUuid = uuid(random).toUpperCase()
    const text = i % 7 === 0 ? "Café \"La Ñ\", S.A." : "OFFICE DEPOT 123"
    const line = (side, role, account, amount, taxCode) =>
      new JournalLine({ side, role, account, amount: d(cents(amount)), ...(taxCode ? { taxCode } : {}), cfdiUuid, text })
    const day = String(1 + (i % 28)).padStart(2, "0")
    return new PostingDocument({
      sourceId: uuid(random),
      externalKey: `rcn_${String(i).padStart(8, "0")}`,
      version: 1,
      documentDate: `2026-01-${day}`,
      postingDate: `2026-01-${day}`,
      currency: "MXN",
      memo: `${text} | CFDI ${cfdiUuid}`,
      companyCode: "MX01",
      documentType: "SA",
      cardLastFour: "1234",
      cfdis: [],
      lines: [
        line("debit", "expense", "601.84", base, "V1"),
        line("debit", "iva_acreditable", "118.01", iva, "V1"),
        line("debit", "rounding", "703.21", rounding),
        line("credit", "card_liability", "205.06", base + iva + rounding)
      ]
    })
  })

/** `count` (transaction, CFDI) pairs: IVA 16 %, a few with withholdings, a few cents of rounding, 28 days. */
const pairs = (random, count) =>
  Array.from({ length: count }, (_, i) => {
    const base = 1000 + Math.floor(random() * 900_000)
    const iva = Math.round(base * 0.16)
    const withheld = i % 10 === 0 ? Math.round(base * 0.1) : 0
    const total = base + iva - withheld
    const day = String(1 + (i % 28)).padStart(2, "0")
    const transaction = new CardTransaction({
      uuid: uuid(random),
      type: "PURCHASE",
      status: "AUTHORIZED",
      descriptor: "OFFICE DEPOT 123",
      mcc: "5943",
      amount: money(cents(total + (i % 3)), "MXN"),
      operationDate: `2026-01-${day}`,
      cardLastFour: String(1000 + (i % 50)),
      hasInvoice: true,
      hasExtractedDocuments: false
    })
    const document = new FiscalDocument({
      id: uuid(random).toUpperCase(),
      kind: "CFDI",
      country: "MX",
      issueDate: `2026-01-${day}`,
      issuer: new Party({ taxId: i % 20 === 0 ? "XAXX010101000" : "ODE950101AB1" }),
      receiver: new Party({}),
      currency: "MXN",
      subTotal: d(cents(base)),
      total: d(cents(total)),
      taxes: new TaxTotals({
        ivaTransferred: d(cents(iva)),
        ...(withheld > 0 ? { isrWithheld: d(cents(withheld)) } : {})
      }),
      relations: [],
      claraTransactionUuids: [],
      sources: []
    })
    return { transaction, document }
  })

/** Prints the ERP figures. `--erp-lines N` and `--erp-docs N` change the sizes (default 100k lines, 50k docs). */
export const run = ({ seed }) => {
  const random = prng(seed)
  const lineCount = arg("erp-lines", 100_000)
  const docCount = arg("erp-docs", 50_000)
  const docs = postings(random, Math.ceil(lineCount / 4))
  const lines = docs.length * 4
  console.log(`CSV export: ${docs.length} documents, ${lines} journal lines`)

  const cells = docs.flatMap((doc) =>
    doc.lines.map((l, i) => [doc.externalKey, doc.postingDate, String(i + 1), l.account, BigDecimal.format(l.amount), l.text])
  )
  const naive = timeIt(() => Buffer.from(cells.map((row) => row.join(",")).join("\r\n"), "utf8"))
  console.log(`  baseline naive join          ${fmt(lines / (naive.ms / 1000), 0)} rows/s (${fmt(naive.ms, 0)} ms)`)
  for (const layout of layoutPresets) {
    const options = { tenant: "bench", runDate: "2026-01-31", sequence: 1, layout }
    const { ms, result } = timeIt(() => renderJournalCsv(docs, options))
    if (Either.isLeft(result)) throw new Error(`${layout.id}: ${result.left.message}`)
    const bytes = result.right.files.reduce((acc, f) => acc + f.bytes.length, 0)
    console.log(
      `  ${layout.id.padEnd(28)} ${fmt(lines / (ms / 1000), 0)} rows/s (${fmt(ms, 0)} ms, ` +
        `${fmt(bytes / 1_048_576, 1)} MB, ${fmt(ms / naive.ms, 1)}x baseline)`
    )
  }

  const items = pairs(random, docCount)
  console.log(`Posting builder: ${items.length} (transaction, CFDI) pairs`)
  const sums = timeIt(() =>
    items.map(({ document }) =>
      [document.subTotal, document.taxes.ivaTransferred, document.taxes.isrWithheld ?? d("0"), document.total]
        .reduce((acc, x) => BigDecimal.sum(acc, x), d("0"))
    )
  )
  console.log(`  baseline BigDecimal sums     ${fmt(items.length / (sums.ms / 1000), 0)} docs/s (${fmt(sums.ms, 0)} ms)`)
  const single = timeIt(() =>
    items.map(({ document, transaction }) =>
      buildPosting({ tenant: "bench", transaction, document, mapping: defaultMapping })
    )
  )
  const refused = single.result.filter(Either.isLeft).length
  console.log(
    `  buildPosting (per transaction) ${fmt(items.length / (single.ms / 1000), 0)} docs/s (${fmt(single.ms, 0)} ms, ` +
      `${refused} refused, ${fmt(single.ms / sums.ms, 1)}x baseline)`
  )
  const perDay = Schema.decodeUnknownSync(MappingConfig)({ ...Schema.encodeSync(MappingConfig)(defaultMapping), grouping: "perDay" })
  const grouped = timeIt(() => buildPostings({ tenant: "bench", mapping: perDay, items }))
  console.log(
    `  buildPostings (perDay)         ${fmt(items.length / (grouped.ms / 1000), 0)} docs/s (${fmt(grouped.ms, 0)} ms, ` +
      `${grouped.result.documents.length} documents, RSS ${fmt(rssMb(), 0)} MB)`
  )
}
