/**
 * `plan` of the NetSuite adapter: a `PostingDocument` -> the exact REST JSON of a `journalEntry`,
 * `creditCardCharge` or `vendorBill` (erp.md §1.10 field shapes, §1.11 CFDI custom fields, §5.2 "Lines"), with every
 * reference resolved to an internal id through the mapping, and every problem reported at once. Pure.
 */
import type { JournalLine, PostingDocument } from "@clara-recon/domain"
import { formatFixed } from "@clara-recon/domain"
import type { Json, PlanResult, PlanWarning } from "@clara-recon/erp"
import { ErpError, externalKeyPattern, fingerprintOf, isBalanced, withLines } from "@clara-recon/erp"
import * as BigDecimal from "effect/BigDecimal"
import type { PostingStrategy } from "./NetSuiteConfig.js"
import { genericRfcs, type NetSuiteMapping } from "./NetSuiteMapping.js"

/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json }

/**
 * The planned request: the record type (REST path segment), the JSON body (amounts as decimal strings with 2
 * places, written as JSON numbers on the wire by {@link wireJson}) and, per sublist item, the index of the document
 * line it comes from (to map `o:errorPath` back to our document; not sent).
 */
export type NetSuitePayload = {
  readonly recordType: PostingStrategy
  readonly body: JsonObject
  readonly lineIndexes: ReadonlyArray<number>
}

/** Body keys whose decimal-string values are written as bare JSON numbers. */
const NUMERIC_KEYS: ReadonlySet<string> = new Set(["debit", "credit", "amount", "exchangeRate"])
const DECIMAL = /^-?\d+(?:\.\d+)?$/

/**
 * The request body text of `body`: JSON where the values under `debit`, `credit`, `amount` and `exchangeRate` (decimal
 * strings) are written as JSON numbers digit for digit, so no amount ever passes through a float.
 */
export const wireJson = (body: Json): string => {
  const write = (value: Json, key: string | undefined): string => {
    if (typeof value === "string" && key !== undefined && NUMERIC_KEYS.has(key) && DECIMAL.test(value)) return value
    if (value === null || typeof value !== "object") return JSON.stringify(value)
    if (Array.isArray(value)) return `[${(value as ReadonlyArray<Json>).map((v) => write(v, undefined)).join(",")}]`
    const entries = Object.entries(value as JsonObject).map(([k, v]) => `${JSON.stringify(k)}:${write(v, k)}`)
    return `{${entries.join(",")}}`
  }
  return write(body, undefined)
}

/** Human names of the record types. */
export const recordLabel: Readonly<Record<PostingStrategy, string>> = {
  journalEntry: "journal entry",
  creditCardCharge: "credit card charge",
  vendorBill: "vendor bill"
}

const ref = (id: string): JsonObject => ({ id })

const mappingError = (code: string, message: string, fieldPath: string, target: string) =>
  ErpError.rejected("MAPPING", code, message, { fieldPath, remediation: { action: "fix_mapping", target } })

const lineMemo = (line: JournalLine): string =>
  `${line.text ?? line.role}${line.cfdiUuid === undefined ? "" : ` · UUID ${line.cfdiUuid}`}`

/** The vendor internal id of an RFC: its own mapping, else the generic vendor for generic or unmapped RFCs. */
export const vendorIdOf = (mapping: NetSuiteMapping, rfc: string | undefined): string | undefined => {
  if (rfc === undefined) return undefined
  const own = mapping.vendors[rfc.toUpperCase()] ?? mapping.vendors[rfc]
  if (own !== undefined) return own
  return genericRfcs.has(rfc.toUpperCase()) ? mapping.genericVendor : undefined
}

interface Context {
  readonly document: PostingDocument
  readonly mapping: NetSuiteMapping
  readonly errors: Array<ErpError>
  readonly warnings: Array<PlanWarning>
}

const accountOf = (ctx: Context, line: JournalLine, index: number): JsonObject | undefined => {
  const id = ctx.mapping.accounts[line.account]
  if (id === undefined) {
    ctx.errors.push(mappingError(
      "NETSUITE_ACCOUNT_NOT_MAPPED",
      `GL account ${line.account} (line ${index + 1}, ${line.role}) has no NetSuite account in the mapping`,
      `lines[${index}].account`,
      line.account
    ))
    return undefined
  }
  return ref(id)
}

const departmentOf = (ctx: Context, line: JournalLine, index: number): JsonObject => {
  if (line.costCenter === undefined) return {}
  const departments = ctx.mapping.departments
  if (departments === undefined) {
    ctx.warnings.push({
      code: "NETSUITE_DEPARTMENT_IGNORED",
      message: `Cost centre ${line.costCenter} is not sent: the mapping has no departments`,
      fieldPath: `lines[${index}].costCenter`
    })
    return {}
  }
  const id = departments[line.costCenter]
  if (id === undefined) {
    ctx.errors.push(mappingError(
      "NETSUITE_DEPARTMENT_NOT_MAPPED",
      `Cost centre ${line.costCenter} (line ${index + 1}) has no NetSuite department in the mapping`,
      `lines[${index}].costCenter`,
      line.costCenter
    ))
    return {}
  }
  return { department: ref(id) }
}

const lineCustomField = (ctx: Context, line: JournalLine): JsonObject =>
  ctx.mapping.cfdiUuidLineField === undefined || line.cfdiUuid === undefined ?
    {} :
    { [ctx.mapping.cfdiUuidLineField]: line.cfdiUuid }

/**
 * The NetSuite subsidiary of a company code: its `subsidiaries` entry; `defaultSubsidiary` for no company code, or
 * when the mapping names no subsidiaries at all; `undefined` for a company code a non-empty `subsidiaries` does not
 * list (never booked into another legal entity).
 */
export const subsidiaryOf = (mapping: NetSuiteMapping, companyCode: string | undefined): string | undefined =>
  companyCode === undefined ?
    mapping.defaultSubsidiary :
    Object.hasOwn(mapping.subsidiaries, companyCode) ?
    mapping.subsidiaries[companyCode] :
    Object.keys(mapping.subsidiaries).length > 0 ?
    undefined :
    mapping.defaultSubsidiary

const header = (ctx: Context): JsonObject => {
  const { document, mapping } = ctx
  const subsidiary = subsidiaryOf(mapping, document.companyCode)
  if (subsidiary === undefined) {
    ctx.errors.push(mappingError(
      "NETSUITE_SUBSIDIARY_NOT_MAPPED",
      `Company code ${document.companyCode ?? "(none)"} has no NetSuite subsidiary in the mapping`,
      "companyCode",
      document.companyCode ?? "defaultSubsidiary"
    ))
  }
  const currency = mapping.currencies[document.currency]
  if (currency === undefined) {
    ctx.errors.push(mappingError(
      "NETSUITE_CURRENCY_NOT_MAPPED",
      `Currency ${document.currency} has no NetSuite currency in the mapping`,
      "currency",
      document.currency
    ))
  }
  const uuids = document.cfdis.map((c) => c.uuid)
  return {
    externalId: document.externalKey,
    ...(subsidiary === undefined ? {} : { subsidiary: ref(subsidiary) }),
    ...(currency === undefined ? {} : { currency: ref(currency) }),
    ...(document.exchangeRate === undefined ?
      {} :
      { exchangeRate: BigDecimal.format(BigDecimal.normalize(document.exchangeRate)) }),
    tranDate: document.postingDate,
    memo: document.memo,
    ...(mapping.cfdiUuidBodyField === undefined || uuids.length === 0 ?
      {} :
      { [mapping.cfdiUuidBodyField]: uuids.join(",") })
  }
}

const journalEntry = (ctx: Context): { body: JsonObject; lineIndexes: ReadonlyArray<number> } => {
  const head = header(ctx)
  const items = ctx.document.lines.map((line, index): JsonObject => {
    const account = accountOf(ctx, line, index)
    const entity = vendorIdOf(ctx.mapping, line.vendorRfc)
    if (line.vendorRfc !== undefined && entity === undefined) {
      ctx.warnings.push({
        code: "NETSUITE_VENDOR_NOT_SET",
        message: `No NetSuite vendor for RFC ${line.vendorRfc}: line ${index + 1} is posted without a name`,
        fieldPath: `lines[${index}].vendorRfc`
      })
    }
    return {
      ...(account === undefined ? {} : { account }),
      [line.side]: formatFixed(line.amount),
      memo: lineMemo(line),
      ...(entity === undefined ? {} : { entity: ref(entity) }),
      ...departmentOf(ctx, line, index),
      ...lineCustomField(ctx, line)
    }
  })
  return { body: { ...head, line: { items } }, lineIndexes: ctx.document.lines.map((_, i) => i) }
}

/** creditCardCharge and vendorBill: debit lines become `expense.items`; the card liability is the header account. */
const expenseRecord = (ctx: Context, strategy: "creditCardCharge" | "vendorBill") => {
  const { document, mapping } = ctx
  const label = recordLabel[strategy]
  const head = header(ctx)
  const credits = document.lines.flatMap((line, index) => (line.side === "credit" ? [{ line, index }] : []))
  const liability = credits.length === 1 && credits[0]?.line.role === "card_liability" ? credits[0] : undefined
  if (liability === undefined) {
    ctx.errors.push(ErpError.rejected(
      "UNSUPPORTED",
      "NETSUITE_CREDIT_LINES_UNSUPPORTED",
      `A ${label} holds only expense lines and the card amount; this posting has ${credits.length} credit line(s) ` +
        `(${credits.map((c) => c.line.role).join(", ")}), e.g. withholdings or a refund: use the journalEntry strategy`,
      { fieldPath: "lines", remediation: { action: "fix_mapping", target: "strategy" } }
    ))
  }
  const expenseLine = document.lines.find((l) => l.role === "expense")
  const rfc = expenseLine?.vendorRfc ?? document.cfdis[0]?.rfcEmisor
  const vendor = vendorIdOf(mapping, rfc)
  if (vendor === undefined) {
    ctx.errors.push(ErpError.rejected(
      "REFERENCE",
      "NETSUITE_VENDOR_NOT_MAPPED",
      `A ${label} needs a vendor: RFC ${rfc ?? "(none)"} has no NetSuite vendor (look it up by RFC or map it)`,
      { fieldPath: "cfdis[0].rfcEmisor", remediation: { action: "fix_mapping", target: rfc ?? "genericVendor" } }
    ))
  }
  const debits = document.lines.flatMap((line, index) => (line.side === "debit" ? [{ line, index }] : []))
  const items = debits.map(({ index, line }): JsonObject => {
    const account = accountOf(ctx, line, index)
    return {
      ...(account === undefined ? {} : { account }),
      amount: formatFixed(line.amount),
      memo: lineMemo(line),
      ...departmentOf(ctx, line, index),
      ...lineCustomField(ctx, line)
    }
  })
  // a vendor bill books the charge in payables: the card paid it, so the card liability account must exist in the
  // mapping, and a person pays the bill from it (no payment is created here: erp.md "vendorBill (+ payment)")
  const liabilityAccount = liability === undefined ? undefined : accountOf(ctx, liability.line, liability.index)
  if (strategy === "vendorBill" && liability !== undefined) {
    ctx.warnings.push({
      code: "NETSUITE_BILL_LEFT_OPEN",
      message: `The vendor bill stays open in payables for ${formatFixed(liability.line.amount)}: pay it from the ` +
        `card account ${liability.line.account} in NetSuite (the card liability line is not posted by a bill)`,
      fieldPath: `lines[${liability.index}]`
    })
  }
  const headerAccount = strategy === "creditCardCharge" ?
    liabilityAccount :
    (mapping.payablesAccount === undefined ? undefined : ref(mapping.payablesAccount))
  const cfdi = document.cfdis[0]
  const tranId = cfdi === undefined ?
    undefined :
    [cfdi.serie, cfdi.folio].filter((p) => p !== undefined && p !== "").join("-") || undefined
  return {
    body: {
      ...head,
      ...(headerAccount === undefined ? {} : { account: headerAccount }),
      ...(vendor === undefined ? {} : { entity: ref(vendor) }),
      ...(tranId === undefined ? {} : { tranId }),
      expense: { items }
    },
    lineIndexes: debits.map((d) => d.index)
  }
}

/**
 * Plans `document` as a `strategy` record with `mapping`. Refusals (all at once, `ErpError` not applied):
 * VALIDATION `INVALID_EXTERNAL_KEY`, `POSTING_UNBALANCED`, `TOO_FEW_LINES`, `NON_POSITIVE_AMOUNT`; MAPPING
 * `NETSUITE_SUBSIDIARY_NOT_MAPPED`, `NETSUITE_CURRENCY_NOT_MAPPED`, `NETSUITE_ACCOUNT_NOT_MAPPED`,
 * `NETSUITE_DEPARTMENT_NOT_MAPPED`; REFERENCE `NETSUITE_VENDOR_NOT_MAPPED` (charge and bill only); UNSUPPORTED
 * `NETSUITE_CREDIT_LINES_UNSUPPORTED` (charge and bill hold no credit line but the card liability).
 */
export const planDocument = (
  document: PostingDocument,
  strategy: PostingStrategy,
  mapping: NetSuiteMapping
): PlanResult<NetSuitePayload> => {
  const ctx: Context = { document, mapping, errors: [], warnings: [] }
  if (!externalKeyPattern.test(document.externalKey)) {
    ctx.errors.push(ErpError.rejected(
      "VALIDATION",
      "INVALID_EXTERNAL_KEY",
      `External key "${document.externalKey}" is not 1-40 of [A-Za-z0-9_-], which NetSuite externalId requires`,
      { fieldPath: "externalKey", remediation: { action: "fix_document" } }
    ))
  }
  if (document.lines.length < 2) {
    ctx.errors.push(ErpError.rejected("VALIDATION", "TOO_FEW_LINES", "A posting needs at least two lines", {
      fieldPath: "lines",
      remediation: { action: "fix_document" }
    }))
  } else if (!isBalanced(document)) {
    ctx.errors.push(ErpError.rejected(
      "VALIDATION",
      "POSTING_UNBALANCED",
      `Debits and credits of ${document.externalKey} differ`,
      { fieldPath: "lines", remediation: { action: "fix_document" } }
    ))
  }
  document.lines.forEach((line, index) => {
    if (!BigDecimal.isPositive(line.amount)) {
      ctx.errors.push(ErpError.rejected(
        "VALIDATION",
        "NON_POSITIVE_AMOUNT",
        `Line ${index + 1} has amount ${formatFixed(line.amount)}; amounts are positive with the side given apart`,
        { fieldPath: `lines[${index}].amount`, remediation: { action: "fix_document" } }
      ))
    }
  })
  const built = strategy === "journalEntry" ? journalEntry(ctx) : expenseRecord(ctx, strategy)
  if (ctx.errors.length > 0) {
    return { ok: false, externalKey: document.externalKey, document, errors: ctx.errors, warnings: ctx.warnings }
  }
  const payload: NetSuitePayload = { recordType: strategy, body: built.body, lineIndexes: built.lineIndexes }
  return {
    ok: true,
    externalKey: document.externalKey,
    document,
    payload,
    // the read-back compares the record's lines and subsidiary: NetSuite keeps no hash of our payload
    fingerprint: withLines(fingerprintOf(document, payload), document),
    warnings: ctx.warnings
  }
}

/**
 * Maps NetSuite's `o:errorPath` for a payload back to our document: `line.items[i].account` / `expense.items[i].x`
 * -> `lines[<document line>].account|amount|costCenter|vendorRfc`, header fields to `companyCode`, `currency`,
 * `postingDate`, `externalKey`, `memo`.
 */
export const documentFieldPath = (payload: NetSuitePayload, errorPath: string): string | undefined => {
  const item = /^(?:line|expense)\.items\[(\d+)\](?:\.(\w+))?/.exec(errorPath)
  if (item !== null) {
    const line = payload.lineIndexes[Number(item[1])]
    if (line === undefined) return undefined
    const field = item[2] === undefined ? undefined : ({
      account: "account",
      debit: "amount",
      credit: "amount",
      amount: "amount",
      department: "costCenter",
      entity: "vendorRfc",
      memo: "text"
    } as Record<string, string>)[item[2]]
    return field === undefined ? `lines[${line}]` : `lines[${line}].${field}`
  }
  const head = /^(\w+)/.exec(errorPath)?.[1]
  const headerField: Record<string, string> = {
    subsidiary: "companyCode",
    currency: "currency",
    exchangeRate: "exchangeRate",
    tranDate: "postingDate",
    externalId: "externalKey",
    memo: "memo",
    entity: "cfdis[0].rfcEmisor",
    account: "lines"
  }
  return head === undefined ? undefined : headerField[head]
}
