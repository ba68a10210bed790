/**
 * The stored JSON text of a `MatchLink`: exactly `JSON.stringify(Schema.encodeSync(MatchLink)(link))`, built
 * without the schema machinery. A month of 100k links spent most of the time storing the match step in the generic
 * encoder, for data that is already plain strings, numbers and arrays. The module checks itself once on load
 * against the schema encoder (any field added to `MatchLink` without being added here fails that check at once,
 * before a link is written), and `test/MatchLinkJson.test.ts` compares both on varied links.
 */
import * as Schema from "effect/Schema"
import { Evidence, Explanation, MatchLink, RunnerUp } from "./MatchLink.js"

// Every object below is written with the schema's keys in the schema's order, which is how the encoder emits a
// struct; optional keys that are absent (or undefined) are left out by JSON.stringify, as by the encoder.
const evidenceOf = (e: Evidence) => ({ feature: e.feature, class: e.class, points: e.points, detail: e.detail })

const runnerUpOf = (r: RunnerUp | undefined) =>
  r === undefined
    ? undefined
    : { transaction: r.transaction, document: r.document, points: r.points, lostBecause: r.lostBecause }

const explanationOf = (x: Explanation) => ({
  linkId: x.linkId,
  decision: x.decision,
  points: x.points,
  threshold: { auto: x.threshold.auto, suggest: x.threshold.suggest },
  margin: x.margin,
  confidence: x.confidence,
  members: { transactions: x.members.transactions, cfdis: x.members.cfdis, documents: x.members.documents },
  evidence: x.evidence.map(evidenceOf),
  runnerUp: runnerUpOf(x.runnerUp),
  gatesFailed: x.gatesFailed,
  vetoesChecked: x.vetoesChecked,
  engine: { version: x.engine.version, configHash: x.engine.configHash, inputsHash: x.engine.inputsHash },
  text: x.text
})

const plainOf = (link: MatchLink) => ({
  linkId: link.linkId,
  decision: link.decision,
  transactionUuid: link.transactionUuid,
  documentId: link.documentId,
  points: link.points,
  margin: link.margin,
  explanation: explanationOf(link.explanation)
})

const schemaJson = (link: MatchLink): string => JSON.stringify(Schema.encodeSync(MatchLink)(link))

/**
 * `JSON.stringify` of the encoded link (schema key order), the text stored for each link and written to
 * `links.json`. Never fails: a `MatchLink` holds only JSON values.
 */
export const matchLinkJson = (link: MatchLink): string => JSON.stringify(plainOf(link))

// The check on load: a link using every field, optional ones set and unset.
const probe = (runnerUp: RunnerUp | undefined) =>
  new MatchLink({
    linkId: "lnk_probe",
    decision: "SUGGESTED",
    transactionUuid: "t",
    documentId: "D",
    points: 12,
    margin: 1.5,
    explanation: new Explanation({
      linkId: "lnk_probe",
      decision: "SUGGESTED",
      points: 12,
      threshold: { auto: 15, suggest: 9 },
      margin: 1.5,
      confidence: "0.875",
      members: { transactions: ["t"], cfdis: ["D"], documents: ["R"] },
      evidence: [
        new Evidence({ feature: "amount", class: "A2_EXACT", points: 8, detail: { gap: "0.00", n: 1, b: true } })
      ],
      ...(runnerUp === undefined ? {} : { runnerUp }),
      gatesFailed: ["margin"],
      vetoesChecked: ["dateWindow"],
      engine: { version: "v", configHash: "c", inputsHash: "i" },
      text: "probe"
    })
  })
for (const runnerUp of [undefined, new RunnerUp({ document: "E", points: 10, lostBecause: ["date"] })]) {
  const link = probe(runnerUp)
  if (matchLinkJson(link) !== schemaJson(link)) {
    throw new Error("matchLinkJson no longer writes what the MatchLink schema encodes: update MatchLinkJson.ts")
  }
}
