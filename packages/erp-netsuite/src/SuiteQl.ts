/**
 * SuiteQL over REST (erp.md §1.5): `POST /services/rest/query/v1/suiteql?limit=&offset=` with `Prefer: transient`
 * and body `{"q": …}`, paged with `offset` a multiple of `limit` (at most 1000), string literals escaped by us (REST
 * SuiteQL has no bind parameters).
 */
import type { ErpError } from "@clara-recon/erp"
import * as Effect from "effect/Effect"
import type { NetSuiteClient } from "./NetSuiteClient.js"
import { errorFromResponse } from "./NetSuiteErrors.js"

/** The SuiteQL endpoint path. */
export const suiteQlPath = "/services/rest/query/v1/suiteql"

/** A SuiteQL string literal: single quotes doubled, wrapped in quotes. */
export const suiteQlLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`

/** One result row: lower-case column names to their values as NetSuite returns them (strings, numbers, null). */
export type SuiteQlRow = Readonly<Record<string, unknown>>

/** A SuiteQL response that is not the documented shape. */
const malformed = (q: string, body: string) =>
  errorFromResponse({
    method: "POST",
    path: suiteQlPath,
    status: 502,
    body,
    write: false,
    subject: `SuiteQL "${q.slice(0, 80)}" (malformed response)`
  })

/**
 * Runs `q` (which should `ORDER BY` a unique key) and reads every page of `pageSize` rows (1-1000, default 1000) up
 * to `maxRows` (default 100 000, NetSuite's REST ceiling). Fails with the `ErpError` of an error response.
 */
export const suiteQlAll = (
  client: NetSuiteClient,
  q: string,
  options: { readonly pageSize?: number; readonly maxRows?: number; readonly subject?: string } = {}
): Effect.Effect<ReadonlyArray<SuiteQlRow>, ErpError> => {
  const limit = Math.min(1000, Math.max(1, options.pageSize ?? 1000))
  const maxRows = options.maxRows ?? 100_000
  const subject = options.subject ?? "a SuiteQL query"
  const page = (offset: number, acc: ReadonlyArray<SuiteQlRow>): Effect.Effect<ReadonlyArray<SuiteQlRow>, ErpError> =>
    Effect.flatMap(
      client.send({
        method: "POST",
        path: suiteQlPath,
        query: { limit: String(limit), offset: String(offset) },
        body: JSON.stringify({ q }),
        headers: { prefer: "transient" },
        write: false,
        subject
      }),
      (response) => {
        if (response.status !== 200) {
          return Effect.fail(errorFromResponse({ ...response, method: "POST", path: suiteQlPath, write: false, subject }))
        }
        let parsed: { items?: unknown; hasMore?: unknown }
        try {
          parsed = JSON.parse(response.body) as { items?: unknown; hasMore?: unknown }
        } catch {
          return Effect.fail(malformed(q, response.body))
        }
        if (!Array.isArray(parsed.items)) return Effect.fail(malformed(q, response.body))
        const rows = [...acc, ...(parsed.items as ReadonlyArray<SuiteQlRow>)]
        return parsed.hasMore === true && rows.length < maxRows && parsed.items.length > 0 ?
          page(offset + limit, rows) :
          Effect.succeed(rows.slice(0, maxRows))
      }
    )
  return page(0, [])
}

/** A SuiteQL cell as text (`null`/absent -> `undefined`). */
export const cell = (row: SuiteQlRow, column: string): string | undefined => {
  const value = row[column]
  return value === null || value === undefined ? undefined : String(value)
}

/** A SuiteQL date (`YYYY-MM-DD`, or the account's `M/D/YYYY` / `D/M/YYYY` when `dayFirst`) as an ISO date. */
export const isoDateOf = (text: string | undefined, dayFirst = false): string | undefined => {
  if (text === undefined) return undefined
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) return text.slice(0, 10)
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text)
  if (m === null) return undefined
  const [a, b] = [m[1]!.padStart(2, "0"), m[2]!.padStart(2, "0")]
  return dayFirst ? `${m[3]}-${b}-${a}` : `${m[3]}-${a}-${b}`
}
