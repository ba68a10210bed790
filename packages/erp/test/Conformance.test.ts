import { JournalLine, PostingDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Either } from "effect"
import { conformanceCheckNames, conformanceChecks } from "../src/Conformance.js"
import type { AdapterManifest, ErpAdapter, ErpRef } from "../src/ErpAdapter.js"
import { ErpError } from "../src/ErpError.js"
import { externalKeyPattern } from "../src/ExternalKey.js"
import { fingerprintOf } from "../src/Fingerprint.js"
import { isBalanced } from "../src/PostingTotals.js"

const SECRET = "tok_9f8e7d6c5b4a"
const config = { account: "1234567", auth: { token: SECRET } }

const manifest: AdapterManifest = {
  id: "memory",
  version: "0.0.1",
  displayName: "In-memory ledger",
  capabilities: ["post.journalEntry", "readBack"],
  configSchema: {
    type: "object",
    properties: {
      account: { type: "string" },
      auth: { type: "object", properties: { token: { type: "string", "x-secret": true } } }
    }
  },
  mappingSchema: { type: "object" }
}

const posting = (externalKey: string, amount: string) => {
  const line = (side: "debit" | "credit", account: string) =>
    new JournalLine({
      side,
      role: side === "debit" ? "expense" : "card_liability",
      account,
      amount: BigDecimal.unsafeFromString(amount)
    })
  return new PostingDocument({
    sourceId: `tx-${externalKey}`,
    externalKey,
    version: 1,
    documentDate: "2026-01-14",
    postingDate: "2026-01-15",
    currency: "MXN",
    memo: "sample",
    cfdis: [],
    lines: [line("debit", "601"), line("credit", "205")]
  })
}
const documents = [posting("rcn_a", "100.00"), posting("rcn_b", "250.50")] as const

const payloadOf = (doc: PostingDocument) => ({
  externalId: doc.externalKey,
  lines: doc.lines.map((l) => [l.side, l.account, BigDecimal.format(l.amount)])
})

/** Follows the contract: pure plan, typed refusals, one record per external key, never touches the token. */
const goodAdapter = (): ErpAdapter<ReturnType<typeof payloadOf>> => {
  const records = new Map<string, ErpRef>()
  return {
    manifest,
    plan: (document) => {
      const errors = [
        ...(externalKeyPattern.test(document.externalKey) ? [] : [
          ErpError.rejected("VALIDATION", "INVALID_EXTERNAL_KEY", `bad key ${document.externalKey}`)
        ]),
        ...(isBalanced(document) ? [] : [ErpError.rejected("VALIDATION", "POSTING_UNBALANCED", "unbalanced")])
      ]
      if (errors.length > 0) return { ok: false, externalKey: document.externalKey, document, errors, warnings: [] }
      const payload = payloadOf(document)
      const fingerprint = fingerprintOf(document, payload)
      return { ok: true, externalKey: document.externalKey, document, payload, fingerprint, warnings: [] }
    },
    post: (plans) =>
      Effect.sync(() => ({
        status: "posted" as const,
        refs: plans.map((plan) => {
          const existing = records.get(plan.externalKey)
          if (existing !== undefined) return existing
          const internalId = String(records.size + 1)
          const ref = { erp: "memory", recordType: "journalEntry", externalId: plan.externalKey, internalId }
          records.set(plan.externalKey, ref)
          return ref
        })
      }))
  }
}

/** Breaks every rule: unbalanced, unstable fingerprints, a new record per post, throws, leaks the token. */
const badAdapter = (): ErpAdapter<{ readonly token: string }> => {
  let counter = 0
  return {
    manifest,
    plan: (document) => {
      if (!isBalanced(document)) throw new Error("cannot plan")
      counter++
      return {
        ok: true,
        externalKey: document.externalKey,
        document,
        payload: { token: config.auth.token },
        fingerprint: {
          hash: `h${counter}`,
          totals: { debit: "1.00", credit: "2.00" },
          lineCount: 2,
          date: "",
          currency: ""
        },
        warnings: []
      }
    },
    post: (plans) =>
      Effect.gen(function*() {
        yield* Effect.logDebug(`posting with token ${config.auth.token}`)
        counter++
        return {
          status: "posted" as const,
          refs: plans.map((p) => ({
            erp: "memory",
            recordType: "journalEntry",
            externalId: p.externalKey,
            internalId: `${counter}`
          }))
        }
      })
  }
}

const outcomes = (adapter: ErpAdapter<unknown>) =>
  Effect.forEach(conformanceChecks(adapter, { documents, config }), (check) =>
    Effect.map(Effect.either(check.run), (result) => [check.name, result] as const))

describe("conformanceChecks", () => {
  it.effect("passes an adapter that follows the contract", () =>
    Effect.gen(function*() {
      const results = yield* outcomes(goodAdapter())
      assert.deepStrictEqual(results.map(([name]) => name), [...conformanceCheckNames])
      for (const [name, result] of results) {
        assert.isTrue(Either.isRight(result), `${name}: ${Either.isLeft(result) ? result.left.message : ""}`)
      }
    }))

  it.effect("catches a deliberately bad adapter on every check, without repeating the secret", () =>
    Effect.gen(function*() {
      const results = yield* outcomes(badAdapter())
      const reasons = results.map(([name, result]) => {
        assert.isTrue(Either.isLeft(result), `${name} should fail`)
        const failure = Either.isLeft(result) ? result.left : assert.fail(name)
        assert.strictEqual(failure._tag, "ConformanceFailure")
        assert.strictEqual(failure.check, name)
        assert.notInclude(failure.message, SECRET)
        return failure.reason
      })
      assert.include(reasons[0], "rcn_a: fingerprint totals 1.00/2.00 over 2 lines, expected 100.00/100.00 over 2")
      assert.include(reasons[1], "rcn_a: the same document hashed h")
      assert.include(reasons[2], "the second post returned other records")
      assert.include(reasons[3], "plan threw for rcn_a: Error: cannot plan")
      assert.strictEqual(reasons[4], "the x-secret config field \"auth.token\" appears in the plan of rcn_a")
    }))

  it.effect("finds a secret leaked only into a log line, and reports a post that dies", () =>
    Effect.gen(function*() {
      const good = goodAdapter()
      const logging: ErpAdapter<unknown> = {
        ...good,
        post: (plans) =>
          Effect.zipRight(Effect.logTrace(`auth=${SECRET}`), good.post(plans as never, { idempotencyKey: "k" }))
      }
      const [, , , , leak] = yield* outcomes(logging)
      const leakReason = Either.isLeft(leak![1]) ? leak![1].left.reason : ""
      assert.strictEqual(leakReason, "the x-secret config field \"auth.token\" appears in a log line")
      const dying: ErpAdapter<unknown> = { ...good, post: () => Effect.die("boom") }
      const [, , idempotent, typed] = yield* outcomes(dying)
      for (const outcome of [idempotent, typed]) {
        const reason = Either.isLeft(outcome![1]) ? outcome![1].left.reason : ""
        assert.include(reason, "post failed with a defect or a non-ErpError")
      }
    }))
})
