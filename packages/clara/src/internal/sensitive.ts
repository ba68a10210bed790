/**
 * Card secrets Clara sends on `GET /api/v3/cards/{uuid}` (clara-api.md §3.2): the full PAN (`numberOnCard`) and the
 * `cvv`. The client removes them from every parsed body before anything else sees it, so no decoded value, error
 * sample or log line can carry them.
 */

/** Keys dropped from every response body, at any depth. */
const SENSITIVE_KEYS: ReadonlySet<string> = new Set(["numberOnCard", "cvv"])

/** Whether a sensitive key occurs anywhere in parsed JSON (no allocation: the common case of list pages). */
const hasSensitive = (json: unknown): boolean => {
  if (Array.isArray(json)) return json.some(hasSensitive)
  if (typeof json !== "object" || json === null) return false
  for (const key in json) {
    if (SENSITIVE_KEYS.has(key) || hasSensitive((json as Record<string, unknown>)[key])) return true
  }
  return false
}

const copyWithout = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map(copyWithout)
  if (typeof json !== "object" || json === null) return json
  return Object.fromEntries(
    Object.entries(json).filter(([key]) => !SENSITIVE_KEYS.has(key)).map(([key, value]) => [key, copyWithout(value)])
  )
}

/** Parsed JSON without the sensitive keys, at any depth: the value itself when it has none, else a cleaned copy. */
export const stripSensitive = (json: unknown): unknown => (hasSensitive(json) ? copyWithout(json) : json)
