/**
 * The stored JSON text of a `MatchLink`: exactly `JSON.stringify(Schema.encodeSync(MatchLink)(link))`, built
 * without the schema machinery. A month of 100k links spent most of the time storing the match step in the generic
 * encoder, for data that is already plain strings, numbers and arrays. The module checks itself once on load
 * against the schema encoder (any field added to `MatchLink` without being added here fails that check at once,
 * before a link is written), and `test/MatchLinkJson.test.ts` compares both on varied links. `matchLinkFromJson`
 * is its reverse: the schema decoder's value, without its machinery.
 */
import * as Schema from "effect/Schema"
import { Evidence, Explanation, MatchLink, RunnerUp } from "./MatchLink.js"
import { fastOrSchema, list, type Mutable, NOT_PLAIN, number, oneOf, record, text, texts } from "./internal/PlainJson.js"
import { trustedInstance } from "./TrustedInstance.js"

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

const DECISIONS: ReadonlyArray<MatchLink["decision"]> = ["AUTO_LINKED", "SUGGESTED", "CONFIRMED", "MANUAL"]
const FEATURES: ReadonlyArray<Evidence["feature"]> = ["amount", "identity", "date", "corroboration"]

const decision = (value: unknown): MatchLink["decision"] => oneOf(value, DECISIONS)

/** An evidence detail record: its own keys, each a string, number or boolean. */
const detailFrom = (value: unknown): Record<string, string | number | boolean> => {
  const json = record(value)
  const out: Record<string, string | number | boolean> = {}
  for (const key of Object.keys(json)) {
    const item = json[key]
    if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") throw NOT_PLAIN
    out[key] = item
  }
  return out
}

const evidenceFrom = (value: unknown): Evidence => {
  const json = record(value)
  return trustedInstance(Evidence, {
    feature: oneOf(json["feature"], FEATURES),
    class: text(json["class"]),
    points: number(json["points"]),
    detail: detailFrom(json["detail"])
  })
}

const runnerUpFrom = (value: unknown): RunnerUp => {
  const json = record(value)
  // in the schema's order, an absent optional key left out
  const fields = {} as Mutable<ConstructorParameters<typeof RunnerUp>[0]>
  if (json["transaction"] !== undefined) fields.transaction = text(json["transaction"])
  if (json["document"] !== undefined) fields.document = text(json["document"])
  fields.points = number(json["points"])
  fields.lostBecause = texts(json["lostBecause"])
  return trustedInstance(RunnerUp, fields)
}

const explanationFrom = (value: unknown): Explanation => {
  const json = record(value)
  const threshold = record(json["threshold"])
  const members = record(json["members"])
  const engine = record(json["engine"])
  const fields = {} as Mutable<ConstructorParameters<typeof Explanation>[0]>
  fields.linkId = text(json["linkId"])
  fields.decision = decision(json["decision"])
  fields.points = number(json["points"])
  fields.threshold = { auto: number(threshold["auto"]), suggest: number(threshold["suggest"]) }
  fields.margin = number(json["margin"])
  fields.confidence = text(json["confidence"])
  fields.members = {
    transactions: texts(members["transactions"]),
    cfdis: texts(members["cfdis"]),
    documents: texts(members["documents"])
  }
  fields.evidence = list(json["evidence"], evidenceFrom)
  if (json["runnerUp"] !== undefined) fields.runnerUp = runnerUpFrom(json["runnerUp"])
  fields.gatesFailed = texts(json["gatesFailed"])
  fields.vetoesChecked = texts(json["vetoesChecked"])
  fields.engine = {
    version: text(engine["version"]),
    configHash: text(engine["configHash"]),
    inputsHash: text(engine["inputsHash"])
  }
  fields.text = text(json["text"])
  return trustedInstance(Explanation, fields)
}

/** The link, built field by field in the schema's order; throws `NOT_PLAIN` at the first unexpected field. */
const linkFrom = (value: unknown): MatchLink => {
  const json = record(value)
  return trustedInstance(MatchLink, {
    linkId: text(json["linkId"]),
    decision: decision(json["decision"]),
    transactionUuid: text(json["transactionUuid"]),
    documentId: text(json["documentId"]),
    points: number(json["points"]),
    margin: number(json["margin"]),
    explanation: explanationFrom(json["explanation"])
  })
}

const decodeWithSchema = Schema.decodeUnknownSync(MatchLink)

/**
 * The link of a stored JSON text (`matchLinkJson`'s): the same value as
 * `Schema.decodeUnknownSync(MatchLink)(JSON.parse(json))`, built without the schema machinery when every field has
 * the shape the encoder writes. Any other text goes to the schema decoder, which throws its `ParseError` naming the
 * field; invalid JSON throws `SyntaxError`.
 */
export const matchLinkFromJson = (json: string): MatchLink => fastOrSchema(json, linkFrom, decodeWithSchema)

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
  // and the fast decoder reads back every field the schema decoder does (the schema's own JSON of both agrees)
  const fast = linkFrom(JSON.parse(matchLinkJson(link)))
  if (!(fast instanceof MatchLink) || schemaJson(fast) !== matchLinkJson(link)) {
    throw new Error("matchLinkFromJson no longer reads what the MatchLink schema decodes: update MatchLinkJson.ts")
  }
}
