/**
 * The emulator's SuiteQL subset (erp.md §1.5, §4 item 9): `SELECT <columns | *> FROM <table> [WHERE col = 'text' |
 * col = number [AND ...]] [ORDER BY col [ASC | DESC]]` over `account`, `subsidiary`, `vendor`, `currency`,
 * `accountingperiod`, `salestaxitem` and `transaction`, with case-insensitive names and `''` escapes in literals.
 */
import type { NetSuiteCatalog } from "./NetSuiteCatalog.js"
import { type StoredRecord, transactionTypeOf } from "./NetSuiteRecords.js"

/** A row: lower-case column names to values (strings or null). */
export type SuiteQlRow = Readonly<Record<string, string | null>>

/** A parsed query. */
export interface SuiteQlQuery {
  readonly columns: ReadonlyArray<string> | "*"
  readonly table: string
  readonly where: ReadonlyArray<readonly [column: string, value: string]>
  readonly orderBy?: { readonly column: string; readonly descending: boolean }
}

const QUERY = /^\s*SELECT\s+(.+?)\s+FROM\s+([A-Za-z_]+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+([A-Za-z_]+)(?:\s+(ASC|DESC))?)?\s*;?\s*$/is
const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*(?:AND\s+|$)/i

/** Parses `q`; a string saying what is wrong when it is outside the subset. */
export const parseSuiteQl = (q: string): SuiteQlQuery | string => {
  const m = QUERY.exec(q)
  if (m === null) return "Invalid search query: only SELECT ... FROM ... [WHERE ...] [ORDER BY ...] is supported"
  const columnsText = m[1]!.trim()
  const columns = columnsText === "*" ? "*" : columnsText.split(",").map((c) => c.trim().toLowerCase())
  if (columns !== "*" && columns.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c))) return `Invalid column list: ${columnsText}`
  const where: Array<readonly [string, string]> = []
  let rest = m[3] ?? ""
  while (rest.trim() !== "") {
    const c = CONDITION.exec(rest)
    if (c === null) return `Invalid search query: unsupported condition "${rest.trim()}"`
    const literal = c[2]!
    where.push([c[1]!.toLowerCase(), literal.startsWith("'") ? literal.slice(1, -1).replace(/''/g, "'") : literal])
    rest = rest.slice(c[0].length)
  }
  return {
    columns,
    table: m[2]!.toLowerCase(),
    where,
    ...(m[4] === undefined ? {} : { orderBy: { column: m[4].toLowerCase(), descending: /desc/i.test(m[5] ?? "") } })
  }
}

const bool = (b: boolean) => (b ? "T" : "F")

/** The rows of every table of the subset, from the catalog and the records posted so far. */
export const tableRows = (
  table: string,
  catalog: NetSuiteCatalog,
  records: Iterable<StoredRecord>
): ReadonlyArray<SuiteQlRow> | undefined => {
  switch (table) {
    case "account":
      return catalog.accounts.map((a) => ({
        id: a.id,
        acctnumber: a.acctnumber,
        fullname: a.fullname,
        accttype: a.accttype,
        isinactive: bool(a.isinactive),
        subsidiary: a.subsidiaries.join(", ")
      }))
    case "subsidiary":
      return catalog.subsidiaries.map((s) => ({ id: s.id, name: s.name, currency: s.currency, country: s.country }))
    case "currency":
      return catalog.currencies.map((c) => ({ id: c.id, symbol: c.symbol, name: c.name }))
    case "vendor":
      return catalog.vendors.map((v) => ({
        id: v.id,
        entityid: v.entityid,
        companyname: v.companyname,
        custentity_mx_rfc: v.rfc,
        subsidiary: v.subsidiary
      }))
    case "accountingperiod":
      return catalog.periods.map((p) => ({
        id: p.id,
        periodname: p.periodname,
        startdate: p.startdate,
        enddate: p.enddate,
        closed: bool(p.closed)
      }))
    case "salestaxitem":
      return catalog.taxCodes.map((t) => ({ id: t.id, itemid: t.itemid, rate: t.rate }))
    case "transaction":
      return [...records].map((r) => ({
        id: String(r.id),
        externalid: r.externalId ?? null,
        type: transactionTypeOf[r.recordType],
        trandate: typeof r.body["tranDate"] === "string" ? r.body["tranDate"] : null,
        memo: typeof r.body["memo"] === "string" ? r.body["memo"] : null
      }))
    default:
      return undefined
  }
}

/** Runs a parsed query: the selected rows in order, or a string naming an unknown table or column. */
export const runSuiteQl = (
  query: SuiteQlQuery,
  catalog: NetSuiteCatalog,
  records: Iterable<StoredRecord>
): ReadonlyArray<SuiteQlRow> | string => {
  const rows = tableRows(query.table, catalog, records)
  if (rows === undefined) return `Invalid search query: unknown table ${query.table}`
  const known = new Set(Object.keys(rows[0] ?? tableRows(query.table, catalog, [])?.[0] ?? {}))
  const referenced = [
    ...(query.columns === "*" ? [] : query.columns),
    ...query.where.map(([c]) => c),
    ...(query.orderBy === undefined ? [] : [query.orderBy.column])
  ]
  const unknown = known.size === 0 ? undefined : referenced.find((c) => !known.has(c))
  if (unknown !== undefined) return `Invalid search query: Unknown identifier '${unknown}'`
  const selected = rows.filter((row) => query.where.every(([c, v]) => row[c] === v))
  const order = query.orderBy
  const sorted = order === undefined ? selected : [...selected].sort((a, b) => {
    const [x, y] = [a[order.column] ?? "", b[order.column] ?? ""]
    const numeric = /^-?\d+$/.test(x) && /^-?\d+$/.test(y)
    const cmp = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0
    return order.descending ? -cmp : cmp
  })
  return query.columns === "*" ?
    sorted :
    sorted.map((row) => Object.fromEntries((query.columns as ReadonlyArray<string>).map((c) => [c, row[c] ?? null])))
}
