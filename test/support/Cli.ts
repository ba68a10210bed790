/**
 * Runs the built `clara-recon` binary (apps/cli/dist/bin.js) as a child process, the way users run it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

/** Absolute path of the built CLI. */
export const cliPath = fileURLToPath(new URL("../../apps/cli/dist/bin.js", import.meta.url))

/** Absolute path of the shared fixtures folder (`CLARA_RECON_FIXTURES` overrides it). */
export const fixturesDir = process.env.CLARA_RECON_FIXTURES ??
  fileURLToPath(new URL("../../../shared/fixtures", import.meta.url))

/** Outcome of one CLI run. */
export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** The environment without any CLARA_* variable of the caller, plus `env`. */
export const cleanEnv = (env: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CLARA_")))
  return { ...base, ...env }
}

/** Runs the CLI to completion. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}, cwd?: string) =>
  new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: cleanEnv(env), cwd, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** The last non-empty stdout line parsed as JSON. */
export const lastJsonLine = (stdout: string): any => {
  const lines = stdout.trim().split("\n")
  return JSON.parse(lines[lines.length - 1]!)
}

/** Starts `clara-recon sandbox --json ...` and resolves with its first two stdout lines once they are printed. */
export const startSandboxProcess = (args: ReadonlyArray<string>) =>
  new Promise<{ child: ChildProcess; settings: any; scenario: any }>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, "sandbox", "--json", ...args], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"]
    })
    const lines: Array<string> = []
    let stderr = ""
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line)
      if (lines.length === 2) resolve({ child, settings: JSON.parse(lines[0]!), scenario: JSON.parse(lines[1]!).scenario })
    })
    child.on("close", (code) => reject(new Error(`sandbox exited with ${code}: ${stderr}`)))
  })

/** The CLI's Clara settings (`CLARA_*` environment variables) for a sandbox started by `startSandboxProcess`. */
export const claraEnv = (settings: any): Record<string, string> => ({
  CLARA_BASE_URL: settings.baseUrl,
  CLARA_CLIENT_ID: settings.clientId,
  CLARA_CLIENT_SECRET: settings.clientSecret,
  CLARA_CERT: settings.cert,
  CLARA_KEY: settings.key,
  CLARA_CA: settings.ca
})
