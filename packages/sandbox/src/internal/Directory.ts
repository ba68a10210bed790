/**
 * The company's people and cards as Clara's directory lists them (clara-api.md §3.2, §3.7, §4.1): one user per
 * cardholder with the card their transactions carry, a second card (locked or cancelled) for some of them, and two
 * users without a card (the owner and a former employee). Drawn from its own seeded source so adding it left the
 * transactions of every seed unchanged.
 */
import type { CardV3, UserV3 } from "@clara-recon/clara"
import type { ScenarioCard } from "../Scenario.js"
import { Prng } from "@clara-recon/domain"

/** A cardholder and the card they pay with. */
export interface Cardholder {
  readonly user: { readonly uuid: string; readonly name: string }
  readonly card: { readonly uuid: string; readonly lastFourDigits: string; readonly maskedPan: string }
}

/** Mixed into the scenario seed for the directory's own source. */
const DIRECTORY_SALT = 0x5eed_d1e5

/** The issuer prefix of the sandbox's cards (the one in Clara's samples). */
const BIN = "510979"

const EXTRA_USERS = [
  { name: "Patricia Vázquez León", role: "COMPANY_OWNER", status: "ACTIVE" },
  { name: "Héctor Cruz Mendoza", role: "EMPLOYEE", status: "INACTIVE" }
] as const

/** Lower-case ASCII of a name, words joined by dots: `maria.jose.hernandez.torres`. */
const slug = (name: string) =>
  name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/\s+/).join(".")

/** Whether a digit string passes the Luhn check. */
const luhnValid = (digits: string) =>
  [...digits].reverse().reduce((sum, c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1)
    return sum + (d > 9 ? d - 9 : d)
  }, 0) % 10 === 0

/** A 16-digit Luhn-valid PAN with the sandbox BIN that ends in `lastFour`. */
const panEndingIn = (prng: Prng, lastFour: string) => {
  const middle = prng.digits(5)
  const fill = [..."0123456789"].find((d) => luhnValid(`${BIN}${middle}${d}${lastFour}`))!
  return `${BIN}${middle}${fill}${lastFour}`
}

const userOf = (
  uuid: string,
  fullName: string,
  index: number,
  fields: { readonly role: string; readonly status: string },
  prng: Prng
): UserV3 => {
  const [name = fullName, ...rest] = fullName.split(" ")
  const email = `${slug(fullName)}@grupotlaloc.example`
  return {
    uuid,
    name,
    lastName: rest.join(" "),
    fullName,
    email,
    username: email,
    status: fields.status,
    role: fields.role,
    erpId: `EMP-${String(1001 + index)}`,
    createdAt: `2024-${String(prng.int(1, 12)).padStart(2, "0")}-${String(prng.int(1, 28)).padStart(2, "0")}`
  }
}

const cardOf = (
  prng: Prng,
  user: UserV3,
  card: { readonly uuid: string; readonly lastFourDigits: string },
  fields: Pick<CardV3, "alias" | "status" | "lockCode" | "type">
): ScenarioCard => {
  const numberOnCard = panEndingIn(prng, card.lastFourDigits)
  return {
    card: {
      uuid: card.uuid,
      claraStatus: fields.status ?? null,
      ...fields,
      threshold: prng.int(5, 50) * 1000,
      periodicity: prng.pick(["MONTHLY", "MONTHLY", "DAILY"]),
      maskedPan: `${numberOnCard.slice(0, 6)}******${card.lastFourDigits}`,
      user: { uuid: user.uuid, fullName: user.fullName ?? null, username: user.username ?? null },
      expiryDate: `${String(prng.int(1, 12)).padStart(2, "0")}/${prng.int(27, 31)}`
    },
    numberOnCard,
    cvv: prng.digits(3)
  }
}

/** The users and cards of a scenario whose transactions are paid by `cardholders`. Deterministic for a seed. */
export const directoryOf = (
  cardholders: ReadonlyArray<Cardholder>,
  seed: number
): { readonly users: ReadonlyArray<UserV3>; readonly cards: ReadonlyArray<ScenarioCard> } => {
  const prng = new Prng((seed ^ DIRECTORY_SALT) >>> 0)
  const users: Array<UserV3> = []
  const cards: Array<ScenarioCard> = []
  cardholders.forEach((holder, index) => {
    const user = userOf(holder.user.uuid, holder.user.name, index, { role: "EMPLOYEE", status: "ACTIVE" }, prng)
    users.push(user)
    const first = user.name ?? ""
    cards.push(cardOf(prng, user, holder.card, {
      alias: `Virtual ${first}`,
      status: "ACTIVE",
      lockCode: "UNLOCKED",
      type: "MASTER_VIRTUAL"
    }))
    if (prng.chance(0.5)) {
      const locked = prng.chance(0.5)
      cards.push(cardOf(prng, user, { uuid: prng.uuid(), lastFourDigits: prng.digits(4) }, {
        alias: `Física ${first}`,
        status: locked ? "LOCKED" : "CANCELLED",
        lockCode: locked ? "TEMPORAL_LOCKED" : "UNLOCKED",
        type: "MASTER_CORPORATE"
      }))
    }
  })
  EXTRA_USERS.forEach((extra, i) => users.push(userOf(prng.uuid(), extra.name, cardholders.length + i, extra, prng)))
  return { users, cards }
}
