/**
 * `GET /api/v3/reimbursements` (clara-api.md §2.1, §3.8): the response shape is not documented. The fields below
 * follow the filter names (requester, category code, status and the five dates); all optional but `uuid`, unknown
 * fields ignored. Dates are `yyyy-MM-dd`; `amount` is in the account currency's units.
 */
import * as Schema from "effect/Schema"
import { CurrencyAmount } from "./Common.js"

const OptionalString = Schema.optional(Schema.NullOr(Schema.String))

/** One reimbursement request. `status` is an open set (`PENDING`, `APPROVED`, ...). */
export const Reimbursement = Schema.Struct({
  uuid: Schema.String,
  status: OptionalString,
  categoryCode: OptionalString,
  description: OptionalString,
  requester: Schema.optional(Schema.NullOr(Schema.Struct({ uuid: OptionalString, name: OptionalString }))),
  amount: Schema.optional(Schema.NullOr(CurrencyAmount)),
  requestCreationDate: OptionalString,
  expenseDate: OptionalString,
  finalApprovalDate: OptionalString,
  paymentDate: OptionalString,
  lastUpdateDate: OptionalString
})
export type Reimbursement = typeof Reimbursement.Type
