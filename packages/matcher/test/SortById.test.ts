/** The id order of matching.md §7.12 (code-unit order of ids), computed with packed prefixes, is exact and stable. */
import { assert, describe, it } from "@effect/vitest"
import { Prng } from "@clara-recon/domain"
import { sortById } from "../src/internal/SortById.js"

const alphabet = ["A", "B", "a", "0", "9", "-", " ", "~", "\u007f", "\u0080", "é", "Ω", "\uffff", "😀"]

describe("sortById", () => {
  it("orders exactly as comparing the ids, equal ids in input order (seeded random ids)", () => {
    const prng = new Prng(17)
    for (let round = 0; round < 20; round++) {
      const items = Array.from({ length: 400 }, (_, i) => {
        const length = Math.floor(prng.next() * 10)
        let id = ""
        for (let k = 0; k < length; k++) id += alphabet[Math.floor(prng.next() * alphabet.length)]!
        return { id, at: i }
      })
      // Shared long prefixes and exact duplicates too.
      for (let i = 0; i < 40; i++) items.push({ id: `PREFIX-${items[i]!.id}`, at: items.length })
      for (let i = 0; i < 40; i++) items.push({ id: items[i * 3]!.id, at: items.length })
      const expected = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      const actual = sortById(items, (item) => item.id)
      assert.deepStrictEqual(actual.map((x) => x.at), expected.map((x) => x.at))
    }
  })
})
