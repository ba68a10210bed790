import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { allowedEvents, type DocumentEvent, documentStates, transition } from "../src/DocumentState.js"
import type { DocumentState } from "../src/ErpAdapter.js"

const run = (events: ReadonlyArray<DocumentEvent>, from: DocumentState = "draft") =>
  events.reduce<Either.Either<DocumentState, unknown>>((state, event) => Either.flatMap(state, (s) => transition(s, event)), Either.right(from))

describe("transition", () => {
  it("walks the happy path draft -> planned -> posting -> posted_unverified -> verified", () => {
    assert.deepStrictEqual(run(["plan_ok", "send", "write_acknowledged", "verify_match"]), Either.right("verified"))
  })

  it("settles an unknown outcome only through find: found -> verify, not found -> planned again", () => {
    assert.deepStrictEqual(run(["plan_ok", "send", "write_unknown", "found", "verify_match"]), Either.right("verified"))
    assert.deepStrictEqual(run(["plan_ok", "send", "write_unknown", "not_found", "send"]), Either.right("posting"))
    assert.deepStrictEqual(run(["plan_ok", "send", "write_not_applied"]), Either.right("planned"))
  })

  it("fails a mismatch for a person, and lets a person reopen or exclude a failed document", () => {
    assert.deepStrictEqual(run(["verify_mismatch"], "posted_unverified"), Either.right("failed"))
    assert.deepStrictEqual(run(["reopen", "plan_ok"], "failed"), Either.right("planned"))
    assert.deepStrictEqual(run(["exclude", "reopen"], "failed"), Either.right("draft"))
    // a later read-back that matches (a person corrected the record in the ERP) verifies it
    assert.deepStrictEqual(run(["verify_match"], "failed"), Either.right("verified"))
    assert.deepStrictEqual(run(["verify_missing"], "posted_unverified"), Either.right("planned"))
  })

  it("refuses a document in flight being excluded or re-sent, and anything after verified", () => {
    for (const [state, event] of [
      ["posting", "exclude"],
      ["posting", "send"],
      ["posted_unverified", "send"],
      ["verified", "reopen"],
      ["draft", "send"]
    ] as const) {
      const result = transition(state, event)
      assert.isTrue(Either.isLeft(result), `${state} + ${event}`)
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.code, "INVALID_STATE_TRANSITION")
        assert.include(result.left.userMessage, `state ${state} cannot take event ${event}`)
      }
    }
    assert.deepStrictEqual(allowedEvents("verified"), [])
  })

  it("only ever moves to a known state, and every state but verified has a way out", () => {
    const events: ReadonlyArray<DocumentEvent> = [
      "plan_ok", "plan_failed", "send", "write_acknowledged", "write_not_applied", "write_unknown", "found",
      "not_found", "verify_match", "verify_mismatch", "verify_missing", "exclude", "reopen"
    ]
    for (const state of documentStates) {
      const next = events.flatMap((event) => Either.getRight(transition(state, event)).pipe((o) => (o._tag === "Some" ? [o.value] : [])))
      assert.isTrue(next.every((s) => documentStates.includes(s)))
      assert.strictEqual(next.filter((s) => s !== state).length > 0, state !== "verified", state)
    }
  })
})
