import { assert, describe, it, vi } from "@effect/vitest"
import { Command } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { generateCfdi40, randomCfdiCorpus } from "@clara-recon/cfdi"
import { BigDecimal, Effect } from "effect"
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { cfdiCommand, CfdiPathNotFound } from "../src/commands/CfdiCommand.js"

const fixtures = process.env["CLARA_RECON_FIXTURES"] ??
  fileURLToPath(new URL("../../../../shared/fixtures", import.meta.url))
const fixtureDir = join(fixtures, "cfdi")
const present = existsSync(fixtureDir)
if (!present) console.warn(`cfdi read fixture test skipped: ${fixtureDir} not found (set CLARA_RECON_FIXTURES)`)

const UUID = "7b1f0c2e-9a3d-4e5f-8a6b-0c1d2e3f4a5b"
const invoice = generateCfdi40({
  uuid: UUID,
  fecha: "2026-04-10T18:00:00",
  moneda: "USD",
  tipoCambio: BigDecimal.unsafeFromString("17.250000"),
  formaPago: "04",
  metodoPago: "PUE",
  tipoDeComprobante: "I",
  lugarExpedicion: "44100",
  emisor: { rfc: "EKU9003173C9", nombre: "ESCUELA KEMPER URGATE", regimenFiscal: "601" },
  receptor: {
    rfc: "XIQB891116QE4",
    nombre: "BERENICE XIMO QUEZADA",
    usoCfdi: "G03",
    domicilioFiscalReceptor: "44100",
    regimenFiscalReceptor: "612"
  },
  conceptos: [{
    claveProdServ: "43211503",
    descripcion: "Laptop",
    cantidad: BigDecimal.unsafeFromString("1"),
    valorUnitario: BigDecimal.unsafeFromString("1000.00"),
    iva: "16"
  }]
})

const root = Command.make("clara-recon").pipe(Command.withSubcommands([cfdiCommand]))
const cli = Command.run(root, { name: "clara-recon", version: "0.0.0" })

/** Runs `clara-recon cfdi read ...args` in process and returns what it printed on stdout, one entry per line. */
const run = (...args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const printed: Array<string> = []
    const spy = vi.spyOn(console, "log").mockImplementation((...parts: Array<unknown>) => {
      printed.push(parts.join(" "))
    })
    const exit = yield* Effect.exit(cli(["node", "clara-recon", "cfdi", "read", ...args]))
    spy.mockRestore()
    return { exit, printed }
  }).pipe(Effect.provide(NodeContext.layer))

/** A folder of two CFDIs (one unstamped, in a subfolder) and a text file, removed with the test's scope. */
const withTree = () =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped({ prefix: "cfdi-read-" })
    mkdirSync(join(dir, "sub"))
    writeFileSync(join(dir, "b-invoice.xml"), invoice)
    writeFileSync(join(dir, "sub", "a-unstamped.xml"), invoice.replace(/<tfd:TimbreFiscalDigital[^>]*\/>/, ""))
    writeFileSync(join(dir, "notes.txt"), "not a CFDI")
    return dir
  }).pipe(Effect.provide(NodeContext.layer))

describe("clara-recon cfdi read", () => {
  it.scoped("walks a folder for *.xml (sorted) and prints one JSON object per file", () =>
    Effect.gen(function*() {
      const dir = yield* withTree()
      const { exit, printed } = yield* run("--json", dir)
      assert.strictEqual(exit._tag, "Success")
      const lines = printed.map((l) => JSON.parse(l) as Record<string, unknown>)
      const expectedPaths = [join(dir, "b-invoice.xml"), join(dir, "sub", "a-unstamped.xml")]
      assert.deepStrictEqual(lines.map((l) => l["path"]), expectedPaths)
      assert.deepStrictEqual(lines[0], {
        path: join(dir, "b-invoice.xml"),
        status: "read",
        version: "4.0",
        tipoDeComprobante: "I",
        uuid: UUID.toUpperCase(),
        fecha: "2026-04-10T18:00:00",
        emisorRfc: "EKU9003173C9",
        receptorRfc: "XIQB891116QE4",
        moneda: "USD",
        subTotal: "1000.00",
        total: "1160.00",
        tipoCambio: "17.250000",
        errors: [],
        warnings: []
      })
      assert.strictEqual(lines[1]?.["status"], "refused")
      assert.strictEqual(lines[1]?.["reason"], "MissingTimbre")
    }))

  it.scoped("prints a readable line per file, refusals included, and succeeds", () =>
    Effect.gen(function*() {
      const dir = yield* withTree()
      const file = join(dir, "b-invoice.xml")
      const { exit, printed } = yield* run(file, join(dir, "sub", "a-unstamped.xml"))
      assert.strictEqual(exit._tag, "Success")
      assert.strictEqual(printed.length, 2)
      assert.include(printed[0], `${file}: CFDI 4.0 I | UUID ${UUID.toUpperCase()} | Fecha 2026-04-10T18:00:00`)
      assert.include(printed[0], "Moneda USD | SubTotal 1000.00 | Descuento - | Total 1160.00 | TipoCambio 17.250000")
      assert.include(printed[0], "errors none | warnings none")
      assert.include(printed[1], `a-unstamped.xml: refused MissingTimbre: Complemento/TimbreFiscalDigital: missing`)
    }))

  it.scoped("fails with CfdiPathNotFound, reading nothing, when a path does not exist", () =>
    Effect.gen(function*() {
      const dir = yield* withTree()
      const missing = join(dir, "nope.xml")
      const { exit, printed } = yield* run(dir, missing)
      assert.deepStrictEqual(printed, [])
      if (exit._tag === "Success") return assert.fail("expected a failure")
      const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      assert.instanceOf(error, CfdiPathNotFound)
      assert.include(String((error as CfdiPathNotFound).message), missing)
    }))

  it.scoped("prints the same lines, in the same order, with --workers 2 as with --workers 1", () =>
    Effect.gen(function*() {
      const dir = yield* withTree()
      for (const [i, file] of randomCfdiCorpus(3, 40).entries()) {
        writeFileSync(join(dir, i % 2 === 0 ? "sub" : "", file.name), i % 7 === 0 ? file.xml.slice(0, 200) : file.xml)
      }
      const one = yield* run("--json", "--workers", "1", dir)
      const two = yield* run("--json", "--workers", "2", dir)
      const text = yield* run("--workers", "2", dir)
      assert.strictEqual(two.exit._tag, "Success")
      assert.strictEqual(one.printed.length, 42)
      assert.deepStrictEqual(two.printed, one.printed)
      assert.strictEqual(text.printed.length, 42)
      assert.include(text.printed.join("\n"), "refused NotXml")
    }))

  it.effect.skipIf(!present)("reports every file of the shared fixtures folder", () =>
    Effect.gen(function*() {
      const { exit, printed } = yield* run("--json", fixtureDir)
      assert.strictEqual(exit._tag, "Success")
      assert.strictEqual(printed.length, readdirSync(fixtureDir).filter((f) => f.endsWith(".xml")).length)
      const real = printed.map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l["path"] === join(fixtureDir, "cfdi40-real.xml"))
      assert.strictEqual(real?.["uuid"], "C2832671-DA6D-11EF-A83D-00155D012007")
      assert.strictEqual(real?.["total"], "1000.00")
    }))
})
