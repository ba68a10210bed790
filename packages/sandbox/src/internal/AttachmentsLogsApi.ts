/**
 * The emulator's v2 attachments and v1 logs (clara-api.md §2.2, §2.3, §3.7, §3.10, §5.4). Attachments are the
 * scenario's receipts (one per RECEIPT extracted document, entity `TRANSACTION`), with a pre-signed `url` valid 12 h
 * (served by the `/files/attachments/...` route) and the base64 content as `{fileName, mimeType, base64}`. Logs are
 * the emulator's own request log: each entry is stamped (epoch ms, UTC) the first time a logs route sees it.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Scenario } from "../Scenario.js"
import { receiptText } from "./Attachments.js"
import type { ExtendedState } from "./ExtendedState.js"
import { first } from "./ListQuery.js"
import { json, notFound, validationError } from "./Replies.js"
import type { UrlSigner } from "./UrlSigner.js"

/** Lifetime of a download link, in seconds (§5.4: 12 hours). */
const DOWNLOAD_TTL_SECONDS = 43_200

/** The scenario's receipts as v2 attachments (without URL). */
const attachmentsOf = (scenario: Scenario) =>
  Object.entries(scenario.extractedDocuments).flatMap(([transactionUuid, documents]) =>
    documents.filter((d) => d.type === "RECEIPT").map((receipt) => ({
      uuid: receipt.uuid,
      fileName: `receipt-${receipt.uuid.slice(0, 8)}.txt`,
      entityUuid: transactionUuid,
      entityType: "TRANSACTION",
      mimeType: "text/plain",
      createdAt: `${receipt.data?.receiptDate ?? "2025-01-01"}T12:00:00.000000Z`,
      receipt
    }))
  )

const baseUrl = HttpServer.addressWith((address) =>
  Effect.succeed(address._tag === "TcpAddress" ? `https://${address.hostname}:${address.port}` : "https://localhost")
)

/** `GET /api/v2/attachments`: every attachment as a bare array; `entityType`, `entityUuid` filters. */
export const listAttachments = (scenario: Scenario) =>
  Effect.map(HttpServerRequest.ParsedSearchParams, (params) => {
    const type = first(params, "entityType")
    const entity = first(params, "entityUuid")
    return json(
      attachmentsOf(scenario)
        .filter((a) => (type === undefined || a.entityType === type) && (entity === undefined || a.entityUuid === entity))
        .map(({ receipt: _, ...meta }) => meta)
    )
  })

const withAttachment = <R>(
  scenario: Scenario,
  f: (a: ReturnType<typeof attachmentsOf>[number]) => Effect.Effect<ReturnType<typeof json>, never, R>
) =>
  Effect.flatMap(HttpRouter.params, (p) => {
    const found = attachmentsOf(scenario).find((a) => a.uuid === p["uuid"])
    return found === undefined ? Effect.succeed(notFound("Attachment not found")) : f(found)
  })

/** `GET /api/v2/attachments/{uuid}`: the metadata with a pre-signed `url` (and `urlExpiration`). */
export const oneAttachment = (scenario: Scenario, signer: UrlSigner) =>
  withAttachment(scenario, ({ receipt: _, ...meta }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const pathname = `/files/attachments/${meta.entityUuid}/${meta.uuid}.txt`
      const { expiresAt, query } = signer.sign(pathname, now, DOWNLOAD_TTL_SECONDS)
      return json({ ...meta, url: `${yield* baseUrl}${pathname}?${query}`, urlExpiration: expiresAt.toISOString() })
    }))

/** `GET /api/v2/attachments/{uuid}/base64`: `{fileName, mimeType, base64}`. */
export const attachmentBase64 = (scenario: Scenario) =>
  withAttachment(scenario, (a) =>
    Effect.succeed(json({
      fileName: a.fileName,
      mimeType: a.mimeType,
      base64: Buffer.from(receiptText(a.receipt), "utf8").toString("base64")
    })))

/** The request log, stamped; `log` is the emulator's `{method, path, status}` list. */
const stamped = (
  state: ExtendedState,
  log: ReadonlyArray<{ readonly method: string; readonly path: string; readonly status: number }>
) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    while (state.logStamps.length < log.length) state.logStamps.push(now)
    return log.map((entry, i) => ({
      id: `log-${i + 1}`,
      responseStatus: String(entry.status),
      projectTokenId: "emulator-project",
      requestUri: entry.path,
      method: entry.method,
      chargeable: entry.path.startsWith("/api/"),
      instant: state.logStamps[i]!
    }))
  })

/** `LogsResponse` of the log entries whose UTC instant starts with `prefix` (`yyyy-MM` or `yyyy-MM-dd`). */
const logsFor = (
  state: ExtendedState,
  log: ReadonlyArray<{ readonly method: string; readonly path: string; readonly status: number }>,
  prefix: (now: number) => string
) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const wanted = prefix(now)
    const requests = (yield* stamped(state, log)).filter((r) => new Date(r.instant).toISOString().startsWith(wanted))
    const chargeable = requests.filter((r) => r.chargeable).length
    return json({ stats: { total: requests.length, chargeable, nonChargeable: requests.length - chargeable }, requests })
  })

/** `GET /api/v1/logs/current`, `/{yyyy}/{MM}` and `/{yyyy}/{MM}/{dd}`. */
export const logs = (
  state: ExtendedState,
  log: ReadonlyArray<{ readonly method: string; readonly path: string; readonly status: number }>,
  which: "current" | "month" | "day"
) =>
  Effect.flatMap(HttpRouter.params, (p) => {
    if (which === "current") return logsFor(state, log, (now) => new Date(now).toISOString().slice(0, 7))
    const year = p["year"] ?? ""
    const month = p["month"] ?? ""
    const day = p["day"]
    if (!/^\d{4}$/.test(year) || !/^(0[1-9]|1[0-2])$/.test(month) || (day !== undefined && !/^(0[1-9]|[12]\d|3[01])$/.test(day))) {
      return Effect.succeed(validationError("logs paths are /{yyyy}/{MM} or /{yyyy}/{MM}/{dd}"))
    }
    return logsFor(state, log, () => `${year}-${month}${day === undefined ? "" : `-${day}`}`)
  })
