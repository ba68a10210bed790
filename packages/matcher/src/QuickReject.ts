/**
 * A conservative quick test run before `scoreEdge` on every candidate of a run (matching.md §7.3 step 3): most
 * candidates of a dense run are same-amount documents of another merchant, and are no edge. The hot fields of each
 * evidence cluster are copied once into flat typed arrays (direction, day, total in minor units as an exact number,
 * FormaPago points...), so that direction, date window, amount class, corroboration and the identity bound are
 * decided on numbers, with the (memoised) name similarity last.
 *
 * The test only ever answers "certainly no edge" or "score it": a pair it rejects is one that `scoreEdge` would
 * reject too, so results are the same with or without it. Clusters and charges outside its simple case (several
 * members, a receipt tip, a foreign currency, an original amount, an alias) are always passed on to `scoreEdge`.
 */
import type { EvidenceCluster } from "./Clusters.js"
import type { MatcherConfig } from "./MatcherConfig.js"
import type { TransactionView } from "./Prepared.js"
import {
  cfdiDatePoints,
  formaPagoPoints,
  mccFits,
  nameBand,
  receiptDatePoints,
  type ScoringContext
} from "./Scoring.js"
import { mayShareTokenWith, type NameProfile } from "./Similarity.js"

/** Minor units below this bound are exact as numbers even multiplied by 1160 (2^40 x 2^11 < 2^53). */
const exactBound = 2 ** 40

/** Bits of a cluster's flags word. */
const simpleBit = 1
const refundBit = 2
const fiscalBit = 4
const distinctiveBit = 8
const attachedBit = 16
const uploaderBit = 32
const claveBit = 64
const namedBit = 128

/** Integers per cluster in `ClusterTable.ints`. */
const stride = 6

/**
 * The hot fields of every cluster, interleaved by cluster index so that one candidate reads one or two cache lines:
 * `ints[6c..6c+5]` = flags, day of the single member, FormaPago points (+1, -3, 0), currency id, start of its issuer
 * name in `names` and its token count | join count << 16; `amounts[2c]` = |total| in minor units of the currency
 * (an exact integer), `amounts[2c + 1]` = the MXN value of a foreign-currency CFDI (NaN when none). Clusters with
 * several members, a tip or huge amounts are not simple: their candidates always go to scoring.
 */
export interface ClusterTable {
  readonly ints: Int32Array
  readonly amounts: Float64Array
  /** The quick fields (`NameProfile.quick`) of every cluster's issuer name, one after the other. */
  readonly names: Int32Array
  /** Interned currency codes. */
  readonly currencies: Map<string, number>
  readonly claveProdServ: ReadonlyArray<string | undefined>
  readonly attachedTo: ReadonlyArray<ReadonlyArray<string> | undefined>
  readonly uploadedBy: ReadonlyArray<string | undefined>
  readonly name: ReadonlyArray<NameProfile | undefined>
}

const currencyId = (currencies: Map<string, number>, code: string): number => {
  let id = currencies.get(code)
  if (id === undefined) currencies.set(code, id = currencies.size)
  return id
}

/** Copies the hot fields of the clusters (given in index order) into flat arrays. O(m). */
export const buildClusterTable = (clusters: ReadonlyArray<EvidenceCluster>): ClusterTable => {
  const m = clusters.length
  const ints = new Int32Array(stride * m)
  const amounts = new Float64Array(2 * m)
  const currencies = new Map<string, number>()
  const claveProdServ = new Array<string | undefined>(m)
  const attachedTo = new Array<ReadonlyArray<string> | undefined>(m)
  const uploadedBy = new Array<string | undefined>(m)
  const names = new Array<NameProfile | undefined>(m)
  let size = 0
  for (const cluster of clusters) size += cluster.issuerNames[0]?.quick.length ?? 0
  const pool = new Int32Array(size)
  let at = 0
  for (const cluster of clusters) {
    const c = cluster.index
    const member = cluster.members[0]!
    const name = cluster.issuerNames[0]
    const simple = cluster.members.length === 1 && member.tipMinor === 0n && member.totalMinor < exactBound &&
      (member.convertedMinor === undefined || member.convertedMinor < exactBound) && cluster.issuerNames.length <= 1
    const clave = cluster.fiscal?.claveProdServ
    ints[stride * c] = (simple ? simpleBit : 0) | (cluster.direction === "REFUND" ? refundBit : 0) |
      (member.fiscal ? fiscalBit : 0) | (cluster.distinctive ? distinctiveBit : 0) |
      (member.attachedTo.length > 0 ? attachedBit : 0) | (member.uploadedBy !== undefined ? uploaderBit : 0) |
      (clave !== undefined ? claveBit : 0) | (name !== undefined ? namedBit : 0)
    ints[stride * c + 1] = member.day
    ints[stride * c + 2] = member.fiscal ? formaPagoPoints(cluster.fiscal?.formaPago) : 0
    ints[stride * c + 3] = currencyId(currencies, member.currency)
    ints[stride * c + 4] = at
    ints[stride * c + 5] = name === undefined ? 0 : name.tokens.length | (name.joins.length << 16)
    if (name !== undefined) {
      pool.set(name.quick, at)
      at += name.quick.length
    }
    amounts[2 * c] = Number(member.totalMinor)
    amounts[2 * c + 1] = member.convertedMinor === undefined ? NaN : Number(member.convertedMinor)
    claveProdServ[c] = clave
    attachedTo[c] = member.attachedTo.length > 0 ? member.attachedTo : undefined
    uploadedBy[c] = member.uploadedBy
    names[c] = name
  }
  return { ints, amounts, names: pool, currencies, claveProdServ, attachedTo, uploadedBy, name: names }
}

/** The charge side of the quick test, computed once per transaction. */
export interface ChargeFields {
  /** False when every candidate of the charge goes to scoring. */
  readonly simple: boolean
  /** `refundBit` for a refund, 0 for a purchase, -1 for any other type (never a candidate). */
  readonly direction: number
  readonly charge: number
  /** Currency ids (-1 when no cluster has it), and whether the account currency is MXN. */
  readonly currency: number
  readonly mxn: boolean
  /** The merchant-currency amount (minor units) and its currency id, when it differs from the account currency. */
  readonly original: number
  readonly originalCurrency: number
}

/** The charge's fields for `quickReject`; not simple when it has a confirmed alias (§7.4) or a huge amount. */
export const chargeFields = (ctx: ScoringContext, table: ClusterTable, tx: TransactionView): ChargeFields => ({
  simple: tx.day !== undefined && tx.amountMinor < exactBound &&
    (tx.original === undefined || tx.original.minor < exactBound) &&
    (ctx.aliases.size === 0 || !ctx.aliases.has(tx.descriptorKey)),
  direction: tx.type === "PURCHASE" ? 0 : tx.type === "REFUND" ? refundBit : -1,
  charge: Number(tx.amountMinor),
  currency: table.currencies.get(tx.currency) ?? -1,
  mxn: tx.currency === "MXN",
  original: tx.original === undefined ? NaN : Number(tx.original.minor),
  originalCurrency: tx.original === undefined ? -2 : table.currencies.get(tx.original.currency) ?? -2
})

/** Amount points of a same-currency total (§7.4 A2, A3, A5, A6) on exact numbers, as `sameCurrencyClass`. */
const amountPoints = (config: MatcherConfig, charge: number, total: number, tipPlausible: boolean): number => {
  const gap = charge - total
  const abs = gap < 0 ? -gap : gap
  if (abs <= 1) return 8
  const relative = config.roundingPermille * charge
  const rounding = config.roundingMinor * 1000
  if (abs * 1000 <= (rounding > relative ? rounding : relative)) return 6
  if (
    tipPlausible && gap > 0 && gap * 100 >= config.tipMinPercent * total && gap * 100 <= config.tipMaxPercent * total
  ) return 2
  const scaled = charge * 1000
  if (Math.abs(scaled - 1160 * total) <= 2 * total || Math.abs(scaled - 1080 * total) <= 2 * total) return 1
  return -1
}

/** Amount points of a CFDI converted to MXN (§7.4 A4: within 0.5 / 2 / 4 %), as `fxPoints`; -1 when none. */
const convertedPoints = (charge: number, converted: number): number => {
  if (Number.isNaN(converted)) return -1
  const gap = Math.abs(converted - charge) * 1000
  return gap <= 5 * charge ? 6 : gap <= 20 * charge ? 4 : gap <= 40 * charge ? 2 : -1
}

/**
 * `true` when the pair is certainly no edge (`scoreEdge` would return `undefined`): another direction, outside the
 * date window, no amount class, or an identity that cannot lift the points to `edgePoints` (contradicting names
 * below 0.30, or a similarity band too low). `false` means "score it".
 */
export const quickReject = (
  ctx: ScoringContext,
  table: ClusterTable,
  tx: TransactionView,
  fields: ChargeFields,
  c: number
): boolean => {
  const { ints } = table
  const flags = ints[stride * c]!
  if ((flags & refundBit) !== fields.direction) return true
  if (!fields.simple || (flags & simpleBit) === 0) return false
  const { config } = ctx
  const delta = ints[stride * c + 1]! - tx.day!
  const date = (flags & fiscalBit) !== 0 ? cfdiDatePoints(config, tx, delta) : receiptDatePoints(config, delta)
  if (date === undefined) return true
  const currency = ints[stride * c + 3]!
  const total = table.amounts[2 * c]!
  const amount = currency === fields.currency
    ? amountPoints(config, fields.charge, total, tx.restaurant)
    : fields.mxn
    ? convertedPoints(fields.charge, table.amounts[2 * c + 1]!)
    : -1
  const original = currency === fields.originalCurrency && Math.abs(fields.original - total) <= 1 ? 9 : -1
  if (amount < 0 && original < 0) return true
  let partial = Math.max(amount, original) + date + ints[stride * c + 2]!
  if ((flags & attachedBit) !== 0 && table.attachedTo[c]!.includes(tx.uuid)) partial += 6
  if ((flags & uploaderBit) !== 0 && table.uploadedBy[c] === tx.userUuid) partial += 1
  if ((flags & claveBit) !== 0 && tx.mcc !== undefined && mccFits(tx.mcc, table.claveProdServ[c]!)) partial += 1
  // Identity as `identityOf` with no receipt, no alias and no penalty.
  if (!tx.informative || (flags & namedBit) === 0) return partial < config.edgePoints
  const need = config.edgePoints - partial
  if (need > 5) return true
  const start = ints[stride * c + 4]!
  const counts = ints[stride * c + 5]!
  let sim = 0
  for (const own of tx.names) {
    // The similarity is 0 unless some token may be shared: decided on the flat copy of the cluster's name.
    if (mayShareTokenWith(own, table.names, start, counts & 0xffff, counts >>> 16)) {
      sim = Math.max(sim, ctx.similarity(own, table.name[c]!))
    }
  }
  const contradicting = sim < 0.3 && tx.distinctive && (flags & distinctiveBit) !== 0
  if (contradicting) return need > -6
  return nameBand(sim)[2] < need
}
