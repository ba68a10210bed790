/**
 * Write-back to Clara: the missing-invoice transactions get the comment (and the label) once; a second run sends
 * nothing again; a failed bulk request is retried by the next run; the comment is taken back once the transaction is
 * linked; a comment already in Clara is kept; a bulk request refused for one uuid is split so the others are sent.
 * Clara is a recording fake of the two bulk endpoints and the comment delete (`ClaraClient.transactions.commentBulk`,
 * `labelBulk`, `deleteComment`); the rest of the client is never called here because the transactions come from an
 * export file and none has invoices in Clara.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { generateCfdi40 } from "@clara-recon/cfdi"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { ClaraClient, type ClaraClientService, ClaraNotFoundError, ClaraServerError } from "@clara-recon/clara"
import { reconcile } from "../src/ReconcileJob.js"
import { layerSqlite } from "../src/StoreLayer.js"
import { defaultWriteBackComment } from "../src/WriteBack.js"
import { cfdiSpec } from "./JobSetup.js"

const wire = (uuid: string, amount: number, date: string) => ({
  uuid,
  type: "PURCHASE",
  transactionLabel: "TAQUERIA EL FOGON",
  status: { code: "OP", description: "AUTHORIZED" },
  amountValue: { value: amount, currency: "MXN" },
  operationDate: date,
  card: { lastFourDigits: "4321" },
  user: { uuid: "u1", name: "Luis Pérez" }
})

/**
 * A fake of the comment and label writes that records what it accepted and keeps each transaction's comment, which
 * `get` reads back. The first comment request fails with a 503 when `failFirstComment`; a comment request naming
 * `unknownUuid` is refused with a 404, as Clara refuses a deleted one.
 */
const recordingClara = (failFirstComment: boolean, unknownUuid?: string) => {
  const calls: Array<{ endpoint: "comments" | "labels" | "delete"; items: ReadonlyArray<unknown> }> = []
  const comments = new Map<string, string>()
  let failures = failFirstComment ? 1 : 0
  const endpoint = "POST /api/v3/transactions/comments/bulk"
  const service = {
    transactions: {
      commentBulk: (items: ReadonlyArray<{ readonly uuid: string; readonly comment: string }>) =>
        Effect.suspend((): Effect.Effect<void, ClaraServerError | ClaraNotFoundError> => {
          if (failures > 0) {
            failures--
            return Effect.fail(new ClaraServerError({ endpoint, status: 503 }))
          }
          if (items.some((item) => item.uuid === unknownUuid)) {
            return Effect.fail(new ClaraNotFoundError({ endpoint, status: 404, claraMessage: "Transaction not found" }))
          }
          calls.push({ endpoint: "comments", items })
          for (const item of items) comments.set(item.uuid, item.comment)
          return Effect.void
        }),
      labelBulk: (items: ReadonlyArray<unknown>) => Effect.sync(() => void calls.push({ endpoint: "labels", items })),
      get: (uuid: string) =>
        Effect.sync(() => ({ ...wire(uuid, 1, "2026-01-01"), comment: comments.get(uuid) ?? null })),
      deleteComment: (uuid: string) =>
        Effect.sync(() => {
          calls.push({ endpoint: "delete", items: [uuid] })
          comments.delete(uuid)
        })
    }
  } as unknown as ClaraClientService
  return { calls, comments, layer: Layer.succeed(ClaraClient, ClaraClient.of(service)) }
}

/** Writes the transactions export and an empty invoices folder in a fresh folder; the write-back run options. */
const setup = (transactions: ReadonlyArray<unknown>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clara-recon-writeback-"))
  fs.mkdirSync(path.join(dir, "invoices"))
  fs.writeFileSync(path.join(dir, "export.json"), JSON.stringify(transactions))
  const options = {
    from: "2026-01-01",
    to: "2026-01-31",
    invoiceDirs: [path.join(dir, "invoices")],
    transactionsFile: path.join(dir, "export.json"),
    outDir: path.join(dir, "out"),
    asOf: "2026-03-01",
    writeBack: true,
    writeBackLabelUuid: "label-missing-cfdi"
  }
  return { dir, options }
}

describe("write-back", () => {
  it.effect("marks missing invoices once, retries what failed, and takes the comment back once linked", () => {
    const { dir, options } = setup([wire("t-a", 250, "2026-01-14"), wire("t-b", 99.5, "2026-01-20")])
    const clara = recordingClara(true)
    return Effect.gen(function*() {
      const first = yield* reconcile(options)
      assert.strictEqual(first.summary.exceptions.MISSING_INVOICE, 2)
      assert.deepStrictEqual(clara.calls.map((c) => c.endpoint), ["labels"], "the comment request failed, labels went")
      const second = yield* reconcile(options)
      assert.notStrictEqual(second.runId, first.runId)
      assert.deepStrictEqual(clara.calls.map((c) => c.endpoint), ["labels", "comments"])
      assert.deepStrictEqual(clara.calls[1]!.items, [
        { uuid: "t-a", comment: defaultWriteBackComment },
        { uuid: "t-b", comment: defaultWriteBackComment }
      ])
      assert.deepStrictEqual(clara.calls[0]!.items, [
        { uuid: "t-a", labelsUuid: ["label-missing-cfdi"] },
        { uuid: "t-b", labelsUuid: ["label-missing-cfdi"] }
      ])
      yield* reconcile(options)
      assert.strictEqual(clara.calls.length, 2, "nothing is sent twice")
      // t-a's CFDI arrives: it is linked, and the comment that says it has none is taken back, once
      // 215.52 + 16 % IVA = 250.00
      const invoice = cfdiSpec(
        "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        "TAQUERIA EL FOGON",
        "TEF010101AB1",
        "215.52",
        "2026-01-14T13:00:00"
      )
      fs.writeFileSync(path.join(dir, "invoices", "t-a.xml"), generateCfdi40(invoice))
      const linked = yield* reconcile(options)
      assert.strictEqual(linked.summary.exceptions.MISSING_INVOICE, 1)
      assert.deepStrictEqual(clara.calls.slice(2), [{ endpoint: "delete", items: ["t-a"] }])
      assert.deepStrictEqual([...clara.comments.keys()], ["t-b"])
      yield* reconcile(options)
      assert.strictEqual(clara.calls.length, 3, "taken back once")
    }).pipe(
      Effect.provide(Layer.mergeAll(layerSqlite(path.join(dir, "state.db")), NodeContext.layer, clara.layer)),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })

  it.effect("keeps a comment someone wrote in Clara, and sends the rest of a bulk Clara refuses for one uuid", () => {
    const { dir, options } = setup([
      wire("t-a", 250, "2026-01-14"),
      { ...wire("t-b", 99.5, "2026-01-20"), comment: "Comida con cliente ACME" },
      wire("t-c", 120, "2026-01-21"),
      wire("t-gone", 80, "2026-01-22")
    ])
    const clara = recordingClara(false, "t-gone")
    return Effect.gen(function*() {
      const run = yield* reconcile(options)
      assert.strictEqual(run.summary.exceptions.MISSING_INVOICE, 4)
      const commented = clara.calls.filter((c) => c.endpoint === "comments").flatMap((c) => c.items)
        .map((item) => (item as { uuid: string }).uuid)
      // t-b keeps its note; the 404 for t-gone no longer holds back t-a and t-c
      assert.deepStrictEqual(commented.sort(), ["t-a", "t-c"])
      const labelled = clara.calls.filter((c) => c.endpoint === "labels").flatMap((c) => c.items)
      assert.strictEqual(labelled.length, 4, "the label still marks every missing invoice")
    }).pipe(
      Effect.provide(Layer.mergeAll(layerSqlite(path.join(dir, "state.db")), NodeContext.layer, clara.layer)),
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
    )
  })
})
