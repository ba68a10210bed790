/**
 * The dependency direction of design.md holds: each package depends only on the packages it may, its sources import
 * only declared packages, production code never imports the sandbox, and no package has a circular import.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

/**
 * design.md: domain <- clara, cfdi, matcher, erp <- erp-sap-csv, erp-netsuite <- pipeline <- apps/cli; sandbox on
 * clara + cfdi; nfe on cfdi (for its shared `XmlDocument` reader).
 */
const allowed: Record<string, ReadonlyArray<string>> = {
  domain: [],
  clara: ["domain"],
  cfdi: ["domain"],
  nfe: ["domain", "cfdi"],
  matcher: ["domain"],
  erp: ["domain"],
  "erp-sap-csv": ["domain", "erp"],
  "erp-netsuite": ["domain", "erp"],
  pipeline: ["domain", "clara", "cfdi", "matcher", "erp", "erp-sap-csv", "erp-netsuite"],
  sandbox: ["domain", "clara", "cfdi"],
  cli: ["domain", "clara", "cfdi", "matcher", "erp", "erp-sap-csv", "erp-netsuite", "pipeline", "sandbox"]
}

const packageDirs = [
  ...fs.readdirSync(path.join(root, "packages")).map((d) => path.join(root, "packages", d)),
  path.join(root, "apps", "cli")
].filter((d) => fs.existsSync(path.join(d, "package.json")))

const shortName = (name: string) => name.replace("@clara-recon/", "")

const sourceFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f))

const importsOf = (file: string): Array<string> =>
  [...fs.readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)[^"']*?from\s+["']([^"']+)["']/g)]
    .map((m) => m[1]!)

describe("architecture", () => {
  for (const dir of packageDirs) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
    const name = shortName(manifest.name)

    it(`${name}: depends only on the packages design.md allows`, () => {
      assert.property(allowed, name, `${name} is not in design.md's package map`)
      const internal = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith("@clara-recon/")).map(shortName)
      for (const dep of internal) assert.include(allowed[name], dep, `${name} must not depend on ${dep}`)
    })

    it(`${name}: sources import only declared packages and have no import cycle`, () => {
      const src = path.join(dir, "src")
      const declared = new Set(Object.keys(manifest.dependencies ?? {}))
      const graph = new Map<string, Array<string>>()
      for (const file of sourceFiles(src)) {
        const edges: Array<string> = []
        for (const spec of importsOf(file)) {
          if (spec.startsWith(".")) {
            edges.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")))
          } else if (!spec.startsWith("node:")) {
            const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!
            assert.isTrue(declared.has(pkg), `${path.relative(root, file)} imports ${pkg}, not in package.json`)
            if (name !== "cli") assert.notStrictEqual(pkg, "@clara-recon/sandbox", "production code imports sandbox")
          }
        }
        graph.set(file, edges)
      }
      const state = new Map<string, "open" | "done">()
      const visit = (file: string, trail: Array<string>) => {
        if (state.get(file) === "done") return
        assert.notStrictEqual(state.get(file), "open", `import cycle: ${[...trail, file].map((f) => path.basename(f)).join(" -> ")}`)
        state.set(file, "open")
        for (const next of graph.get(file) ?? []) visit(next, [...trail, file])
        state.set(file, "done")
      }
      for (const file of graph.keys()) visit(file, [])
    })
  }
})
