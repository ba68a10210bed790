/**
 * People's decisions on links (the CLI's `link confirm|reject`) and what the matcher learns from them: confirmed
 * pairs teach a descriptor -> issuer RFC alias (matching.md, `MatchInput.aliases`).
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { toCardTransaction, TransactionResponseV3 } from "@clara-recon/clara"
import { FiscalDocument } from "@clara-recon/domain"
import { ReconStore } from "./ReconStore.js"

const decodeWire = Schema.decodeUnknownOption(TransactionResponseV3)
const decodeDocument = Schema.decodeUnknownOption(FiscalDocument)

/**
 * Records a person's decision on a link: `CONFIRMED` pins it on re-runs, `REJECTED` keeps the pair from being linked
 * again. `who` names the person, `at` is an ISO-8601 UTC instant. Fails with `UnknownLinkError` when no run holds the
 * link, `StoreError` when the store fails.
 */
export const decideLink = (linkId: string, decision: "CONFIRMED" | "REJECTED", who: string, at: string) =>
  Effect.flatMap(ReconStore, (store) => store.decideLink(linkId, decision, who, at))

/**
 * The aliases learned from CONFIRMED decisions: the transaction's descriptor (as Clara shows it) -> the issuer RFC of
 * the confirmed document, sorted by descriptor; the latest decision wins on a conflict. Fails with `StoreError`.
 */
export const learnedAliases = Effect.gen(function*() {
  const store = yield* ReconStore
  const confirmed = (yield* store.linkDecisions).filter((d) => d.decision === "CONFIRMED")
    .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt) || a.linkId.localeCompare(b.linkId))
  if (confirmed.length === 0) return new Map<string, string>() as ReadonlyMap<string, string>
  const transactions = new Map(
    (yield* store.transactionsByUuid(confirmed.map((d) => d.transactionUuid))).map((r) => [r.uuid, r.json])
  )
  const documents = new Map((yield* store.documents(confirmed.map((d) => d.documentId))).map((r) => [r.documentId, r.json]))
  const aliases = new Map<string, string>()
  for (const d of confirmed) {
    const txJson = transactions.get(d.transactionUuid)
    const docJson = documents.get(d.documentId)
    if (txJson === undefined || docJson === undefined) continue
    const wire = decodeWire(JSON.parse(txJson))
    const doc = decodeDocument(JSON.parse(docJson))
    if (wire._tag === "None" || doc._tag === "None") continue
    const tx = toCardTransaction(wire.value)
    const rfc = doc.value.issuer.taxId
    if (Either.isLeft(tx) || rfc === undefined || rfc === "") continue
    aliases.set(tx.right.descriptor, rfc)
  }
  return new Map([...aliases.entries()].sort(([a], [b]) => a.localeCompare(b))) as ReadonlyMap<string, string>
})
