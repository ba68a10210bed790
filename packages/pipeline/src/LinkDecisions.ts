/**
 * People's decisions on links (the CLI's `link confirm|reject`) and what the matcher learns from them: confirmed
 * pairs are pinned, rejected ones forbidden, and together they teach descriptor -> issuer RFC aliases
 * (matching.md §7.13, `MatchInput.pinned`, `rejected`, `aliases`).
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { toCardTransaction, TransactionResponseV3 } from "@clara-recon/clara"
import { FiscalDocument, MatchLink } from "@clara-recon/domain"
import { type AliasEntry, deriveAliases, type LinkDecision, linkGroupOf } from "@clara-recon/matcher"
import { ReconStore } from "./ReconStore.js"

const decodeWire = Schema.decodeUnknownOption(TransactionResponseV3)
const decodeDocument = Schema.decodeUnknownOption(FiscalDocument)
const decodeLink = Schema.decodeUnknownOption(Schema.parseJson(MatchLink))

/**
 * Records a person's decision on a link: `CONFIRMED` pins it on re-runs, `REJECTED` keeps the pair from being linked
 * again. `who` names the person, `at` is an ISO-8601 UTC instant. Fails with `UnknownLinkError` when no run holds the
 * link, `StoreError` when the store fails.
 */
export const decideLink = (linkId: string, decision: "CONFIRMED" | "REJECTED", who: string, at: string) =>
  Effect.flatMap(ReconStore, (store) => store.decideLink(linkId, decision, who, at))

/**
 * Every link decision as the matcher's `LinkDecision` (status, pair, who, when). A CONFIRMED group link (§7.6) also
 * carries its kind and members, read from the link the decision was taken on, so the next run pins the whole group.
 * Fails with `StoreError`.
 */
export const storedDecisions = Effect.map(
  Effect.flatMap(ReconStore, (store) => store.linkDecisions),
  (rows): ReadonlyArray<LinkDecision> =>
    rows.map((d) => {
      const link = d.decision === "CONFIRMED" ? decodeLink(d.linkJson) : Option.none()
      const group = Option.isSome(link) ? linkGroupOf(link.value) : undefined
      return {
        status: d.decision,
        transactionUuid: d.transactionUuid,
        documentId: d.documentId,
        who: d.decidedBy,
        when: d.decidedAt,
        ...(group === undefined ? {} : { group })
      }
    })
)

/**
 * The alias table learned from people's decisions (matcher `deriveAliases`, matching.md §7.2 and §7.13): per
 * descriptor key and issuer RFC, the confirmations, rejections and whether it is active (at least 2 confirmations,
 * no rejection in the 90 days before `asOf`, a civil date in America/Mexico_City). For the CLI's `aliases` command;
 * `aliasMap` of it is what the job passes to the matcher. Fails with `StoreError`.
 */
export const learnedAliases = (asOf: string) =>
  Effect.gen(function*() {
    const store = yield* ReconStore
    const decisions = yield* storedDecisions
    if (decisions.length === 0) return [] as ReadonlyArray<AliasEntry>
    const transactions = (yield* store.transactionsByUuid([...new Set(decisions.map((d) => d.transactionUuid))]))
      .flatMap((row) => {
        const wire = decodeWire(JSON.parse(row.json))
        if (wire._tag === "None") return []
        const tx = toCardTransaction(wire.value)
        return Either.isRight(tx) ? [tx.right] : []
      })
    const documents = (yield* store.documents([...new Set(decisions.map((d) => d.documentId))])).flatMap((row) => {
      const doc = decodeDocument(JSON.parse(row.json))
      return doc._tag === "Some" ? [doc.value] : []
    })
    return deriveAliases({ decisions, transactions, documents, asOf })
  })
