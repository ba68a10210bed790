/**
 * The money documents and Brazilian records a generated scenario carries for the emulator (clara-api.md §3.7, §3.8,
 * §3.9): monthly billing statements whose totals are the sums of the scenario's transactions (control totals), a few
 * reimbursements, digital-account transactions (BRL) and DDA bank slips. Drawn from their own seeded source so the
 * rest of every scenario is unchanged; deterministic for a seed.
 */
import type {
  BillingStatementV3,
  DdaInvoice,
  DigitalAccountTransaction,
  Reimbursement,
  TransactionResponseV3
} from "@clara-recon/clara"
import { addDays, endOfMonth, formatFixed, fromWireNumber, sumAmounts } from "@clara-recon/domain"
import type { Scenario } from "../Scenario.js"
import { Prng } from "@clara-recon/domain"

/** Mixed into the scenario seed for this module's own source. */
const MONEY_SALT = 0x3011_e7a5

/** Number of digital-account transactions (pages of 10: three full pages and a short one). */
export const DIGITAL_ACCOUNT_COUNT = 37

/** The records this module adds to a scenario. */
export interface MoneyFixtures {
  readonly billingStatements: ReadonlyArray<BillingStatementV3>
  readonly reimbursements: ReadonlyArray<Reimbursement>
  readonly digitalAccountTransactions: ReadonlyArray<DigitalAccountTransaction>
  readonly ddaInvoices: ReadonlyArray<DdaInvoice>
}

const amountOf = (t: TransactionResponseV3) => {
  const value = t.amountValue?.value
  return value === undefined ? undefined : fromWireNumber(value)
}

/** The first day of each month from `from` to `to`, inclusive. */
const monthsOf = (from: string, to: string): Array<string> => {
  const months: Array<string> = []
  for (let day = `${from.slice(0, 7)}-01`; day <= to; day = addDays(endOfMonth(day), 1)) months.push(day)
  return months
}

/** The sum of the MXN amounts of the transactions operated within `[start, end]`, as wire number. */
export const statementTotal = (transactions: ReadonlyArray<TransactionResponseV3>, start: string, end: string) => {
  const inside = transactions.filter((t) => (t.operationDate ?? "") >= start && (t.operationDate ?? "").slice(0, 10) <= end)
  return Number(formatFixed(sumAmounts(inside.flatMap((t) => amountOf(t) ?? []))))
}

const statements = (prng: Prng, scenario: Scenario): Array<BillingStatementV3> => {
  const months = monthsOf(scenario.period.from, scenario.period.to)
  const next = addDays(endOfMonth(months[months.length - 1] ?? scenario.period.from), 1)
  return [...months, next].map((start, i, all) => {
    const end = endOfMonth(start)
    const open = i === all.length - 1
    return {
      uuid: prng.uuid(),
      statementStartDate: start,
      statementEndDate: end,
      dueDate: addDays(end, 20),
      currency: "MXN",
      totalAmount: statementTotal(scenario.transactions, start, end),
      status: open ? "OPEN" : "CLOSED",
      generatedAt: open ? null : `${addDays(end, 1)}T06:00:00Z`
    }
  })
}

const CATEGORIES = ["5812", "4121", "5942", "7011"]
const STATUSES = ["PENDING", "APPROVED", "PAID", "REJECTED"]

const reimbursements = (prng: Prng, scenario: Scenario): Array<Reimbursement> => {
  const days = Math.max(1, (Date.parse(scenario.period.to) - Date.parse(scenario.period.from)) / 86_400_000 + 1)
  const people = scenario.users.length > 0
    ? scenario.users.map((u) => ({ uuid: u.uuid, name: u.fullName ?? null }))
    : [{ uuid: prng.uuid(), name: "Ana García" }]
  return Array.from({ length: 8 }, (_, i) => {
    const requester = people[i % people.length]!
    const expenseDate = addDays(scenario.period.from, prng.int(0, days - 1))
    const status = STATUSES[i % STATUSES.length]!
    const approved = status === "APPROVED" || status === "PAID"
    return {
      uuid: prng.uuid(),
      status,
      categoryCode: prng.pick(CATEGORIES),
      description: prng.pick(["Taxi al aeropuerto", "Comida con cliente", "Libros técnicos", "Hotel"]),
      requester,
      amount: { value: prng.int(150, 4000) + prng.int(0, 99) / 100, currency: "MXN" },
      requestCreationDate: addDays(expenseDate, 1),
      expenseDate,
      finalApprovalDate: approved ? addDays(expenseDate, 3) : null,
      paymentDate: status === "PAID" ? addDays(expenseDate, 6) : null,
      lastUpdateDate: addDays(expenseDate, status === "PENDING" ? 1 : 6)
    }
  })
}

const METHODS = [
  { method: "PIX", types: ["Transfer sent", "Deposit in account", "Reversal of sent transfer"] },
  { method: "TED", types: ["Transfer sent", "Deposit in account"] },
  { method: "Bill", types: ["Transfer sent"] },
  { method: "Transfer", types: ["Deposit in account"] }
] as const

const party = (prng: Prng) => ({
  name: prng.pick(["CLARA PARTICIPACOES LTDA", "FORNECEDOR ALFA LTDA", "MERCADO BETA SA"]),
  taxId: prng.digits(14),
  institution: prng.chance(0.3) ? null : prng.digits(8)
})

const digitalAccount = (prng: Prng, scenario: Scenario): Array<DigitalAccountTransaction> => {
  const days = Math.max(1, (Date.parse(scenario.period.to) - Date.parse(scenario.period.from)) / 86_400_000 + 1)
  const rows = Array.from({ length: DIGITAL_ACCOUNT_COUNT }, (_, i) => {
    const { method, types } = METHODS[i % METHODS.length]!
    const bill = method === "Bill"
    return {
      id: 3_900_000_000 + i * 7919 + prng.int(0, 7000),
      transactionDate: `${addDays(scenario.period.from, prng.int(0, days - 1))}T00:00:00`,
      amount: prng.int(1, 5000) + prng.int(0, 99) / 100,
      method,
      type: prng.pick(types),
      description: bill ? "Boleto integral" : null,
      digitableLine: bill ? prng.digits(47) : null,
      charges: bill ? { discount: 0, fee: 0, interest: 0, totalFees: null } : null,
      source: party(prng),
      beneficiary: party(prng)
    }
  })
  return rows.sort((a, b) => b.transactionDate.localeCompare(a.transactionDate) || a.id - b.id)
}

const ddaInvoices = (prng: Prng, scenario: Scenario): Array<DdaInvoice> =>
  Array.from({ length: 4 }, () => ({
    uuid: prng.uuid(),
    issuer: prng.pick(["ENERGIA SUL SA", "TELECOM NORTE LTDA", "ALUGUEL CENTRO LTDA"]),
    amount: prng.int(80, 3000) + prng.int(0, 99) / 100,
    dueDate: addDays(scenario.period.to, prng.int(1, 25)),
    status: "PENDING",
    barcodeDigitableLine: prng.digits(47)
  }))

/** The money fixtures of `scenario` (built from its seed, period, users and transactions). Pure. */
export const moneyFixturesOf = (scenario: Scenario): MoneyFixtures => {
  const prng = new Prng((scenario.seed ^ MONEY_SALT) >>> 0)
  return {
    billingStatements: statements(prng, scenario),
    reimbursements: reimbursements(prng, scenario),
    digitalAccountTransactions: digitalAccount(prng, scenario),
    ddaInvoices: ddaInvoices(prng, scenario)
  }
}

/** `scenario` with its money fixtures. */
export const withMoneyFixtures = (scenario: Scenario): Scenario => ({ ...scenario, ...moneyFixturesOf(scenario) })
