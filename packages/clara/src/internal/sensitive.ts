/**
 * Card secrets Clara sends on `GET /api/v3/cards/{uuid}` (clara-api.md §3.2): the full PAN (`numberOnCard`) and the
 * `cvv`. The client removes them from every parsed body before anything else sees it, so no decoded value, error
 * sample or log line can carry them.
 */

/** Keys dropped from every response body, at any depth. */
const SENSITIVE_KEYS: ReadonlySet<string> = new Set(["numberOnCard", "cvv"])

/** A copy of parsed JSON without the sensitive keys, at any depth. */
export const stripSensitive = (json: unknown): unknown => {
  if (Array.isArray(json)) return json.map(stripSensitive)
  if (typeof json !== "object" || json === null) return json
  return Object.fromEntries(
    Object.entries(json).filter(([key]) => !SENSITIVE_KEYS.has(key)).map(([key, value]) => [key, stripSensitive(value)])
  )
}
