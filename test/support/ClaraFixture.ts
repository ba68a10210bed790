/**
 * The Clara side of an end-to-end test: a test PKI written to `<work>/pki`, a scenario's invoices written to
 * `<work>/invoices`, and Clara emulators serving the scenario over HTTPS with mutual TLS, started in `scope` (they
 * stop when it closes); then the `CLARA_*` environment that points the CLI at one of them.
 */
import { Effect, Scope } from "effect"
import * as path from "node:path"
import {
  type ClaraEmulator,
  type FaultOptions,
  makeTestPki,
  type Scenario,
  startClaraEmulator,
  type TestPkiPaths,
  writeScenarioInvoices,
  writeTestPki
} from "@clara-recon/sandbox"

/** What `startClara` started: the PKI files, the invoices folder, and one emulator per entry of `faults`. */
export interface ClaraFixture {
  readonly pki: TestPkiPaths
  readonly invoicesDir: string
  readonly emulators: ReadonlyArray<ClaraEmulator>
}

/** Starts one emulator of `scenario` per entry of `faults` (`undefined`: a clean one), all on one PKI. */
export const startClara = (
  work: string,
  scope: Scope.Scope,
  scenario: Scenario,
  faults: ReadonlyArray<FaultOptions | undefined> = [undefined]
): Promise<ClaraFixture> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const pki = yield* makeTestPki()
      const paths = yield* writeTestPki(pki, path.join(work, "pki"))
      const invoicesDir = path.join(work, "invoices")
      yield* writeScenarioInvoices(scenario, invoicesDir)
      const emulators = yield* Effect.forEach(faults, (f) =>
        startClaraEmulator({ scenario, pki, ...(f === undefined ? {} : { faults: f }) }))
      return { pki: paths, invoicesDir, emulators }
    }).pipe(Scope.extend(scope))
  )

/** The `CLARA_*` variables that point the CLI at `emulator` with the fixture's client certificate. */
export const claraEnv = (emulator: ClaraEmulator, pki: TestPkiPaths): Record<string, string> => ({
  CLARA_BASE_URL: emulator.baseUrl,
  CLARA_CLIENT_ID: emulator.clientId,
  CLARA_CLIENT_SECRET: emulator.clientSecret,
  CLARA_CERT: pki.cert,
  CLARA_KEY: pki.key,
  CLARA_CA: pki.ca
})
