/**
 * `ClaraClientService.payments`: boleto payments and DDA bank slips (Brazil only; clara-api.md §2.2, §3.7, §5.5).
 * List filters of DDA are not documented ("by parameters") and go through as given (§7 #14).
 */
import { toEpochDay } from "@clara-recon/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import type { ClaraBadRequestError, ClaraError } from "../ClaraError.js"
import type { ClaraItem } from "../ClaraItem.js"
import type { ClaraCall, ClaraPage } from "../internal/ClaraCall.js"
import { BoletoPayment, type CreateBoletoPayment, DdaInvoice } from "../wire/Payments.js"
import {
  type ClaraQuery,
  fetchFlexiblePage,
  flexiblePages,
  getOne,
  queryParams,
  rejectInput,
  segment,
  writeMaybeJson
} from "./ListShapes.js"

/** Query of the DDA list: zero-based `page`, `size` 1-100 (default 20), other parameters passed through. */
export type DdaQuery = ClaraQuery & { readonly page?: number; readonly size?: number }

/** The payment-history filters (§2.2); dates `yyyy-MM-dd`. */
export interface BoletoPaymentFilter {
  readonly status?: string
  readonly startDate?: string
  readonly endDate?: string
  readonly page?: number
  /** 1-100, default 20. */
  readonly size?: number
}

/** The boleto and DDA operations. */
export interface PaymentsApi {
  /** Every DDA bank slip (`GET /api/v2/payments/dda`; a bare array or a Spring page). */
  readonly ddaInvoices: (query?: DdaQuery) => Stream.Stream<ClaraItem<DdaInvoice>, ClaraError>
  /** One page (`query.page`, default 0) of `ddaInvoices`. */
  readonly ddaInvoicesPage: (query?: DdaQuery) => Effect.Effect<ClaraPage<DdaInvoice>, ClaraError>
  /** One DDA slip with its digitable line (`GET /api/v2/payments/dda/{uuid}`); `ClaraNotFoundError` when unknown. */
  readonly ddaInvoice: (uuid: string) => Effect.Effect<DdaInvoice, ClaraError>
  /**
   * Pays a boleto, DDA or manual (`POST /api/v2/payments`). A write that moves money: never retried (not even on a
   * timeout; check `history` before paying again). A digitable line that is not 47 or 48 digits (dots and spaces
   * ignored) fails with `ClaraBadRequestError` before any request. The answer is not documented: the payment when
   * Clara sends one, else `undefined`.
   */
  readonly payBoleto: (request: CreateBoletoPayment) => Effect.Effect<BoletoPayment | undefined, ClaraError>
  /** Every boleto payment matching `filter` (`GET /api/v2/payments`). A bad date fails before any request. */
  readonly history: (filter?: BoletoPaymentFilter) => Stream.Stream<ClaraItem<BoletoPayment>, ClaraError>
}

const DDA = "/v2/payments/dda"
const PAYMENTS = "/v2/payments"

const historyQuery = (
  filter: BoletoPaymentFilter,
  endpoint: string
): Either.Either<{ page: number; size: number; params: Record<string, string> }, ClaraBadRequestError> => {
  const { page = 0, size = 20, ...rest } = filter
  for (const key of ["startDate", "endDate"] as const) {
    const value = rest[key]
    if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || toEpochDay(value) === undefined)) {
      return Either.left(rejectInput(endpoint, key, `must be a date yyyy-MM-dd, got ${JSON.stringify(value).slice(0, 40)}`))
    }
  }
  return Either.right({ page, size, params: queryParams(rest) })
}

/** Builds `PaymentsApi` over one `ClaraCall`. */
export const makePayments = (call: ClaraCall): PaymentsApi => {
  const split = (query: DdaQuery) => {
    const { page = 0, size = 20, ...rest } = query
    return { page, size, params: queryParams(rest) }
  }
  const payBoleto = (request: CreateBoletoPayment) => {
    const endpoint = call.endpointOf("POST", PAYMENTS)
    const line = typeof request.barcodeDigitableLine === "string" ? request.barcodeDigitableLine.trim() : ""
    const digits = line.replace(/[.\s]/g, "")
    const checked = /^\d{47,48}$/.test(digits)
      ? Either.right({ ...request, barcodeDigitableLine: line })
      : Either.left(rejectInput(endpoint, "barcodeDigitableLine", "must be 47 or 48 digits (dots and spaces allowed)"))
    return Effect.flatMap(checked, (body) => writeMaybeJson(call, "POST", PAYMENTS, body, BoletoPayment)).pipe(
      Effect.withSpan("ClaraClient.payments.payBoleto")
    )
  }
  return {
    ddaInvoices: (query = {}) => {
      const q = split(query)
      return flexiblePages(call, DDA, q.params, DdaInvoice, q.size, q.page)
    },
    ddaInvoicesPage: (query = {}) => {
      const q = split(query)
      return fetchFlexiblePage(call, DDA, q.params, DdaInvoice, q.size, q.page).pipe(
        Effect.withSpan("ClaraClient.payments.ddaInvoicesPage")
      )
    },
    ddaInvoice: (uuid) =>
      Effect.flatMap(segment(call, "GET", `${DDA}/{uuid}`, uuid), (s) => getOne(call, `${DDA}/${s}`, DdaInvoice)).pipe(
        Effect.withSpan("ClaraClient.payments.ddaInvoice")
      ),
    payBoleto,
    history: (filter = {}) =>
      Stream.unwrap(
        Effect.map(historyQuery(filter, call.endpointOf("GET", PAYMENTS)), (q) =>
          flexiblePages(call, PAYMENTS, q.params, BoletoPayment, q.size, q.page))
      )
  }
}
