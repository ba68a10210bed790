/**
 * The CLI's observability: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a run exports its spans over OTLP/HTTP JSON to a
 * real collector endpoint (a plain HTTP server here) as ONE trace that reaches from the command down to each Clara
 * request and the ERP posting step; `--verbose` adds debug logs; without the variable nothing is sent; progress is
 * plain lines on stderr when stdout is not a terminal.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { lastJsonLine, runCli } from "../support/Cli.js"

interface ExportedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
}

let collector: http.Server
let endpoint: string
const received: Array<{ path: string; body: any }> = []
let work: string

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-otel-"))
  collector = http.createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (c: Buffer) => chunks.push(c))
    request.on("end", () => {
      received.push({ path: request.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) })
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve))
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve))
  fs.rmSync(work, { recursive: true, force: true })
})

const spansOf = (bodies: ReadonlyArray<{ body: any }>): Array<ExportedSpan> =>
  bodies.flatMap((b) =>
    (b.body.resourceSpans ?? []).flatMap((rs: any) => (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? []))
  )

describe("observability", () => {
  it("exports one trace per run over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
    const out = path.join(work, "out")
    const result = await runCli(
      ["demo", "--size", "12", "--out", out, "--state", path.join(work, "demo.db"), "--json", "--verbose"],
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "clara-recon-test" }
    )
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(lastJsonLine(result.stdout).controlTotal.balanced, true)
    assert.match(result.stderr, /DEBUG/, "--verbose shows debug logs")

    assert.isTrue(received.length > 0, "the collector received spans")
    assert.isTrue(received.every((r) => r.path === "/v1/traces"))
    const service = received[0]!.body.resourceSpans[0].resource.attributes
      .find((a: any) => a.key === "service.name").value.stringValue
    assert.strictEqual(service, "clara-recon-test")

    const spans = spansOf(received)
    const roots = spans.filter((s) => s.parentSpanId === undefined || s.parentSpanId === "")
    assert.deepStrictEqual(roots.map((s) => s.name), ["clara-recon demo"])
    assert.strictEqual(new Set(spans.map((s) => s.traceId)).size, 1, "one trace for the whole run")
    const names = new Set(spans.map((s) => s.name))
    for (const step of ["ReconcileJob.reconcile", "Pipeline.sync", "Pipeline.match", "Pipeline.post", "Pipeline.report"]) {
      assert.isTrue(names.has(step), `span ${step}`)
    }
    assert.isTrue(spans.some((s) => /^http\.client GET/.test(s.name)), "Clara requests are spans of the run")
    const byId = new Map(spans.map((s) => [s.spanId, s]))
    const ancestorNames = (span: ExportedSpan): Array<string> => {
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined
      return parent === undefined ? [] : [parent.name, ...ancestorNames(parent)]
    }
    const clientSpan = spans.find((s) => /^http\.client GET/.test(s.name) && ancestorNames(s).length > 0)!
    assert.include(ancestorNames(clientSpan), "ReconcileJob.reconcile")
  })

  it("sends nothing without OTEL_EXPORTER_OTLP_ENDPOINT and logs no debug lines without --verbose", async () => {
    const before = received.length
    const result = await runCli(
      ["demo", "--size", "8", "--out", path.join(work, "out2"), "--state", path.join(work, "demo2.db"), "--json"],
      { OTEL_EXPORTER_OTLP_ENDPOINT: "" }
    )
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(received.length, before)
    assert.notMatch(result.stderr, /DEBUG/)
    // stdout is not a terminal here: progress comes as plain lines on stderr, one start and one end per step
    for (const step of ["sync", "collect", "match", "plan", "post", "report"]) {
      assert.match(result.stderr, new RegExp(`^${step}: started$`, "m"))
      assert.match(result.stderr, new RegExp(`^${step}: done \\(`, "m"))
    }
    assert.match(result.stderr, /^collect: done \(\d+ files, /m)
  })
})
