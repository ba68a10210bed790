/**
 * Incremental runs, overrides and learning (matching.md §7.13). The store and the `clara-recon link confirm|reject`
 * and `clara-recon aliases` commands live elsewhere; this module defines what they exchange with the pure core:
 * - `LinkDecision`: a person's decision on a (transaction, document) pair: CONFIRMED or MANUAL links are pinned on
 *   every later run; REJECTED pairs are forbidden edges and never proposed again;
 * - `PreviousLink`: an AUTO link of an earlier run, kept unless a new edge beats it by `relinkPoints` (then the run
 *   emits RELINK_PROPOSED: never a silent move);
 * - `AliasEntry` and `deriveAliases`: the learned alias table (normalised descriptor -> issuer RFC), derived purely
 *   from confirmed and rejected decisions.
 */
import { type CardTransaction, type CivilDate, type FiscalDocument, type MatchLink, toEpochDay } from "@clara-recon/domain"
import type { GroupKind } from "./Groups.js"
import { identityRfc } from "./internal/Rfc.js"
import { descriptorKey } from "./Normalisation.js"

/** Status of a person's decision (§7.13 "State"). */
export type LinkDecisionStatus = "CONFIRMED" | "MANUAL" | "REJECTED"

/**
 * A person's decision on one (transaction, document) pair, as stored by `clara-recon link confirm|reject`.
 * - CONFIRMED: an engine link or suggestion a person accepted; MANUAL: a pair a person made by hand. Both are
 *   pinned: taken first and kept as is by every later run.
 * - REJECTED: a forbidden edge: the pair is never linked nor suggested again, and it teaches a decayed negative.
 */
export interface LinkDecision {
  readonly status: LinkDecisionStatus
  /** Clara transaction `uuid`. */
  readonly transactionUuid: string
  /** The document id: a CFDI UUID (upper case) or an extracted document uuid. */
  readonly documentId: string
  /** Who decided: a user id or e-mail, as the CLI records it. */
  readonly who: string
  /** When, ISO-8601 instant in UTC (`2025-02-03T10:15:00Z`). */
  readonly when: string
  /**
   * The group a CONFIRMED decision covers, when the link was a group (§7.6): pinned whole on later runs, not as its
   * one (transactionUuid, documentId) pair. Absent for a pair.
   */
  readonly group?: LinkGroup
}

/**
 * The members of a confirmed group link: its kind, the Clara transaction uuids and the document ids (CFDI UUIDs or
 * extracted document uuids). `documentId` of the decision is the group's first document (a netted invoice).
 */
export interface LinkGroup {
  readonly kind: GroupKind
  readonly transactions: ReadonlyArray<string>
  readonly documents: ReadonlyArray<string>
}

/** An AUTO link of an earlier run (`MatchLink` satisfies this shape). */
export interface PreviousLink {
  readonly transactionUuid: string
  readonly documentId: string
  /** Its points when it was made. */
  readonly points: number
}

/**
 * One learned alias: a normalised descriptor (`descriptorKey`) and the issuer RFC people confirmed for it.
 * `active` entries (at least `minConfirmations` confirmations and no rejection in the last `rejectionWindowDays`
 * days) are what `aliasMap` passes to `match` as `aliases`.
 */
export interface AliasEntry {
  readonly descriptorKey: string
  readonly rfc: string
  readonly confirmations: number
  readonly rejections: number
  /** ISO-8601 UTC instants of the first and last confirmation, and of the last rejection. */
  readonly firstConfirmedAt: string | undefined
  readonly lastConfirmedAt: string | undefined
  readonly lastRejectedAt: string | undefined
  readonly active: boolean
}

/** Options of `deriveAliases`. Defaults: 2 confirmations, 90 days (matching.md §7.2 "the learned alias table"). */
export interface AliasOptions {
  readonly decisions: ReadonlyArray<LinkDecision>
  /** The transactions and documents the decisions name (others are ignored). */
  readonly transactions: ReadonlyArray<CardTransaction>
  readonly documents: ReadonlyArray<FiscalDocument>
  /** Civil date (America/Mexico_City) the rejection window counts back from. */
  readonly asOf: CivilDate
  readonly minConfirmations?: number
  readonly rejectionWindowDays?: number
}

const groupKinds: ReadonlySet<string> = new Set<GroupKind>(["SPLIT_INVOICES", "CREDIT_NOTE_NETTED", "MSI", "SPLIT_TENDER"])

/**
 * The group a link row stands for (its amount term of class `G1`-`G4` names the kind; the explanation lists the
 * members), or undefined for a pair. What `link confirm` of a group row stores with the decision.
 */
export const linkGroupOf = (link: MatchLink): LinkGroup | undefined => {
  const kind = link.explanation.evidence.find((e) => e.feature === "amount")?.detail["kind"]
  if (typeof kind !== "string" || !groupKinds.has(kind)) return undefined
  const { cfdis, transactions } = link.explanation.members
  return {
    kind: kind as GroupKind,
    transactions,
    documents: [link.documentId, ...cfdis.filter((id) => id !== link.documentId)]
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Derives the alias table from people's decisions (matching.md §7.2, §7.13 "Learning"): each CONFIRMED or MANUAL
 * decision counts one confirmation of (descriptor key of the transaction, issuer RFC of the document), each
 * REJECTED one a rejection. Generic or malformed RFCs, empty descriptor keys and decisions naming unknown records
 * are skipped. Pure: the same decisions give the same table, sorted by descriptor key then RFC. When one
 * descriptor has several active RFCs, only the most confirmed (then the smallest RFC) stays active.
 */
export const deriveAliases = (options: AliasOptions): ReadonlyArray<AliasEntry> => {
  const minConfirmations = options.minConfirmations ?? 2
  const windowDays = options.rejectionWindowDays ?? 90
  const asOfDay = toEpochDay(options.asOf)
  const txs = new Map(options.transactions.map((t) => [t.uuid, t]))
  const docs = new Map(options.documents.map((d) => [d.id.trim().toUpperCase(), d]))
  const keys = new Map<string, string>()
  const keyOf = (descriptor: string) => {
    let key = keys.get(descriptor)
    if (key === undefined) {
      key = descriptorKey(descriptor)
      keys.set(descriptor, key)
    }
    return key
  }
  const table = new Map<string, {
    descriptorKey: string
    rfc: string
    confirmations: number
    rejections: number
    confirmedAt: Array<string>
    rejectedAt: Array<string>
  }>()
  for (const decision of options.decisions) {
    const tx = txs.get(decision.transactionUuid)
    const doc = docs.get(decision.documentId.trim().toUpperCase())
    if (tx === undefined || doc === undefined) continue
    const rfc = identityRfc(doc.issuer.taxId)
    const key = keyOf(tx.descriptor)
    if (rfc === undefined || key === "") continue
    const id = `${key}\n${rfc}`
    const entry = table.get(id) ??
      { descriptorKey: key, rfc, confirmations: 0, rejections: 0, confirmedAt: [], rejectedAt: [] }
    table.set(id, entry)
    if (decision.status === "REJECTED") {
      entry.rejections++
      entry.rejectedAt.push(decision.when)
    } else {
      entry.confirmations++
      entry.confirmedAt.push(decision.when)
    }
  }
  const recentRejection = (instants: ReadonlyArray<string>) =>
    instants.some((when) => {
      const day = toEpochDay(when.slice(0, 10))
      return asOfDay === undefined || day === undefined || asOfDay - day <= windowDays
    })
  const entries = [...table.values()].map((e): AliasEntry => {
    const confirmed = [...e.confirmedAt].sort()
    const rejected = [...e.rejectedAt].sort()
    return {
      descriptorKey: e.descriptorKey,
      rfc: e.rfc,
      confirmations: e.confirmations,
      rejections: e.rejections,
      firstConfirmedAt: confirmed[0],
      lastConfirmedAt: confirmed[confirmed.length - 1],
      lastRejectedAt: rejected[rejected.length - 1],
      active: e.confirmations >= minConfirmations && !recentRejection(rejected)
    }
  })
  entries.sort((a, b) => compare(a.descriptorKey, b.descriptorKey) || compare(a.rfc, b.rfc))
  const winner = new Map<string, AliasEntry>()
  for (const entry of entries) {
    if (!entry.active) continue
    const current = winner.get(entry.descriptorKey)
    if (current === undefined || entry.confirmations > current.confirmations) winner.set(entry.descriptorKey, entry)
  }
  return entries.map((entry) =>
    entry.active && winner.get(entry.descriptorKey) !== entry ? { ...entry, active: false } : entry
  )
}

/** The active entries as the `aliases` input of `match` (descriptor key -> RFC). */
export const aliasMap = (entries: ReadonlyArray<AliasEntry>): ReadonlyMap<string, string> =>
  new Map(entries.filter((e) => e.active).map((e) => [e.descriptorKey, e.rfc]))

/** Confirmation counts per active alias, for explanations (`aliasConfirmations`). */
export const aliasConfirmations = (entries: ReadonlyArray<AliasEntry>): ReadonlyMap<string, number> =>
  new Map(entries.filter((e) => e.active).map((e) => [`${e.descriptorKey}\n${e.rfc}`, e.confirmations]))
