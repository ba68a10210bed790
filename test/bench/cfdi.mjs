// CFDI read throughput, side by side in one run on the same bytes (files/s, ratios), over three corpora: a generated
// corpus of 20k mixed documents (CFDI 4.0 / 3.3, I / E / P, from @clara-recon/cfdi's seeded generator), the shared
// fixtures (repeated to get a stable timing) and the scenario's invoices (whose results feed the matcher section).
//   (a) ours: readCfdi + toFiscalDocument
//   (b) raw fast-xml-parser: decode + parse of the same bytes, no CFDI semantics (goal: (a) >= 0.8 x (b))
//   (c) @nodecfdi/cfdi-core (xmldom DOM) parse + reading the 13 fields `cfdi read` prints, as strings
//   (d) fast-xml-parser with its validator on; (e) fast-xml-parser with our reader's options, no checks (the ceiling)
//   (f) @nodecfdi/cfdi-core parse + reading the fields (a)'s FiscalDocument carries, amounts as BigDecimal: the
//       issue's "parse plus reading the same fields" (goal: (a) >= 2 x (f)); checked to agree with (a) field by field
// Parallel folder mode: the 20k corpus written to a temp dir, read + parsed + validated from disk into the reports of
// `clara-recon cfdi read` by the product's `CfdiReaderPool` on 2 node:worker_threads (reports sent back and put in
// order) against the same pool API on the main thread (goal >= 1.8x on 2 cores).
// Contenders (the parallel mode's two as well) are timed in interleaved rounds, best of 5 each with a full GC before
// each, so load changes on a shared machine hit all alike and none pays for another's garbage.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { makeCfdiReaderPool, randomCfdiCorpus, readCfdi, toFiscalDocument } from "@clara-recon/cfdi"
import { DocumentSource, trustedInstance } from "@clara-recon/domain"
import { BigDecimal, Effect, Exit, Scope } from "effect"
import { nodeFromXmlString } from "@nodecfdi/cfdi-core"
import { arg, fmt, timeIt, timeItAsync } from "./common.mjs"

const requireFromCfdi = createRequire(new URL("../../packages/cfdi/package.json", import.meta.url))
const { XMLParser } = requireFromCfdi("fast-xml-parser")

const fixturesDir = join(
  process.env.CLARA_RECON_FIXTURES ?? new URL("../../../shared/fixtures", import.meta.url).pathname,
  "cfdi"
)

/** A file's source, built as the pipeline's collect step builds it (unchecked: a kind literal and a path). */
const source = (name) => trustedInstance(DocumentSource, { kind: "file", location: name })

/**
 * Runs `read` on every file and counts the files it refused (returned an `Error`). Each product is dropped as soon as
 * it is made (kept only in `last`, so the work cannot be optimised away): every contender pays for making its result,
 * none for keeping 20k of them alive, whose garbage-collection cost would depend on how big each product is.
 */
let last
const countRefused = (files, read) => {
  let refused = 0
  for (const f of files) {
    last = read(f)
    if (last instanceof Error) refused++
  }
  return refused
}

/** (a) our reader and the mapping to the domain document; refused files count as done. */
const ours = (files) =>
  countRefused(files, (f) => {
    const r = readCfdi(f.bytes, { path: f.name })
    return r._tag === "Right" ? toFiscalDocument(r.right, source(f.name)) : r.left
  })

/** (b) raw fast-xml-parser on the same bytes. */
const raw = (files) => {
  const decoder = new TextDecoder()
  const parser = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, processEntities: false })
  return countRefused(files, (f) => parser.parse(decoder.decode(f.bytes)))
}

/**
 * (d) fast-xml-parser with its well-formedness validation on (`parse(text, true)`): a plain parse silently accepts
 * mismatched tags, truncated files and duplicate attributes. Our reader no longer runs this second pass over every
 * file: it checks well-formedness on the parser's output and calls the validator only for a file it cannot vouch for
 * (packages/cfdi/src/internal/wellFormed.ts), with the same verdicts.
 */
const rawValidated = (files) => {
  const decoder = new TextDecoder()
  const parser = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, processEntities: false })
  return countRefused(files, (f) => {
    try {
      return parser.parse(decoder.decode(f.bytes), true)
    } catch (e) {
      return e
    }
  })
}

/**
 * (e) fast-xml-parser with the options our reader parses with (preserve order, no path strings, values as written),
 * no validation and no CFDI semantics: what reading costs in the library alone, so the ceiling of any reader built on
 * it. Not a goal; it shows how much of (a) is fast-xml-parser and how far (a) could go against (c).
 */
const rawTuned = (files) => {
  const decoder = new TextDecoder()
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    jPath: false
  })
  return countRefused(files, (f) => parser.parse(decoder.decode(f.bytes)))
}

/** (c) nodecfdi: DOM parse (xmldom) into its node tree, then the fields `cfdi read` prints, as strings. */
const nodecfdi = (files) => {
  const decoder = new TextDecoder()
  return countRefused(files, (f) => {
    try {
      const root = nodeFromXmlString(decoder.decode(f.bytes))
      const tfd = root.searchNode("cfdi:Complemento", "tfd:TimbreFiscalDigital")
      return {
        version: root.getAttribute("Version"),
        tipo: root.getAttribute("TipoDeComprobante"),
        fecha: root.getAttribute("Fecha"),
        subTotal: root.getAttribute("SubTotal"),
        descuento: root.getAttribute("Descuento"),
        total: root.getAttribute("Total"),
        moneda: root.getAttribute("Moneda"),
        tipoCambio: root.getAttribute("TipoCambio"),
        emisor: root.searchAttribute("cfdi:Emisor", "Rfc"),
        emisorNombre: root.searchAttribute("cfdi:Emisor", "Nombre"),
        receptor: root.searchAttribute("cfdi:Receptor", "Rfc"),
        receptorNombre: root.searchAttribute("cfdi:Receptor", "Nombre"),
        uuid: tfd?.getAttribute("UUID").toUpperCase()
      }
    } catch (e) {
      return e
    }
  })
}

/** The sum of the `Importe` of `nodes` whose `Impuesto` is `impuesto` (`undefined` when none has one: Exento). */
const sumImpuesto = (nodes, impuesto) => {
  let sum
  for (const node of nodes) {
    if (node.getAttribute("Impuesto") !== impuesto || !node.hasAttribute("Importe")) continue
    const importe = BigDecimal.unsafeFromString(node.getAttribute("Importe"))
    sum = sum === undefined ? importe : BigDecimal.sum(sum, importe)
  }
  return sum
}

/** An attribute's value, `undefined` when absent (as the domain document leaves an optional field out). */
const optional = (node, name) => (node?.hasAttribute(name) ? node.getAttribute(name) : undefined)

/**
 * (f) nodecfdi reading the fields our `FiscalDocument` carries, the "reading the same fields": (c)'s, plus
 * Serie, Folio, MetodoPago, FormaPago, UsoCFDI, the first concept's ClaveProdServ, the transferred and withheld tax
 * totals per tax (IVA, IEPS, ISR; amounts summed as `BigDecimal`, as ours are), the CfdiRelacionados and the local
 * taxes' net. A file without a TimbreFiscalDigital is refused, as ours refuses it.
 */
const utf8 = new TextDecoder()
const nodecfdiDocument = (f) => {
  const root = nodeFromXmlString(utf8.decode(f.bytes))
  const uuid = root.searchAttribute("cfdi:Complemento", "tfd:TimbreFiscalDigital", "UUID")
  if (uuid === "") return new Error(`${f.name}: no TimbreFiscalDigital`)
  const emisor = root.searchNode("cfdi:Emisor")
  const receptor = root.searchNode("cfdi:Receptor")
  const traslados = root.searchNodes("cfdi:Impuestos", "cfdi:Traslados", "cfdi:Traslado")
  const retenciones = root.searchNodes("cfdi:Impuestos", "cfdi:Retenciones", "cfdi:Retencion")
  const local = root.searchNode("cfdi:Complemento", "implocal:ImpuestosLocales")
  return {
    id: uuid.toUpperCase(),
    version: root.getAttribute("Version"),
    tipoDeComprobante: root.getAttribute("TipoDeComprobante"),
    issuedAt: root.getAttribute("Fecha"),
    issuer: { taxId: emisor?.getAttribute("Rfc").trim(), name: optional(emisor, "Nombre") },
    receiver: { taxId: receptor?.getAttribute("Rfc").trim(), name: optional(receptor, "Nombre") },
    currency: root.getAttribute("Moneda"),
    total: BigDecimal.unsafeFromString(root.getAttribute("Total")),
    subTotal: BigDecimal.unsafeFromString(root.getAttribute("SubTotal")),
    taxes: {
      ivaTransferred: sumImpuesto(traslados, "002"),
      iepsTransferred: sumImpuesto(traslados, "003"),
      ivaWithheld: sumImpuesto(retenciones, "002"),
      isrWithheld: sumImpuesto(retenciones, "001"),
      localNet: local === undefined ? undefined : BigDecimal.subtract(
        BigDecimal.unsafeFromString(local.getAttribute("TotaldeTraslados")),
        BigDecimal.unsafeFromString(local.getAttribute("TotaldeRetenciones"))
      )
    },
    relations: root.searchNodes("cfdi:CfdiRelacionados").map((r) => ({
      tipoRelacion: r.getAttribute("TipoRelacion"),
      uuids: r.searchNodes("cfdi:CfdiRelacionado").map((u) => u.getAttribute("UUID").toUpperCase())
    })),
    serie: optional(root, "Serie"),
    folio: optional(root, "Folio"),
    discount: root.hasAttribute("Descuento") ? BigDecimal.unsafeFromString(root.getAttribute("Descuento")) : undefined,
    exchangeRate: root.hasAttribute("TipoCambio")
      ? BigDecimal.unsafeFromString(root.getAttribute("TipoCambio"))
      : undefined,
    metodoPago: optional(root, "MetodoPago"),
    formaPago: optional(root, "FormaPago"),
    usoCfdi: optional(receptor, "UsoCFDI"),
    claveProdServ: root.searchAttribute("cfdi:Conceptos", "cfdi:Concepto", "ClaveProdServ") || undefined
  }
}

const nodecfdiFull = (files) =>
  countRefused(files, (f) => {
    try {
      return nodecfdiDocument(f)
    } catch (e) {
      return e
    }
  })

/** A `FiscalDocument`'s fields that (f) reads, as plain JSON (amounts as their normalized decimal text). */
const comparable = (doc) => {
  const amount = (x) => (x === undefined ? undefined : BigDecimal.format(BigDecimal.normalize(x)))
  return JSON.stringify({
    id: doc.id,
    version: doc.version,
    tipoDeComprobante: doc.tipoDeComprobante,
    issuedAt: doc.issuedAt,
    issuer: { rfc: doc.issuer.taxId, name: doc.issuer.name },
    receiver: { rfc: doc.receiver.taxId, name: doc.receiver.name },
    currency: doc.currency,
    total: amount(doc.total),
    subTotal: amount(doc.subTotal),
    taxes: {
      ivaTransferred: amount(doc.taxes.ivaTransferred),
      iepsTransferred: amount(doc.taxes.iepsTransferred),
      ivaWithheld: amount(doc.taxes.ivaWithheld),
      isrWithheld: amount(doc.taxes.isrWithheld),
      localNet: amount(doc.taxes.localNet)
    },
    relations: doc.relations.map((r) => ({ tipoRelacion: r.tipoRelacion, uuids: [...r.uuids] })),
    serie: doc.serie,
    folio: doc.folio,
    discount: amount(doc.discount),
    exchangeRate: amount(doc.exchangeRate),
    metodoPago: doc.metodoPago,
    formaPago: doc.formaPago,
    usoCfdi: doc.usoCfdi,
    claveProdServ: doc.claveProdServ
  })
}

/**
 * Checks that (f) reads what ours maps: for every file both read, the same field values. Returns the number of files
 * compared and the names of those that differ (the bench prints them: a contender reading less would flatter ours).
 */
const agreement = (files) => {
  let compared = 0
  const differ = []
  for (const f of files) {
    const r = readCfdi(f.bytes, { path: f.name })
    let theirs
    try {
      theirs = nodecfdiDocument(f)
    } catch {
      continue
    }
    if (r._tag !== "Right" || theirs instanceof Error) continue
    compared++
    if (comparable(toFiscalDocument(r.right, source(f.name))) !== comparable(theirs)) differ.push(f.name)
  }
  return { compared, differ }
}

const rate = (n, ms) => n / (ms / 1000)

// A full collection before each timed contender, so that none pays for the garbage the one before it left.
setFlagsFromString("--expose-gc")
const collectGarbage = runInNewContext("gc")

/**
 * Best-of-`rounds` wall time of each function, the rounds interleaved (a, b, c, a, b, c, ...) so that a change of load
 * on a shared machine hits every contender alike; returns `{ ms, result }` per function (`result` of the last round).
 */
const interleaved = (fns, rounds) => {
  const out = fns.map(() => ({ ms: Infinity, result: undefined }))
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      collectGarbage()
      const t0 = performance.now()
      const result = fn()
      out[i] = { ms: Math.min(out[i].ms, performance.now() - t0), result }
    })
  }
  return out
}

/** Times (a) to (f) over `files` and prints files/s, the ratios and (f)'s agreement with ours. */
const sideBySide = (label, files, rounds = 5) => {
  const megabytes = files.reduce((n, f) => n + f.bytes.byteLength, 0) / 1_048_576
  const [a, b, c, d, e, full] = interleaved(
    [
      () => ours(files),
      () => raw(files),
      () => nodecfdi(files),
      () => rawValidated(files),
      () => rawTuned(files),
      () => nodecfdiFull(files)
    ],
    rounds
  )
  const refused = a.result
  const line = (name, t) =>
    `  ${name.padEnd(38)} ${fmt(rate(files.length, t.ms), 0).padStart(9)} files/s` +
    `  ${fmt(megabytes / (t.ms / 1000), 1)} MB/s`
  console.log(`${label}: ${files.length} files, ${fmt(megabytes, 2)} MB ` +
    `(refused: ${refused} by ours, ${c.result} by (c), ${full.result} by (f))`)
  console.log(line("(a) ours read + FiscalDocument", a))
  console.log(line("(b) raw fast-xml-parser", b))
  console.log(line("(c) nodecfdi cfdi-core + printed fields", c))
  console.log(line("(d) fast-xml-parser, validating", d))
  console.log(line("(e) fast-xml-parser, our options", e))
  console.log(line("(f) nodecfdi cfdi-core + FiscalDocument", full))
  const { compared, differ } = agreement(files.slice(0, 2_000))
  console.log(`  (f) reads what (a) maps: ${compared - differ.length} of ${compared} files agree field by field` +
    (differ.length === 0 ? "" : `; differ: ${[...new Set(differ)].slice(0, 5).join(", ")}`))
  console.log(`  ratios: ours / raw fast-xml-parser ${fmt(b.ms / a.ms, 2)}x (goal >= 0.8), ` +
    `ours / nodecfdi reading the same fields (f) ${fmt(full.ms / a.ms, 2)}x (goal >= 2), ` +
    `ours / nodecfdi reading the printed fields (c) ${fmt(c.ms / a.ms, 2)}x, ` +
    `ours / validating fast-xml-parser ${fmt(d.ms / a.ms, 2)}x`)
  console.log(`  ceiling: fast-xml-parser with our options alone / nodecfdi (c) ${fmt(c.ms / e.ms, 2)}x, ` +
    `ours / that ${fmt(e.ms / a.ms, 2)}x`)
}

/** A `CfdiReaderPool` of `workers` threads (1: this thread), started outside the timings; `close` ends it. */
const startPool = async (workers) => {
  const scope = await Effect.runPromise(Scope.make())
  const pool = await Effect.runPromise(Scope.extend(makeCfdiReaderPool({ workers }), scope))
  return {
    run: (paths) =>
      Effect.runPromise(pool.reports(paths)).then((reports) => reports.filter((r) => r.status === "read").length),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

/** Prints the rates over the generated corpus, the fixtures and the scenario; returns the scenario reads in order. */
export const run = async ({ xmlFiles }) => {
  const count = arg("cfdi-files", 20_000)
  const t0 = performance.now()
  const corpus = randomCfdiCorpus(1, count).map((d) => ({ name: d.name, bytes: new TextEncoder().encode(d.xml) }))
  console.log(`generated ${count} CFDI (4.0/3.3, I/E/P) in ${fmt((performance.now() - t0) / 1000, 2)} s`)
  sideBySide("generated corpus", corpus)

  let fixtures = []
  try {
    fixtures = readdirSync(fixturesDir).filter((n) => n.endsWith(".xml")).sort()
      .map((name) => ({ name, bytes: readFileSync(join(fixturesDir, name)) }))
  } catch {
    console.log(`shared fixtures skipped: ${fixturesDir} not found (set CLARA_RECON_FIXTURES)`)
  }
  if (fixtures.length > 0) {
    const repeated = Array.from({ length: 40 }, () => fixtures).flat()
    sideBySide(`shared fixtures x40 (${fixtures.length} distinct)`, repeated)
  }

  const scenario = timeIt(() => xmlFiles.map((f) => readCfdi(f.bytes, { path: f.name })))
  const scenarioRate = fmt(rate(xmlFiles.length, scenario.ms), 0)
  console.log(`scenario invoices: ours read ${scenarioRate} files/s (${xmlFiles.length} files)`)

  const dir = mkdtempSync(join(tmpdir(), "clara-recon-cfdi-bench-"))
  try {
    const paths = corpus.map((f) => {
      const path = join(dir, f.name)
      writeFileSync(path, f.bytes)
      return path
    })
    const tPool = performance.now()
    const pool = await startPool(2)
    const startup = performance.now() - tPool
    const here = await startPool(1)
    let single = { ms: Infinity, result: 0 }
    let parallel = { ms: Infinity, result: 0 }
    for (let r = 0; r < 5; r++) {
      collectGarbage()
      const s = await timeItAsync(() => here.run(paths), 1)
      collectGarbage()
      const p = await timeItAsync(() => pool.run(paths), 1)
      single = s.ms < single.ms ? s : single
      parallel = p.ms < parallel.ms ? p : parallel
    }
    await here.close()
    await pool.close()
    const load = loadavg()[0]
    console.log(`parallel folder, CfdiReaderPool reports (read + validate, as \`cfdi read\`) of ${paths.length} ` +
      `files on disk (${availableParallelism()} cores, load average ${fmt(load, 1)}):`)
    const perSecond = (t) => fmt(rate(paths.length, t.ms), 0).padStart(9)
    console.log(`  single thread   ${perSecond(single)} files/s (${single.result} read)`)
    console.log(`  2 workers       ${perSecond(parallel)} files/s (${parallel.result} read; ` +
      `pool start-up ${fmt(startup, 0)} ms not included)`)
    console.log(`  ratio: 2 workers / single thread ${fmt(single.ms / parallel.ms, 2)}x (goal >= 1.8 on 2 idle cores)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return scenario.result
}
