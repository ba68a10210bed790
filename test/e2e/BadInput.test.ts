/**
 * The bad-input corpus (issue #7, reliability 3): malformed and hostile XML (external entities, entity expansion
 * bombs, depth bombs), truncated, empty, oversized and binary files, wrong and unknown encodings, unsupported CFDI
 * kinds, CFDIs with bad fields, bad transaction records, bad config and bad command lines. Each is reported as a
 * typed error naming the file, record or setting, and the job goes on with the rest: every good document is still
 * read and matched, every bad one is an exception of its own, the control totals balance, and nothing is lost.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Schema from "effect/Schema"
import { defaultMapping, MappingConfig } from "@clara-recon/erp"
import { generateScenario, Scenario } from "@clara-recon/sandbox"
import { lastJsonLine, runCli } from "../support/Cli.js"

let work: string
let invoicesDir: string
let exportFile: string
let goodXml: string
let goodFiles = 0
const scenario = generateScenario({ seed: 11, size: 30 })

/** Bad CFDI files: name -> [bytes, the typed reasons accepted for it]. */
const badFiles = new Map<string, readonly [Uint8Array | string, ReadonlyArray<string>]>()

const setTotal = (xml: string, total: string) => xml.replace(/ Total="[^"]*"/, ` Total="${total}"`)
const withoutTfd = (xml: string) => xml.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, "")

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-bad-input-"))
  invoicesDir = path.join(work, "invoices")
  fs.mkdirSync(invoicesDir)
  const encoded = Schema.encodeSync(Scenario)(scenario)
  const xmlFiles = [
    ...Object.values(scenario.invoices).flat().map((i) => i.xml),
    ...scenario.folderCfdis
  ]
  const distinct = new Map<string, Uint8Array>()
  for (const file of xmlFiles) distinct.set(path.basename(file.name), file.bytes)
  for (const [name, bytes] of distinct) fs.writeFileSync(path.join(invoicesDir, name), bytes)
  // distinct documents: files with the same content are one document
  goodFiles = new Set([...distinct.values()].map((b) => createHash("sha256").update(b).digest("hex"))).size
  goodXml = Buffer.from(xmlFiles[0]!.bytes).toString("utf8")
  assert.match(goodXml, /TimbreFiscalDigital/)

  const doctype = (body: string) => `<?xml version="1.0"?>\n${body}`
  const add = (name: string, bytes: Uint8Array | string, reasons: ReadonlyArray<string>) =>
    badFiles.set(name, [bytes, reasons])
  add("plain-text.xml", "this is not xml at all", ["NotXml"])
  add("empty.xml", "", ["NotXml"])
  add("whitespace-only.xml", "   \n\t  ", ["NotXml"])
  add("truncated.xml", goodXml.slice(0, Math.floor(goodXml.length / 2)), ["NotXml"])
  add("png-bytes.xml", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), ["NotXml"])
  add(
    "xxe-file.xml",
    doctype(`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">&x;</cfdi:Comprobante>`),
    ["Unsafe"]
  )
  add(
    "xxe-http.xml",
    doctype(`<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">]><r>&x;</r>`),
    ["Unsafe"]
  )
  const lol = ["<!ENTITY l0 \"lol\">", ...Array.from({ length: 9 }, (_, i) =>
    `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join("")
  add("billion-laughs.xml", doctype(`<!DOCTYPE r [${lol}]><r>&l9;</r>`), ["Unsafe"])
  add("parameter-entity.xml", doctype(`<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>`), ["Unsafe"])
  add("depth-bomb.xml", doctype(`${"<a>".repeat(20_000)}${"</a>".repeat(20_000)}`), ["Unsafe", "TooDeep", "NotXml"])
  add("oversized.xml", goodXml.replace("</cfdi:Comprobante>", `<!--${"x".repeat(6 * 1024 * 1024)}--></cfdi:Comprobante>`), [
    "TooLarge"
  ])
  add(
    "cfdi-3.2.xml",
    doctype(`<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="3.2" total="100.00"/>`),
    ["UnsupportedVersion"]
  )
  add(
    "retenciones.xml",
    doctype(`<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2" Version="2.0"/>`),
    ["UnsupportedVersion", "NotCfdi"]
  )
  add("other-xml.xml", doctype(`<html><body>invoice</body></html>`), ["NotCfdi"])
  add(
    "nfe-in-cfdi-folder.xml",
    doctype(`<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00"><NFe/></nfeProc>`),
    ["NotCfdi"]
  )
  add(
    "unknown-version.xml",
    goodXml.replace(/Version="4\.0"/, `Version="9.9"`).replace(/UUID="[^"]*"/, `UUID="00000000-0000-4000-8000-000000000001"`),
    ["UnsupportedVersion"]
  )
  add("missing-tfd.xml", withoutTfd(goodXml), ["MissingTimbre"])
  add(
    "total-not-a-number.xml",
    setTotal(goodXml, "12,34.5x").replace(/UUID="[^"]*"/, `UUID="00000000-0000-4000-8000-000000000002"`),
    ["InvalidValue"]
  )
  add(
    "missing-emisor-rfc.xml",
    goodXml.replace(/(<cfdi:Emisor[^>]*?) Rfc="[^"]*"/, "$1").replace(/UUID="[^"]*"/, `UUID="00000000-0000-4000-8000-000000000003"`),
    ["MissingField"]
  )
  add(
    "missing-moneda.xml",
    goodXml.replace(/ Moneda="[^"]*"/, "").replace(/UUID="[^"]*"/, `UUID="00000000-0000-4000-8000-000000000004"`),
    ["MissingField"]
  )
  add(
    "unknown-encoding.xml",
    goodXml.replace(/encoding="[^"]*"/i, `encoding="X-NO-SUCH-CHARSET"`),
    ["NotXml", "UnsupportedEncoding"]
  )
  add("invalid-utf8.xml", Buffer.concat([Buffer.from(goodXml.slice(0, 60)), Buffer.from([0xc3, 0x28, 0xff, 0xfe])]), [
    "NotXml"
  ])
  add("unclosed-attribute.xml", goodXml.replace(/ Total="/, ` Total="1`).replace(/" SubTotal=/, ` SubTotal=`), ["NotXml"])
  add("two-roots.xml", `${goodXml}\n${goodXml}`, ["NotXml"])
  for (const [name, [bytes]] of badFiles) fs.writeFileSync(path.join(invoicesDir, name), bytes)
  // the same UUID with other content: one kept, one DUPLICATE_CFDI; an identical copy is the same document
  fs.writeFileSync(path.join(invoicesDir, "zz-altered-copy.xml"), goodXml.replace("<cfdi:Comprobante ", "<cfdi:Comprobante  "))
  fs.writeFileSync(path.join(invoicesDir, "zz-identical-copy.xml"), xmlFiles[0]!.bytes)
  // a folder whose name ends in .xml is not a file to read
  fs.mkdirSync(path.join(invoicesDir, "folder.xml"))

  const transactions = [...encoded.transactions] as Array<any>
  const first = transactions[0]
  transactions.push(
    { ...first, uuid: "bad-amount-0001", amountValue: { value: "abc", currency: "MXN" } },
    { ...first, uuid: undefined },
    { ...first, uuid: "bad-date-0001", operationDate: "2025-13-45T99:00:00" },
    { ...first, uuid: "bad-currency-0001", amountValue: { value: 10, currency: 42 } },
    "a string where a transaction should be",
    null,
    { ...first, uuid: "bad-type-0001", amountValue: "ten pesos" }
  )
  exportFile = path.join(work, "transactions.json")
  fs.writeFileSync(exportFile, JSON.stringify(transactions))
})

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const reconcile = (extra: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  runCli([
    "reconcile",
    "--from",
    scenario.period.from,
    "--to",
    scenario.period.to,
    "--transactions",
    exportFile,
    "--invoices",
    invoicesDir,
    "--out",
    path.join(work, "out"),
    "--state",
    path.join(work, "state.db"),
    "--as-of",
    "2026-11-22",
    "--json",
    ...extra
  ], env)

describe("bad input corpus", () => {
  it("reports every bad file and record as its own typed exception and goes on with the rest", async () => {
    const result = await reconcile([])
    assert.strictEqual(result.code, 0, result.stderr)
    const summary = lastJsonLine(result.stdout)
    assert.strictEqual(summary.controlTotal.balanced, true)
    const exceptions: Array<any> = JSON.parse(fs.readFileSync(path.join(work, "out", "latest", "exceptions.json"), "utf8"))

    // every bad file: one INVALID_DOCUMENT naming the file, with one of the typed reasons expected for it
    const invalidDocuments = exceptions.filter((e) => e.code === "INVALID_DOCUMENT")
    const problems: Array<string> = []
    for (const [name, [, reasons]] of badFiles) {
      const found = invalidDocuments.filter((e) => path.basename(e.location ?? "") === name)
      if (found.length !== 1) problems.push(`${name}: ${found.length} exceptions`)
      else if (!reasons.includes(found[0].subtype)) problems.push(`${name}: ${found[0].subtype} (${found[0].message})`)
      else if (!found[0].message.includes(name)) problems.push(`${name}: message does not name the file`)
    }
    assert.deepStrictEqual(problems, [])
    const unexpected = invalidDocuments.filter((e) => !badFiles.has(path.basename(e.location ?? "")))
    assert.deepStrictEqual(unexpected.map((e) => `${e.location}: ${e.message}`), [], "no good file was refused")
    const duplicates = exceptions.filter((e) => e.code === "DUPLICATE_CFDI")
    assert.deepStrictEqual(duplicates.map((e) => path.basename(e.location)), ["zz-altered-copy.xml"])

    // the good documents were all read and used
    assert.strictEqual(summary.documents, goodFiles)
    assert.isAbove(summary.linked, 0)

    // every bad record: one INVALID_TRANSACTION naming the record
    const invalidTransactions = exceptions.filter((e) => e.code === "INVALID_TRANSACTION")
    assert.strictEqual(invalidTransactions.length, 7, invalidTransactions.map((e) => `${e.location}: ${e.message}`).join("\n"))
    for (const e of invalidTransactions) {
      assert.match(e.location, /\[\d+\]/)
      assert.isBelow(e.message.length, 600, `a short message: ${e.message}`)
    }
    const periodTransactions = scenario.transactions.filter((t) => {
      const day = (t.operationDate ?? "").slice(0, 10)
      return day >= scenario.period.from && day <= scenario.period.to
    })
    assert.strictEqual(summary.transactions, periodTransactions.length, "every good transaction was reconciled")
  })

  const expectOneLineError = (
    result: { code: number | null; stdout: string; stderr: string },
    pattern: RegExp,
    code = 1
  ) => {
    assert.strictEqual(result.code, code, result.stderr)
    const lines = result.stderr.trim().split("\n").filter((l) => l.startsWith("clara-recon:"))
    assert.strictEqual(lines.length, 1, result.stderr)
    assert.match(lines[0]!, pattern)
    assert.notMatch(result.stderr, /\n\s+at /, "no stack trace")
  }

  it("a transactions export that is not JSON fails with one line naming the file", async () => {
    const file = path.join(work, "not-json.json")
    fs.writeFileSync(file, "[{ broken")
    const result = await runCli([
      "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--transactions", file,
      "--out", path.join(work, "o1"), "--state", path.join(work, "s1.db")
    ])
    expectOneLineError(result, /not-json\.json/)
  })

  it("a transactions export of the wrong shape fails with one line naming the file", async () => {
    const file = path.join(work, "object.json")
    fs.writeFileSync(file, JSON.stringify({ transactions: "none" }))
    const result = await runCli([
      "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--transactions", file,
      "--out", path.join(work, "o2"), "--state", path.join(work, "s2.db")
    ])
    expectOneLineError(result, /object\.json/)
  })

  const configCase = (name: string, content: string, pattern: RegExp) =>
    it(`a config file ${name} fails with one line naming the file and setting`, async () => {
      const file = path.join(work, `${name.replace(/\W+/g, "-")}.json`)
      fs.writeFileSync(file, content)
      const result = await runCli([
        "reconcile", "--from", scenario.period.from, "--to", scenario.period.to, "--config", file,
        "--out", path.join(work, "o3"), "--state", path.join(work, "s3.db")
      ])
      expectOneLineError(result, pattern)
      assert.notInclude(result.stderr, "s3cr3t-value")
    })
  configCase("that is not JSON", "{ clientId: ", /not valid JSON/)
  configCase("with an unknown key", JSON.stringify({ region: "mx", clientId: "a", clientSecret: "s3cr3t-value", cert: "c", key: "k", colour: "red" }), /colour/)
  configCase("without the client secret", JSON.stringify({ region: "mx", clientId: "a", cert: "c", key: "k" }), /CLARA_CLIENT_SECRET.*is required but not set/)
  configCase("with a bad region", JSON.stringify({ clientId: "a", clientSecret: "s3cr3t-value", cert: "c", key: "k", region: "us" }), /region/)
  const mapping = Schema.encodeSync(MappingConfig)(defaultMapping)
  configCase("with a posting grouping the job cannot post", JSON.stringify({ erp: { mapping: { ...mapping, grouping: "perDay" } } }), /erp\.mapping: grouping perDay is not supported/)
  configCase("with a closed period ending before it starts", JSON.stringify({ erp: { closedPeriods: [{ start: "2025-12-31", end: "2025-12-01" }] } }), /erp\.closedPeriods\.0: closed period 2025-12-31 \.\. 2025-12-01: start is after end/)
  configCase("with certificate files that do not exist", JSON.stringify({ region: "mx", clientId: "a", clientSecret: "s3cr3t-value", cert: "/nope/c.pem", key: "/nope/k.pem" }), /\/nope\//)

  it("a bad CLARA_TIMEOUT fails with one line naming the variable", async () => {
    const result = await runCli([
      "reconcile", "--from", scenario.period.from, "--to", scenario.period.to,
      "--out", path.join(work, "o4"), "--state", path.join(work, "s4.db")
    ], { CLARA_CLIENT_ID: "a", CLARA_CLIENT_SECRET: "s3cr3t-value", CLARA_CERT: "c", CLARA_KEY: "k", CLARA_TIMEOUT: "soon" })
    expectOneLineError(result, /CLARA_TIMEOUT/)
  })

  it("bad command lines exit 2: a missing invoices folder, a bad date, --from after --to, a bad RFC", async () => {
    const missing = await runCli(["reconcile", "--from", "2025-01-01", "--to", "2025-01-31", "--invoices", path.join(work, "nope")])
    assert.strictEqual(missing.code, 2)
    const badDate = await runCli(["reconcile", "--from", "2025-02-30", "--to", "2025-03-01"])
    assert.strictEqual(badDate.code, 2)
    const reversed = await runCli([
      "reconcile", "--from", "2025-02-01", "--to", "2025-01-01", "--transactions", exportFile,
      "--out", path.join(work, "o5"), "--state", path.join(work, "s5.db")
    ])
    expectOneLineError(reversed, /--from 2025-02-01 is after --to 2025-01-01/, 2)
    // a malformed company RFC would bind the store to it for good
    const state = path.join(work, "s6.db")
    const badRfc = await runCli([
      "reconcile", "--from", "2025-01-01", "--to", "2025-01-31", "--transactions", exportFile,
      "--out", path.join(work, "o6"), "--state", state, "--company-rfc", "XXX"
    ])
    assert.strictEqual(badRfc.code, 2)
    assert.match(badRfc.stderr, /--company-rfc must be an RFC \(12 or 13 characters/)
    assert.isFalse(fs.existsSync(state), "no state file")
    // a count below 1, and a label to bind without --write-back
    const badSize = await runCli(["eval", "--size", "-5"])
    assert.strictEqual(badSize.code, 2)
    assert.match(badSize.stderr, /--size must be 1 or more, got -5/)
    const label = await runCli([
      "reconcile", "--from", "2025-01-01", "--to", "2025-01-31", "--transactions", exportFile,
      "--out", path.join(work, "o6"), "--state", state, "--write-back-label", "3f1c1a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
    ])
    expectOneLineError(label, /--write-back-label binds a label only with --write-back/, 2)
  })

  it("reconcile without Clara credentials stops with one line, and writes no store or out folder", async () => {
    const state = path.join(work, "s7.db")
    const out = path.join(work, "o7")
    const result = await runCli([
      "reconcile", "--from", "2025-01-01", "--to", "2025-01-31", "--out", out, "--state", state
    ])
    expectOneLineError(result, /no Clara credentials: set CLARA_CLIENT_ID/)
    assert.isFalse(fs.existsSync(state), "no state file")
    assert.isFalse(fs.existsSync(out), "no out folder")
  })
})
