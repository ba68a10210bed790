import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { formatFixed } from "@clara-recon/domain"
import { acceptTransactions, readTransactionsExport } from "../src/Sync.js"

const wire = (uuid: string, operationDate: string, value: number, lastUpdateDate = "2026-01-20T00:00:00Z") => ({
  uuid,
  type: "PURCHASE",
  transactionLabel: "OXXO",
  status: { code: "OP", description: "AUTHORIZED" },
  amountValue: { value, currency: "MXN" },
  operationDate,
  lastUpdateDate
})

/** `content` written to `name` in a fresh temporary folder, removed with the test's scope. */
const writeTemp = (name: string, content: string) =>
  Effect.gen(function*() {
    const fileSystem = yield* FileSystem.FileSystem
    const dir = yield* fileSystem.makeTempDirectoryScoped({ prefix: "clara-recon-sync-" })
    const file = path.join(dir, name)
    fs.writeFileSync(file, content)
    return file
  })

describe("transactions export", () => {
  it.scoped("reads an array of pages, keeps the period, reports a bad record and goes on", () =>
    Effect.gen(function*() {
      const file = yield* writeTemp("export.json", JSON.stringify([
        { content: [wire("t1", "2026-01-05", 100.5), { uuid: "t2", type: "PURCHASE" }] },
        { content: [wire("t3", "2026-02-01", 10), wire("t1", "2026-01-05", 120, "2026-01-25T00:00:00Z")] }
      ]))
      const records = yield* readTransactionsExport(file)
      const synced = acceptTransactions(records, { from: "2026-01-01", to: "2026-01-31" })
      assert.deepStrictEqual(synced.transactions.map((t) => t.uuid), ["t1"])
      assert.strictEqual(formatFixed(synced.transactions[0]!.amount.amount), "120.00")
      assert.strictEqual(synced.outOfPeriod, 1)
      assert.strictEqual(synced.invalid.length, 1)
      assert.strictEqual(synced.invalid[0]!.code, "INVALID_TRANSACTION")
      assert.include(synced.invalid[0]!.message, `${file}[0].content[1]`)
    }).pipe(Effect.provide(NodeContext.layer)))

  it.scoped("refuses a file that is not JSON, naming it", () =>
    Effect.gen(function*() {
      const file = yield* writeTemp("broken.json", "{ nope")
      const error = yield* Effect.flip(readTransactionsExport(file))
      assert.strictEqual(error._tag, "InputError")
      assert.include(error.message, file)
      assert.include(error.message, "not JSON")
    }).pipe(Effect.provide(NodeContext.layer)))

  it("accepts a plain array of transactions", () => {
    const synced = acceptTransactions(
      [{ record: "r0", result: Either.right(wire("t9", "2026-01-31", 5) as never) }],
      { from: "2026-01-01", to: "2026-01-31" }
    )
    assert.deepStrictEqual(synced.transactions.map((t) => t.uuid), ["t9"])
  })
})
