/**
 * The sandbox in one call: a fresh test PKI written to disk, a scenario (from the user's invoices or generated), and
 * the Clara emulator serving it. It returns exactly the settings `clara-recon reconcile` needs.
 */
import { type ClaraSettings, makeClaraSettings } from "@clara-recon/clara"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { type ClaraEmulator, type ClaraEmulatorOptions, startClaraEmulator } from "./ClaraEmulator.js"
import { type SandboxError, ScenarioError } from "./SandboxError.js"
import { type Scenario, writeScenarioInvoices } from "./Scenario.js"
import { type InvoiceFile, scenarioFromInvoices } from "./ScenarioFromInvoices.js"
import { generateScenario } from "./ScenarioGenerator.js"
import { makeTestPki, writeTestPki } from "./TestPki.js"

/** Options of `startSandbox`. */
export interface SandboxOptions {
  readonly seed: number
  /** Transactions of a generated scenario (default 60); ignored with `invoicesDir`. */
  readonly size?: number
  /** Period of a generated scenario (inclusive civil dates); default January 2025. Ignored with `invoicesDir`. */
  readonly period?: { readonly from: string; readonly to: string }
  /** Build the scenario around the `*.xml` files under this folder (recursively) instead of generating one. */
  readonly invoicesDir?: string
  /** Emulator port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number
  /** Fault injection passed to the emulator (`rateLimitEvery`). */
  readonly faults?: ClaraEmulatorOptions["faults"]
  /** Where the PKI files (and, for a generated scenario, the invoices folder) are written. */
  readonly dir: string
}

/** A running sandbox: the Clara settings (certificate paths are absolute) and the scenario with its ground truth. */
export interface Sandbox {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** Client certificate, its private key and the CA certificate (PEM files). */
  readonly cert: string
  readonly key: string
  readonly ca: string
  /** The folder of CFDIs to give the job: `invoicesDir`, or `<dir>/invoices` with the generated `folderCfdis`. */
  readonly invoicesDir: string
  readonly scenario: Scenario
  readonly emulator: ClaraEmulator
}

/** Every `*.xml` file under `dir`, recursively, with its bytes. Fails with `ScenarioError` naming the path. */
export const readInvoiceFiles = (dir: string): Effect.Effect<ReadonlyArray<InvoiceFile>, ScenarioError> =>
  Effect.gen(function*() {
    const root = path.resolve(dir)
    const entries = yield* Effect.tryPromise({
      try: () => fs.readdir(root, { recursive: true, withFileTypes: true }),
      catch: (cause) => new ScenarioError({ path: root, message: "could not list the invoices folder", cause })
    })
    const xmlFiles = entries
      .filter((e) => e.isFile() && /\.xml$/i.test(e.name))
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
    return yield* Effect.forEach(xmlFiles, (file) =>
      Effect.tryPromise({
        try: () => fs.readFile(file).then((bytes) => ({ path: file, bytes: new Uint8Array(bytes) })),
        catch: (cause) => new ScenarioError({ path: file, message: "could not read the invoice file", cause })
      }))
  })

/**
 * Starts a sandbox in the current scope: makes the PKI and writes it to `dir` (`ca.pem`, `client.pem`,
 * `client-key.pem`, ...), builds the scenario (`scenarioFromInvoices` over `invoicesDir`, else `generateScenario` of
 * `size`, whose folder CFDIs are written to `<dir>/invoices`), and starts the emulator. Fails with `PkiError`,
 * `ScenarioError` or `EmulatorError`.
 */
export const startSandbox = (options: SandboxOptions): Effect.Effect<Sandbox, SandboxError, Scope.Scope> =>
  Effect.gen(function*() {
    const pki = yield* makeTestPki()
    const paths = yield* writeTestPki(pki, options.dir)
    const { invoicesDir, scenario } = options.invoicesDir === undefined
      ? yield* Effect.gen(function*() {
        const scenario = generateScenario({
          seed: options.seed,
          ...(options.size === undefined ? {} : { size: options.size }),
          ...(options.period === undefined ? {} : { period: options.period })
        })
        const invoicesDir = path.resolve(options.dir, "invoices")
        yield* writeScenarioInvoices(scenario, invoicesDir)
        return { invoicesDir, scenario }
      })
      : {
        invoicesDir: path.resolve(options.invoicesDir),
        scenario: scenarioFromInvoices({ seed: options.seed, files: yield* readInvoiceFiles(options.invoicesDir) })
      }
    const emulator = yield* startClaraEmulator({
      scenario,
      pki,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.faults === undefined ? {} : { faults: options.faults })
    })
    return {
      baseUrl: emulator.baseUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      cert: paths.cert,
      key: paths.key,
      ca: paths.ca,
      invoicesDir,
      scenario,
      emulator
    }
  })

/** The Clara client settings that reach a running sandbox over mutual TLS (the secret `Redacted`). */
export const sandboxClaraSettings = (sandbox: Sandbox): ClaraSettings =>
  makeClaraSettings({
    baseUrl: sandbox.baseUrl,
    clientId: sandbox.clientId,
    clientSecret: Redacted.make(sandbox.clientSecret),
    certPath: sandbox.cert,
    keyPath: sandbox.key,
    caPath: sandbox.ca
  })
