/**
 * The NetSuite ERP adapter (erp.md §1, §5.1-5.2): `plan` builds the REST JSON of the configured record strategy,
 * `post` creates each record with its `externalId` and settles every unknown outcome (timeout, dropped connection,
 * 5xx after send, duplicate externalId) by `find` + `verify` before any retry, `find` reads `eid:` or SuiteQL,
 * `verify` reads the record back and compares it with the planned fingerprint, `discover` reads the catalog through
 * SuiteQL, `vendorsByRfc` resolves vendors by RFC.
 */
import { formatFixed, fromWireNumber, sumAmounts } from "@clara-recon/domain"
import type {
  AdapterManifest,
  AdapterModule,
  CatalogEntry,
  ConnectionCheck,
  ErpCatalog,
  ErpRef,
  Fingerprint,
  Planned,
  PostOptions,
  PostResult,
  VerifyResult
} from "@clara-recon/erp"
import { ErpAdapter, ErpError, externalKeyPattern, fingerprintLineKeys, mappingJsonSchema } from "@clara-recon/erp"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as BigDecimal from "effect/BigDecimal"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import type { NetSuiteClient, NsResponse } from "./NetSuiteClient.js"
import { makeNetSuiteClient, retryAfterMs } from "./NetSuiteClient.js"
import type { NetSuiteConfigInput, PostingStrategy } from "./NetSuiteConfig.js"
import { NetSuiteConfig } from "./NetSuiteConfig.js"
import { errorFromResponse, isDuplicateError } from "./NetSuiteErrors.js"
import type { NetSuitePayload } from "./NetSuitePlan.js"
import { documentFieldPath, planDocument, recordLabel, subsidiaryOf, wireJson } from "./NetSuitePlan.js"
import { cell, isoDateOf, suiteQlAll, suiteQlLiteral } from "./SuiteQl.js"

/** The record service path. */
export const recordPath = "/services/rest/record/v1"

/** SuiteQL `transaction.type` codes of our record types. */
const transactionTypes: Readonly<Record<string, PostingStrategy>> = {
  Journal: "journalEntry",
  CardChrg: "creditCardCharge",
  VendBill: "vendorBill"
}

const secret = (description: string) => ({ type: "string", "x-secret": true, description })

/** The manifest: id `netsuite`; secrets (private key, TBA keys and tokens) marked `x-secret`. */
export const manifest: AdapterManifest = {
  id: "netsuite",
  version: "0.1.0",
  displayName: "Oracle NetSuite (SuiteTalk REST)",
  capabilities: ["post.journalEntry", "post.creditCardCharge", "post.vendorBill", "lookup.vendorByTaxId", "readBack"],
  configSchema: {
    type: "object",
    required: ["accountId", "auth", "mapping"],
    properties: {
      accountId: { type: "string", description: "NetSuite account id, e.g. 1234567 or 1234567_SB1" },
      baseUrl: { type: "string", description: "Base URL override (no trailing slash); default the account's host" },
      strategy: { type: "string", enum: ["journalEntry", "creditCardCharge", "vendorBill"], default: "journalEntry" },
      concurrency: { type: "integer", minimum: 1, maximum: 100, default: 2 },
      requestTimeoutMs: { type: "integer", minimum: 1, default: 30_000 },
      maxAttempts: { type: "integer", minimum: 1, maximum: 20, default: 5 },
      backoffBaseMs: { type: "integer", minimum: 0, default: 500 },
      findVia: { type: "string", enum: ["eid", "suiteql"], default: "eid" },
      auth: {
        type: "object",
        required: ["method"],
        description: "m2m: clientId, certificateId, privateKey; tba: consumerKey, consumerSecret, tokenId, tokenSecret",
        properties: {
          method: { type: "string", enum: ["m2m", "tba"] },
          clientId: { type: "string", description: "Integration client id (m2m)" },
          certificateId: { type: "string", description: "Certificate ID of the uploaded public certificate (m2m)" },
          privateKey: secret("PKCS#8 PEM private key of the certificate (m2m)"),
          algorithm: { type: "string", enum: ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"] },
          scope: { type: "string", default: "restlets,rest_webservices" },
          consumerKey: secret("Integration consumer key (tba)"),
          consumerSecret: secret("Integration consumer secret (tba)"),
          tokenId: secret("Access token id (tba)"),
          tokenSecret: secret("Access token secret (tba)")
        }
      },
      mapping: {
        type: "object",
        required: ["accounts", "currencies"],
        description: "GL account codes, company codes, currencies, cost centres and RFCs to NetSuite internal ids",
        properties: {
          accounts: { type: "object", additionalProperties: { type: "string" } },
          subsidiaries: { type: "object", additionalProperties: { type: "string" } },
          defaultSubsidiary: { type: "string" },
          currencies: { type: "object", additionalProperties: { type: "string" } },
          departments: { type: "object", additionalProperties: { type: "string" } },
          vendors: { type: "object", additionalProperties: { type: "string" } },
          genericVendor: { type: "string" },
          payablesAccount: { type: "string" },
          cfdiUuidBodyField: { type: "string", description: "e.g. custbody_mx_cfdi_uuid" },
          cfdiUuidLineField: { type: "string" },
          vendorRfcField: { type: "string", default: "custentity_mx_rfc" }
        }
      }
    }
  },
  mappingSchema: mappingJsonSchema,
  limits: { defaultConcurrency: 2, maxLinesPerDocument: 1000 }
}

/** The outcome of one document in {@link NetSuiteAdapter.postEach}. */
export type DocumentPostResult =
  | { readonly externalKey: string; readonly status: "posted"; readonly ref: ErpRef; readonly resolvedBy: Resolution }
  | { readonly externalKey: string; readonly status: "failed"; readonly error: ErpError }

/** How a posted record was confirmed: created now, or found (and verified) after a duplicate or a lost answer. */
export type Resolution = "created" | "duplicate_verified" | "unknown_outcome_verified"

/** The NetSuite adapter: the `ErpAdapter` contract plus per-document posting and the RFC lookup. */
export interface NetSuiteAdapter extends ErpAdapter<NetSuitePayload> {
  /** Posts each plan (at most `concurrency` at a time) and reports each document's outcome, in order. */
  postEach(plans: ReadonlyArray<Planned<NetSuitePayload>>): Effect.Effect<ReadonlyArray<DocumentPostResult>>
  /**
   * Vendor internal ids by RFC (upper case) through SuiteQL on `mapping.vendorRfcField`; RFCs that are not
   * well-formed or have no vendor are left out; when several vendors share an RFC the lowest id wins.
   */
  vendorsByRfc(rfcs: Iterable<string>): Effect.Effect<Readonly<Record<string, string>>, ErpError>
}

const RFC = /^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/

const conflict = (ref: ErpRef, differences: ReadonlyArray<string>) =>
  new ErpError({
    kind: "CONFLICT",
    outcome: "applied",
    retryable: false,
    code: "NETSUITE_RECORD_MISMATCH",
    userMessage: `NetSuite already holds ${ref.recordType} ${ref.externalId} (id ${
      ref.internalId ?? "?"
    }) and it differs from this posting: ${differences.join("; ")}. Check it by hand; it is never overwritten.`,
    internalMessage: `verify mismatch for ${ref.externalId}: ${differences.join("; ")}`,
    remediation: { action: "contact_admin", target: ref.externalId }
  })

const unresolved = (externalKey: string, cause: ErpError) =>
  new ErpError({
    kind: cause.kind === "RATE_LIMITED" ? "RATE_LIMITED" : "UNKNOWN",
    outcome: "unknown",
    retryable: true,
    code: "NETSUITE_OUTCOME_UNKNOWN",
    userMessage: `It is not known whether NetSuite saved ${externalKey}: ${cause.userMessage}. ` +
      "It will be looked up (find + verify) before any new attempt.",
    internalMessage: cause.internalMessage,
    remediation: { action: "retry_later" }
  })

const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const idOf = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && "id" in value ? String((value as { id: unknown }).id) : undefined

const itemsOf = (record: Record<string, unknown>, sublist: string): ReadonlyArray<Record<string, unknown>> => {
  const list = record[sublist]
  const items = typeof list === "object" && list !== null ? (list as { items?: unknown }).items : undefined
  return Array.isArray(items) ? (items as ReadonlyArray<Record<string, unknown>>) : []
}

const amountOf = (value: unknown): BigDecimal.BigDecimal | undefined =>
  typeof value === "number" || typeof value === "string" ? fromWireNumber(value) : undefined

/**
 * The fields a decoding error is about, for the user: `mapping.accounts is missing`, `auth.method is not valid`; the
 * values are never repeated (a wrong one may be a secret).
 */
const fieldsOf = (error: ParseResult.ParseError): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const named = issues.slice(0, 3).map((issue) =>
    `${issue.path.length === 0 ? "the configuration" : issue.path.join(".")} ${
      issue._tag === "Missing" ? "is missing" : "is not valid"
    }`
  )
  return named.join("; ") + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : "")
}

/** Decodes a config-file configuration; a bad one is an `ErpError` CONFIG naming the field. */
export const decodeConfig = (input: NetSuiteConfigInput | unknown): Either.Either<NetSuiteConfig, ErpError> =>
  Either.mapLeft(
    Schema.decodeUnknownEither(NetSuiteConfig)(input),
    (e) =>
      ErpError.rejected("CONFIG", "NETSUITE_CONFIG_INVALID", `The NetSuite configuration is invalid: ${fieldsOf(e)}`, {
        internalMessage: ParseResult.TreeFormatter.formatErrorSync(e).replace(/"[^"]{24,}"/g, "\"…\""),
        remediation: { action: "fix_mapping", target: "erp.netsuite" }
      })
  )

/**
 * Builds the adapter for `config` on the `HttpClient` in context (one per account: the per-account semaphore and the
 * token cache live in it).
 */
export const make = (config: NetSuiteConfig): Effect.Effect<NetSuiteAdapter, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client: NetSuiteClient = yield* makeNetSuiteClient(config)
    const { mapping, strategy } = config
    const accountCodes = new Map(Object.entries(mapping.accounts).map(([code, id]) => [id, code]))
    const describe = (detail: string) =>
      detail.replace(/(account reference key )(\d+)/i, (all, prefix: string, id: string) => {
        const code = accountCodes.get(id)
        return code === undefined ? all : `${prefix}${id} (GL ${code})`
      })

    const refOf = (recordType: string, externalId: string, internalId: string): ErpRef => ({
      erp: "netsuite",
      recordType,
      externalId,
      internalId,
      url: `${client.baseUrl}${recordPath}/${recordType}/${internalId}`
    })

    const failFrom = (response: NsResponse, method: string, path: string, subject: string, payload?: NetSuitePayload) => {
      const retryAfter = retryAfterMs(response.headers["retry-after"], Date.now())
      return errorFromResponse({
        ...response,
        method,
        path,
        write: method !== "GET",
        subject,
        describe,
        ...(payload === undefined ? {} : { fieldPathOf: (p: string) => documentFieldPath(payload, p) }),
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter })
      })
    }

    const findByEid = (externalKey: string) => {
      const path = `${recordPath}/${strategy}/eid:${externalKey}`
      const subject = `the lookup of ${recordLabel[strategy]} ${externalKey}`
      return Effect.flatMap(client.send({ method: "GET", path, write: false, subject }), (response) => {
        if (response.status === 404) return Effect.succeedNone
        if (response.status !== 200) return Effect.fail(failFrom(response, "GET", path, subject))
        const id = parseJson(response.body)?.["id"]
        return id === undefined ?
          Effect.fail(failFrom({ ...response, status: 502 }, "GET", path, subject)) :
          Effect.succeedSome(refOf(strategy, externalKey, String(id)))
      })
    }

    const findBySuiteQl = (externalKey: string) =>
      Effect.map(
        suiteQlAll(
          client,
          `SELECT id, type FROM transaction WHERE externalid = ${suiteQlLiteral(externalKey)} ORDER BY id`,
          { pageSize: 10, subject: `the SuiteQL lookup of ${externalKey}` }
        ),
        (rows) =>
          Option.map(Option.fromNullable(rows[0]), (row) =>
            refOf(transactionTypes[cell(row, "type") ?? ""] ?? strategy, externalKey, cell(row, "id") ?? ""))
      )

    const find = (externalKey: string): Effect.Effect<Option.Option<ErpRef>, ErpError> =>
      externalKeyPattern.test(externalKey) ?
        (config.findVia === "suiteql" ? findBySuiteQl(externalKey) : findByEid(externalKey)) :
        Effect.fail(ErpError.rejected("VALIDATION", "INVALID_EXTERNAL_KEY", `"${externalKey}" is not an external key`))

    const compare = (
      record: Record<string, unknown>,
      recordType: string,
      expected: Fingerprint,
      externalId: string
    ): ReadonlyArray<string> => {
      const differences: Array<string> = []
      const seenExternal = record["externalId"]
      if (seenExternal !== undefined && String(seenExternal) !== externalId) {
        differences.push(`externalId ${String(seenExternal)} instead of ${externalId}`)
      }
      if (record["tranDate"] !== expected.date) {
        differences.push(`date ${String(record["tranDate"])} instead of ${expected.date}`)
      }
      const currencyId = mapping.currencies[expected.currency]
      const seenCurrency = idOf(record["currency"])
      if (currencyId !== undefined && seenCurrency !== currencyId) {
        differences.push(`currency ${seenCurrency ?? "(none)"} instead of ${currencyId} (${expected.currency})`)
      }
      const sum = (items: ReadonlyArray<Record<string, unknown>>, key: string) =>
        formatFixed(sumAmounts(items.flatMap((i) => {
          const a = amountOf(i[key])
          return a === undefined ? [] : [a]
        })))
      if (expected.companyCode !== undefined) {
        const subsidiary = subsidiaryOf(mapping, expected.companyCode)
        const seenSubsidiary = idOf(record["subsidiary"])
        if (subsidiary !== undefined && seenSubsidiary !== subsidiary) {
          differences.push(`subsidiary ${seenSubsidiary ?? "(none)"} instead of ${subsidiary}`)
        }
      }
      if (recordType === "journalEntry") {
        const items = itemsOf(record, "line")
        const [debit, credit] = [sum(items, "debit"), sum(items, "credit")]
        if (debit !== expected.totals.debit || credit !== expected.totals.credit) {
          differences.push(`totals ${debit}/${credit} instead of ${expected.totals.debit}/${expected.totals.credit}`)
        }
        if (items.length !== expected.lineCount) {
          differences.push(`${items.length} lines instead of ${expected.lineCount}`)
        }
        if (expected.lines !== undefined) {
          // the same lines: side, account and amount, whatever their order (an accountant's edit keeps the totals)
          const wanted = fingerprintLineKeys(expected.lines.map((l) => ({
            ...l,
            account: mapping.accounts[l.account] ?? `GL ${l.account}`
          })))
          const seen = fingerprintLineKeys(items.map((item) => {
            const debitAmount = amountOf(item["debit"])
            const side = debitAmount !== undefined && !BigDecimal.isZero(debitAmount) ? "debit" : "credit"
            const amount = side === "debit" ? debitAmount! : amountOf(item["credit"]) ?? BigDecimal.fromBigInt(0n)
            return { side, account: idOf(item["account"]) ?? "(none)", amount: formatFixed(amount) }
          }))
          if (wanted.join("; ") !== seen.join("; ")) {
            differences.push(`lines ${seen.join("; ")} instead of ${wanted.join("; ")}`)
          }
        }
      } else {
        const items = itemsOf(record, "expense")
        const total = sum(items, "amount")
        if (total !== expected.totals.debit) differences.push(`total ${total} instead of ${expected.totals.debit}`)
        if (items.length + 1 !== expected.lineCount) {
          differences.push(`${items.length} expense lines instead of ${expected.lineCount - 1}`)
        }
      }
      return differences
    }

    const verify = (ref: ErpRef, expected: Fingerprint): Effect.Effect<VerifyResult, ErpError> => {
      const key = ref.internalId ?? `eid:${ref.externalId}`
      const path = `${recordPath}/${ref.recordType}/${key}`
      const subject = `the read-back of ${ref.recordType} ${ref.externalId}`
      return Effect.flatMap(
        client.send({ method: "GET", path, query: { expandSubResources: "true" }, write: false, subject }),
        (response): Effect.Effect<VerifyResult, ErpError> => {
          if (response.status === 404) return Effect.succeed({ status: "missing" })
          if (response.status !== 200) return Effect.fail(failFrom(response, "GET", path, subject))
          const record = parseJson(response.body)
          if (record === undefined) return Effect.fail(failFrom({ ...response, status: 502 }, "GET", path, subject))
          const found = refOf(ref.recordType, ref.externalId, String(record["id"] ?? ref.internalId ?? ""))
          const differences = compare(record, ref.recordType, expected, ref.externalId)
          return Effect.succeed(
            differences.length === 0 ?
              { status: "match", ref: found } :
              { status: "mismatch", ref: found, differences }
          )
        }
      )
    }

    /** find + verify with retries of transient read failures; `None` when NetSuite has no such record. */
    const settle = (plan: Planned<NetSuitePayload>) => {
      const attempt = (n: number): Effect.Effect<Option.Option<VerifyResult>, ErpError> =>
        Effect.flatMap(find(plan.externalKey), (found) =>
          Option.match(found, {
            onNone: () => Effect.succeedNone,
            onSome: (ref) => Effect.map(verify(ref, plan.fingerprint), Option.some)
          })).pipe(
            Effect.catchIf(
              (e) => e.retryable && n + 1 < config.maxAttempts,
              () => Effect.zipRight(pause(n), attempt(n + 1))
            )
          )
      return attempt(0)
    }

    const pause = (n: number) =>
      Effect.flatMap(
        Random.nextIntBetween(0, Math.min(30_000, config.backoffBaseMs * 2 ** n) + 1),
        (ms) => Effect.sleep(Duration.millis(ms))
      )

    const fromVerified = (
      plan: Planned<NetSuitePayload>,
      verified: VerifyResult,
      resolvedBy: Resolution,
      cause: ErpError
    ): DocumentPostResult => {
      switch (verified.status) {
        case "match":
          return { externalKey: plan.externalKey, status: "posted", ref: verified.ref, resolvedBy }
        case "mismatch":
          return { externalKey: plan.externalKey, status: "failed", error: conflict(verified.ref, verified.differences) }
        case "missing":
          return { externalKey: plan.externalKey, status: "failed", error: unresolved(plan.externalKey, cause) }
      }
    }

    const postOne = (plan: Planned<NetSuitePayload>): Effect.Effect<DocumentPostResult> => {
      const { recordType } = plan.payload
      const path = `${recordPath}/${recordType}`
      const subject = `${recordLabel[recordType]} ${plan.externalKey}`
      const body = wireJson(plan.payload.body)
      const failed = (error: ErpError): DocumentPostResult => ({ externalKey: plan.externalKey, status: "failed", error })

      const resolve = (n: number, cause: ErpError, resolvedBy: Resolution): Effect.Effect<DocumentPostResult> =>
        (resolvedBy === "duplicate_verified" ? settle(plan) : Effect.zipRight(pause(n), settle(plan))).pipe(
          Effect.flatMap(Option.match({
            onSome: (verified) => Effect.succeed(fromVerified(plan, verified, resolvedBy, cause)),
            onNone: () =>
              resolvedBy === "duplicate_verified" || n + 1 >= config.maxAttempts ?
                Effect.succeed(failed(unresolved(plan.externalKey, cause))) :
                Effect.zipRight(pause(n), create(n + 1))
          })),
          Effect.catchAll((e) => Effect.succeed(failed(unresolved(plan.externalKey, e))))
        )

      const create = (n: number): Effect.Effect<DocumentPostResult> =>
        client.send({
          method: "POST",
          path,
          body,
          headers: { "x-netsuite-propertynamevalidation": "Error" },
          write: true,
          subject
        }).pipe(
          Effect.either,
          Effect.flatMap((sent): Effect.Effect<DocumentPostResult> => {
            if (Either.isLeft(sent)) {
              const error = sent.left
              return error.outcome === "unknown" ? resolve(n, error, "unknown_outcome_verified") : Effect.succeed(failed(error))
            }
            const response = sent.right
            if (response.status === 204 || response.status === 200 || response.status === 201) {
              const id = /\/(\d+)\/?$/.exec(response.headers["location"] ?? "")?.[1]
              if (id !== undefined) {
                return Effect.as(
                  Effect.logDebug(`NetSuite created ${subject} as ${recordType} ${id}`),
                  { externalKey: plan.externalKey, status: "posted", ref: refOf(recordType, plan.externalKey, id), resolvedBy: "created" }
                )
              }
              return resolve(n, failFrom({ ...response, status: 502 }, "POST", path, subject, plan.payload), "unknown_outcome_verified")
            }
            const error = failFrom(response, "POST", path, subject, plan.payload)
            if (isDuplicateError(error)) return resolve(n, error, "duplicate_verified")
            if (error.outcome === "unknown") return resolve(n, error, "unknown_outcome_verified")
            return Effect.succeed(failed(error))
          })
        )

      return create(0).pipe(
        Effect.tap((r) =>
          r.status === "failed" ?
            Effect.logWarning(`NetSuite posting of ${plan.externalKey} failed: ${r.error.code}`) :
            Effect.void
        )
      )
    }

    const postEach = (plans: ReadonlyArray<Planned<NetSuitePayload>>) =>
      Effect.forEach(plans, postOne, { concurrency: config.concurrency })

    // the batch's idempotency key is not sent: NetSuite ignores X-NetSuite-Idempotency-Key on synchronous calls
    // (erp.md §1.6); each record's externalId (= our external key) is what makes a repeated post harmless
    // one record per document: those NetSuite refused are listed with their own error, the others are posted
    const post = (plans: ReadonlyArray<Planned<NetSuitePayload>>, _options: PostOptions) =>
      Effect.map(postEach(plans), (results): PostResult => {
        const refused = results.flatMap((r) =>
          r.status === "failed" ? [{ externalKey: r.externalKey, error: r.error }] : []
        )
        return {
          status: "posted",
          refs: results.flatMap((r) => (r.status === "posted" ? [r.ref] : [])),
          ...(refused.length > 0 ? { refused } : {})
        }
      })

    const query = (q: string, subject: string) => suiteQlAll(client, q, { subject })

    const entries = (
      rows: ReadonlyArray<Record<string, unknown>>,
      code: string | undefined,
      name: string,
      attributes: ReadonlyArray<string>
    ): ReadonlyArray<CatalogEntry> =>
      rows.map((row) => {
        const attrs = Object.fromEntries(attributes.flatMap((a) => {
          const v = cell(row, a)
          return v === undefined ? [] : [[a, v]]
        }))
        const c = code === undefined ? undefined : cell(row, code)
        return {
          id: cell(row, "id") ?? "",
          name: cell(row, name) ?? "",
          ...(c === undefined ? {} : { code: c }),
          ...(Object.keys(attrs).length === 0 ? {} : { attributes: attrs })
        }
      })

    const rfcField = mapping.vendorRfcField

    const discover = Effect.gen(function*() {
      const [accounts, subsidiaries, currencies, taxCodes, vendors, periods] = yield* Effect.all([
        query("SELECT id, acctnumber, fullname, accttype, isinactive FROM account ORDER BY id", "the account list"),
        query("SELECT id, name, currency, country FROM subsidiary ORDER BY id", "the subsidiary list"),
        query("SELECT id, symbol, name FROM currency ORDER BY id", "the currency list"),
        query("SELECT id, itemid, rate FROM salestaxitem ORDER BY id", "the tax code list"),
        query(`SELECT id, entityid, companyname, ${rfcField} FROM vendor ORDER BY id`, "the vendor list"),
        query("SELECT id, periodname, startdate, enddate, closed FROM accountingperiod ORDER BY id", "the periods")
      ], { concurrency: 2 })
      const catalog: ErpCatalog = {
        accounts: entries(accounts, "acctnumber", "fullname", ["accttype", "isinactive"]),
        subsidiaries: entries(subsidiaries, undefined, "name", ["currency", "country"]),
        currencies: entries(currencies, "symbol", "name", []),
        taxCodes: entries(taxCodes, "itemid", "itemid", ["rate"]),
        vendors: entries(vendors, "entityid", "companyname", []).map((v, i) => {
          const rfc = cell(vendors[i] ?? {}, rfcField)
          return rfc === undefined ? v : { ...v, attributes: { ...v.attributes, rfc } }
        }),
        dimensions: {},
        periods: periods.map((row) => ({
          id: cell(row, "id") ?? "",
          name: cell(row, "periodname") ?? "",
          attributes: {
            start: isoDateOf(cell(row, "startdate")) ?? "",
            end: isoDateOf(cell(row, "enddate")) ?? "",
            closed: cell(row, "closed") === "T" || cell(row, "closed") === "true" ? "true" : "false"
          }
        }))
      }
      return catalog
    })

    const vendorsByRfc = (rfcs: Iterable<string>) => {
      const wanted = [...new Set([...rfcs].map((r) => r.trim().toUpperCase()))].filter((r) => RFC.test(r))
      return Effect.map(
        Effect.forEach(wanted, (rfc) =>
          Effect.map(
            suiteQlAll(
              client,
              `SELECT id, entityid FROM vendor WHERE ${rfcField} = ${suiteQlLiteral(rfc)} ORDER BY id`,
              { pageSize: 10, maxRows: 10, subject: `the vendor lookup of RFC ${rfc}` }
            ),
            (rows) => [rfc, cell(rows[0] ?? {}, "id")] as const
          ), { concurrency: config.concurrency }),
        (pairs) => Object.fromEntries(pairs.flatMap(([rfc, id]) => (id === undefined ? [] : [[rfc, id]])))
      )
    }

    const checkConnection: Effect.Effect<ConnectionCheck> = Effect.gen(function*() {
      const identity = yield* client.identity
      yield* suiteQlAll(client, "SELECT id FROM subsidiary ORDER BY id", {
        pageSize: 1,
        maxRows: 1,
        subject: "the connection check"
      })
      return { ok: true, identity, warnings: [] }
    }).pipe(Effect.catchAll((error) => Effect.succeed<ConnectionCheck>({ ok: false, warnings: [], error })))

    return {
      manifest,
      checkConnection: () => checkConnection,
      discover: () => discover,
      plan: (document) => planDocument(document, strategy, mapping),
      post,
      postEach,
      find,
      verify,
      vendorsByRfc
    }
  })

/** Provides the adapter built from `config` under the generic `ErpAdapter` tag. */
export const layer = (config: NetSuiteConfig): Layer.Layer<ErpAdapter, never, HttpClient.HttpClient> =>
  Layer.effect(ErpAdapter, Effect.map(make(config), (adapter) => adapter as ErpAdapter))

/**
 * The adapter as a registry module (`AdapterModule` of `@clara-recon/erp`): its `manifest` and a `layer` from the
 * config-file form of the configuration, over the runtime's `fetch` (`FetchHttpClient`, system trust store). It
 * fails with `ErpError` CONFIG `NETSUITE_CONFIG_INVALID` when the configuration does not decode. Use {@link layer}
 * to supply another `HttpClient` (a custom CA, a proxy, tests).
 */
export const netsuiteAdapterModule: AdapterModule = {
  manifest,
  layer: (input: unknown): Layer.Layer<ErpAdapter, ErpError> =>
    Either.match(decodeConfig(input), {
      onLeft: (error) => Layer.fail(error),
      onRight: (config) => layer(config).pipe(Layer.provide(FetchHttpClient.layer))
    })
}
