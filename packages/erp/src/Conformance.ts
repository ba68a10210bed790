/**
 * A conformance kit for ERP adapters: the checks every `ErpAdapter` must pass whatever its ERP (erp.md §5.1, §5.2
 * "Idempotent write algorithm", style.md §4(6) "never log config"). Run it from an adapter's own tests.
 */
import { formatFixed, PostingDocument } from "@clara-recon/domain"
import * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ErpAdapter, JsonSchemaObject, Planned, PlanResult, PostOptions, PostResult } from "./ErpAdapter.js"
import { ErpError } from "./ErpError.js"
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
  "no secret leaks"
] as const

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
 *    posted ref, error message or Effect log line (all levels) produced during the run.
 */
export const conformanceChecks = <P>(
  adapter: ErpAdapter<P>,
  options: ConformanceOptions
): ReadonlyArray<ConformanceCheck> => {
  const { documents } = options
  const postOptions = options.postOptions ?? { idempotencyKey: "conformance", runDate: "2026-01-31", sequence: 1 }
  const [balanced, stable, idempotent, typed, secrets] = conformanceCheckNames
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

  const post = (check: string, plans: ReadonlyArray<Planned<P>>) =>
    Effect.suspend(() => adapter.post(plans, postOptions)).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, captureLogger)),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.exit,
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
          return yield* assertThat(idempotent, same, "the second post produced different artifacts (or bad sha256)")
        }
        if (once.status === "posted" && twice.status === "posted") {
          const ids = once.refs.map((r) => r.externalId)
          yield* assertThat(
            idempotent,
            new Set(ids).size === ids.length && ids.length === plans.length,
            `the first post returned ${ids.length} refs (${new Set(ids).size} distinct) for ${plans.length} documents`
          )
          return yield* assertThat(
            idempotent,
            safeJson(once.refs) === safeJson(twice.refs),
            `the second post returned other records: ${safeJson(twice.refs)} after ${safeJson(once.refs)}`
          )
        }
        return yield* fail(idempotent, `the two posts ended ${once.status}, then ${twice.status}`)
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
    }
  ]
  return checks
}
