/**
 * A conformance kit for ERP adapters: the checks every `ErpAdapter` must pass whatever its ERP (erp.md §5.1, §5.2
 * "Idempotent write algorithm", style.md §4(6) "never log config"). Run it from an adapter's own tests.
 *
 * How a third-party adapter runs it (a vitest file in the adapter's package, `@clara-recon/erp` as a dependency):
 * ```ts
 * import { runConformance } from "@clara-recon/erp"
 * it.effect("passes the clara-recon conformance kit", () =>
 *   Effect.gen(function*() {
 *     const report = yield* runConformance(makeMyAdapter(config), { documents: samplePostings, config })
 *     assert.deepStrictEqual(report.failures, [])
 *   }))
 * ```
 * `documents` are balanced postings (two or more lines each, distinct keys); `config` is the adapter's configuration,
 * whose `x-secret` fields are scanned for in everything the run produced. Give the adapter a fresh target (an empty
 * ledger, a fresh emulator): the kit posts the documents and expects `find` to see nothing under its own
 * {@link neverPostedKey}. See `packages/erp/test/support/MemoryLedgerAdapter.ts` for a complete minimal adapter.
 */
import { addDays, formatFixed, JournalLine, PostingDocument } from "@clara-recon/domain"
import type * as Arr from "effect/Array"
import * as BigDecimal from "effect/BigDecimal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ErpAdapter, JsonSchemaObject, Planned, PlanResult, PostOptions, PostResult } from "./ErpAdapter.js"
import { ErpError } from "./ErpError.js"
import type { Fingerprint } from "./Fingerprint.js"
import { sha256Hex } from "@clara-recon/domain"
import { postingTotals } from "./PostingTotals.js"

/** A conformance check that did not hold: `check` names it, `reason` says what was seen (never a secret's value). */
export class ConformanceFailure extends Schema.TaggedError<ConformanceFailure>(
  "@clara-recon/erp/ConformanceFailure"
)("ConformanceFailure", { check: Schema.String, reason: Schema.String }) {
  override get message(): string {
    return `${this.check}: ${this.reason}`
  }
}

/** One named check; `run` succeeds, or fails with a {@link ConformanceFailure} saying what does not hold. */
export interface ConformanceCheck {
  readonly name: string
  readonly run: Effect.Effect<void, ConformanceFailure>
}

/**
 * Inputs of the kit.
 * - `documents`: valid, balanced sample postings with distinct external keys and at least two lines each.
 * - `config`: the adapter's configuration values; the fields its manifest's `configSchema` marks `x-secret`
 *   (at any depth of `properties`) are the secrets that must never leak.
 * - `postOptions`: defaults to idempotency key `conformance`, run date 2026-01-31, sequence 1.
 */
export interface ConformanceOptions {
  readonly documents: Arr.NonEmptyReadonlyArray<PostingDocument>
  readonly config?: unknown
  readonly postOptions?: PostOptions
}

/** Names of the checks, in the order {@link conformanceChecks} returns them. */
export const conformanceCheckNames = [
  "plans are balanced",
  "fingerprints are stable",
  "posting twice with one idempotency key yields one record",
  "errors are typed ErpError values",
  "no secret leaks",
  "an unknown outcome is resolved by find + verify",
  "verify notices each field changed alone",
  "a changed document under a posted key is not booked again"
] as const

/** The external key the kit looks up without ever posting it: `find` must return nothing for it. */
export const neverPostedKey = "rcn_conformance_never_posted"

type Capture = {
  readonly texts: Array<{ readonly where: string; readonly text: string }>
  readonly bytes: Array<{ readonly where: string; readonly bytes: Uint8Array }>
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)) ?? ""
  } catch {
    return String(value)
  }
}

/** Secret values of `config` under fields that `schema` marks `x-secret`, with their dotted paths. */
const secretsOf = (schema: JsonSchemaObject, config: unknown, path = ""): Array<{ path: string; value: string }> => {
  if (typeof config !== "object" || config === null) return []
  const values = config as Record<string, unknown>
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    if (typeof property !== "object" || property === null) return []
    const field = property as JsonSchemaObject
    const value = values[name]
    const here = path === "" ? name : `${path}.${name}`
    if (field["x-secret"] === true) {
      return (typeof value === "string" || typeof value === "number") && String(value) !== "" ?
        [{ path: here, value: String(value) }] :
        []
    }
    return secretsOf(field, value, here)
  })
}

/**
 * The checks `adapter` must pass on `options.documents`:
 * 1. every plan is accepted and balanced: fingerprint Σ debit = Σ credit = the document's own totals, one line each;
 * 2. fingerprints are stable (same document, even rebuilt, same hash) and distinct documents hash differently;
 * 3. posting the same plans twice with one idempotency key yields one record per document: identical `refs`, or for
 *    file adapters byte-identical artifacts whose `sha256` is the digest of their bytes;
 * 4. a refused document (unbalanced, or an invalid external key) gives `ok: false` with ErpError values only, and
 *    `post` (of the samples, and of an empty batch) neither throws, dies nor fails with anything but an ErpError
 *    (an ErpError failure counts as a `failed` result);
 * 5. no `x-secret` config value appears in a payload, fingerprint, artifact (as UTF-8, UTF-16LE or Latin-1 text),
 *    posted ref, error message, `find`/`verify`/`checkConnection`/`discover` result, or Effect log line (all levels,
 *    captured with a replacement `Logger`) produced during the run;
 * 6. an unknown outcome is resolved by find + verify: `find` of {@link neverPostedKey} returns nothing; after a post
 *    whose answer is ignored, `find` returns each document's record and `verify` answers `match` against its planned
 *    fingerprint and `mismatch` (with differences) against a fingerprint with other totals, hash and line count;
 * 7. `verify` of a posted record answers `mismatch` against its planned fingerprint with one field changed alone:
 *    the totals, the line count, the date, the currency, and (when the plan carries its lines, `withLines`) one
 *    line's account (erp.md §5.1 verify: "totals, line count, accounts, date and currency"). The company is left
 *    out: several company codes may book into one ledger (one NetSuite subsidiary), where no read-back tells them
 *    apart;
 * 8. a document changed after it was posted (other amounts) and posted again under the same external key is not
 *    booked a second time: `find` still returns the first record, which `verify` matches against the first
 *    fingerprint and not against the changed one (the post itself may fail with an ErpError or answer the record).
 *
 * Check 3 also requires `find` to return every posted document, and a third post of the same plans under another
 * idempotency key (and the next sequence) to leave `find` returning the very same records (external and internal
 * ids). Check 4 also requires `checkConnection` to succeed (with an ErpError when not ok) and `discover` to
 * succeed or fail with an ErpError.
 */
export const conformanceChecks = <P>(
  adapter: ErpAdapter<P>,
  options: ConformanceOptions
): ReadonlyArray<ConformanceCheck> => {
  const { documents } = options
  const postOptions = options.postOptions ?? { idempotencyKey: "conformance", runDate: "2026-01-31", sequence: 1 }
  const [balanced, stable, idempotent, typed, secrets, unknownOutcome, eachField, changedKey] = conformanceCheckNames
  const capture: Capture = { texts: [], bytes: [] }
  const captureLogger = Logger.make((entry) => {
    capture.texts.push({ where: "a log line", text: Logger.logfmtLogger.log(entry) })
  })

  const fail = (check: string, reason: string) => new ConformanceFailure({ check, reason })

  const plan = (check: string, document: PostingDocument) =>
    Effect.try({
      try: () => adapter.plan(document),
      catch: (cause) => fail(check, `plan threw for ${document.externalKey}: ${String(cause)}`)
    }).pipe(Effect.tap((result) => recordPlan(result)))

  const recordPlan = (result: PlanResult<P>) =>
    Effect.sync(() => {
      const where = `the plan of ${result.externalKey}`
      const shown = result.ok ? [result.payload, result.fingerprint] : result.errors.map(errorText)
      capture.texts.push({ where, text: safeJson([shown, result.warnings]) })
    })

  const errorText = (error: unknown) =>
    error instanceof ErpError ? [error.message, error.userMessage, error.internalMessage] : String(error)

  const accepted = (check: string, document: PostingDocument) =>
    Effect.flatMap(plan(check, document), (result) =>
      result.ok ?
        Effect.succeed(result) :
        Effect.fail(fail(check, `${document.externalKey} was refused: ${result.errors.map((e) => e.code).join(", ")}`)))

  /** Runs an adapter call with its logs captured (all levels), its errors and defects as an `Exit`. */
  const captured = <A, E>(call: () => Effect.Effect<A, E>) =>
    Effect.suspend(call).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, captureLogger)),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.exit
    )

  /** An adapter read (`find`, `verify`, `checkConnection`, `discover`): its value, or a failure naming `what`. */
  const read = <A>(check: string, what: string, call: () => Effect.Effect<A, ErpError>) =>
    Effect.flatMap(captured(call), (exit) => {
      if (Exit.isSuccess(exit)) {
        capture.texts.push({ where: `the result of ${what}`, text: safeJson(exit.value) })
        return Effect.succeed(exit.value)
      }
      const failure = Cause.failureOption(exit.cause)
      if (failure._tag === "Some" && failure.value instanceof ErpError) {
        capture.texts.push({ where: `the failure of ${what}`, text: safeJson(errorText(failure.value)) })
        return Effect.fail(fail(check, `${what} failed: ${failure.value.message}`))
      }
      return Effect.fail(fail(check, `${what} died or failed with a non-ErpError: ${Cause.pretty(exit.cause)}`))
    })

  const post = (check: string, plans: ReadonlyArray<Planned<P>>, options: PostOptions = postOptions) =>
    captured(() => adapter.post(plans, options)).pipe(
      Effect.flatMap((exit) => typedOutcome(check, exit)),
      Effect.tap(recordPost)
    )

  const typedOutcome = (check: string, exit: Exit.Exit<PostResult, ErpError>) => {
    if (Exit.isSuccess(exit)) {
      const result = exit.value
      return result.status === "failed" && !(result.error instanceof ErpError) ?
        Effect.fail(fail(check, `post reported a failure that is not an ErpError: ${safeJson(result.error)}`)) :
        Effect.succeed(result)
    }
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some" && failure.value instanceof ErpError) {
      return Effect.succeed<PostResult>({ status: "failed", error: failure.value })
    }
    return Effect.fail(fail(check, `post failed with a defect or a non-ErpError: ${Cause.pretty(exit.cause)}`))
  }

  const recordPost = (result: PostResult) =>
    Effect.sync(() => {
      if (result.status === "exported") {
        for (const a of result.artifacts) capture.bytes.push({ where: `artifact ${a.name}`, bytes: a.bytes })
      } else if (result.status === "posted") {
        capture.texts.push({ where: "the posted refs", text: safeJson(result.refs) })
      } else capture.texts.push({ where: "the post failure", text: safeJson(errorText(result.error)) })
    })

  const planAll = (check: string) => Effect.forEach(documents, (document) => accepted(check, document))

  /** `find` for every plan: the record's `externalId` and `internalId`, failing when one is not found. */
  const findAll = (check: string, plans: ReadonlyArray<Planned<P>>) =>
    Effect.forEach(plans, (plan) =>
      Effect.flatMap(read(check, `find(${plan.externalKey})`, () => adapter.find(plan.externalKey)), (found) =>
        Option.match(found, {
          onNone: () => Effect.fail(fail(check, `find(${plan.externalKey}) returned nothing after it was posted`)),
          onSome: (ref) => Effect.succeed([ref.externalId, ref.internalId ?? ""] as const)
        })))

  const refused = (document: PostingDocument): ReadonlyArray<PostingDocument> => [
    new PostingDocument({ ...document, lines: document.lines.slice(0, -1) }),
    new PostingDocument({ ...document, externalKey: "not a key!" })
  ]

  const assertThat = (check: string, holds: boolean, reason: string) =>
    holds ? Effect.void : Effect.fail(fail(check, reason))

  const checks: ReadonlyArray<ConformanceCheck> = [
    {
      name: balanced,
      run: Effect.flatMap(planAll(balanced), Effect.forEach((result) => {
        const totals = postingTotals(result.document)
        const { credit, debit } = result.fingerprint.totals
        const expected = formatFixed(totals.debit)
        return assertThat(
          balanced,
          debit === credit && debit === expected && credit === formatFixed(totals.credit) &&
            result.fingerprint.lineCount === result.document.lines.length,
          `${result.externalKey}: fingerprint totals ${debit}/${credit} over ${result.fingerprint.lineCount} lines, ` +
            `expected ${expected}/${expected} over ${result.document.lines.length}`
        )
      }, { discard: true }))
    },
    {
      name: stable,
      run: Effect.gen(function*() {
        const first = yield* planAll(stable)
        for (const [i, document] of documents.entries()) {
          const again = yield* accepted(stable, document)
          const rebuilt = yield* accepted(stable, new PostingDocument({ ...document }))
          const hash = first[i]?.fingerprint.hash
          yield* assertThat(
            stable,
            again.fingerprint.hash === hash && rebuilt.fingerprint.hash === hash,
            `${document.externalKey}: the same document hashed ${hash}, then ${again.fingerprint.hash}, then ` +
              rebuilt.fingerprint.hash
          )
        }
        const hashes = new Set(first.map((p) => p.fingerprint.hash))
        yield* assertThat(stable, hashes.size === first.length, "two different documents share a fingerprint hash")
      })
    },
    {
      name: idempotent,
      run: Effect.gen(function*() {
        const plans = yield* planAll(idempotent)
        const once = yield* post(idempotent, plans)
        const twice = yield* post(idempotent, plans)
        const failed = [once, twice].find((r) => r.status === "failed")
        if (failed?.status === "failed") return yield* fail(idempotent, `a post failed: ${failed.error.message}`)
        if (once.status === "exported" && twice.status === "exported") {
          const same = once.artifacts.length === twice.artifacts.length && once.artifacts.every((a, i) => {
            const b = twice.artifacts[i]
            return b !== undefined && a.name === b.name && a.sha256 === b.sha256 && sha256Hex(b.bytes) === b.sha256 &&
              sha256Hex(a.bytes) === a.sha256
          })
          yield* assertThat(idempotent, same, "the second post produced different artifacts (or bad sha256)")
        } else if (once.status === "posted" && twice.status === "posted") {
          const ids = once.refs.map((r) => r.externalId)
          yield* assertThat(
            idempotent,
            new Set(ids).size === ids.length && ids.length === plans.length,
            `the first post returned ${ids.length} refs (${new Set(ids).size} distinct) for ${plans.length} documents`
          )
          yield* assertThat(
            idempotent,
            safeJson(once.refs) === safeJson(twice.refs),
            `the second post returned other records: ${safeJson(twice.refs)} after ${safeJson(once.refs)}`
          )
        } else {
          return yield* fail(idempotent, `the two posts ended ${once.status}, then ${twice.status}`)
        }
        const records = yield* findAll(idempotent, plans)
        const other = { ...postOptions, idempotencyKey: `${postOptions.idempotencyKey}-again` }
        const third = yield* post(idempotent, plans, { ...other, sequence: (postOptions.sequence ?? 1) + 1 })
        if (third.status === "failed") {
          return yield* fail(idempotent, `posting again under another idempotency key failed: ${third.error.message}`)
        }
        const after = yield* findAll(idempotent, plans)
        return yield* assertThat(
          idempotent,
          safeJson(records) === safeJson(after),
          `posting again under another idempotency key created other records: ${safeJson(after)} after ` +
            safeJson(records)
        )
      })
    },
    {
      name: typed,
      run: Effect.gen(function*() {
        for (const document of refused(documents[0])) {
          const result = yield* plan(typed, document)
          if (result.ok) return yield* fail(typed, `an invalid document ${document.externalKey} was accepted`)
          yield* assertThat(
            typed,
            result.errors.length > 0 && result.errors.every((e: unknown) => e instanceof ErpError),
            `refusing ${document.externalKey} gave ${result.errors.length} errors, not all ErpError`
          )
        }
        yield* post(typed, yield* planAll(typed))
        yield* post(typed, [])
        const connection = yield* read(typed, "checkConnection()", () => adapter.checkConnection())
        yield* assertThat(
          typed,
          connection.ok ? connection.error === undefined : connection.error instanceof ErpError,
          `checkConnection answered ok=${connection.ok} with ${connection.error === undefined ? "no" : "an"} error`
        )
        const discovered = yield* captured(() => adapter.discover())
        if (Exit.isFailure(discovered)) {
          const failure = Cause.failureOption(discovered.cause)
          yield* assertThat(
            typed,
            failure._tag === "Some" && failure.value instanceof ErpError,
            `discover died or failed with a non-ErpError: ${Cause.pretty(discovered.cause)}`
          )
        } else capture.texts.push({ where: "the catalog", text: safeJson(discovered.value) })
      })
    },
    {
      name: secrets,
      run: Effect.gen(function*() {
        const found = secretsOf(adapter.manifest.configSchema, options.config)
        const results = yield* Effect.forEach(
          [...documents, ...refused(documents[0])],
          (document) => Effect.option(plan(secrets, document))
        )
        const plans = results.flatMap((r) => (Option.isSome(r) && r.value.ok ? [r.value] : []))
        yield* post(secrets, plans).pipe(Effect.ignore)
        yield* read(secrets, "checkConnection()", () => adapter.checkConnection()).pipe(Effect.ignore)
        yield* read(secrets, "discover()", () => adapter.discover()).pipe(Effect.ignore)
        for (const planned of plans) {
          const found = yield* read(secrets, "find", () => adapter.find(planned.externalKey)).pipe(Effect.option)
          const ref = Option.flatten(found)
          if (Option.isSome(ref)) {
            yield* read(secrets, "verify", () => adapter.verify(ref.value, planned.fingerprint)).pipe(Effect.ignore)
          }
        }
        const decoders = ["utf-8", "utf-16le", "latin1"].map((label) => new TextDecoder(label))
        const texts = [
          ...capture.texts,
          ...capture.bytes.flatMap(({ bytes, where }) => decoders.map((d) => ({ where, text: d.decode(bytes) })))
        ]
        for (const secret of found) {
          const leak = texts.find(({ text }) => text.includes(secret.value))
          if (leak !== undefined) {
            return yield* fail(secrets, `the x-secret config field "${secret.path}" appears in ${leak.where}`)
          }
        }
      })
    },
    {
      name: unknownOutcome,
      run: Effect.gen(function*() {
        const unposted = yield* read(unknownOutcome, `find(${neverPostedKey})`, () => adapter.find(neverPostedKey))
        yield* assertThat(
          unknownOutcome,
          Option.isNone(unposted),
          `find(${neverPostedKey}) found ${safeJson(unposted)}, a record never posted`
        )
        const plans = yield* planAll(unknownOutcome)
        // The response of this post is "lost": only find + verify may tell what happened.
        yield* post(unknownOutcome, plans)
        for (const plan of plans) {
          const found = yield* read(unknownOutcome, `find(${plan.externalKey})`, () => adapter.find(plan.externalKey))
          if (Option.isNone(found)) {
            return yield* fail(unknownOutcome, `find(${plan.externalKey}) returned nothing after a post`)
          }
          const ref = found.value
          yield* assertThat(
            unknownOutcome,
            ref.externalId === plan.externalKey,
            `find(${plan.externalKey}) returned the record of ${ref.externalId}`
          )
          const verified = yield* read(unknownOutcome, `verify(${plan.externalKey})`, () =>
            adapter.verify(ref, plan.fingerprint))
          yield* assertThat(
            unknownOutcome,
            verified.status === "match",
            `verify(${plan.externalKey}) against its own fingerprint answered ${safeJson(verified)}`
          )
          const { credit, debit } = plan.fingerprint.totals
          const bumped = (amount: string) => formatFixed(BigDecimal.sum(BigDecimal.unsafeFromString(amount), one))
          const tampered: Fingerprint = {
            ...plan.fingerprint,
            hash: sha256Hex(`tampered\n${plan.fingerprint.hash}`),
            totals: { debit: bumped(debit), credit: bumped(credit) },
            lineCount: plan.fingerprint.lineCount + 1
          }
          const wrong = yield* read(unknownOutcome, `verify(${plan.externalKey})`, () => adapter.verify(ref, tampered))
          yield* assertThat(
            unknownOutcome,
            wrong.status === "mismatch" && wrong.differences.length > 0,
            `verify(${plan.externalKey}) against other totals and line count answered ${wrong.status}, not mismatch`
          )
        }
      })
    },
    {
      name: eachField,
      run: Effect.gen(function*() {
        const plans = yield* planAll(eachField)
        yield* post(eachField, plans)
        const plan = plans[0]!
        const found = yield* read(eachField, `find(${plan.externalKey})`, () => adapter.find(plan.externalKey))
        if (Option.isNone(found)) return yield* fail(eachField, `find(${plan.externalKey}) returned nothing`)
        const f = plan.fingerprint
        for (const [field, changed] of changedAlone(f)) {
          const answer = yield* read(eachField, `verify(${plan.externalKey})`, () => adapter.verify(found.value, changed))
          yield* assertThat(
            eachField,
            answer.status === "mismatch",
            `verify(${plan.externalKey}) against its fingerprint with another ${field} answered ${answer.status}`
          )
        }
      })
    },
    {
      name: changedKey,
      run: Effect.gen(function*() {
        const plans = yield* planAll(changedKey)
        yield* post(changedKey, plans)
        const original = plans[0]!
        const [record] = yield* findAll(changedKey, [original])
        const changed = yield* accepted(changedKey, scaled(original.document))
        const other = { ...postOptions, idempotencyKey: `${postOptions.idempotencyKey}-changed` }
        yield* post(changedKey, [changed], { ...other, sequence: (postOptions.sequence ?? 1) + 2 })
        const found = yield* read(changedKey, `find(${original.externalKey})`, () => adapter.find(original.externalKey))
        if (Option.isNone(found)) return yield* fail(changedKey, `find(${original.externalKey}) lost the record`)
        yield* assertThat(
          changedKey,
          safeJson([found.value.externalId, found.value.internalId ?? ""]) === safeJson(record),
          `posting a changed document under ${original.externalKey} replaced its record: ${safeJson(found.value)}`
        )
        const first = yield* read(changedKey, "verify", () => adapter.verify(found.value, original.fingerprint))
        const second = yield* read(changedKey, "verify", () => adapter.verify(found.value, changed.fingerprint))
        return yield* assertThat(
          changedKey,
          first.status === "match" && second.status === "mismatch",
          `after posting a changed document under ${original.externalKey}, its record verifies ${first.status} ` +
            `against the first plan and ${second.status} against the changed one`
        )
      })
    }
  ]
  return checks
}

const one = BigDecimal.unsafeFromString("1")

/** `document` with every amount doubled: still balanced, other totals, the same external key. */
const scaled = (document: PostingDocument): PostingDocument =>
  new PostingDocument({
    ...document,
    lines: document.lines.map((line) => new JournalLine({ ...line, amount: BigDecimal.sum(line.amount, line.amount) }))
  })

/** `f` with one field changed at a time, named: what `verify` must notice (check 7). */
const changedAlone = (f: Fingerprint): ReadonlyArray<readonly [string, Fingerprint]> => {
  const bumped = (amount: string) => formatFixed(BigDecimal.sum(BigDecimal.unsafeFromString(amount), one))
  const [first, ...rest] = f.lines ?? []
  return [
    ["total", { ...f, totals: { debit: bumped(f.totals.debit), credit: bumped(f.totals.credit) } }],
    ["line count", { ...f, lineCount: f.lineCount + 1 }],
    ["date", { ...f, date: addDays(f.date, 1) }],
    ["currency", { ...f, currency: f.currency === "USD" ? "EUR" : "USD" }],
    ...(first === undefined ? [] : [
      ["account", { ...f, lines: [{ ...first, account: `${first.account}9` }, ...rest] }] as const
    ]),
  ]
}

/** The outcome of one check in a {@link ConformanceReport}. */
export interface ConformanceResult {
  readonly name: string
  readonly passed: boolean
  /** Why it failed (never a secret's value); absent when it passed. */
  readonly reason?: string
}

/** Every check's outcome, in {@link conformanceCheckNames} order, and the failures alone. */
export interface ConformanceReport {
  readonly adapter: string
  readonly results: ReadonlyArray<ConformanceResult>
  readonly failures: ReadonlyArray<ConformanceResult>
}

/**
 * Runs every check of {@link conformanceChecks} in order and reports them all (a failed check does not stop the
 * others). Never fails: a defect inside a check is reported as that check's failure.
 */
export const runConformance = <P>(
  adapter: ErpAdapter<P>,
  options: ConformanceOptions
): Effect.Effect<ConformanceReport> =>
  Effect.map(
    Effect.forEach(conformanceChecks(adapter, options), (check) =>
      Effect.map(Effect.exit(check.run), (exit): ConformanceResult =>
        Exit.isSuccess(exit) ? { name: check.name, passed: true } : {
          name: check.name,
          passed: false,
          reason: Option.match(Cause.failureOption(exit.cause), {
            onNone: () => Cause.pretty(exit.cause),
            onSome: (failure) => failure.reason
          })
        })),
    (results) => ({
      adapter: `${adapter.manifest.id} ${adapter.manifest.version}`,
      results,
      failures: results.filter((r) => !r.passed)
    })
  )
