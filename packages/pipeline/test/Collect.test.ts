import { assert, describe, it } from "@effect/vitest"
import { dedupeDocuments } from "../src/Collect.js"
import { cfdi } from "./Fixtures.js"

const UUID = "6D7434A6-E3F2-47AD-9E4C-08849946AFA0"

describe("dedupeDocuments", () => {
  it("keeps one document when the same CFDI comes through Clara and a folder", () => {
    const { documents, exceptions } = dedupeDocuments([
      { document: cfdi(UUID, "/tmp/in/a.xml", "aa"), sha256: "aa" },
      { document: cfdi(UUID, "/api/v3/transactions/t1/invoices#x", "aa"), sha256: "aa" }
    ])
    assert.strictEqual(documents.length, 1)
    assert.strictEqual(exceptions.length, 0)
    assert.deepStrictEqual(documents[0]!.sources.map((s) => s.kind), ["clara-invoice", "file"])
  })

  it("reports different files carrying the same UUID as DUPLICATE_CFDI, keeping the first", () => {
    const { documents, exceptions } = dedupeDocuments([
      { document: cfdi(UUID, "/tmp/in/b.xml", "bb"), sha256: "bb" },
      { document: cfdi(UUID, "/tmp/in/a.xml", "aa"), sha256: "aa" },
      { document: cfdi(UUID, "/tmp/in/c.xml", "cc"), sha256: "cc" }
    ])
    assert.strictEqual(documents.length, 1)
    assert.strictEqual(documents[0]!.sources[0]!.location, "/tmp/in/a.xml")
    assert.deepStrictEqual(exceptions.map((e) => [e.code, e.location]), [
      ["DUPLICATE_CFDI", "/tmp/in/b.xml"],
      ["DUPLICATE_CFDI", "/tmp/in/c.xml"]
    ])
    assert.include(exceptions[0]!.message, "/tmp/in/a.xml")
  })
})
