/**
 * Byte-exact golden files for every layout preset (erp.md §5.3 "re-exportable byte-for-byte"), committed under
 * `test/golden/<layout id>/`, and a round trip of every preset's files through csv-parse.
 * Regenerate after a deliberate format change with `UPDATE_GOLDEN=1 npx vitest run packages/erp-sap-csv/test/Golden.test.ts`
 * and review the diff.
 */
import type { Planned } from "@clara-recon/erp"
import { assert, describe, it } from "@effect/vitest"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import * as iconv from "iconv-lite"
import * as fs from "node:fs"
import * as path from "node:path"
import type { CsvLayout } from "../src/CsvLayout.js"
import type { DocumentRows } from "../src/DocumentRows.js"
import { layoutPresets } from "../src/Layouts.js"
import * as SapCsvAdapter from "../src/SapCsvAdapter.js"
import { fxPosting, mxnPosting } from "./support/Postings.js"

const goldenDir = path.join(import.meta.dirname, "golden")
const update = process.env.UPDATE_GOLDEN === "1"

const exportOf = (layout: CsvLayout) =>
  Effect.gen(function*() {
    const adapter = SapCsvAdapter.make({ tenant: "acme", layout })
    const plans = [mxnPosting(), fxPosting()].map((doc) => {
      const plan = adapter.plan(doc)
      return plan.ok ? plan : assert.fail(plan.errors.map((e) => e.message).join("; "))
    })
    const result = yield* adapter.post(plans, { idempotencyKey: "golden", runDate: "2026-02-05", sequence: 1 })
    if (result.status !== "exported") return assert.fail(result.status)
    return { plans, artifacts: result.artifacts }
  })

const decode = (bytes: Uint8Array, encoding: CsvLayout["encoding"]): string => {
  const buffer = Buffer.from(bytes)
  switch (encoding) {
    case "cp1252":
      return iconv.decode(buffer, "cp1252")
    case "utf16le":
    case "utf16le-bom":
      return buffer.toString("utf16le").replace(/^\uFEFF/, "")
    default:
      return buffer.toString("utf8").replace(/^\uFEFF/, "")
  }
}

/** The rows file `f` must hold: header rows and data rows per section, positions filled in (key order). */
const expectedRows = (layout: CsvLayout, f: number, plans: ReadonlyArray<Planned<DocumentRows>>) => {
  const spec = layout.files[f]!
  const sorted = [...plans].sort((a, b) => (a.externalKey < b.externalKey ? -1 : 1))
  const data = (s: number, plan: Planned<DocumentRows>, position: number) =>
    (plan.payload.files[f]?.[s] ?? []).map((row) =>
      row.map((cell, c) => (spec.sections[s]!.columns[c]?.source === "doc.batchPosition" ? String(position) : cell))
    )
  return spec.sectionsPer === "file" ?
    spec.sections.flatMap((section, s) => [...section.headerRows, ...sorted.flatMap((p, i) => data(s, p, i + 1))]) :
    sorted.flatMap((p, i) => spec.sections.flatMap((section, s) => [...section.headerRows, ...data(s, p, i + 1)]))
}

describe("golden files", () => {
  for (const layout of layoutPresets) {
    it.effect(`${layout.id}: the exported files and manifest equal test/golden/${layout.id} byte for byte`, () =>
      Effect.gen(function*() {
        const { artifacts } = yield* exportOf(layout)
        const dir = path.join(goldenDir, layout.id)
        if (update) {
          fs.mkdirSync(dir, { recursive: true })
          for (const a of artifacts) fs.writeFileSync(path.join(dir, a.name), a.bytes)
        }
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), artifacts.map((a) => a.name).sort())
        for (const a of artifacts) {
          const golden = fs.readFileSync(path.join(dir, a.name))
          assert.isTrue(Buffer.from(a.bytes).equals(golden), `${layout.id}/${a.name} differs from its golden file`)
        }
        const manifest = JSON.parse(new TextDecoder().decode(artifacts.at(-1)!.bytes))
        assert.deepStrictEqual(manifest.layout, { id: layout.id, version: layout.version })
        assert.deepStrictEqual(manifest.documents, ["rcn_0001", "rcn_0002"])
        assert.deepStrictEqual(manifest.totals.debit, "3170.00")
      }))

    it.effect(`${layout.id}: every file round-trips through csv-parse to the cells written`, () =>
      Effect.gen(function*() {
        const { artifacts, plans } = yield* exportOf(layout)
        for (const [f, spec] of layout.files.entries()) {
          const file = artifacts.find((a) => a.name.endsWith(`${spec.suffix}.${spec.extension}`))!
          const rows: Array<Array<string>> = parse(decode(file.bytes, layout.encoding), {
            delimiter: layout.delimiter,
            record_delimiter: layout.lineEnding,
            relax_column_count: true
          })
          assert.deepStrictEqual(rows, expectedRows(layout, f, plans))
        }
      }))
  }

  it.effect("every encoding and quoting option round-trips a text with quotes, delimiters and accents", () =>
    Effect.gen(function*() {
      const base = layoutPresets[0]!
      for (const encoding of ["utf8", "utf8bom", "utf16le", "utf16le-bom", "cp1252"] as const) {
        for (const quote of ["minimal", "all"] as const) {
          for (const delimiter of [",", ";", "\t"] as const) {
            const layout: CsvLayout = { ...base, encoding, quote, delimiter, lineEnding: "\n" }
            const { artifacts, plans } = yield* exportOf(layout)
            const text = decode(artifacts[0]!.bytes, encoding)
            assert.strictEqual(text.startsWith("\"DOC_KEY\""), quote === "all", `${encoding} ${quote}`)
            const rows: Array<Array<string>> = parse(text, { delimiter, relax_column_count: true })
            assert.deepStrictEqual(rows, expectedRows(layout, 0, plans), `${encoding} ${quote} ${JSON.stringify(delimiter)}`)
            const bom = encoding === "utf8bom" ? [0xef, 0xbb, 0xbf] : encoding === "utf16le-bom" ? [0xff, 0xfe] : []
            assert.deepStrictEqual([...artifacts[0]!.bytes.slice(0, bom.length)], bom)
            if (encoding === "utf16le") {
              assert.deepStrictEqual([...artifacts[0]!.bytes.slice(0, 2)], [quote === "all" ? 0x22 : 0x44, 0x00])
            }
          }
        }
      }
    }))
})
