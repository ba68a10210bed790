/**
 * Record semantics of the NetSuite emulator (erp.md §1.3, §1.4, §1.7, §1.10, §4 items 2-6): the three transaction
 * records we post, their validation (balanced journals to the cent, references that exist, are active and belong to
 * the subsidiary, open accounting periods, unknown properties under `X-NetSuite-PropertyNameValidation: Error`,
 * externalId characters), NetSuite-style `o:errorDetails` with `o:errorPath`, and the read representation.
 */
import { formatFixed, fromWireNumber, sumAmounts } from "@clara-recon/domain"
import * as BigDecimal from "effect/BigDecimal"
import type { NetSuiteCatalog } from "./NetSuiteCatalog.js"

/** The record types the emulator serves. */
export type NsRecordType = "journalEntry" | "creditCardCharge" | "vendorBill"

/** Record types by REST path segment. */
export const recordTypes: ReadonlySet<string> = new Set(["journalEntry", "creditCardCharge", "vendorBill"])

/** SuiteQL `transaction.type` of each record type. */
export const transactionTypeOf: Readonly<Record<NsRecordType, string>> = {
  journalEntry: "Journal",
  creditCardCharge: "CardChrg",
  vendorBill: "VendBill"
}

/** A record as stored: internal id, type, externalId, the body as received. */
export interface StoredRecord {
  readonly id: number
  readonly recordType: NsRecordType
  readonly externalId: string | undefined
  readonly body: Readonly<Record<string, unknown>>
}

/** One entry of `o:errorDetails`. */
export interface NsErrorDetail {
  readonly detail: string
  readonly "o:errorCode": string
  readonly "o:errorPath"?: string
}

/** An `nsError` body (erp.md §1.7). */
export const nsError = (status: number, title: string, details: ReadonlyArray<NsErrorDetail>) => ({
  type: status === 429 ?
    "https://www.rfc-editor.org/rfc/rfc6585.html#section-4" :
    `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.${status >= 500 ? "6.1" : status === 404 ? "5.5" : "5.1"}`,
  title,
  status,
  "o:errorDetails": details
})

const HEADER: Readonly<Record<NsRecordType, ReadonlyArray<string>>> = {
  journalEntry: [
    "externalId", "subsidiary", "currency", "exchangeRate", "tranDate", "postingPeriod", "memo", "approved",
    "customForm", "department", "class", "location", "line"
  ],
  creditCardCharge: [
    "externalId", "account", "entity", "subsidiary", "tranDate", "tranId", "memo", "currency", "exchangeRate",
    "department", "class", "location", "expense"
  ],
  vendorBill: [
    "externalId", "entity", "subsidiary", "account", "tranDate", "dueDate", "tranId", "memo", "currency",
    "exchangeRate", "terms", "approvalStatus", "department", "class", "location", "expense"
  ]
}
const JE_LINE = ["account", "debit", "credit", "memo", "entity", "department", "class", "location", "eliminate"]
const EXPENSE_LINE = [
  "account", "amount", "memo", "department", "class", "location", "customer", "isBillable", "taxCode", "category"
]

type Body = Readonly<Record<string, unknown>>

/** The internal id of a reference field (`{ id }`), if it is one. */
export const idOf = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && "id" in value ? String((value as { id: unknown }).id) : undefined

const itemsOf = (body: Body, sublist: string): ReadonlyArray<Body> => {
  const list = body[sublist]
  const items = typeof list === "object" && list !== null ? (list as { items?: unknown }).items : undefined
  return Array.isArray(items) ? items.filter((i): i is Body => typeof i === "object" && i !== null) : []
}

const amountOf = (value: unknown): BigDecimal.BigDecimal | undefined =>
  typeof value === "number" ? fromWireNumber(value) : undefined

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const EXTERNAL_ID = /^[A-Za-z0-9_-]+$/

/**
 * Every problem of a create body, in NetSuite's words (empty when valid). `strictNames` is
 * `X-NetSuite-PropertyNameValidation: Error`.
 */
export const validateRecord = (
  recordType: NsRecordType,
  body: Body,
  catalog: NetSuiteCatalog,
  strictNames: boolean
): ReadonlyArray<NsErrorDetail> => {
  const details: Array<NsErrorDetail> = []
  const add = (code: string, detail: string, path?: string) =>
    details.push({ detail, "o:errorCode": code, ...(path === undefined ? {} : { "o:errorPath": path }) })
  const custom = new Set(catalog.customFields)
  const checkNames = (value: Body, allowed: ReadonlyArray<string>, prefix: string) => {
    if (!strictNames) return
    for (const name of Object.keys(value)) {
      if (!allowed.includes(name) && !custom.has(name)) {
        add("INVALID_CONTENT", `Invalid field name ${name}: this field does not exist on the record.`, `${prefix}${name}`)
      }
    }
  }
  checkNames(body, HEADER[recordType], "")

  const externalId = body["externalId"]
  if (externalId !== undefined && (typeof externalId !== "string" || !EXTERNAL_ID.test(externalId))) {
    add("INVALID_CONTENT", "External ID may contain only letters, digits, underscores and hyphens.", "externalId")
  }
  const subsidiaryId = idOf(body["subsidiary"])
  const subsidiary = catalog.subsidiaries.find((s) => s.id === subsidiaryId)
  if (subsidiary === undefined) {
    add(
      "USER_ERROR",
      subsidiaryId === undefined ?
        "Please enter value(s) for: Subsidiary" :
        `Invalid subsidiary reference key ${subsidiaryId}.`,
      "subsidiary"
    )
  }
  const currencyId = idOf(body["currency"])
  if (currencyId !== undefined && !catalog.currencies.some((c) => c.id === currencyId)) {
    add("INVALID_KEY_OR_REF", `Invalid currency reference key ${currencyId}.`, "currency")
  }
  const tranDate = body["tranDate"]
  if (typeof tranDate !== "string" || !ISO_DATE.test(tranDate) || Number.isNaN(Date.parse(tranDate))) {
    add("INVALID_CONTENT", "Please enter value(s) for: Date (tranDate, YYYY-MM-DD)", "tranDate")
  } else {
    const period = catalog.periods.find((p) => p.startdate <= tranDate && tranDate <= p.enddate)
    if (period === undefined) {
      add(
        "USER_ERROR",
        "The transaction date you specified is not within the date range of your accounting period.",
        "tranDate"
      )
    } else if (period.closed) {
      add("USER_ERROR", `The accounting period ${period.periodname} is closed: transactions cannot be posted to it.`, "tranDate")
    }
  }

  const account = (value: unknown, path: string) => {
    const id = idOf(value)
    if (id === undefined) return add("USER_ERROR", "Please enter value(s) for: Account", path)
    const found = catalog.accounts.find((a) => a.id === id)
    if (found === undefined || found.isinactive) {
      return add("INVALID_KEY_OR_REF", `Invalid account reference key ${id}.`, path)
    }
    if (subsidiary !== undefined && !found.subsidiaries.includes(subsidiary.id)) {
      add("INVALID_KEY_OR_REF", `Invalid account reference key ${id} for subsidiary ${subsidiary.id}.`, path)
    }
  }
  const vendor = (value: unknown, path: string, required: boolean) => {
    const id = idOf(value)
    if (id === undefined) return required ? add("USER_ERROR", "Please enter value(s) for: Vendor", path) : undefined
    const found = catalog.vendors.find((v) => v.id === id)
    if (found === undefined) return add("INVALID_KEY_OR_REF", `Invalid entity reference key ${id}.`, path)
    if (subsidiary !== undefined && found.subsidiary !== subsidiary.id) {
      add("INVALID_KEY_OR_REF", `Invalid entity reference key ${id} for subsidiary ${subsidiary.id}.`, path)
    }
  }

  if (recordType === "journalEntry") {
    const items = itemsOf(body, "line")
    if (items.length < 2) add("USER_ERROR", "A journal entry needs at least two lines.", "line.items")
    const debits: Array<BigDecimal.BigDecimal> = []
    const credits: Array<BigDecimal.BigDecimal> = []
    items.forEach((item, i) => {
      const path = `line.items[${i}]`
      checkNames(item, JE_LINE, `${path}.`)
      account(item["account"], `${path}.account`)
      vendor(item["entity"], `${path}.entity`, false)
      const debit = amountOf(item["debit"])
      const credit = amountOf(item["credit"])
      const positive = (a: BigDecimal.BigDecimal | undefined) => a !== undefined && BigDecimal.isPositive(a)
      if (positive(debit) === positive(credit) || (item["debit"] !== undefined && item["credit"] !== undefined)) {
        add("USER_ERROR", "Each line needs exactly one of debit or credit, greater than zero.", path)
      } else if (debit !== undefined) debits.push(debit)
      else if (credit !== undefined) credits.push(credit)
    })
    const [dr, cr] = [formatFixed(sumAmounts(debits)), formatFixed(sumAmounts(credits))]
    if (items.length >= 2 && dr !== cr) {
      add("USER_ERROR", `The transaction is out of balance: debits ${dr}, credits ${cr}.`, "line.items")
    }
  } else {
    if (recordType === "creditCardCharge") account(body["account"], "account")
    else if (body["account"] !== undefined) account(body["account"], "account")
    vendor(body["entity"], "entity", true)
    const items = itemsOf(body, "expense")
    if (items.length === 0) add("USER_ERROR", "Please enter at least one expense line.", "expense.items")
    items.forEach((item, i) => {
      const path = `expense.items[${i}]`
      checkNames(item, EXPENSE_LINE, `${path}.`)
      account(item["account"], `${path}.account`)
      const amount = amountOf(item["amount"])
      if (amount === undefined || !BigDecimal.isPositive(amount)) {
        add("USER_ERROR", "The expense amount must be greater than zero.", `${path}.amount`)
      }
    })
  }
  return details
}

/** The record as GET returns it: `id`, `links`, references with `refName`, sublists expanded or as links. */
export const readRepresentation = (
  record: StoredRecord,
  catalog: NetSuiteCatalog,
  selfUrl: string,
  expand: boolean
): Record<string, unknown> => {
  const withName = (value: unknown, name: (id: string) => string | undefined) => {
    const id = idOf(value)
    return id === undefined ? value : { id, refName: name(id) ?? id }
  }
  const sublist = record.recordType === "journalEntry" ? "line" : "expense"
  const items = itemsOf(record.body, sublist).map((item, i) => ({
    ...item,
    line: i,
    account: withName(item["account"], (id) => catalog.accounts.find((a) => a.id === id)?.fullname)
  }))
  return {
    links: [{ rel: "self", href: selfUrl }],
    ...record.body,
    id: String(record.id),
    subsidiary: withName(record.body["subsidiary"], (id) => catalog.subsidiaries.find((s) => s.id === id)?.name),
    currency: withName(record.body["currency"], (id) => catalog.currencies.find((c) => c.id === id)?.name),
    ...(record.body["entity"] === undefined ?
      {} :
      { entity: withName(record.body["entity"], (id) => catalog.vendors.find((v) => v.id === id)?.companyname) }),
    [sublist]: expand ?
      { links: [{ rel: "self", href: `${selfUrl}/${sublist}` }], items, totalResults: items.length } :
      { links: [{ rel: "self", href: `${selfUrl}/${sublist}` }] }
  }
}
