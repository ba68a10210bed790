/** `mexicoCityDate`: "today" for a run is the civil date in America/Mexico_City, not in UTC. */
import { assert, describe, it } from "@effect/vitest"
import { mexicoCityDate } from "../src/CivilDate.js"

describe("mexicoCityDate", () => {
  it("is the date in Mexico City, a day behind UTC in the evening (UTC-6, no daylight saving since 2022)", () => {
    // 2026-02-06 01:00 UTC is 2026-02-05 19:00 in Mexico City
    assert.strictEqual(mexicoCityDate(Date.parse("2026-02-06T01:00:00Z")), "2026-02-05")
    assert.strictEqual(mexicoCityDate(Date.parse("2026-02-06T06:00:00Z")), "2026-02-06")
    assert.strictEqual(mexicoCityDate(Date.parse("2026-12-31T23:59:59Z")), "2026-12-31")
  })
})
