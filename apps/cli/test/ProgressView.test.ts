/**
 * The plain-line progress view: a start line, a line per further tenth of the work, an end line with the work and
 * the time taken, and "already done" for skipped steps.
 */
import { assert, describe, it } from "@effect/vitest"
import { linesReporter } from "../src/ProgressView.js"

describe("ProgressView", () => {
  it("prints a line per tenth of a step's work, and its end with the time taken", () => {
    const lines: Array<string> = []
    let now = 1_000
    const view = linesReporter((line) => lines.push(line), () => now)
    view.start("collect")
    view.total("collect", 100, "files")
    for (let i = 0; i < 100; i += 5) view.advance("collect", 5)
    now += 2_500
    view.finish("collect", false)
    view.finish("sync", true)
    assert.deepStrictEqual(lines, [
      "collect: started",
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((n) => `collect: ${n}/100 files`),
      "collect: done (100 files, 2.5 s)",
      "sync: already done"
    ])
  })
})
