import { JournalLine, PostingDocument } from "@clara-recon/domain"
import { assert, describe, it } from "@effect/vitest"
import { BigDecimal, Effect, Either, Option } from "effect"
import { conformanceCheckNames, conformanceChecks, neverPostedKey, runConformance } from "../src/Conformance.js"
import type { ErpAdapter } from "../src/ErpAdapter.js"
import type { Fingerprint } from "../src/Fingerprint.js"
import { isBalanced } from "../src/PostingTotals.js"
import * as MemoryLedger from "./support/MemoryLedgerAdapter.js"

const SECRET = "tok_9f8e7d6c5b4a"
const config = { ledger: "acme", auth: { token: SECRET } }

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

/** The example third-party adapter: follows the contract. */
const goodAdapter = () => MemoryLedger.make(config)

/** Breaks every rule: unbalanced, unstable fingerprints, a new record per post, throws, leaks the token. */
const badAdapter = (): ErpAdapter<{ readonly token: string }> => {
  let counter = 0
  return {
    manifest: MemoryLedger.manifest,
    checkConnection: () => Effect.succeed({ ok: true, warnings: [] }),
    discover: () => Effect.die("not implemented"),
    find: () => Effect.succeed(Option.none()),
    verify: () => Effect.succeed({ status: "missing" as const }),
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
      assert.strictEqual(reasons[5], "find(rcn_a) returned nothing after a post")
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

  it.effect("reports every check of the example third-party adapter as passed", () =>
    Effect.gen(function*() {
      const report = yield* runConformance(goodAdapter(), { documents, config })
      assert.strictEqual(report.adapter, "memory-ledger 1.0.0")
      assert.deepStrictEqual(report.results.map((r) => [r.name, r.passed]), conformanceCheckNames.map((n) => [n, true]))
      assert.deepStrictEqual(report.failures, [])
    }))

  it.effect("catches a verify that never compares, a find that sees unposted keys, a re-post under a new key", () =>
    Effect.gen(function*() {
      const good = goodAdapter()
      const blindVerify: ErpAdapter<unknown> = {
        ...(good as ErpAdapter<unknown>),
        verify: (ref) => Effect.succeed({ status: "match", ref })
      }
      const blind = yield* runConformance(blindVerify, { documents, config })
      assert.deepStrictEqual(blind.failures.map((f) => f.reason), [
        "verify(rcn_a) against other totals and line count answered match, not mismatch",
        "verify(rcn_a) against its fingerprint with another total answered match",
        "after posting a changed document under rcn_a, its record verifies match against the first plan and match " +
        "against the changed one"
      ])
      // a verify that compares the totals and the line count only: another date or currency goes unnoticed
      const totalsOnly: ErpAdapter<unknown> = {
        ...(good as ErpAdapter<unknown>),
        verify: (ref, expected) =>
          Effect.map(good.verify(ref, expected), (answer) =>
            answer.status === "mismatch" && answer.differences.every((d) => d === "date or currency" || d === "payload hash")
              ? { status: "match" as const, ref }
              : answer)
      }
      const partial = yield* runConformance(totalsOnly, { documents, config })
      assert.deepStrictEqual(partial.failures.map((f) => f.reason), [
        "verify(rcn_a) against its fingerprint with another date answered match"
      ])
      const seesAll: ErpAdapter<unknown> = {
        ...(goodAdapter() as ErpAdapter<unknown>),
        find: (key) => Effect.succeed(Option.some({ erp: "x", recordType: "journalEntry", externalId: key }))
      }
      const ghosts = yield* runConformance(seesAll, { documents, config })
      assert.include(ghosts.failures.map((f) => f.reason).join("\n"), `find(${neverPostedKey}) found`)
      // A new record whenever the idempotency key changes: the kit's third post under another key exposes it.
      const base = goodAdapter()
      let generation = 0
      const perKey: ErpAdapter<unknown> = {
        ...(base as ErpAdapter<unknown>),
        post: (plans, options) =>
          Effect.sync(() => {
            if (options.idempotencyKey.endsWith("-again")) generation++
            return {
              status: "posted" as const,
              refs: plans.map((p) => ({
                erp: "x",
                recordType: "journalEntry",
                externalId: p.externalKey,
                internalId: String(generation)
              }))
            }
          }),
        find: (key) =>
          Effect.succeed(Option.some({ erp: "x", recordType: "journalEntry", externalId: key, internalId: String(generation) }))
      }
      const [, , idempotent] = (yield* runConformance(perKey, { documents, config })).results
      assert.include(idempotent?.reason ?? "", "posting again under another idempotency key created other records")
      // A ledger that overwrites a posted record when a changed document comes under the same key.
      const latest = new Map<string, Fingerprint>()
      const overwriting = goodAdapter()
      const overwrites: ErpAdapter<unknown> = {
        ...(overwriting as ErpAdapter<unknown>),
        post: (plans, options) =>
          Effect.tap(overwriting.post(plans as never, options), () => {
            for (const plan of plans) latest.set(plan.externalKey, plan.fingerprint)
          }),
        verify: (ref, expected) =>
          Effect.succeed(
            latest.get(ref.externalId)?.hash === expected.hash
              ? { status: "match" as const, ref }
              : { status: "mismatch" as const, ref, differences: ["another record"] }
          )
      }
      const replaced = (yield* runConformance(overwrites, { documents, config })).results.at(-1)
      assert.include(replaced?.reason ?? "", "verifies mismatch against the first plan and match against the changed")
    }))
})
